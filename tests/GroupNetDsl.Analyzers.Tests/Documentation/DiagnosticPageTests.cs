using GroupNetDsl.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Catalog = GroupNetDsl.Language.Diagnostics.DiagnosticDescriptors;

namespace GroupNetDsl.Analyzers.Tests.Documentation;

/// <summary>
/// Each page under docs/diagnostics/ shows a bad example, what the build prints for it, and the fixed
/// example. The examples are compiled here with the generator and the analyzer: the bad one must print
/// exactly the lines the page shows (so a page cannot drift from the messages), and the fixed one nothing.
/// </summary>
public class DiagnosticPageTests
{
    /// <summary>Where the examples are put: the printed paths are relative to it.</summary>
    private const string ExampleFolder = "/example";

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var rule in Catalog.All) data.Add(rule.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task The_bad_example_prints_what_the_page_shows(string id)
    {
        var page = DiagnosticPage.Read(id);

        var (printed, generatorDiagnostics) = await CompileAsync(page.Bad);

        Assert.Equal(page.Printed, printed);
        Assert.Empty(generatorDiagnostics); // The generator reports nothing: the analyzers do.
        Assert.Contains(printed, line => line.Contains($" {id}: ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task The_fixed_example_prints_nothing(string id)
    {
        var page = DiagnosticPage.Read(id);

        Assert.Empty((await CompileAsync(page.Fixed)).Printed);
    }

    /// <summary>
    /// In the example files: GroupNetDsl's diagnostics of any severity, and the compiler's errors and warnings.
    /// (Errors the compiler then finds in generated code, such as CS0102 for GNET0305, are not shown.)
    /// </summary>
    private static async Task<(IReadOnlyList<string> Printed, IReadOnlyList<Diagnostic> GeneratorDiagnostics)> CompileAsync(IReadOnlyList<DiagnosticPage.Example> examples)
    {
        var sources = examples.Where(e => e.Language == "csharp").Select(e => new ProjectFile($"{ExampleFolder}/Network.cs", e.Code));
        var gnet = examples.Where(e => e.Language == "gnet").Select(e => new ProjectFile($"{ExampleFolder}/{FileName(e.Code)}", e.Code));
        // ```json tiny.safetensors: the header of a weight file of the example (all the build reads of it).
        var weights = examples.Where(e => e.Language.StartsWith("json ", StringComparison.Ordinal)).Select(e => new ProjectFile($"{ExampleFolder}/{e.Language[5..].Trim()}", e.Code));
        var result = await AnalyzerRunner.RunAsync(sources, gnet, weights);
        var printed = result.Diagnostics
            .Where(d => d.Location.GetLineSpan().Path.StartsWith(ExampleFolder + "/", StringComparison.Ordinal))
            .Where(d => d.Id.StartsWith("GNET", StringComparison.Ordinal) || d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => AnalyzerRunner.Format(d, ExampleFolder))
            .ToList();
        return (printed, result.GeneratorDiagnostics);
    }

    /// <summary>Networks.gnet, or the name a first line such as <c># file: blocks.gnet</c> gives (for pages that need several files).</summary>
    private static string FileName(string code)
    {
        const string marker = "# file: ";
        return code.StartsWith(marker, StringComparison.Ordinal) ? code[marker.Length..code.IndexOf('\n', StringComparison.Ordinal)].Trim() : "Networks.gnet";
    }
}

/// <summary>The parts of a diagnostic page the tests read: the fenced code of its Bad and Fixed sections.</summary>
internal sealed record DiagnosticPage(IReadOnlyList<DiagnosticPage.Example> Bad, IReadOnlyList<string> Printed, IReadOnlyList<DiagnosticPage.Example> Fixed)
{
    public sealed record Example(string Language, string Code);

    public static DiagnosticPage Read(string id)
    {
        var sections = new Dictionary<string, List<(string Language, string Code)>>();
        string? section = null;
        List<string>? code = null;
        string language = "";
        foreach (string line in File.ReadAllLines(Path.Combine(RepositoryPaths.DiagnosticsDocs, id + ".md")))
        {
            if (code is null && line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line[3..].Trim();
                sections[section] = [];
            }
            else if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (code is null)
                {
                    language = line[3..].Trim();
                    code = [];
                }
                else
                {
                    if (section is not null) sections[section].Add((language, string.Join("\n", code)));
                    code = null;
                }
            }
            else
            {
                code?.Add(line);
            }
        }
        List<Example> Examples(string name) =>
            sections.GetValueOrDefault(name, []).Where(b => b.Language is "gnet" or "csharp" || b.Language.StartsWith("json ", StringComparison.Ordinal)).Select(b => new Example(b.Language, b.Code)).ToList();
        var printed = sections.GetValueOrDefault("Bad", []).Where(b => b.Language == "text").SelectMany(b => b.Code.Split('\n')).ToList();
        return new DiagnosticPage(Examples("Bad"), printed, Examples("Fixed"));
    }
}
