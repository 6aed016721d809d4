using System.Globalization;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Emit;

/// <summary>
/// Emits one convolution configuration as a method that calls the runtime kernel with every size a constant.
/// Grouped and dense convs are G independent matrix products (Convolution, weights packed at load for the
/// micro-kernel); depthwise convs run channel by channel through DepthwiseKernel.
/// </summary>
internal static class ConvolutionKernel
{
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    private const string Span = "global::System.Span<float>";

    public static string Name(Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias) =>
        string.Format(CultureInfo.InvariantCulture, "{0}_{1}x{2}x{3}_to_{4}x{5}x{6}_k{7}_s{8}_p{9}{10}{11}{12}",
            conv.IsDepthwise ? "DepthwiseConv" : conv.Groups > 1 ? "GroupedConv" : conv.KernelSize == 1 ? "PointwiseConv" : "Conv",
            input.Channels, input.Height, input.Width, output.Channels, output.Height, output.Width,
            conv.KernelSize, conv.Stride, conv.Padding,
            conv.Dilation != 1 ? "_d" + conv.Dilation.ToString(CultureInfo.InvariantCulture) : string.Empty,
            conv.Groups != 1 ? "_g" + conv.Groups.ToString(CultureInfo.InvariantCulture) : string.Empty,
            hasBias ? string.Empty : "_NoBias");

    /// <summary>
    /// Depthwise convolutions (one input channel per group) filter each plane on its own;
    /// every other convolution is a matrix product per group (<c>PackedGemm</c>), which keeps the FMA units busy.
    /// </summary>
    public static bool UsesTaps(Conv2dOp conv) => conv.InChannelsPerGroup == 1;

    public static string Emit(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation) =>
        UsesTaps(conv) ? EmitTaps(name, conv, input, output, hasBias, residual, activation) : EmitProduct(name, conv, input, output, hasBias, residual, activation);

    /// <summary>One call of the runtime's grouped product with every size a constant (bias, residual and activation fused).</summary>
    private static string EmitProduct(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation)
    {
        int depth = conv.InChannelsPerGroup * conv.KernelSize * conv.KernelSize;
        var w = new SourceWriter();
        w.Line($"/// <summary>conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}, groups {conv.Groups}: {input} -> {output}; per group a [{conv.OutChannelsPerGroup} x {depth}] x [{depth} x {output.Height * output.Width}] product{(residual ? ", + residual" : string.Empty)}{(activation is null ? string.Empty : ", " + (activation == ActivationKind.ReLU ? "relu" : "relu6"))}.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {ReadOnlySpan} weight, {ReadOnlySpan} bias, {(residual ? ReadOnlySpan + " residual, " : string.Empty)}{Span} output, global::GroupNetDsl.Kernels.WorkerTeam? team)");
        w.Line($"global::GroupNetDsl.Kernels.Convolution.Convolve({Shape(conv, input, output)},");
        w.Line($"    input, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationName(activation)}, output, team);");
        w.Close();
        return w.ToString().TrimEnd('\n');
    }

    private static string EmitTaps(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation)
    {
        var w = new SourceWriter();
        w.Line($"/// <summary>depthwise conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}: {input} -> {output}, channel by channel{(residual ? ", + residual" : string.Empty)}{(activation is null ? string.Empty : ", " + (activation == ActivationKind.ReLU ? "relu" : "relu6"))}.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {ReadOnlySpan} weight, {ReadOnlySpan} bias, {(residual ? ReadOnlySpan + " residual, " : string.Empty)}{Span} output, global::GroupNetDsl.Kernels.WorkerTeam? team)");
        w.Line($"global::GroupNetDsl.Kernels.DepthwiseKernel.Convolve({Shape(conv, input, output)},");
        w.Line($"    input, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationName(activation)}, output, team);");
        w.Close();
        return w.ToString().TrimEnd('\n');
    }

    private static string Shape(Conv2dOp conv, TensorShape input, TensorShape output) => string.Format(CultureInfo.InvariantCulture,
        "new global::GroupNetDsl.Kernels.ConvolutionShape({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10})",
        input.Channels, input.Height, input.Width, output.Channels, output.Height, output.Width, conv.KernelSize, conv.Stride, conv.Padding, conv.Dilation, conv.Groups);

    private static string ActivationName(ActivationKind? activation) => activation switch
    {
        ActivationKind.ReLU => "global::GroupNetDsl.Kernels.Activation.Relu",
        ActivationKind.ReLU6 => "global::GroupNetDsl.Kernels.Activation.Relu6",
        _ => "global::GroupNetDsl.Kernels.Activation.None",
    };
}
