using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Emit;

/// <summary>Emits the layers around the convolutions: linear, batchnorm that follows no conv, add, activations, pools.</summary>
internal static class ElementwiseKernels
{
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    private const string Span = "global::System.Span<float>";
    private const string Kernels = "global::GroupNetDsl.Kernels.VectorKernels";

    public static string Linear(string name, LinearOp linear, ActivationKind? activation)
    {
        var w = new SourceWriter();
        w.Line($"/// <summary>linear {linear.InFeatures}->{linear.OutFeatures}.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {ReadOnlySpan} weight, {ReadOnlySpan} bias, {Span} output)");
        w.Open($"for (int o = 0; o < {linear.OutFeatures}; o++)");
        w.Line($"float value = {(linear.Bias ? "bias[o] + " : string.Empty)}{Kernels}.Dot(weight.Slice(o * {linear.InFeatures}, {linear.InFeatures}), input.Slice(0, {linear.InFeatures}));");
        w.Line(activation switch
        {
            ActivationKind.ReLU => "output[o] = value > 0f ? value : 0f;",
            ActivationKind.ReLU6 => "output[o] = value > 0f ? (value < 6f ? value : 6f) : 0f;",
            _ => "output[o] = value;",
        });
        w.Close();
        w.Close();
        return Trim(w);
    }

    public static string ScaleShift(string name, TensorShape shape, bool residual, ActivationKind? activation)
    {
        int plane = shape.Height * shape.Width;
        var w = new SourceWriter();
        w.Line($"/// <summary>batchnorm as a per-channel scale and shift on {shape}.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {ReadOnlySpan} scale, {ReadOnlySpan} shift, {(residual ? ReadOnlySpan + " residual, " : string.Empty)}{Span} output)");
        w.Open($"for (int c = 0; c < {shape.Channels}; c++)");
        w.Line($"{Span} plane = output.Slice(c * {plane}, {plane});");
        w.Line($"input.Slice(c * {plane}, {plane}).CopyTo(plane);");
        w.Line($"{Kernels}.ScaleShift(plane, scale[c], shift[c]);");
        if (residual) w.Line($"{Kernels}.Add(residual.Slice(c * {plane}, {plane}), plane);");
        Activate(w, "plane", activation);
        w.Close();
        w.Close();
        return Trim(w);
    }

    public static string Add(string name, TensorShape shape, ActivationKind? activation)
    {
        var w = new SourceWriter();
        w.Line($"/// <summary>elementwise add of two {shape} tensors.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} left, {ReadOnlySpan} right, {Span} output)");
        w.Line("left.CopyTo(output);");
        w.Line($"{Kernels}.Add(right, output);");
        Activate(w, "output", activation);
        w.Close();
        return Trim(w);
    }

    public static string Activation(string name, TensorShape shape, ActivationKind activation)
    {
        var w = new SourceWriter();
        w.Line($"/// <summary>{(activation == ActivationKind.ReLU ? "relu" : "relu6")} on {shape}.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {Span} output)");
        w.Line("input.CopyTo(output);");
        Activate(w, "output", activation);
        w.Close();
        return Trim(w);
    }

    public static string Pool(string name, Pool2dOp pool, TensorShape input, TensorShape output)
    {
        int k = pool.KernelSize, s = pool.Stride, p = pool.Padding;
        bool max = pool.Pool == PoolKind.Max;
        var w = new SourceWriter();
        w.Line($"/// <summary>{(max ? "max" : "average")} pool {k}x{k}, stride {s}, pad {p}: {input} -> {output}.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {Span} output)");
        w.Open($"for (int c = 0; c < {input.Channels}; c++)");
        w.Line($"{ReadOnlySpan} source = input.Slice(c * {input.Height * input.Width}, {input.Height * input.Width});");
        w.Open($"for (int oy = 0; oy < {output.Height}; oy++)");
        w.Open($"for (int ox = 0; ox < {output.Width}; ox++)");
        w.Line(max ? "float value = float.NegativeInfinity;" : "float value = 0f;");
        w.Open($"for (int ky = 0; ky < {k}; ky++)");
        w.Line($"int iy = oy * {s} - {p} + ky;");
        w.Line($"if ((uint)iy >= {input.Height}u) continue;");
        w.Open($"for (int kx = 0; kx < {k}; kx++)");
        w.Line($"int ix = ox * {s} - {p} + kx;");
        w.Line($"if ((uint)ix >= {input.Width}u) continue;");
        w.Line($"float x = source[iy * {input.Width} + ix];");
        w.Line(max ? "if (x > value || float.IsNaN(x)) value = x;" : "value += x;");
        w.Close();
        w.Close();
        // PyTorch's AvgPool2d counts padded positions (count_include_pad=True); with ceil_mode off every window has k*k of them.
        w.Line(max ? $"output[c * {output.Height * output.Width} + oy * {output.Width} + ox] = value;" : $"output[c * {output.Height * output.Width} + oy * {output.Width} + ox] = value / {k * k}f;");
        w.Close();
        w.Close();
        w.Close();
        w.Close();
        return Trim(w);
    }

    public static string GlobalAveragePool(string name, TensorShape input)
    {
        int plane = input.Height * input.Width;
        var w = new SourceWriter();
        w.Line($"/// <summary>global average pool: {input} -> {input.Channels}x1x1.</summary>");
        w.Open($"private static void {name}({ReadOnlySpan} input, {Span} output)");
        w.Line($"for (int c = 0; c < {input.Channels}; c++) output[c] = {Kernels}.Mean(input.Slice(c * {plane}, {plane}));");
        w.Close();
        return Trim(w);
    }

    private static void Activate(SourceWriter w, string target, ActivationKind? activation)
    {
        if (activation == ActivationKind.ReLU) w.Line($"{Kernels}.Relu({target});");
        if (activation == ActivationKind.ReLU6) w.Line($"{Kernels}.Relu6({target});");
    }

    private static string Trim(SourceWriter w) => w.ToString().TrimEnd('\n');
}
