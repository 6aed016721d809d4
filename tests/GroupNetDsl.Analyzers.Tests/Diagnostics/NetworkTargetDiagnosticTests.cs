using GroupNetDsl.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace GroupNetDsl.Analyzers.Tests.Diagnostics;

/// <summary>
/// A valid .gnet network that gets no class of its own says why, at its name: named like a generated member
/// (GNET0307) or like a [GroupNet] class of its namespace (GNET0308). And user text with control characters never
/// puts a raw line break into a message (a build log line must stay one line).
/// </summary>
public class NetworkTargetDiagnosticTests
{
    private const string Root = "/p";

    private static readonly ProjectFile Valid = new($"{Root}/Valid.gnet", "network Valid(input: 3x8x8) {\n    c = conv(3, 4, 3, padding: 1)\n}\n");

    public static TheoryData<string, string> MemberNamedNetworks() => new()
    {
        { "Forward", "3x8x8" },
        { "Load", "3x8x8" },
        { "Summary", "3x8x8" },
        { "InputLength", "3x8x8" },
        // The method of a fused 1x1 conv + relu, as the seed snapshot MiniGroupNetSample.Bottleneck names it.
        { "PointwiseConv_64x32x32_to_64x32x32_k1_s1_p0_Relu", "64x32x32" },
    };

    [Theory]
    [MemberData(nameof(MemberNamedNetworks))]
    public async Task A_network_named_like_a_generated_member_gets_GNET0307_at_its_name(string name, string input)
    {
        string body = input == "3x8x8" ? "c = conv(3, 4, 3, padding: 1)" : "c = [conv(64, 64, 1), relu]";
        var result = await AnalyzerRunner.RunAsync([], [new ProjectFile($"{Root}/Member.gnet", $"network {name}(input: {input}) {{\n    {body}\n}}\n"), Valid]);

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id.StartsWith("GNET", StringComparison.Ordinal));
        Assert.Equal("GNET0307", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal($"Member.gnet(1,9): error GNET0307: Network '{name}' is named like a member of its generated class, which C# does not allow (CS0542), so it gets no code; rename the network, for example to {name}Network", AnalyzerRunner.Format(diagnostic, Root));
        Assert.Single(result.GeneratedHintNames, h => h.StartsWith("GroupNetDsl.Networks.Valid.gnet.", StringComparison.Ordinal));
        // Besides Valid, only the empty class of the network without code.
        Assert.Equal(2, result.GeneratedHintNames.Length);
        Assert.Single(result.GeneratedHintNames, h => h.StartsWith("GroupNetDsl.Networks.gnet_errors.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bound_network_named_like_a_member_is_no_problem()
    {
        var result = await AnalyzerRunner.RunAsync(
            [new ProjectFile($"{Root}/Classes.cs", "[global::GroupNetDsl.GroupNet(Network = \"Forward\")]\npublic partial class Model;\n")],
            [new ProjectFile($"{Root}/Member.gnet", "network Forward(input: 3x8x8) = relu\n")]);

        Assert.DoesNotContain(result.Diagnostics, d => d.Id.StartsWith("GNET", StringComparison.Ordinal) || d.Severity == DiagnosticSeverity.Error);
        Assert.Single(result.GeneratedHintNames);
    }

    [Fact]
    public async Task A_network_named_like_a_GroupNet_class_gets_GNET0308_at_both_and_the_rest_of_the_project_compiles()
    {
        var result = await AnalyzerRunner.RunAsync(
            [new ProjectFile($"{Root}/Classes.cs", "namespace GroupNetDsl.Networks;\n[global::GroupNetDsl.GroupNet(Input = \"3x8x8\")]\n[global::GroupNetDsl.ReLU(Name = \"act\")]\npublic partial class Stem;\n")],
            [new ProjectFile($"{Root}/Stem.gnet", "network Stem(input: 3x8x8) {\n    c = conv(3, 8, 3, padding: 1)\n}\n"), Valid]);

        var lines = result.Diagnostics.Where(d => d.Id.StartsWith("GNET", StringComparison.Ordinal) || d.Severity == DiagnosticSeverity.Error).Select(d => AnalyzerRunner.Format(d, Root));
        Assert.Equal(
            [
                "Classes.cs(4,22): error GNET0308: Network 'Stem' would become the class 'GroupNetDsl.Networks.Stem', which a [GroupNet] class of the project already declares, so it gets no code; rename the network or the class",
                "Stem.gnet(1,9): error GNET0308: Network 'Stem' would become the class 'GroupNetDsl.Networks.Stem', which a [GroupNet] class of the project already declares, so it gets no code; rename the network or the class",
            ],
            lines);
        Assert.Equal(2, result.GeneratedHintNames.Length);
        Assert.Single(result.GeneratedHintNames, h => h.StartsWith("GroupNetDsl.Networks.Valid.gnet.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_network_named_like_a_class_elsewhere_or_bound_is_no_problem()
    {
        var result = await AnalyzerRunner.RunAsync(
            [new ProjectFile($"{Root}/Classes.cs", "namespace Other;\n[global::GroupNetDsl.GroupNet(Input = \"3x8x8\")]\n[global::GroupNetDsl.ReLU(Name = \"act\")]\npublic partial class Stem;\n")],
            [new ProjectFile($"{Root}/Stem.gnet", "network Stem(input: 3x8x8) = relu\n")]);

        Assert.DoesNotContain(result.Diagnostics, d => d.Id.StartsWith("GNET", StringComparison.Ordinal) || d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(2, result.GeneratedHintNames.Length);
    }

    [Theory]
    [InlineData("c\\nx", "c\\\\nx")]
    [InlineData("c\\rx", "c\\\\rx")]
    [InlineData("c\\u0007x", "c\\\\u0007x")]
    [InlineData("c\\u2028x", "c\\\\u2028x")]
    public async Task Control_characters_in_user_text_are_escaped_in_messages(string csharpLiteral, string shown)
    {
        var result = await AnalyzerRunner.RunAsync(
            [new ProjectFile($"{Root}/Classes.cs", $"[global::GroupNetDsl.GroupNet(Input = \"3x8x8\")]\n[global::GroupNetDsl.ReLU(Name = \"{csharpLiteral}\")]\npublic partial class Model;\n")],
            []);

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "GNET0220");
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"'{shown.Replace("\\\\", "\\", StringComparison.Ordinal)}' is not a valid layer name; use identifiers and indices separated by dots, like stem.0 or stage1", message);
        Assert.DoesNotContain(message, char.IsControl);
    }

    [Fact]
    public async Task A_bound_network_name_with_a_line_break_is_escaped_in_GNET0304()
    {
        var result = await AnalyzerRunner.RunAsync(
            [new ProjectFile($"{Root}/Classes.cs", "[global::GroupNetDsl.GroupNet(Network = \"c\\nx\")]\npublic partial class Model;\n")],
            []);

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "GNET0304");
        Assert.StartsWith("No network named 'c\\nx' is declared", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
