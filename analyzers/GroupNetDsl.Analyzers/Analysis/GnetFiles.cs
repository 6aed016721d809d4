using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using GroupNetDsl.Analyzers.Diagnostics;
using GroupNetDsl.Generator;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Language.Text;
using GroupNetDsl.Language.Weights;
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
    private readonly ImmutableArray<AdditionalText> _files;
    private readonly Lazy<IReadOnlyList<GnetDiagnostic>> _targetProblems;
    private readonly Lazy<Dictionary<string, Lazy<WeightHeader>>> _weightHeaders;
    private readonly Lazy<IReadOnlyList<GnetDiagnostic>> _weightProblems;

    public GnetFiles(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var files = options.AdditionalFiles
            .Where(file => IsGnet(file.Path))
            .OrderBy(file => file.Path, StringComparer.Ordinal)
            .ToImmutableArray();
        _files = files;
        _result = new Lazy<CompilationResult>(
            () => GnetCompiler.Compile(files.Select(file => new SourceDocument(file.Path, file.GetText(cancellationToken)?.ToString() ?? string.Empty))),
            LazyThreadSafetyMode.ExecutionAndPublication);
        _targetProblems = new Lazy<IReadOnlyList<GnetDiagnostic>>(
            () => FindTargetProblems(compilation, options, cancellationToken),
            LazyThreadSafetyMode.ExecutionAndPublication);
        _weightHeaders = new Lazy<Dictionary<string, Lazy<WeightHeader>>>(
            () => FindWeightHeaders(options, cancellationToken),
            LazyThreadSafetyMode.ExecutionAndPublication);
        _weightProblems = new Lazy<IReadOnlyList<GnetDiagnostic>>(
            () => Result.Networks
                .Where(n => n is { HasErrors: false, Network: not null, Weights: not null })
                .SelectMany(n => DeclaredWeightsCheck.Run(n.Network!, n.Weights!, HeaderFor(n.Weights!)))
                .ToList(),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The header the build extracted from a declared weight file; null when the build has no such file.</summary>
    public WeightHeader? HeaderFor(DeclaredWeights declared) =>
        _weightHeaders.Value.TryGetValue(declared.FullPath, out var header) ? header.Value : null;

    /// <summary>The extracted headers (build/GroupNetDsl.props) by the normalized path of their weight file, each read when first asked for.</summary>
    private static Dictionary<string, Lazy<WeightHeader>> FindWeightHeaders(AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, Lazy<WeightHeader>>(StringComparer.Ordinal);
        foreach (var file in options.AdditionalFiles)
        {
            if (WeightFiles.Describe(file, options.AnalyzerConfigOptionsProvider.GetOptions(file)) is not { } weights) continue;
            headers[weights.SourcePath] = new Lazy<WeightHeader>(
                () => WeightHeader.Parse(file.GetText(cancellationToken)?.ToString() ?? string.Empty),
                LazyThreadSafetyMode.ExecutionAndPublication);
        }
        return headers;
    }

    /// <summary>Every network and diagnostic of the project's .gnet files.</summary>
    public CompilationResult Result => _result.Value;

    /// <summary>Why valid networks get no class of their own (GNET0307, GNET0308), at each network's name.</summary>
    public IReadOnlyList<GnetDiagnostic> TargetProblems => _targetProblems.Value;

    public static bool IsGnet(string path) => path.EndsWith(".gnet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reports the diagnostics located in this file (each diagnostic belongs to exactly one file).</summary>
    public void Analyze(AdditionalFileAnalysisContext context)
    {
        string path = context.AdditionalFile.Path;
        if (!IsGnet(path)) return;
        var diagnostics = Result.Diagnostics.Concat(TargetProblems).Concat(_weightProblems.Value).ToList();
        if (!diagnostics.Any(d => d.Location.FilePath == path)) return;

        var text = context.AdditionalFile.GetText(context.CancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Location.FilePath != path) continue;
            var location = Place(path, text, diagnostic.Location);
            var additional = diagnostic.AdditionalLocations.Select(other => Place(other.FilePath, other.FilePath == path ? text : TextOf(other.FilePath, context.CancellationToken), other));
            context.ReportDiagnostic(ModelDiagnostics.ToRoslyn(diagnostic, location, additional));
        }
    }

    /// <summary>
    /// Why valid networks get no class of their own (<see cref="CodeTargets.ForNetworkProblems"/>, as the generator
    /// decides): named like a generated member, or a [GroupNet] class of the same full name. The project's [GroupNet]
    /// classes are read only when some network is named like a member or like a type of the project.
    /// </summary>
    private IReadOnlyList<GnetDiagnostic> FindTargetProblems(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
    {
        string ns = CodeTargets.NamespaceFor(options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("build_property.RootNamespace", out var root) ? root : null);
        var candidates = Result.Networks
            .Where(n => n is { HasErrors: false, Network: { } model }
                && (CodeTargets.IsNamedLikeItsMember(model) || compilation.Assembly.GetTypeByMetadataName(ns.Replace("@", string.Empty) + "." + n.Name) is not null))
            .ToList();
        if (candidates.Count == 0) return Array.Empty<GnetDiagnostic>();

        var classes = GroupNetClasses(compilation, cancellationToken);
        var boundNames = new HashSet<string>(classes.Select(c => c.BoundNetwork).Where(n => n is not null).Select(n => n!), StringComparer.Ordinal);
        var classNames = new HashSet<string>(classes.Select(CodeTargets.ClassName), StringComparer.Ordinal);
        return candidates.SelectMany(n => CodeTargets.ForNetworkProblems(n, boundNames, ns, classNames)).ToList();
    }

    /// <summary>The [GroupNet] classes declared in the project, read as the generator reads them.</summary>
    private static List<NetworkClass> GroupNetClasses(Compilation compilation, CancellationToken cancellationToken)
    {
        var classes = new List<NetworkClass>();
        var groupNet = compilation.GetTypeByMetadataName(AttributeReader.GroupNetAttributeName);
        if (groupNet is null) return classes;
        var namespaces = new Stack<INamespaceSymbol>();
        namespaces.Push(compilation.Assembly.GlobalNamespace);
        while (namespaces.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = namespaces.Pop();
            foreach (var ns in current.GetNamespaceMembers()) namespaces.Push(ns);
            foreach (var type in current.GetTypeMembers())
            {
                var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, groupNet));
                if (attribute is not null && AttributeReader.Read(type, attribute, cancellationToken) is { } declaration) classes.Add(declaration);
            }
        }
        return classes;
    }

    private SourceText? TextOf(string path, CancellationToken cancellationToken) =>
        _files.FirstOrDefault(file => file.Path == path)?.GetText(cancellationToken);

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
