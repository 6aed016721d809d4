using System.Globalization;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// Sizes past 32 bits: the binder computes them in 64 bits and rejects what the kernels cannot address (issue 14,
/// failures 1 and 3). The single-layer cases are in <see cref="DiagnosticTests"/>; no test here allocates a tensor.
/// </summary>
public class LimitsTests
{
    /// <summary>Nine relus of a 2^28-float input, all computed before the first add (the sum nests to the right).</summary>
    private static string LiveTensors(int count)
    {
        var members = Enumerable.Range(1, count).Select(i => $"    r{i} = relu\n");
        string sum = string.Join(" + (", Enumerable.Range(1, count).Select(i => $"r{i}(x)")) + new string(')', count - 1);
        return "network N(input: 1x16384x16384) {\n" + string.Concat(members) + "    forward(x) = " + sum + "\n}\n";
    }

    [Fact]
    public void Nine_live_tensors_of_2_to_the_28_floats_are_an_error_not_a_scratch_plan_past_int()
    {
        var result = Gnet.Compile(LiveTensors(9));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("GNET0217", diagnostic.Id);
        Assert.Equal((1, 9), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal("Network 'N'", diagnostic.Arguments[0]);
        Assert.Contains("scratch", diagnostic.Arguments[1]);
        // At least the nine relu outputs are live at once.
        Assert.True(long.Parse(diagnostic.Arguments[2], CultureInfo.InvariantCulture) >= 9L << 28, diagnostic.Message);
        Assert.Equal((1 << 30).ToString(CultureInfo.InvariantCulture), diagnostic.Arguments[3]);
        Assert.Null(Assert.Single(result.Networks).Network);
    }

    [Fact]
    public void Three_live_tensors_of_2_to_the_28_floats_fit_the_scratch_limit()
    {
        var result = Gnet.Compile(LiveTensors(3));

        Assert.Empty(result.Diagnostics);
        // r1, r2, r3 and the inner sum are live at once; the outer sum is the output.
        Assert.Equal(4L << 28, ExecutionPlan.Create(Assert.Single(result.Networks).Network!).ScratchLength);
    }

    [Theory]
    // k * k wraps to 0 in 32 bits.
    [InlineData(65536, 32768, "4294967296")]
    // k * k wraps to -2147479015 in 32 bits.
    [InlineData(46341, 23170, "2147488281")]
    public void An_average_pool_divides_by_its_window_counted_in_64_bits(int kernel, int padding, string windowSize)
    {
        Assert.Equal(windowSize, ((long)kernel * kernel).ToString(CultureInfo.InvariantCulture));
        var network = Gnet.Network($"network N(input: 1x1x1) {{\n    p = avgpool({kernel}, padding: {padding})\n}}\n");
        Assert.Equal(TensorShape.Chw(1, 1, 1), network.Nodes[^1].Output);

        string code = CSharpEmitter.Emit(network, new EmitTarget("Limits", "N", Standalone: true));

        Assert.Contains($"= value / {windowSize}f;", code);
    }
}
