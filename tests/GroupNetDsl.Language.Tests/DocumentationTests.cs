using System.Text.RegularExpressions;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Tests;

/// <summary>Every .gnet example in the README and the language reference compiles without errors.</summary>
public class DocumentationTests
{
    private static string RepositoryFile(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(relative);
    }

    /// <summary>The fenced code blocks of a Markdown file whose info string is empty or "gnet" and that declare something.</summary>
    private static List<string> GnetBlocks(string file)
    {
        var blocks = new List<string>();
        List<string>? current = null;
        bool wanted = false;
        foreach (var line in File.ReadAllLines(RepositoryFile(file)))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (current is null)
                {
                    current = new List<string>();
                    wanted = line.Trim() is "```" or "```gnet";
                }
                else
                {
                    string code = string.Join("\n", current);
                    if (wanted && Regex.IsMatch(code, "^(network|block) ", RegexOptions.Multiline)) blocks.Add(code);
                    current = null;
                }
            }
            else
            {
                current?.Add(line);
            }
        }
        return blocks;
    }

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

    [Fact]
    public void Every_op_appears_in_the_language_reference()
    {
        string reference = File.ReadAllText(RepositoryFile("docs/language.md"));
        foreach (var op in new[] { "conv", "batchnorm", "linear", "relu", "relu6", "identity", "add", "maxpool", "avgpool", "flatten" })
        {
            Assert.Contains($"| `{op}", reference);
        }
    }
}
