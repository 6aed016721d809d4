using GroupNetDsl.Analyzers.Tests.Infrastructure;
using GroupNetDsl.CodeFixes;

namespace GroupNetDsl.Analyzers.Tests.CodeFixes;

/// <summary>
/// The groups fixes on a .gnet file: the analyzer reports GNET0201/GNET0202 on the additional document, and the
/// fix rewrites the file's text (Roslyn's code fixes for additional documents). Same values and titles as the
/// attribute form (<see cref="GroupsCodeFixTests"/>); each fixed file is analyzed again and has no groups error.
/// </summary>
public class GnetGroupsCodeFixTests
{
    private static readonly GnetGroupsCodeFixProvider Provider = new();

    private static async Task AssertFixAsync(string gnet, string id, string title, string fixedGnet)
    {
        var fix = await GnetCodeFixRunner.OfferAsync(Provider, gnet, id);
        var action = Assert.Single(fix.Actions, a => a.Title == title);
        string text = await GnetCodeFixRunner.ApplyAsync(fix.Document, action);
        Assert.Equal(fixedGnet, text);

        var after = await GnetCodeFixRunner.OfferAsync(Provider, text, id);
        Assert.DoesNotContain(after.Diagnostics, d => d.Id is "GNET0201" or "GNET0202");
    }

    [Theory]
    // gcd(16, 24) = 8, divisors 1, 2, 4, 8; nearest to 6 by ratio: 8 (x1.33), 4 (x1.5), 2 (x3).
    [InlineData(8)]
    [InlineData(4)]
    [InlineData(2)]
    public async Task Use_groups_sets_the_groups_argument(int groups)
    {
        await AssertFixAsync(
            """
            network N(input: 16x8x8) {
                conv = conv(16, 24, 3, groups: 6)
            }
            """,
            "GNET0201",
            $"Use groups: {groups}",
            $$"""
            network N(input: 16x8x8) {
                conv = conv(16, 24, 3, groups: {{groups}})
            }
            """);
    }

    [Fact]
    public async Task The_offers_are_the_attribute_forms_in_the_same_order()
    {
        var fix = await GnetCodeFixRunner.OfferAsync(Provider, """
            network N(input: 16x8x8) {
                conv = conv(16, 24, 3, groups: 6)
            }
            """, "GNET0201");
        Assert.Equal(["Use groups: 8", "Use groups: 4", "Use groups: 2"], fix.Actions.Select(a => a.Title));
        Assert.Equal([GroupsFixes.NearestKey(0), GroupsFixes.NearestKey(1), GroupsFixes.NearestKey(2)], fix.Actions.Select(a => a.EquivalenceKey));
    }

    [Fact]
    public async Task Make_it_depthwise_rewrites_a_positional_groups_value()
    {
        // conv(in, out, kernel, stride, padding, dilation, groups): the seventh argument is groups.
        await AssertFixAsync(
            """
            network N(input: 16x8x8) {
                dw = conv(16, 16, 3, 1, 1, 1, 3)
                pw = conv(16, 32, 1)
            }
            """,
            "GNET0202",
            "Make it depthwise (groups = in_channels)",
            """
            network N(input: 16x8x8) {
                dw = conv(16, 16, 3, 1, 1, 1, 16)
                pw = conv(16, 32, 1)
            }
            """);
    }

    [Fact]
    public async Task Depthwise_is_not_offered_when_channels_differ()
    {
        var fix = await GnetCodeFixRunner.OfferAsync(Provider, "network N(input: 16x8x8) = conv(16, 24, 3, groups: 6)", "GNET0201");
        Assert.DoesNotContain(fix.Actions, a => a.EquivalenceKey == GroupsFixes.DepthwiseKey);
        Assert.Equal(3, fix.Actions.Length);
    }

    [Fact]
    public async Task A_standard_library_block_call_gets_its_groups_argument_replaced()
    {
        // GroupedBottleneck(16, 20): hidden = round(20 * 0.5) = 10; its grouped conv is in the standard library,
        // so the error is placed at the user's call, and the fix edits the call's own groups argument.
        await AssertFixAsync(
            """
            network N(input: 16x8x8) {
                stage = GroupedBottleneck(16, 20, groups: 3)
            }
            """,
            "GNET0201",
            "Make it depthwise (groups = in_channels)",
            """
            network N(input: 16x8x8) {
                stage = GroupedBottleneck(16, 20, groups: 10)
            }
            """);
    }

    [Fact]
    public async Task A_standard_library_block_call_that_relies_on_the_default_groups_gets_a_groups_argument()
    {
        // GroupedBottleneck(16, 20) relies on the default groups = 4, which does not divide hidden = 10.
        // Divisors of 10 nearest to 4, without the depthwise 10: 5 (x1.25), 2 (x2), 1 (x4).
        await AssertFixAsync(
            "network N(input: 16x8x8) = GroupedBottleneck(16, 20)",
            "GNET0201",
            "Use groups: 5",
            "network N(input: 16x8x8) = GroupedBottleneck(16, 20, groups: 5)");
    }

    [Fact]
    public async Task A_positional_groups_of_a_standard_library_block_call_is_rewritten()
    {
        // GroupedBottleneck(cin, cout, bottleneck_ratio, groups, stride): the fourth argument is groups.
        await AssertFixAsync(
            "network N(input: 16x8x8) = GroupedBottleneck(16, 20, 0.5, 3)",
            "GNET0201",
            "Make it depthwise (groups = in_channels)",
            "network N(input: 16x8x8) = GroupedBottleneck(16, 20, 0.5, 10)");
    }

    [Fact]
    public async Task A_groups_from_a_block_parameter_passed_to_a_standard_library_block_gets_no_fix()
    {
        var fix = await GnetCodeFixRunner.OfferAsync(Provider, """
            block Stage(g) {
                b = GroupedBottleneck(16, 20, groups: g)
            }
            network N(input: 16x8x8) = Stage(3)
            """, "GNET0201");
        Assert.Contains(fix.Diagnostics, d => d.Id == "GNET0201");
        Assert.Empty(fix.Actions);
    }

    [Fact]
    public async Task A_value_from_a_block_parameter_gets_no_fix()
    {
        // The diagnostic is at the block's `g`; rewriting it would break the block for every other call.
        var fix = await GnetCodeFixRunner.OfferAsync(Provider, """
            block Grouped(channels, g) {
                c = conv(channels, channels, 3, padding: 1, groups: g)
            }
            network N(input: 12x8x8) = Grouped(12, 5)
            """, "GNET0201");
        Assert.Contains(fix.Diagnostics, d => d.Id == "GNET0201");
        Assert.Empty(fix.Actions);
    }
}
