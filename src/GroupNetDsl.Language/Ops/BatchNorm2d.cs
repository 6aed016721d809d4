using System.Collections.Generic;
using System.Globalization;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>nn.BatchNorm2d in eval mode (running statistics). Folded into the preceding conv when there is one.</summary>
public sealed record BatchNorm2dOp(int NumFeatures, double Epsilon) : Operation
{
    public override string TorchName => "BatchNorm2d";

    public override OpDescriptor Descriptor => BatchNorm2d.Descriptor;
}

/// <summary>batchnorm: folded into the weights of a conv before it, else a per-channel scale and shift.</summary>
public sealed class BatchNorm2d : OpDescriptor
{
    public static readonly BatchNorm2d Descriptor = new();

    public override string Name => "batchnorm";

    public override string TorchName => "nn.BatchNorm2d";

    public override bool HasWeights => true;

    public override IReadOnlyList<OpParameter> Parameters { get; } =
        [OpParameter.DerivedInteger("num_features", "(inferred when left out)"), OpParameter.Number("eps", 1e-5), OpParameter.Ignored("momentum", ArgumentType.Number)];

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("BatchNorm2d") };

    internal override bool IsDeferred(OpSite site) => !site.Has("num_features");

    internal override Operation? Create(OpSite site)
    {
        int features = site.Has("num_features") ? site.Int("num_features") : site.InputChannels ?? 0;
        double epsilon = site.Number("eps");
        if (epsilon <= 0 || double.IsNaN(epsilon))
        {
            site.Report(DiagnosticDescriptors.InvalidValue, site.LocationOf("eps"), site.DisplayName, "eps", "positive", epsilon);
        }
        if (site.Ok && features <= 0)
        {
            site.Report(DiagnosticDescriptors.WrongRank, site.Location, site.DisplayName, "an image (channels x height x width)", "a flat vector", "batchnorm normalizes the channels of an image");
        }
        return site.Ok ? new BatchNorm2dOp(features, epsilon) : null;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site) =>
        site.RequireChannels(inputs[0], ((BatchNorm2dOp)operation).NumFeatures, "num_features", "batchnorm normalizes the channels of an image") ? inputs[0] : null;

    public override long ParameterCount(Operation operation) => 2L * ((BatchNorm2dOp)operation).NumFeatures;

    public override IEnumerable<WeightTensor> Weights(string path, Operation operation)
    {
        int features = ((BatchNorm2dOp)operation).NumFeatures;
        yield return Weight(path, "weight", WeightRole.Parameter, features);
        yield return Weight(path, "bias", WeightRole.Parameter, features);
        yield return Weight(path, "running_mean", WeightRole.Buffer, features);
        yield return Weight(path, "running_var", WeightRole.Buffer, features);
        yield return Weight(path, "num_batches_tracked", WeightRole.Ignored);
    }

    public override string Describe(Operation operation)
    {
        var norm = (BatchNorm2dOp)operation;
        return $"{norm.NumFeatures}, eps {norm.Epsilon.ToString("G", CultureInfo.InvariantCulture)}";
    }

    public override FusionRole FusesAs(Operation operation) => FusionRole.FoldedNormalization;

    public override bool Absorbs(Operation operation, FusionRole role) => role is FusionRole.ResidualAdd or FusionRole.Activation;

    /// <summary>The runtime's <c>BatchNormKeys</c> of the batchnorm at <paramref name="path"/>: its state_dict keys and eps.</summary>
    internal static string Keys(string path, BatchNorm2dOp norm) =>
        $"new {CSharpEmitter.WeightsNamespace}.BatchNormKeys({StepCode.Key(path, "weight")}, {StepCode.Key(path, "bias")}, "
        + $"{StepCode.Key(path, "running_mean")}, {StepCode.Key(path, "running_var")}, {StepCode.Key(path, "num_batches_tracked")}, {StepCode.Double(norm.Epsilon)})";

    internal override void Emit(StepCode code)
    {
        var step = code.Step;
        var node = step.Primary;
        var norm = (BatchNorm2dOp)node.Operation;
        var input = code.Input;
        string scale = code.Field(node.Path, "scale");
        string shift = code.Field(node.Path, "shift");
        code.Load.Add($"({scale}, {shift}) = {CSharpEmitter.WeightsNamespace}.BatchNormFolding.LoadScaleShift(weights,");
        code.Load.Add($"    {Keys(node.Path, norm)}, channels: {norm.NumFeatures});");

        bool residual = step.FusedAdd is not null;
        string name = $"ScaleShift_{StepCode.Shape(input)}{code.EpilogueSuffix}";
        string method = code.Methods.Add(name, () =>
        {
            int plane = input.Height * input.Width;
            var w = new SourceWriter();
            w.Line($"/// <summary>batchnorm as a per-channel scale and shift on {input}.</summary>");
            w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} scale, {SourceWriter.ReadOnlySpan} shift, {(residual ? SourceWriter.ReadOnlySpan + " residual, " : string.Empty)}{SourceWriter.Span} output)");
            w.Open($"for (int c = 0; c < {input.Channels}; c++)");
            w.Line($"{SourceWriter.Span} plane = output.Slice(c * {plane}, {plane});");
            w.Line($"input.Slice(c * {plane}, {plane}).CopyTo(plane);");
            w.Line($"global::GroupNetDsl.Kernels.VectorKernels.ScaleShift(plane, scale[c], shift[c]);");
            if (residual) w.Line($"global::GroupNetDsl.Kernels.VectorKernels.Add(residual.Slice(c * {plane}, {plane}), plane);");
            if (ActivationDescriptor.Apply(step.Activation, "plane") is { } activate) w.Line(activate);
            w.Close();
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {scale}, {shift}, {code.ResidualArgument(buffer)}{buffer(step.Last.Index)});");
    }
}
