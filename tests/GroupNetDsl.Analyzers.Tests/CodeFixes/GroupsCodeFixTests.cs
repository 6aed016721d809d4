using GroupNetDsl.Analyzers.Tests.Infrastructure;
using GroupNetDsl.CodeFixes;

namespace GroupNetDsl.Analyzers.Tests.CodeFixes;

/// <summary>
/// "Use groups: D" (the valid values nearest the current one, divisors of gcd(in, out)) and "Make it
/// depthwise" for GNET0201/GNET0202 on a layer attribute; each offered title, and Fix All.
/// </summary>
public class GroupsCodeFixTests
{
    private const string Usings = "using GroupNetDsl;\n";

    private static GroupNetCodeFixTest<GroupsCodeFixProvider> Test(string source, string fixedSource, string key, string title)
    {
        var test = new GroupNetCodeFixTest<GroupsCodeFixProvider>
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = key,
        };
        test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title);
        return test;
    }

    [Theory]
    // gcd(16, 24) = 8, divisors 1, 2, 4, 8; nearest to 6 by ratio: 8 (x1.33), 4 (x1.5), 2 (x3).
    [InlineData(0, 8)]
    [InlineData(1, 4)]
    [InlineData(2, 2)]
    public void The_nearest_valid_values_come_first(int rank, int groups)
    {
        Assert.Equal(groups, GroupsFixes.NearestValidGroups(6, 8).ElementAt(rank));
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(1, 4)]
    [InlineData(2, 2)]
    public async Task Use_groups_sets_the_Groups_argument(int rank, int groups)
    {
        var test = Test(
            """
            [GroupNet(Input = "16x8x8")]
            [Conv2d(16, 24, 3, {|#0:Groups = 6|}, Name = "conv")]
            public partial class N;
            """,
            $$"""
            [GroupNet(Input = "16x8x8")]
            [Conv2d(16, 24, 3, Groups = {{groups}}, Name = "conv")]
            public partial class N;
            """,
            GroupsFixes.NearestKey(rank),
            $"Use groups: {groups}");
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithArguments("conv", "16", "6", "valid: 1, 2, 4, 8"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Make_it_depthwise_when_in_and_out_channels_are_equal()
    {
        // in == out == 16: groups 3 divides neither; depthwise is groups = 16. The 1x1 conv after it mixes
        // the channels, so the fixed network has no advice either.
        var test = Test(
            """
            [GroupNet(Input = "16x8x8")]
            [Conv2d(16, 16, 3, Padding = 1, {|#0:Groups = 3|}, Name = "dw")]
            [Conv2d(16, 32, 1, Name = "pw")]
            public partial class N;
            """,
            """
            [GroupNet(Input = "16x8x8")]
            [Conv2d(16, 16, 3, Padding = 1, Groups = 16, Name = "dw")]
            [Conv2d(16, 32, 1, Name = "pw")]
            public partial class N;
            """,
            GroupsFixes.DepthwiseKey,
            "Make it depthwise (groups = in_channels)");
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithArguments("dw", "16", "3", "valid: 1, 2, 4, 8, 16"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(0).WithArguments("dw", "16", "3", "valid: 1, 2, 4, 8, 16"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Depthwise_is_not_offered_among_the_nearest_values_too()
    {
        // Divisors of 16 nearest to 3 without 16 itself: 4 (x1.33), 2 (x1.5), 8 (x2.67).
        var test = Test(
            """
            [GroupNet(Input = "16x8x8")]
            [Conv2d(16, 16, 1, {|#0:Groups = 3|})]
            [Conv2d(16, 32, 1)]
            public partial class N;
            """,
            """
            [GroupNet(Input = "16x8x8")]
            [Conv2d(16, 16, 1, Groups = 8)]
            [Conv2d(16, 32, 1)]
            public partial class N;
            """,
            GroupsFixes.NearestKey(2),
            "Use groups: 8");
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithArguments("0", "16", "3", "valid: 1, 2, 4, 8, 16"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(0).WithArguments("0", "16", "3", "valid: 1, 2, 4, 8, 16"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Depthwise_is_not_offered_when_channels_differ()
    {
        var test = new GroupNetCodeFixTest<GroupsCodeFixProvider>
        {
            TestCode = Usings + """
                [GroupNet(Input = "16x8x8")]
                [Conv2d(16, 24, 3, {|#0:Groups = 6|})]
                public partial class N;
                """,
            FixedCode = Usings + """
                [GroupNet(Input = "16x8x8")]
                [Conv2d(16, 24, 3, {|#0:Groups = 6|})]
                public partial class N;
                """,
            CodeActionEquivalenceKey = GroupsFixes.DepthwiseKey,
        };
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithArguments("0", "16", "6", "valid: 1, 2, 4, 8"));
        test.FixedState.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithArguments("0", "16", "6", "valid: 1, 2, 4, 8"));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_block_attribute_that_relies_on_the_default_groups_gets_a_Groups_argument()
    {
        // GroupedBottleneck(16, 20): hidden = round(20 * 0.5) = 10, and the default 4 groups do not divide it.
        // Divisors of 10 nearest to 4, without the depthwise 10: 5 (x1.25), 2 (x2), 1 (x4).
        var test = Test(
            """
            [GroupNet(Input = "16x8x8")]
            [{|#0:GroupedBottleneck(16, 20, Name = "stage")|}]
            public partial class N;
            """,
            """
            [GroupNet(Input = "16x8x8")]
            [GroupedBottleneck(16, 20, Name = "stage", Groups = 5)]
            public partial class N;
            """,
            GroupsFixes.NearestKey(0),
            "Use groups: 5");
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithArguments("stage.group_conv.0", "10", "4", "valid: 1, 2, 5, 10"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(0).WithArguments("stage.group_conv.0", "10", "4", "valid: 1, 2, 5, 10"));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_block_attribute_with_a_Groups_argument_gets_it_replaced()
    {
        var test = Test(
            """
            [GroupNet(Input = "16x8x8")]
            [{|#0:GroupedBottleneck(16, 20, Groups = 3)|}]
            public partial class N;
            """,
            """
            [GroupNet(Input = "16x8x8")]
            [GroupedBottleneck(16, 20, Groups = 10)]
            public partial class N;
            """,
            GroupsFixes.DepthwiseKey,
            "Make it depthwise (groups = in_channels)");
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithArguments("0.group_conv.0", "10", "3", "valid: 1, 2, 5, 10"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(0).WithArguments("0.group_conv.0", "10", "3", "valid: 1, 2, 5, 10"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_gives_each_convolution_its_own_nearest_valid_value()
    {
        // gcd(16, 24) = 8: the divisor nearest to 6 is 8 (x1.33), and nearest to 3 is 4 (x1.33).
        // gcd(24, 36) = 12: the divisor nearest to 5 is 6 (x1.2; 4 is x1.25).
        var test = new GroupNetCodeFixTest<GroupsCodeFixProvider>
        {
            TestCode = Usings + """
                [GroupNet(Input = "16x8x8")]
                [Conv2d(16, 24, 1, {|#0:Groups = 6|})]
                [Conv2d(24, 36, 1, {|#1:Groups = 5|})]
                public partial class N;

                [GroupNet(Input = "16x8x8")]
                [Conv2d(16, 24, 1, {|#2:Groups = 3|})]
                public partial class M;
                """,
            FixedCode = Usings + """
                [GroupNet(Input = "16x8x8")]
                [Conv2d(16, 24, 1, Groups = 8)]
                [{|#0:Conv2d(24, 36, 1, Groups = 6)|}]
                public partial class N;

                [GroupNet(Input = "16x8x8")]
                [Conv2d(16, 24, 1, Groups = 4)]
                public partial class M;
                """,
            CodeActionEquivalenceKey = GroupsFixes.NearestKey(0),
            NumberOfFixAllIterations = 1,
        };
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithArguments("0", "16", "6", "valid: 1, 2, 4, 8"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(1).WithArguments("1", "24", "5", "valid: 1, 2, 3, 4, 6, 12"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(1).WithArguments("1", "36", "5", "valid: 1, 2, 3, 4, 6, 12"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(2).WithArguments("0", "16", "3", "valid: 1, 2, 4, 8"));
        // After the fix the two grouped convs of N follow each other with no channel mixing: that advice stays.
        test.FixedState.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0402").WithLocation(0).WithArguments("1", "0"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_makes_every_eligible_convolution_depthwise()
    {
        var test = new GroupNetCodeFixTest<GroupsCodeFixProvider>
        {
            TestCode = Usings + """
                [GroupNet(Input = "16x8x8")]
                [Conv2d(16, 16, 3, Padding = 1, {|#0:Groups = 3|})]
                [Conv2d(16, 32, 1)]
                [Conv2d(32, 32, 3, Padding = 1, {|#1:Groups = 5|})]
                [Conv2d(32, 8, 1)]
                public partial class N;
                """,
            FixedCode = Usings + """
                [GroupNet(Input = "16x8x8")]
                [Conv2d(16, 16, 3, Padding = 1, Groups = 16)]
                [Conv2d(16, 32, 1)]
                [Conv2d(32, 32, 3, Padding = 1, Groups = 32)]
                [Conv2d(32, 8, 1)]
                public partial class N;
                """,
            CodeActionEquivalenceKey = GroupsFixes.DepthwiseKey,
            NumberOfFixAllIterations = 1,
        };
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithArguments("0", "16", "3", "valid: 1, 2, 4, 8, 16"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(0).WithArguments("0", "16", "3", "valid: 1, 2, 4, 8, 16"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(1).WithArguments("2", "32", "5", "valid: 1, 2, 4, 8, 16, 32"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(1).WithArguments("2", "32", "5", "valid: 1, 2, 4, 8, 16, 32"));
        await test.RunAsync();
    }
}
