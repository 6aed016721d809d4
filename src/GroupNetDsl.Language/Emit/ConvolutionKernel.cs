using System.Globalization;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Emit;

/// <summary>
/// Emits one convolution configuration as a method. Every size, offset and loop bound is a constant; the
/// filter taps are unrolled, and each tap's valid output range is computed here, at build time, so the
/// emitted loops never test for padding. Groups are G independent convolutions on contiguous channel
/// slices; depthwise convolutions (one input channel per group) get a path without the channel loop.
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

    public static string Emit(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation)
    {
        int inPlane = input.Height * input.Width;
        int outPlane = output.Height * output.Width;
        int taps = conv.KernelSize * conv.KernelSize;
        int inPerGroup = conv.InChannelsPerGroup;
        int outPerGroup = conv.OutChannelsPerGroup;

        var w = new SourceWriter();
        w.Line($"/// <summary>conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}, groups {conv.Groups}: {input} -> {output}.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {ReadOnlySpan} weight, {ReadOnlySpan} bias, {(residual ? ReadOnlySpan + " residual, " : string.Empty)}{Span} output)");
        w.Open($"for (int oc = 0; oc < {conv.OutChannels}; oc++)");
        w.Line($"{Span} plane = output.Slice(oc * {outPlane}, {outPlane});");
        w.Line(hasBias ? "plane.Fill(bias[oc]);" : "plane.Clear();");

        if (inPerGroup == 1)
        {
            // Depthwise: output channel oc filters input channel oc / (out channels per group) alone.
            string channel = outPerGroup == 1 ? "oc" : $"oc / {outPerGroup}";
            w.Line($"{ReadOnlySpan} source = input.Slice(({channel}) * {inPlane}, {inPlane});");
            w.Line($"{ReadOnlySpan} taps = weight.Slice(oc * {taps}, {taps});");
            EmitTaps(w, conv, input, output);
        }
        else
        {
            string first = conv.Groups == 1 ? "0" : $"oc / {outPerGroup} * {inPerGroup}";
            w.Line($"int firstInput = {first};");
            w.Open($"for (int i = 0; i < {inPerGroup}; i++)");
            w.Line($"{ReadOnlySpan} source = input.Slice((firstInput + i) * {inPlane}, {inPlane});");
            w.Line($"{ReadOnlySpan} taps = weight.Slice((oc * {inPerGroup} + i) * {taps}, {taps});");
            EmitTaps(w, conv, input, output);
            w.Close();
        }

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
