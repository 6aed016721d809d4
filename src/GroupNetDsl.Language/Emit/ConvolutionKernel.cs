using System.Globalization;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Emit;

/// <summary>
/// Emits one convolution configuration as a method with every size a constant. Grouped and dense convs are
/// G independent matrix products on contiguous channel slices (weights packed at load for the micro-kernel).
/// Depthwise convs unroll their filter taps, each tap's valid output range computed here, at build time, so
/// the emitted loops never test for padding.
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
    /// Depthwise convolutions (one input channel per group) filter each plane with their taps unrolled;
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
        string act = activation switch
        {
            ActivationKind.ReLU => "global::GroupNetDsl.Kernels.Activation.Relu",
            ActivationKind.ReLU6 => "global::GroupNetDsl.Kernels.Activation.Relu6",
            _ => "global::GroupNetDsl.Kernels.Activation.None",
        };

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

        var w = new SourceWriter();
        w.Line($"/// <summary>depthwise conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}: {input} -> {output}, taps unrolled.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {ReadOnlySpan} weight, {ReadOnlySpan} bias, {(residual ? ReadOnlySpan + " residual, " : string.Empty)}{Span} output)");
        w.Open($"for (int oc = 0; oc < {conv.OutChannels}; oc++)");
        w.Line($"{Span} plane = output.Slice(oc * {outPlane}, {outPlane});");
        w.Line(hasBias ? "plane.Fill(bias[oc]);" : "plane.Clear();");
        // Output channel oc filters input channel oc / (output channels per group) alone.
        string channel = outPerGroup == 1 ? "oc" : $"oc / {outPerGroup}";
        w.Line($"{ReadOnlySpan} source = input.Slice({channel} * {inPlane}, {inPlane});");
        w.Line($"{ReadOnlySpan} taps = weight.Slice(oc * {taps}, {taps});");
        EmitTaps(w, conv, input, output);
        if (residual) w.Line($"global::GroupNetDsl.Kernels.VectorKernels.Add(residual.Slice(oc * {outPlane}, {outPlane}), plane);");
        if (activation == ActivationKind.ReLU) w.Line("global::GroupNetDsl.Kernels.VectorKernels.Relu(plane);");
        if (activation == ActivationKind.ReLU6) w.Line("global::GroupNetDsl.Kernels.VectorKernels.Relu6(plane);");
        w.Close();
        w.Close();
        return w.ToString().TrimEnd('\n');
    }

    /// <summary>One block per filter tap (ky, kx), restricted at build time to the outputs whose input is inside the image.</summary>
    private static void EmitTaps(SourceWriter w, Conv2dOp conv, TensorShape input, TensorShape output)
    {
        int s = conv.Stride;
        for (int ky = 0; ky < conv.KernelSize; ky++)
        {
            for (int kx = 0; kx < conv.KernelSize; kx++)
            {
                int t = ky * conv.KernelSize + kx;
                int dy = ky * conv.Dilation - conv.Padding;
                int dx = kx * conv.Dilation - conv.Padding;
                var (oy0, oy1) = Range(dy, s, input.Height, output.Height);
                var (ox0, ox1) = Range(dx, s, input.Width, output.Width);
                if (oy0 >= oy1 || ox0 >= ox1)
                {
                    w.Line($"// tap ({ky},{kx}) only ever reads padding");
                    continue;
                }
                int n = ox1 - ox0;
                string weight = $"taps[{t}]";
                if (s == 1 && n == output.Width && input.Width == output.Width && dx == 0)
                {
                    // Whole rows line up in input and output: one call covers all valid rows.
                    int rows = oy1 - oy0;
                    w.Line($"global::GroupNetDsl.Kernels.VectorKernels.MultiplyAdd(source.Slice({(oy0 + dy) * input.Width}, {rows * output.Width}), {weight}, plane.Slice({oy0 * output.Width}, {rows * output.Width}));");
                }
                else if (s == 1)
                {
                    w.Line($"for (int oy = {oy0}; oy < {oy1}; oy++) global::GroupNetDsl.Kernels.VectorKernels.MultiplyAdd(source.Slice((oy + {dy}) * {input.Width} + {ox0 + dx}, {n}), {weight}, plane.Slice(oy * {output.Width} + {ox0}, {n}));");
                }
                else
                {
                    w.Line($"for (int oy = {oy0}; oy < {oy1}; oy++) global::GroupNetDsl.Kernels.VectorKernels.MultiplyAddStrided(source.Slice((oy * {s} + {dy}) * {input.Width} + {ox0 * s + dx}), {s}, {weight}, plane.Slice(oy * {output.Width} + {ox0}, {n}));");
                }
            }
        }
    }

    /// <summary>The outputs o in [first, last) for which o * stride + offset lies in [0, size).</summary>
    internal static (int First, int Last) Range(int offset, int stride, int size, int outputs)
    {
        int first = CeilingDivide(-offset, stride);
        if (first < 0) first = 0;
        int last = FloorDivide(size - 1 - offset, stride) + 1;
        if (last > outputs) last = outputs;
        return (first, last);
    }

    private static int FloorDivide(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static int CeilingDivide(int a, int b) => -FloorDivide(-a, b);
}
