using System.Text.RegularExpressions;
using GroupNetDsl.Language.Ops;
using GroupNetDsl.Language.Text;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Language.Tests;

/// <summary>Every .gnet example in the README and the language reference compiles without errors.</summary>
public class DocumentationTests
{
    /// <summary>The fenced code blocks of a Markdown file whose info string is empty or "gnet" and that declare something.</summary>
    private static List<string> GnetBlocks(string file) =>
        FencedBlocks.Of(file, info => info is "" or "gnet").Where(code => Regex.IsMatch(code, "^(network|block) ", RegexOptions.Multiline)).ToList();

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in new[] { "README.md", "docs/language.md" })
        {
            for (int i = 0; i < GnetBlocks(file).Count; i++) data.Add(file, i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_compiles(string file, int index)
    {
        var result = GnetCompiler.Compile(new SourceDocument(file, GnetBlocks(file)[index]));
        Assert.Empty(result.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error).Select(d => d.ToString()));
        Assert.NotEmpty(result.Networks);
        Assert.All(result.Networks, n => Assert.NotNull(n.Network));
    }

    /// <summary>The rows of the op table in docs/language.md, backticks removed: usage, PyTorch, arguments.</summary>
    private static List<string[]> OpTableRows()
    {
        var lines = File.ReadAllLines(RepositoryFiles.PathOf("docs/language.md"));
        int header = Array.FindIndex(lines, line => line.StartsWith("| .gnet | PyTorch | arguments (defaults) |", StringComparison.Ordinal));
        Assert.True(header >= 0, "docs/language.md has no op table.");
        return lines.Skip(header + 2).TakeWhile(line => line.StartsWith('|'))
            .Select(line => line.Trim('|').Split('|').Select(cell => cell.Replace("`", string.Empty).Trim()).ToArray())
            .ToList();
    }

    [Fact]
    public void Every_op_has_its_row_in_the_language_reference_with_its_descriptors_signature()
    {
        var rows = OpTableRows();
        var documented = OpRegistry.All.SelectMany(op => op.Documentation).ToList();
        foreach (var expected in documented)
        {
            var row = rows.SingleOrDefault(r => r[0] == expected.Usage);
            Assert.True(row is not null, $"docs/language.md has no op row for '{expected.Usage}'.");
            Assert.StartsWith(expected.TorchName, row![1], StringComparison.Ordinal);
            Assert.Equal(expected.Arguments, row[2]);
        }
        Assert.Equal(documented.Select(d => d.Usage), rows.Select(r => r[0]));
    }
}
