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
        double epsilon = Epsilon(site);
        return site.Ok ? new LayerNorm2dOp(channels, epsilon) : null;
    }

    /// <summary>The eps argument, reported unless positive and finite.</summary>
    internal static double Epsilon(OpSite site)
    {
        double epsilon = site.Number("eps");
        if (epsilon <= 0 || double.IsNaN(epsilon) || double.IsInfinity(epsilon))
        {
            site.Report(DiagnosticDescriptors.InvalidValue, site.LocationOf("eps"), site.DisplayName, "eps", "positive", epsilon);
        }
        return epsilon;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site) =>
        site.RequireChannels(inputs[0], ((LayerNorm2dOp)operation).NumChannels, "num_channels", "layernorm2d normalizes the channels of an image at each pixel") ? inputs[0] : null;

    public override long ParameterCount(Operation operation) => 2L * ((LayerNorm2dOp)operation).NumChannels;

    public override IEnumerable<WeightTensor> Weights(string path, Operation operation) => AffineWeights(path, ((LayerNorm2dOp)operation).NumChannels);

    /// <summary>A layer norm's elementwise affine: <c>weight</c> and <c>bias</c>, [channels] each.</summary>
    internal static IEnumerable<WeightTensor> AffineWeights(string path, int channels)
    {
        yield return Weight(path, "weight", WeightRole.Parameter, channels);
        yield return Weight(path, "bias", WeightRole.Parameter, channels);
    }

    public override string Describe(Operation operation) => Describe(((LayerNorm2dOp)operation).NumChannels, ((LayerNorm2dOp)operation).Epsilon);

    internal static string Describe(int channels, double epsilon) => $"{channels}, eps {epsilon.ToString("G", CultureInfo.InvariantCulture)}";

    public override bool Absorbs(Operation operation, FusionRole role) => role == FusionRole.Activation;

    internal override void Emit(StepCode code) => EmitNorm(code, ((LayerNorm2dOp)code.Step.Primary.Operation).Epsilon);

    /// <summary>
    /// A layer norm over the channels at each pixel of the step's input, NCHW in memory (an NCHW image here, a
    /// channels-last image or a flat vector for layernorm), with its affine weights and the step's activation.
    /// </summary>
    internal static void EmitNorm(StepCode code, double eps)
    {
        var step = code.Step;
        var node = step.Primary;
        var input = code.Input;
        string weight = code.Field(node.Path, "weight");
        string bias = code.Field(node.Path, "bias");
        code.Load.Add($"{weight} = {StepCode.TakeVector(node.Path, "weight", input.Channels)};");
        code.Load.Add($"{bias} = {StepCode.TakeVector(node.Path, "bias", input.Channels)};");
        // eps as the float PyTorch adds in float arithmetic; the name keeps configurations with other eps apart.
        string epsilon = ((float)eps).ToString("R", CultureInfo.InvariantCulture) + "f";
        string name = $"LayerNorm_{StepCode.Shape(input)}_Eps{epsilon.TrimEnd('f').Replace('.', 'p').Replace('-', 'm').Replace("+", string.Empty)}{code.EpilogueSuffix}";
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>layer norm over the {input.Channels} channels at each of the {input.Height * input.Width} pixels, eps {epsilon}.</summary>");
            w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {SourceWriter.Span} output)");
            w.Line($"{CSharpEmitter.KernelsNamespace}.TensorKernels.LayerNorm2d(input, weight, bias, output, channels: {input.Channels}, plane: {input.Height * input.Width}, epsilon: {epsilon});");
            if (ActivationDescriptor.Apply(step.Activation, "output") is { } activate) w.Line(activate);
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {weight}, {bias}, {buffer(step.Last.Index)});");
    }
}
