using System.Globalization;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

public enum PoolKind
{
    Max,
    Average,
}

/// <summary>nn.MaxPool2d / nn.AvgPool2d (ceil_mode false; average counts padding, as PyTorch's default).</summary>
public sealed record Pool2dOp(PoolKind Pool, int KernelSize, int Stride, int Padding) : Operation
{
    public override string TorchName => Pool == PoolKind.Max ? "MaxPool2d" : "AvgPool2d";

    public override OpDescriptor Descriptor => Pool == PoolKind.Max ? MaxPool2d.Descriptor : AvgPool2d.Descriptor;
}

/// <summary>What maxpool and avgpool with a window share: the window's checks, the output size and the emitted code (max pool runs the runtime's PoolKernel).</summary>
public abstract class Pool2dDescriptor(string name, string torchName, PoolKind kind) : OpDescriptor
{
    public override string Name => name;

    public override string TorchName => torchName;

    /// <summary>The signature of a pool with a window: <paramref name="kernelSize"/>, then stride (the kernel size when left out) and padding.</summary>
    protected static OpParameter[] WindowParameters(OpParameter kernelSize) =>
        [kernelSize, OpParameter.DerivedInteger("stride", "= kernel_size"), OpParameter.Integer("padding", 0, minimum: 0)];

    /// <summary>A pool with a window: kernel_size, stride (the kernel size when left out) and padding (at most half the kernel).</summary>
    internal Operation? CreateWindow(OpSite site)
    {
        int kernel = site.Int("kernel_size");
        int stride = site.Int("stride", derived: kernel);
        int padding = site.Int("padding");
        if (site.Ok && padding > kernel / 2)
        {
            site.Report(DiagnosticDescriptors.InvalidValue, site.LocationOf("padding"), site.DisplayName, "padding", $"at most half the kernel size ({kernel / 2})", padding);
        }
        return site.Ok ? new Pool2dOp(kind, kernel, stride, padding) : null;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        var pool = (Pool2dOp)operation;
        if (!site.RequireImage(inputs[0], "pool before flatten")) return null;
        return site.Spatial(inputs[0], inputs[0].Channels, pool.KernelSize, pool.Stride, pool.Padding);
    }

    public override string Describe(Operation operation)
    {
        var pool = (Pool2dOp)operation;
        return $"{pool.KernelSize}x{pool.KernelSize}" + (pool.Stride != pool.KernelSize ? $", stride {pool.Stride}" : string.Empty) + (pool.Padding != 0 ? $", pad {pool.Padding}" : string.Empty);
    }

    internal override void Emit(StepCode code)
    {
        var node = code.Step.Primary;
        var pool = (Pool2dOp)node.Operation;
        var input = code.Input;
        var output = node.Output;
        int k = pool.KernelSize, s = pool.Stride, p = pool.Padding;
        bool max = pool.Pool == PoolKind.Max;
        string name = $"{(max ? "MaxPool" : "AvgPool")}_{StepCode.Shape(input)}_k{k}_s{s}_p{p}";
        if (max)
        {
            // The runtime's kernel: vectors over rows, the padding outside the loops, channels shared by the team.
            string maxPool = code.Methods.Add(name, () =>
            {
                var w = new SourceWriter();
                w.Line($"/// <summary>max pool {k}x{k}, stride {s}, pad {p}: {input} -> {output}, channel by channel.</summary>");
                w.Line($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.Span} output, global::GroupNetDsl.Kernels.WorkerTeam? team) =>");
                w.Line($"    global::GroupNetDsl.Kernels.PoolKernel.MaxPool(channels: {input.Channels}, height: {input.Height}, width: {input.Width}, kernelSize: {k}, stride: {s}, padding: {p}, input, output, team);");
                return w.Text;
            });
            code.CallWith((buffer, _) => $"{maxPool}({buffer(node.Inputs[0])}, {buffer(node.Index)}, _groupNetTeam);");
            return;
        }
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>{(max ? "max" : "average")} pool {k}x{k}, stride {s}, pad {p}: {input} -> {output}.</summary>");
            w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.Span} output)");
            w.Open($"for (int c = 0; c < {input.Channels}; c++)");
            w.Line($"{SourceWriter.ReadOnlySpan} source = input.Slice(c * {input.Height * input.Width}, {input.Height * input.Width});");
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
            // PyTorch's AvgPool2d counts padded positions (count_include_pad=True); with ceil_mode off every window has
            // k*k of them, a 64-bit count (past 2^31 for k > 46340) that PyTorch divides by as a float.
            string divisor = ((long)k * k).ToString(CultureInfo.InvariantCulture);
            w.Line(max ? $"output[c * {output.Height * output.Width} + oy * {output.Width} + ox] = value;" : $"output[c * {output.Height * output.Width} + oy * {output.Width} + ox] = value / {divisor}f;");
            w.Close();
            w.Close();
            w.Close();
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {buffer(node.Index)});");
    }
}
