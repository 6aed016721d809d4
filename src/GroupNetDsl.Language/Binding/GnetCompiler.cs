using System;
using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Attributes;
using GroupNetDsl.Language.Binding;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language;

/// <summary>
/// One network's outcome: the model when it is valid, where its name and each of its nodes (by index) were declared,
/// and the diagnostics that belong to it. Positions live here, beside the model, so the model stays equal when a
/// declaration only moves.
/// </summary>
public sealed record NetworkResult(string Name, SourceLocation Location, Network? Network, EquatableArray<SourceLocation> NodeLocations, EquatableArray<GnetDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

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
    /// <summary>Compiles .gnet documents together: blocks of every document (and the standard library) are visible to all networks.</summary>
    public static CompilationResult Compile(IEnumerable<SourceDocument> documents)
    {
        var diagnostics = new DiagnosticBag();
        var parsed = new List<(DocumentSyntax Syntax, bool HasSyntaxErrors)>();
        foreach (var document in documents)
        {
            int before = diagnostics.ErrorCount;
            parsed.Add((Parser.Parse(document, diagnostics), diagnostics.ErrorCount != before));
        }
        var (blocks, brokenBlocks) = CollectBlocks(parsed, diagnostics);

        var results = new List<NetworkResult>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (syntax, hasSyntaxErrors) in parsed)
        {
            foreach (var network in syntax.Networks)
            {
                if (network.Name.Length == 0) continue;
                if (!seen.Add(network.Name))
                {
                    diagnostics.Report(DiagnosticDescriptors.DuplicateName, network.NameLocation, network.Name);
                    continue;
                }
                results.Add(BindNetwork(network, blocks, brokenBlocks, hasSyntaxErrors, diagnostics));
            }
        }
        return new CompilationResult(results.ToEquatableArray(), Sorted(diagnostics.Items));
    }

    public static CompilationResult Compile(params SourceDocument[] documents) => Compile((IEnumerable<SourceDocument>)documents);

    /// <summary>Compiles a network declared with attributes on a C# class, against the standard library.</summary>
    public static NetworkResult CompileAttributes(AttributeNetwork declaration)
    {
        var diagnostics = new DiagnosticBag();
        var (blocks, brokenBlocks) = CollectBlocks(new List<(DocumentSyntax, bool)>(), diagnostics);
        var syntax = AttributeForm.ToSyntax(declaration, diagnostics);
        var result = BindNetwork(syntax, blocks, brokenBlocks, diagnostics.ErrorCount > 0, diagnostics);
        // The errors of reading the attributes (names, types) are this network's too, not only the binder's.
        return result with { Diagnostics = Sorted(diagnostics.Items) };
    }

    private static NetworkResult BindNetwork(NetworkSyntax network, Dictionary<string, BlockSyntax> blocks, HashSet<string> brokenBlocks, bool hasSyntaxErrors, DiagnosticBag shared)
    {
        var own = new DiagnosticBag();
        var binder = new Binder(blocks, own, network.NameLocation);
        var model = binder.BindNetwork(network);
        if (model is not null) Advice.Check(model, binder.NodeLocations, own);
        foreach (var diagnostic in own.Items) shared.Report(diagnostic);

        // A syntax error may have dropped a member silently: never hand out a model built from broken text.
        bool broken = hasSyntaxErrors || binder.UsedBlocks.Any(brokenBlocks.Contains);
        if (broken || model is null) return new NetworkResult(network.Name, network.NameLocation, null, EquatableArray<SourceLocation>.Empty, Sorted(own.Items));
        return new NetworkResult(network.Name, network.NameLocation, model, binder.NodeLocations, Sorted(own.Items));
    }

    private static (Dictionary<string, BlockSyntax> Blocks, HashSet<string> Broken) CollectBlocks(List<(DocumentSyntax Syntax, bool HasSyntaxErrors)> parsed, DiagnosticBag diagnostics)
    {
        var blocks = new Dictionary<string, BlockSyntax>(StringComparer.Ordinal);
        var broken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in StandardLibrary.Blocks.Concat(StandardLibrary.ZooBlocks)) blocks[block.Name] = block;

        // User blocks shadow standard-library blocks of the same name; two user blocks may not share one.
        var userNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (syntax, hasSyntaxErrors) in parsed)
        {
            foreach (var block in syntax.Blocks)
            {
                if (block.Name.Length == 0) continue;
                if (!userNames.Add(block.Name))
                {
                    diagnostics.Report(DiagnosticDescriptors.DuplicateName, block.NameLocation, block.Name);
                    broken.Add(block.Name); // which of the two a network means is unknown: no model from either
                    continue;
                }
                blocks[block.Name] = block;
                if (hasSyntaxErrors) broken.Add(block.Name);
            }
        }
        return (blocks, broken);
    }

    private static EquatableArray<GnetDiagnostic> Sorted(IEnumerable<GnetDiagnostic> diagnostics) =>
        diagnostics
            .OrderBy(d => d.Location.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ThenBy(d => d.Message, StringComparer.Ordinal)
            .ToEquatableArray();
}
