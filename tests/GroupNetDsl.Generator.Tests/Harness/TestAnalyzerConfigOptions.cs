using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GroupNetDsl.Generator.Tests.Harness;

/// <summary>
/// Analyzer options as MSBuild passes them: global ones (build_property.RootNamespace) and, per additional file, its
/// compiler-visible metadata (build_metadata.AdditionalFiles.*), by the file's path.
/// </summary>
public sealed class TestAnalyzerConfigOptionsProvider(IReadOnlyDictionary<string, string> globalOptions, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? fileOptions = null) : AnalyzerConfigOptionsProvider
{
    private static readonly DictionaryOptions Empty = new(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GlobalOptions { get; } = new DictionaryOptions(globalOptions);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        fileOptions is not null && fileOptions.TryGetValue(textFile.Path, out var options) ? new DictionaryOptions(options) : Empty;

    private sealed class DictionaryOptions(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
