using System.Text.RegularExpressions;
using GroupNetDsl.Cli.Tests.Infrastructure;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Cli.Tests;

/// <summary>
/// The .gnet examples of the attribute, architecture and generated-API pages pass `gnet check`, and what
/// docs/generated-api.md quotes of the generated class is in what `gnet emit` prints for its example. (The README's
/// and the language reference's examples are the language tests'.)
/// </summary>
public sealed partial class DocumentationExampleTests : CommandTests
{
    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (string page in new[] { "docs/attributes.md", "docs/generated-api.md", "docs/architecture.md", "docs/from-pytorch.md" })
        {
            for (int i = 0; i < GnetBlocks(page).Count; i++) data.Add(page, i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_passes_gnet_check(string page, int index)
    {
        string file = Files.Write("example.gnet", GnetBlocks(page)[index]);

        var run = Gnet.Run("check", file);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal(["Checked 1 file: 0 errors, 0 warnings."], run.OutputLines);
    }

    [Fact]
    public void The_generated_api_page_quotes_what_gnet_emit_prints_for_its_example()
    {
        string page = RepositoryFiles.Read("docs/generated-api.md");
        string file = Files.Write("tiny.gnet", GnetBlocks("docs/generated-api.md")[0]);

        var run = Gnet.Run("emit", file);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        // The sizes the page gives: 3 x 32 x 32 in; 10 out.
        Assert.Contains($"public const int InputLength = {3 * 32 * 32};", run.Output, StringComparison.Ordinal);
        Assert.Contains("public const int OutputLength = 10;", run.Output, StringComparison.Ordinal);
        // Every generated member name the page shows in code spans.
        var quoted = QuotedMemberName().Matches(page).Select(match => match.Groups["name"].Value).Distinct().ToList();
        Assert.Contains("_stem_0_weight", quoted);
        Assert.Contains("Linear_128_10", quoted);
        Assert.All(quoted, name => Assert.Contains(name, run.Output, StringComparison.Ordinal));
        // The page's Forward excerpt is a piece of the generated Forward, line for line.
        foreach (string line in CSharpBlocks("docs/generated-api.md").Single(block => block.Contains("PointwiseConv_", StringComparison.Ordinal)).Split('\n'))
        {
            Assert.Contains(run.OutputLines, generated => generated.Trim() == line.Trim());
        }
    }

    /// <summary>The fenced blocks of a page marked gnet.</summary>
    private static List<string> GnetBlocks(string page) => FencedBlocks.Of(page, info => info == "gnet");

    private static List<string> CSharpBlocks(string page) => FencedBlocks.Of(page, info => info == "csharp");

    // `_stem_0_weight`, `Conv_3x32x32_to_32x16x16_k3_s2_p1_Relu6`, `Linear_128_10`: fields and layer methods in code spans.
    [GeneratedRegex(@"`(?<name>_[a-z0-9_]+_(weight|bias)|[A-Z][A-Za-z]+_[0-9][A-Za-z0-9_]*)`")]
    private static partial Regex QuotedMemberName();
}
