using System.Collections.Generic;
using System.Globalization;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>torchvision's LayerNorm2d: a layer norm over the channels at each pixel, with a per-channel weight and bias.</summary>
public sealed record LayerNorm2dOp(int NumChannels, double Epsilon) : Operation
{
    public override string TorchName => "LayerNorm2d";

    public override OpDescriptor Descriptor => LayerNorm2d.Descriptor;
}

/// <summary>
/// layernorm2d: torchvision.models.convnext.LayerNorm2d(num_channels, eps=1e-5), an nn.LayerNorm over the channels of an
/// NCHW tensor (PyTorch permutes to channels-last, normalizes the last dim, permutes back): at each pixel,
/// (x - mean) / sqrt(var + eps) * weight + bias, the variance biased. Keys <c>.weight</c> and <c>.bias</c>, each [C].
/// eps defaults to nn.LayerNorm's 1e-5, which LayerNorm2d inherits; ConvNeXt passes eps=1e-6.
/// </summary>
public sealed class LayerNorm2d : OpDescriptor
{
    public static readonly LayerNorm2d Descriptor = new();

    public override string Name => "layernorm2d";

    public override string TorchName => "torchvision's LayerNorm2d";

    public override bool HasWeights => true;

    public override IReadOnlyList<OpParameter> Parameters { get; } = [OpParameter.RequiredInteger("num_channels"), OpParameter.Number("eps", 1e-5)];

    internal override Operation? Create(OpSite site)
    {
        int channels = site.Int("num_channels");
        double epsilon = site.Number("eps");
        if (epsilon <= 0 || double.IsNaN(epsilon) || double.IsInfinity(epsilon))
        {
            site.Report(DiagnosticDescriptors.InvalidValue, site.LocationOf("eps"), site.DisplayName, "eps", "positive", epsilon);
        }
        return site.Ok ? new LayerNorm2dOp(channels, epsilon) : null;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site) =>
        site.RequireChannels(inputs[0], ((LayerNorm2dOp)operation).NumChannels, "num_channels", "layernorm2d normalizes the channels of an image at each pixel") ? inputs[0] : null;

    public override long ParameterCount(Operation operation) => 2L * ((LayerNorm2dOp)operation).NumChannels;

    public override IEnumerable<WeightTensor> Weights(string path, Operation operation)
    {
        int channels = ((LayerNorm2dOp)operation).NumChannels;
        yield return Weight(path, "weight", WeightRole.Parameter, channels);
        yield return Weight(path, "bias", WeightRole.Parameter, channels);
    }

    public override string Describe(Operation operation)
    {
        var norm = (LayerNorm2dOp)operation;
        return $"{norm.NumChannels}, eps {norm.Epsilon.ToString("G", CultureInfo.InvariantCulture)}";
    }

    public override bool Absorbs(Operation operation, FusionRole role) => role == FusionRole.Activation;

    internal override void Emit(StepCode code)
    {
        var step = code.Step;
        var node = step.Primary;
        var norm = (LayerNorm2dOp)node.Operation;
        var input = code.Input;
        string weight = code.Field(node.Path, "weight");
        string bias = code.Field(node.Path, "bias");
        code.Load.Add($"{weight} = {StepCode.TakeVector(node.Path, "weight", norm.NumChannels)};");
        code.Load.Add($"{bias} = {StepCode.TakeVector(node.Path, "bias", norm.NumChannels)};");
        // eps as the float PyTorch adds in float arithmetic; the name keeps configurations with other eps apart.
        string epsilon = ((float)norm.Epsilon).ToString("R", CultureInfo.InvariantCulture) + "f";
        string name = $"LayerNorm2d_{StepCode.Shape(input)}_Eps{epsilon.TrimEnd('f').Replace('.', 'p').Replace('-', 'm').Replace("+", string.Empty)}{code.EpilogueSuffix}";
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>layernorm2d over the {input.Channels} channels at each pixel of {input}, eps {epsilon}.</summary>");
            w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {SourceWriter.Span} output)");
            w.Line($"{CSharpEmitter.KernelsNamespace}.TensorKernels.LayerNorm2d(input, weight, bias, output, channels: {input.Channels}, plane: {input.Height * input.Width}, epsilon: {epsilon});");
            if (ActivationDescriptor.Apply(step.Activation, "output") is { } activate) w.Line(activate);
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {weight}, {bias}, {buffer(step.Last.Index)});");
    }
}
