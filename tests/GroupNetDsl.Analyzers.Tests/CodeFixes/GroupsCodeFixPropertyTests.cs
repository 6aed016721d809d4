using System.Collections.Immutable;
using GroupNetDsl.Analyzers.Diagnostics;
using GroupNetDsl.Analyzers.Tests.Infrastructure;
using GroupNetDsl.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Properties = GroupNetDsl.Language.Diagnostics.DiagnosticProperties;
using Rules = GroupNetDsl.Language.Diagnostics.DiagnosticDescriptors;

namespace GroupNetDsl.Analyzers.Tests.CodeFixes;

/// <summary>
/// The groups code fix reads what it needs from the diagnostic's properties, which the analyzers take from the
/// model's diagnostic: the current groups, gcd(in, out) and, when in == out, the depthwise groups. It never reads
/// the message, and never pairs a GNET0201 with a GNET0202.
/// </summary>
public class GroupsCodeFixPropertyTests
{
    private const string Source = """
        using GroupNetDsl;

        [GroupNet(Input = "16x8x8")]
        [Conv2d(16, 24, 3, Groups = 6, Name = "conv")]
        public partial class N;
        """;

    [Fact]
    public async Task Groups_errors_carry_the_groups_the_gcd_and_the_depthwise_groups_when_in_equals_out()
    {
        // conv(12, 18, groups 4): 18 % 4 != 0, gcd(12, 18) = 6, in != out. conv(6, 6, groups 4): both fail, gcd 6, in == out.
        var result = await AnalyzerRunner.RunAsync(
            [new ProjectFile("N.cs", "using GroupNetDsl;\n\n[GroupNet(Input = \"12x8x8\")]\n[Conv2d(12, 18, 3, Groups = 4, Name = \"a\")]\npublic partial class N;\n")],
            [new ProjectFile("/p/D.gnet", "network D(input: 6x8x8) {\n    b = conv(6, 6, 3, groups: 4)\n}\n")]);

        var attribute = Assert.Single(result.Diagnostics, d => d.Location.GetLineSpan().Path == "N.cs" && d.Id.StartsWith("GNET02", StringComparison.Ordinal));
        Assert.Equal("GNET0202", attribute.Id);
        Assert.Equal(
            new Dictionary<string, string?> { [Properties.Groups] = "4", [Properties.ChannelDivisor] = "6" },
            attribute.Properties.ToDictionary(p => p.Key, p => p.Value));

        var gnet = result.Diagnostics.Where(d => d.Location.GetLineSpan().Path == "/p/D.gnet").ToList();
        Assert.Equal(["GNET0201", "GNET0202"], gnet.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(gnet, d => Assert.Equal(
            new Dictionary<string, string?> { [Properties.Groups] = "4", [Properties.ChannelDivisor] = "6", [Properties.DepthwiseGroups] = "6" },
            d.Properties.ToDictionary(p => p.Key, p => p.Value)));
    }

    [Fact]
    public async Task The_offered_values_are_the_divisors_of_the_gcd_property_not_the_numbers_of_the_message()
    {
        // The message lists 1, 2, 4, 8; the property says gcd 3, so the divisors of 3 other than 6 are offered: 3, then 1.
        var titles = await TitlesAsync(Rules.InChannelsNotDivisible, new() { [Properties.Groups] = "6", [Properties.ChannelDivisor] = "3" });

        Assert.Equal(["Use groups: 3", "Use groups: 1"], titles);
    }

    [Fact]
    public async Task Depthwise_is_offered_from_the_property_alone()
    {
        // A lone GNET0202, with no GNET0201 beside it: the property says in == out == 16.
        var titles = await TitlesAsync(Rules.OutChannelsNotDivisible, new() { [Properties.Groups] = "6", [Properties.ChannelDivisor] = "16", [Properties.DepthwiseGroups] = "16" });

        Assert.Equal(["Use groups: 8", "Use groups: 4", "Use groups: 2", "Make it depthwise (groups = in_channels)"], titles);
    }

    [Fact]
    public async Task Without_properties_nothing_is_offered()
    {
        var titles = await TitlesAsync(Rules.InChannelsNotDivisible, []);

        Assert.Empty(titles);
    }

    /// <summary>The titles the fix offers for a diagnostic made by hand at <c>Groups = 6</c>, whose message lists 1, 2, 4, 8.</summary>
    private static async Task<List<string>> TitlesAsync(Language.Diagnostics.DiagnosticDescriptor rule, Dictionary<string, string?> properties)
    {
        using var workspace = new AdhocWorkspace();
        var document = workspace.CurrentSolution
            .AddProject("P", "P", LanguageNames.CSharp)
            .AddDocument("N.cs", SourceText.From(Source));
        int start = Source.IndexOf("Groups = 6", StringComparison.Ordinal);
        var tree = await document.GetSyntaxTreeAsync();
        var diagnostic = Diagnostic.Create(
            RoslynDescriptors.For(rule),
            Location.Create(tree!, new TextSpan(start, "Groups = 6".Length)),
            properties.ToImmutableDictionary(),
            "conv", "16", "6", "valid: 1, 2, 4, 8");

        var titles = new List<string>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => titles.Add(action.Title), CancellationToken.None);
        await new GroupsCodeFixProvider().RegisterCodeFixesAsync(context);
        return titles;
    }
}
