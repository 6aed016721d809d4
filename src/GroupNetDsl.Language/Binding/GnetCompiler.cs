using System;
using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Attributes;
using GroupNetDsl.Language.Binding;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;
using GroupNetDsl.Language.Weights;

namespace GroupNetDsl.Language;

/// <summary>
/// One network's outcome: the model when it is valid, where its name and each of its nodes (by index) were declared,
/// and the diagnostics that belong to it. Positions live here, beside the model, so the model stays equal when a
/// declaration only moves.
/// </summary>
public sealed record NetworkResult(string Name, SourceLocation Location, Network? Network, EquatableArray<SourceLocation> NodeLocations, EquatableArray<GnetDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The weight file the network declares, checked at build time (<see cref="Weights.DeclaredWeightsCheck"/>); null when none.</summary>
    public DeclaredWeights? Weights { get; init; }

    /// <summary>A block the network uses that has syntax errors (so the network gets no model), the first in source order; null when none.</summary>
    public BrokenBlock? BrokenBlock { get; init; }
}

/// <summary>A block with syntax errors of its own, by name, and its errors in source order.</summary>
public sealed record BrokenBlock(string Name, EquatableArray<GnetDiagnostic> Errors);

/// <summary>Everything found in a set of declaration sources.</summary>
public sealed record CompilationResult(EquatableArray<NetworkResult> Networks, EquatableArray<GnetDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    public NetworkResult? Find(string name) => Networks.FirstOrDefault(n => n.Name == name);
}

/// <summary>
/// The entry point of the language: text in, models and diagnostics out. The generator, the analyzers and
/// the CLI all call this; nothing else parses or checks a declaration.
/// </summary>
public static class GnetCompiler
{
    /// <summary>
    /// Compiles .gnet documents together. A document sees its own blocks, those of the documents it imports
    /// (<c>import "other.gnet"</c>) and the standard library; network names are shared by all.
    /// </summary>
    public static CompilationResult Compile(IEnumerable<SourceDocument> documents)
    {
        var diagnostics = new DiagnosticBag();
        var parsed = documents.Select(document => Parser.Parse(document, diagnostics)).ToList();
        var blocks = BlockScopes.Create(parsed, diagnostics);

        var results = new List<NetworkResult>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var syntax in parsed)
        {
            foreach (var network in syntax.Networks)
            {
                if (network.Name.Length == 0) continue;
                if (!seen.Add(network.Name))
                {
                    diagnostics.Report(DiagnosticDescriptors.DuplicateName, network.NameLocation, network.Name);
                    continue;
                }
                results.Add(BindNetwork(network, blocks, syntax.HasStrayErrors || blocks.FilesWithBadImports.Contains(syntax.Source.FilePath), diagnostics));
            }
        }
        return new CompilationResult(results.ToEquatableArray(), Sorted(diagnostics.Items));
    }

    public static CompilationResult Compile(params SourceDocument[] documents) => Compile((IEnumerable<SourceDocument>)documents);

    /// <summary>Compiles a network declared with attributes on a C# class, against the standard library.</summary>
    public static NetworkResult CompileAttributes(AttributeNetwork declaration)
    {
        var diagnostics = new DiagnosticBag();
        var blocks = BlockScopes.Create(new List<DocumentSyntax>(), diagnostics);
        var syntax = AttributeForm.ToSyntax(declaration, diagnostics);
        var result = BindNetwork(syntax, blocks, diagnostics.ErrorCount > 0, diagnostics);
        // The errors of reading the attributes (names, types) are this network's too, not only the binder's.
        return result with { Diagnostics = Sorted(diagnostics.Items) };
    }

    /// <param name="fileBroken">The network's file has syntax errors outside its declarations, or an import that failed.</param>
    private static NetworkResult BindNetwork(NetworkSyntax network, BlockScopes blocks, bool fileBroken, DiagnosticBag shared)
    {
        var own = new DiagnosticBag();
        var binder = new Binder(blocks.StandardLibrary, own, network.NameLocation) { BlocksByFile = blocks.ByFile };
        var model = binder.BindNetwork(network);
        if (model is not null) Advice.Check(model, binder.NodeLocations, own);
        foreach (var diagnostic in own.Items) shared.Report(diagnostic);

        // A syntax error may have dropped a member silently: never hand out a model built from broken text. The
        // network's own syntax errors (already in the shared bag) are its diagnostics too, so that its shell and
        // `gnet` name them; another declaration's are not, and do not withhold it.
        bool broken = fileBroken || network.SyntaxErrors.Count > 0 || binder.UsedBlockDeclarations.Any(blocks.Broken.Contains);
        var diagnostics = Sorted(own.Items.Concat(network.SyntaxErrors));
        var weights = network.Weights is { } w ? DeclaredWeights.Resolve(w.Path, w.Location) : null;
        var brokenBlock = binder.UsedBlockDeclarations.Where(b => b.SyntaxErrors.Count > 0)
            .OrderBy(b => b.NameLocation.FilePath, StringComparer.Ordinal).ThenBy(b => b.NameLocation.Start)
            .Select(b => new BrokenBlock(b.Name, Sorted(b.SyntaxErrors))).FirstOrDefault();
        if (broken || model is null) return new NetworkResult(network.Name, network.NameLocation, null, EquatableArray<SourceLocation>.Empty, diagnostics) { Weights = weights, BrokenBlock = brokenBlock };
        return new NetworkResult(network.Name, network.NameLocation, model, binder.NodeLocations, diagnostics) { Weights = weights };
    }


    private static EquatableArray<GnetDiagnostic> Sorted(IEnumerable<GnetDiagnostic> diagnostics) =>
        diagnostics
            .OrderBy(d => d.Location.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ThenBy(d => d.Message, StringComparer.Ordinal)
            .ToEquatableArray();
}
