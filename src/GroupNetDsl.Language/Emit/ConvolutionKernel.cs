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
    public static bool UsesTaps(Conv2dOp conv) => global::GroupNetDsl.Kernels.KernelLayout.RunsOnDepthwiseKernel(conv.InChannelsPerGroup);

    /// <summary>
    /// The layer's method. With <paramref name="pool"/>, a global average pool is fused in: the method takes a
    /// workspace (the conv's output, then one sum per output row) and writes one mean per channel.
    /// </summary>
    public static string Emit(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation, bool pool)
    {
        string kernel = UsesTaps(conv) ? "DepthwiseKernel" : "Convolution";
        var w = new SourceWriter();
        w.Line(UsesTaps(conv)
            ? $"/// <summary>depthwise conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}: {input} -> {output}, channel by channel{Epilogue(residual, activation, pool)}.</summary>"
            : $"/// <summary>conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}, groups {conv.Groups}: {input} -> {output}; per group a [{conv.OutChannelsPerGroup} x {conv.InChannelsPerGroup * conv.KernelSize * conv.KernelSize}] x [{conv.InChannelsPerGroup * conv.KernelSize * conv.KernelSize} x {output.Height * output.Width}] product{Epilogue(residual, activation, pool)}.</summary>");
        string target = pool ? $"{Span} workspace, {Span} pooled" : $"{Span} output";
        w.Open($"private static void {name}({ReadOnlySpan} input, {ReadOnlySpan} weight, {ReadOnlySpan} bias, {(residual ? ReadOnlySpan + " residual, " : string.Empty)}{target}, global::GroupNetDsl.Kernels.WorkerTeam? team)");
        string arguments = $"input, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationName(activation)}";
        if (pool)
        {
            w.Line($"global::GroupNetDsl.Kernels.{kernel}.ConvolveAndPool({Shape(conv, input, output)},");
            w.Line($"    {arguments}, workspace, pooled, team);");
        }
        else
        {
            w.Line($"global::GroupNetDsl.Kernels.{kernel}.Convolve({Shape(conv, input, output)},");
            w.Line($"    {arguments}, output, team);");
        }
        w.Close();
        return w.ToString().TrimEnd('\n');
    }

    /// <summary>
    /// A depthwise conv and the 1x1 conv that alone reads it, as one method: SeparableKernel runs them band by band
    /// of output rows.
    /// </summary>
    public static string EmitSeparable(string name, Conv2dOp depthwise, TensorShape input, TensorShape middle, bool depthwiseBias, ActivationKind? depthwiseActivation,
        Conv2dOp pointwise, TensorShape output, bool hasBias, bool residual, ActivationKind? activation)
    {
        var w = new SourceWriter();
        w.Line($"/// <summary>depthwise conv {depthwise.InChannels}->{depthwise.OutChannels}, {depthwise.KernelSize}x{depthwise.KernelSize}, stride {depthwise.Stride}, pad {depthwise.Padding}, dilation {depthwise.Dilation}: {input} -> {middle}{Epilogue(false, depthwiseActivation, false)},"
            + $" then conv {pointwise.InChannels}->{pointwise.OutChannels}, 1x1: -> {output}{Epilogue(residual, activation, false)}; band by band of output rows.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {ReadOnlySpan} depthwiseWeight, {ReadOnlySpan} depthwiseBias, {ReadOnlySpan} weight, {ReadOnlySpan} bias, {(residual ? ReadOnlySpan + " residual, " : string.Empty)}{Span} output, global::GroupNetDsl.Kernels.WorkerTeam? team)");
        w.Line($"global::GroupNetDsl.Kernels.SeparableKernel.Convolve({Shape(depthwise, input, middle)},");
        w.Line($"    input, depthwiseWeight, {(depthwiseBias ? "depthwiseBias" : "default")}, {ActivationName(depthwiseActivation)},");
        w.Line($"    {pointwise.OutChannels}, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationName(activation)}, output, team);");
        w.Close();
        return w.ToString().TrimEnd('\n');
    }

    private static string Epilogue(bool residual, ActivationKind? activation, bool pool) =>
        (residual ? ", + residual" : string.Empty)
        + (activation is null ? string.Empty : ", " + (activation == ActivationKind.ReLU ? "relu" : "relu6"))
        + (pool ? ", then the global average pool" : string.Empty);

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
