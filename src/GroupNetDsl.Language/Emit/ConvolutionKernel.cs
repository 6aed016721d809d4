using System.Globalization;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Emit;

/// <summary>
/// Emits one convolution configuration as a method with every size a constant. Grouped and dense convs are
/// G independent matrix products on contiguous channel slices (weights packed at load for the micro-kernel).
/// Depthwise convs run plane by plane through DepthwiseKernel, which keeps each output's sum in a register
/// across the filter taps.
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

    /// <summary>True when the product reads the input directly: a 1x1 conv with stride 1 and no padding.</summary>
    private static bool ReadsInputDirectly(Conv2dOp conv) => conv.KernelSize == 1 && conv.Stride == 1 && conv.Padding == 0;

    /// <summary>Floats of workspace the conv needs: one group's im2col matrix, or none.</summary>
    public static int WorkspaceLength(Conv2dOp conv, TensorShape input, TensorShape output) =>
        UsesTaps(conv) || ReadsInputDirectly(conv) ? 0 : conv.InChannelsPerGroup * conv.KernelSize * conv.KernelSize * output.Height * output.Width;

    public static string Emit(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation) =>
        UsesTaps(conv) ? EmitTaps(name, conv, input, output, hasBias, residual, activation) : EmitProduct(name, conv, input, output, hasBias, residual, activation);

    /// <summary>Per group: (im2col into the workspace, unless a plain 1x1) then the packed matrix product with the fused epilogue.</summary>
    private static string EmitProduct(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation)
    {
        int inPlane = input.Height * input.Width;
        int outPlane = output.Height * output.Width;
        int inPerGroup = conv.InChannelsPerGroup;
        int outPerGroup = conv.OutChannelsPerGroup;
        int depth = inPerGroup * conv.KernelSize * conv.KernelSize;
        int packed = (outPerGroup + 5) / 6 * 6 * depth;
        bool direct = ReadsInputDirectly(conv);
        bool grouped = conv.Groups > 1;
        string g(string perGroup) => grouped ? $"g * {perGroup}" : "0";
        string act = ActivationName(activation);

        var w = new SourceWriter();
        w.Line($"/// <summary>conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}, groups {conv.Groups}: {input} -> {output}; per group a [{outPerGroup} x {depth}] x [{depth} x {outPlane}] product{(residual ? ", + residual" : string.Empty)}{(activation is null ? string.Empty : ", " + (activation == ActivationKind.ReLU ? "relu" : "relu6"))}.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {ReadOnlySpan} weight, {ReadOnlySpan} bias, {(residual ? ReadOnlySpan + " residual, " : string.Empty)}{Span} output{(direct ? string.Empty : ", " + Span + " workspace")}, global::GroupNetDsl.Kernels.WorkerTeam? team)");
        if (grouped) w.Open($"for (int g = 0; g < {conv.Groups}; g++)");
        string groupInput = $"input.Slice({g((inPerGroup * inPlane).ToString(CultureInfo.InvariantCulture))}, {inPerGroup * inPlane})";
        if (!direct)
        {
            w.Line($"global::GroupNetDsl.Kernels.PackedGemm.Im2Col({groupInput}, {inPerGroup}, {input.Height}, {input.Width}, {conv.KernelSize}, {conv.Stride}, {conv.Padding}, {conv.Dilation}, {output.Height}, {output.Width}, workspace);");
        }
        string b = direct ? groupInput : "workspace";
        string biasArgument = hasBias ? $"bias.Slice({g(outPerGroup.ToString(CultureInfo.InvariantCulture))}, {outPerGroup})" : "default";
        string residualArgument = residual ? $"residual.Slice({g((outPerGroup * outPlane).ToString(CultureInfo.InvariantCulture))}, {outPerGroup * outPlane})" : "default";
        w.Line($"global::GroupNetDsl.Kernels.PackedGemm.Multiply(weight.Slice({g(packed.ToString(CultureInfo.InvariantCulture))}, {packed}), {outPerGroup}, {depth}, {b}, {outPlane},");
        w.Line($"    {biasArgument}, {residualArgument}, {act}, output.Slice({g((outPerGroup * outPlane).ToString(CultureInfo.InvariantCulture))}, {outPerGroup * outPlane}), team);");
        if (grouped) w.Close();
        w.Close();
        return w.ToString().TrimEnd('\n');
    }

    private static string EmitTaps(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation)
    {
        int inPlane = input.Height * input.Width;
        int outPlane = output.Height * output.Width;
        int taps = conv.KernelSize * conv.KernelSize;
        int outPerGroup = conv.OutChannelsPerGroup;
        // Output channel oc filters input channel oc / (output channels per group) alone.
        string channel = outPerGroup == 1 ? "oc" : $"oc / {outPerGroup}";

        var w = new SourceWriter();
        w.Line($"/// <summary>depthwise conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}: {input} -> {output}, one plane at a time{(residual ? ", + residual" : string.Empty)}{(activation is null ? string.Empty : ", " + (activation == ActivationKind.ReLU ? "relu" : "relu6"))}.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {ReadOnlySpan} weight, {ReadOnlySpan} bias, {(residual ? ReadOnlySpan + " residual, " : string.Empty)}{Span} output)");
        w.Open($"for (int oc = 0; oc < {conv.OutChannels}; oc++)");
        w.Line($"global::GroupNetDsl.Kernels.DepthwiseKernel.Convolve(input.Slice({channel} * {inPlane}, {inPlane}), {input.Height}, {input.Width}, weight.Slice(oc * {taps}, {taps}), {conv.KernelSize}, {conv.Stride}, {conv.Padding}, {conv.Dilation},");
        w.Line($"    {output.Height}, {output.Width}, {(hasBias ? "bias[oc]" : "0f")}, {(residual ? $"residual.Slice(oc * {outPlane}, {outPlane})" : "default")}, {ActivationName(activation)}, output.Slice(oc * {outPlane}, {outPlane}));");
        w.Close();
        w.Close();
        return w.ToString().TrimEnd('\n');
    }

    private static string ActivationName(ActivationKind? activation) => activation switch
    {
        ActivationKind.ReLU => "global::GroupNetDsl.Kernels.Activation.Relu",
        ActivationKind.ReLU6 => "global::GroupNetDsl.Kernels.Activation.Relu6",
        _ => "global::GroupNetDsl.Kernels.Activation.None",
    };
}
