using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using GroupNetDsl.Analyzers.Diagnostics;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GroupNetDsl.Analyzers.Analysis;

/// <summary>
/// The project's .gnet additional files, compiled together at most once per compilation (in path order, as
/// the generator does), and the reporting of each file's diagnostics when that file is analyzed.
/// </summary>
internal sealed class GnetFiles
{
    private readonly Lazy<CompilationResult> _result;

    public GnetFiles(ImmutableArray<AdditionalText> additionalFiles, CancellationToken cancellationToken)
    {
        var files = additionalFiles
            .Where(file => IsGnet(file.Path))
            .OrderBy(file => file.Path, StringComparer.Ordinal)
            .ToImmutableArray();
        _result = new Lazy<CompilationResult>(
            () => GnetCompiler.Compile(files.Select(file => new SourceDocument(file.Path, file.GetText(cancellationToken)?.ToString() ?? string.Empty))),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Every network and diagnostic of the project's .gnet files.</summary>
    public CompilationResult Result => _result.Value;

    public static bool IsGnet(string path) => path.EndsWith(".gnet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reports the diagnostics located in this file (each diagnostic belongs to exactly one file).</summary>
    public void Analyze(AdditionalFileAnalysisContext context)
    {
        string path = context.AdditionalFile.Path;
        if (!IsGnet(path)) return;
        var diagnostics = Result.Diagnostics;
        if (!diagnostics.Any(d => d.Location.FilePath == path)) return;

        var text = context.AdditionalFile.GetText(context.CancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Location.FilePath != path) continue;
            var location = Place(path, text, diagnostic.Location);
            context.ReportDiagnostic(ModelDiagnostics.ToRoslyn(diagnostic, location));
        }
    }

    /// <summary>A location in the file; lines and columns as Roslyn counts them, so editors and build logs agree.</summary>
    private static Location Place(string path, SourceText? text, SourceLocation location)
    {
        int length = text?.Length ?? int.MaxValue;
        int start = Math.Min(Math.Max(location.Start, 0), length);
        var span = new TextSpan(start, Math.Min(Math.Max(location.Length, 0), length - start));
        var lines = text is not null
            ? text.Lines.GetLinePositionSpan(span)
            : new LinePositionSpan(new LinePosition(location.Line - 1, location.Column - 1), new LinePosition(location.EndLine - 1, location.EndColumn - 1));
        return Location.Create(path, span, lines);
    }
}
