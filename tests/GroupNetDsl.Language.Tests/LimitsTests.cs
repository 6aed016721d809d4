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

/// <summary>
/// Bounded work (issue 14, failure 5): graphs that double at each level, nesting that would overflow the stack and
/// floods of errors all stop at a documented limit with a diagnostic.
/// </summary>
public class BoundedWorkTests
{
    /// <summary>31 blocks, each calling the one below it twice: 2^31 applications of the innermost block.</summary>
    private static string Doubling(string innermost)
    {
        var text = new System.Text.StringBuilder();
        text.Append("block B0(c) { ").Append(innermost).Append(" }\n");
        for (int i = 1; i <= 31; i++) text.Append($"block B{i}(c) {{\n    a = B{i - 1}(c)\n    forward(x) = a(a(x))\n}}\n");
        text.Append("network Doubling(input: 3x8x8) { b = B31(3) }\n");
        return text.ToString();
    }

    [Theory]
    // Every application adds a relu node: the node limit.
    [InlineData("r = relu", "100000", "nodes")]
    // The innermost block returns its input: no node at all, only steps.
    [InlineData("r = relu\n    forward(x) = x", "1000000", "evaluation steps")]
    public void A_block_that_calls_a_member_twice_at_every_level_stops_at_a_limit(string innermost, string limit, string what)
    {
        var text = Doubling(innermost);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = Gnet.Compile(text);

        clock.Stop();
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("GNET0222", diagnostic.Id);
        Assert.Equal(new[] { "Doubling", limit, what }, diagnostic.Arguments.Take(3));
        Assert.Contains("call each member once", diagnostic.Message);
        Assert.Equal(text.Split('\n').Length - 1, diagnostic.Location.Line);
        Assert.Null(Assert.Single(result.Networks).Network);
        // A runaway guard, not a speed check: without the limit this ran for minutes. The limit itself is proven by
        // the diagnostic above; 30 s leaves room for a machine loaded by other builds (5 s failed once at load 30).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_network_well_inside_the_node_limit_compiles()
    {
        // 2^12 = 4096 relus: the size of a large real network.
        var network = Gnet.Network(Doubling("r = relu").Replace("b = B31(3)", "b = B12(3)"));

        Assert.Equal((1 << 12) + 1, network.Nodes.Count);
    }

    /// <summary>32 blocks inside each other, each nesting its member 60 levels deep: as deep as the parser allows.</summary>
    private static string DeepLists()
    {
        string Nest(string inner) => new string('[', 60) + inner + new string(']', 60);
        var text = new System.Text.StringBuilder();
        text.Append("block B0(c) { r = ").Append(Nest("relu")).Append(" }\n");
        for (int i = 1; i < 32; i++) text.Append($"block B{i}(c) {{ a = {Nest($"B{i - 1}(c)")} }}\n");
        text.Append("network Deep(input: 3x8x8) { b = B31(3) }\n");
        return text.ToString();
    }

    /// <summary>32 blocks inside each other, each calling the one below 60 times in one nested forward expression.</summary>
    private static string DeepCalls()
    {
        string Nest(string inner) => string.Concat(Enumerable.Repeat("a(", 60)) + inner + new string(')', 60);
        var text = new System.Text.StringBuilder();
        text.Append("block B0(c) { r = relu }\n");
        for (int i = 1; i < 32; i++) text.Append($"block B{i}(c) {{\n    a = B{i - 1}(c)\n    forward(x) = {Nest("x")}\n}}\n");
        text.Append("network Deep(input: 3x8x8) { b = B31(3) }\n");
        return text.ToString();
    }

    public static TheoryData<string> DeepInputs => new() { "lists", "calls" };

    [Theory]
    [MemberData(nameof(DeepInputs))]
    public void The_deepest_input_the_parser_allows_binds_on_a_1_MB_stack(string kind)
    {
        string text = kind == "lists" ? DeepLists() : DeepCalls();
        CompilationResult? result = null;
        // A stack overflow would kill the test host: the compile runs on its own thread with the smallest usual stack.
        var thread = new Thread(() => result = Gnet.Compile(text), 1024 * 1024);

        thread.Start();

        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "compile did not finish");
        var diagnostic = Assert.Single(result!.Diagnostics);
        Assert.Equal("GNET0222", diagnostic.Id);
        Assert.Equal(new[] { "Deep", Binding.Binder.MaxDepth.ToString(CultureInfo.InvariantCulture) }, diagnostic.Arguments.Take(2));
        Assert.Contains("nesting", diagnostic.Arguments[2]);
    }

    [Fact]
    public void Two_million_bad_characters_give_a_hundred_errors_and_one_count_of_the_rest()
    {
        string text = "network N(input: 3x8x8) { r = relu }\n" + new string('$', 2_000_000);

        var result = Gnet.Compile(text);

        Assert.Equal(Language.Diagnostics.DiagnosticBag.MaxErrorsPerFile + 1, result.Diagnostics.Count);
        Assert.Equal(100, result.Diagnostics.Count(d => d.Id == "GNET0101"));
        var summary = Assert.Single(result.Diagnostics, d => d.Id == "GNET0106");
        Assert.Equal(new[] { (2_000_000 - 100).ToString(CultureInfo.InvariantCulture), "100" }, summary.Arguments);
        Assert.Equal((2, 101), (summary.Location.Line, summary.Location.Column));
    }
}
