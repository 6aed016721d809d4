using System.Collections.Generic;
using GroupNetDsl.Kernels;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>nn.Linear on a flat input.</summary>
public sealed record LinearOp(int InFeatures, int OutFeatures, bool Bias) : Operation
{
    public override string TorchName => "Linear";

    public override OpDescriptor Descriptor => Linear.Descriptor;

    public long ParameterCount => (long)InFeatures * OutFeatures + (Bias ? OutFeatures : 0);
}

/// <summary>
/// linear: one dot product per output feature, with an activation in its epilogue when one follows. On a channels-last
/// image (ConvNeXt's block, after permute(0, 2, 3, 1)) it acts at each pixel over the channels: a 1x1 conv with
/// [out, in] weights, on the NCHW data.
/// </summary>
public sealed class Linear : OpDescriptor
{
    public static readonly Linear Descriptor = new();

    public override string Name => "linear";

    public override string TorchName => "nn.Linear";

    public override bool HasWeights => true;

    public override IReadOnlyList<OpParameter> Parameters { get; } =
        [OpParameter.RequiredInteger("in_features"), OpParameter.RequiredInteger("out_features"), OpParameter.Boolean("bias", true)];

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("Linear") };

    public override bool AcceptsChannelsLast => true;

    internal override Operation? Create(OpSite site)
    {
        int inFeatures = site.Int("in_features");
        int outFeatures = site.Int("out_features");
        return site.Ok ? new LinearOp(inFeatures, outFeatures, site.Flag("bias")) : null;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        var linear = (LinearOp)operation;
        var input = inputs[0];
        if (!input.IsFlat && !input.ChannelsLast)
        {
            site.Report(DiagnosticDescriptors.WrongRank, site.Location, site.DisplayName, "a flat", $"an image {input}", "flatten it first, for example fc(flatten(x))");
            return null;
        }
        if (input.Channels != linear.InFeatures)
        {
            site.ReportChannelMismatch(DiagnosticDescriptors.LinearFeatureMismatch, "in_features", linear.InFeatures, input);
            return null;
        }
        // The generated code indexes the weight, out_features rows of in_features, in 32 bits.
        long weights = (long)linear.OutFeatures * linear.InFeatures;
        if (weights > KernelLayout.MaxBufferLength)
        {
            site.Report(DiagnosticDescriptors.TensorTooLarge, site.Location, site.DisplayName, $"weight {linear.OutFeatures}x{linear.InFeatures}", weights, KernelLayout.MaxBufferLength);
            return null;
        }
        return input.IsFlat ? TensorShape.Flat(linear.OutFeatures) : TensorShape.Chw(linear.OutFeatures, input.Height, input.Width).WithChannelsLast(true);
    }

    public override long ParameterCount(Operation operation) => ((LinearOp)operation).ParameterCount;

    /// <summary>in x out per vector: once for a flat input, at each pixel of a channels-last one.</summary>
    public override long MultiplyAccumulates(Operation operation, TensorShape output) =>
        (long)((LinearOp)operation).InFeatures * ((LinearOp)operation).OutFeatures * output.Height * output.Width;

    public override IEnumerable<WeightTensor> Weights(string path, Operation operation)
    {
        var linear = (LinearOp)operation;
        yield return Weight(path, "weight", WeightRole.Parameter, linear.OutFeatures, linear.InFeatures);
        if (linear.Bias) yield return Weight(path, "bias", WeightRole.Parameter, linear.OutFeatures);
    }

    public override string Describe(Operation operation)
    {
        var linear = (LinearOp)operation;
        return $"{linear.InFeatures}->{linear.OutFeatures}" + (linear.Bias ? ", bias" : string.Empty);
    }

    public override bool Absorbs(Operation operation, FusionRole role) => role == FusionRole.Activation;

    internal override void Emit(StepCode code)
    {
        var step = code.Step;
        var node = step.Primary;
        var linear = (LinearOp)node.Operation;
        string weight = code.Field(node.Path, "weight");
        code.Load.Add($"{weight} = weights.Take({StepCode.Key(node.Path, "weight")}, {linear.OutFeatures}, {linear.InFeatures});");
        string? bias = null;
        if (linear.Bias)
        {
            bias = code.Field(node.Path, "bias");
            code.Load.Add($"{bias} = {StepCode.TakeVector(node.Path, "bias", linear.OutFeatures)};");
        }
        if (code.Input.ChannelsLast)
        {
            EmitPerPixel(code, linear, weight, bias);
            return;
        }
        string name = $"Linear_{linear.InFeatures}_{linear.OutFeatures}{(bias is null ? "_NoBias" : string.Empty)}{code.EpilogueSuffix}";
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>linear {linear.InFeatures}->{linear.OutFeatures}.</summary>");
            w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {SourceWriter.Span} output, {CSharpEmitter.KernelsNamespace}.WorkerTeam? team)");
            w.Line($"{CSharpEmitter.KernelsNamespace}.LinearKernel.Multiply(weight, input.Slice(0, {linear.InFeatures}), bias, output.Slice(0, {linear.OutFeatures}), inFeatures: {linear.InFeatures}, outFeatures: {linear.OutFeatures}, team);");
            if (step.Activation is { } kind)
            {
                w.Open($"for (int o = 0; o < {linear.OutFeatures}; o++)");
                w.Line("float value = output[o];");
                w.Line($"output[o] = {ActivationDescriptor.For(kind).Scalar("value")};");
                w.Close();
            }
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {weight}, {(bias ?? "default")}, {buffer(step.Last.Index)}, _groupNetTeam);");
    }

    /// <summary>The linear at each pixel of a channels-last image: a 1x1 conv over the NCHW data, then the step's activation.</summary>
    private static void EmitPerPixel(StepCode code, LinearOp linear, string weight, string? bias)
    {
        var step = code.Step;
        var node = step.Primary;
        int plane = code.Input.Height * code.Input.Width;
        string name = $"PixelLinear_{linear.InFeatures}_{linear.OutFeatures}_{code.Input.Height}x{code.Input.Width}{(bias is null ? "_NoBias" : string.Empty)}{code.EpilogueSuffix}";
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>linear {linear.InFeatures}->{linear.OutFeatures} at each of the {plane} pixels of a channels-last image.</summary>");
            w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {SourceWriter.Span} output)");
            w.Line($"{CSharpEmitter.KernelsNamespace}.TensorKernels.PixelLinear(input, weight, bias, output, inFeatures: {linear.InFeatures}, outFeatures: {linear.OutFeatures}, plane: {plane});");
            if (ActivationDescriptor.Apply(step.Activation, "output") is { } activate) w.Line(activate);
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {weight}, {(bias ?? "default")}, {buffer(step.Last.Index)});");
    }
}
