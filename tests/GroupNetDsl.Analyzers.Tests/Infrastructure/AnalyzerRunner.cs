extern alias Generator;

using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using GroupNetDsl.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GroupNetDsl.Analyzers.Tests.Infrastructure;

/// <summary>A file of a project compiled in memory: C# source or a .gnet additional file.</summary>
internal sealed record ProjectFile(string Path, string Text);

/// <summary>
/// Compiles a project in memory the way the build does: the generator runs first, then the compiler's and
/// the analyzer's diagnostics are collected over the compilation with the generated code in it.
/// </summary>
internal static class AnalyzerRunner
{
    public sealed record Result(ImmutableArray<Diagnostic> GeneratorDiagnostics, ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> GeneratedHintNames);

    /// <param name="weightHeaders">
    /// Declared weight files, each as the build hands it to the compiler (build/GroupNetDsl.props): its JSON header as an
    /// additional file whose metadata names the weight file (<see cref="ProjectFile.Path"/>).
    /// </param>
    public static async Task<Result> RunAsync(IEnumerable<ProjectFile> sources, IEnumerable<ProjectFile> gnetFiles, IEnumerable<ProjectFile>? weightHeaders = null)
    {
        // The runtime uses C# 13 params spans (WeightLoader.Take), which Roslyn 4.11 knows as a preview feature.
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(SourceText.From(s.Text, Encoding.UTF8), parseOptions, s.Path)).ToList();
        var compilation = CSharpCompilation.Create(
            "InMemory",
            trees,
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var headers = (weightHeaders ?? []).Select((f, i) => (Header: $"/obj/GroupNetDsl/{i}.header.json", f.Path, f.Text)).ToList();
        var additionalTexts = gnetFiles.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text))
            .Concat(headers.Select(h => new InMemoryAdditionalText(h.Header, h.Text)))
            .ToImmutableArray();
        var options = new FileOptionsProvider(headers.ToDictionary(h => h.Header, h => h.Path, StringComparer.Ordinal));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new Generator::GroupNetDsl.Generator.GroupNetGenerator().AsSourceGenerator()],
            additionalTexts,
            parseOptions,
            options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var withGenerated, out var generatorDiagnostics);
        var hintNames = driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToImmutableArray();

        var analyzers = withGenerated.WithAnalyzers(
            [new GroupNetAnalyzer()],
            new AnalyzerOptions(additionalTexts, options));
        var diagnostics = await analyzers.GetAllDiagnosticsAsync();
        return new Result(generatorDiagnostics, Sorted(diagnostics), hintNames);
    }

    /// <summary>The line a build log shows, with the path relative to <paramref name="root"/> and '/' separators.</summary>
    public static string Format(Diagnostic diagnostic, string root)
    {
        var span = diagnostic.Location.GetLineSpan();
        string path = Path.GetRelativePath(root, span.Path).Replace('\\', '/');
        string severity = diagnostic.Severity.ToString().ToLowerInvariant();
        return string.Create(CultureInfo.InvariantCulture, $"{path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {severity} {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
    }

    private static ImmutableArray<Diagnostic> Sorted(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics
            .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();

    /// <summary>The metadata of the weight headers (<c>GroupNetDslWeightsSource</c>), by header path; nothing else.</summary>
    private sealed class FileOptionsProvider(Dictionary<string, string> weightFiles) : AnalyzerConfigOptionsProvider
    {
        private static readonly Options None = new(null);

        public override AnalyzerConfigOptions GlobalOptions => None;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => None;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(weightFiles.GetValueOrDefault(textFile.Path));

        private sealed class Options(string? weightFile) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            {
                value = key == Generator::GroupNetDsl.Generator.WeightFiles.SourceMetadata ? weightFile : null;
                return value is not null;
            }
        }
    }

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
