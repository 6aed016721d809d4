using System.Collections.Generic;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Binding;

// Names: which blocks a file sees, and the unknown names of an expression that is not evaluated.
internal sealed partial class Binder
{
    /// <summary>The blocks each file sees (its own, the ones it imports, the standard library), by file path; null: every file sees the constructor's blocks.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, BlockSyntax>>? BlocksByFile { get; init; }

    /// <summary>The blocks this network used, by declaration (two files may each declare a block of one name).</summary>
    public HashSet<BlockSyntax> UsedBlockDeclarations { get; } = new();

    /// <summary>Makes the blocks visible from <paramref name="filePath"/> the ones names resolve to; returns those visible before.</summary>
    private IReadOnlyDictionary<string, BlockSyntax> SeeBlocksOf(string filePath)
    {
        var before = _blocks;
        if (BlocksByFile is not null && BlocksByFile.TryGetValue(filePath, out var visible)) _blocks = visible;
        return before;
    }

    /// <summary>Another file that declares a block named <paramref name="name"/>, as an import from <paramref name="filePath"/> would name it; null if none.</summary>
    private string? BlockElsewhere(string name, string filePath)
    {
        if (BlocksByFile is null) return null;
        foreach (var file in BlocksByFile)
        {
            if (file.Key != filePath && file.Value.TryGetValue(name, out var block) && block.NameLocation.FilePath == file.Key)
            {
                return block.NameLocation.FileName;
            }
        }
        return null;
    }

    /// <summary>The calls of the block instances being bound or run, innermost first; null outside any block.</summary>
    private CallSite? _callSites;

    private sealed record CallSite(SourceLocation Location, CallSite? Outer);

    /// <summary>Enters a block instance called at <paramref name="location"/>; returns the call sites to restore after it.</summary>
    private CallSite? EnterCallSite(SourceLocation location)
    {
        var before = _callSites;
        // A call inside the standard library is placed at the user's call, which is already on the list.
        if (location.FilePath != StandardLibrary.FilePath) _callSites = new CallSite(location, before);
        return before;
    }

    /// <summary>
    /// The calls that led to an error at <paramref name="location"/> inside a block, innermost first; none for an
    /// error at a call itself (its own line says it all).
    /// </summary>
    private EquatableArray<SourceLocation> CallSitesFor(SourceLocation location)
    {
        if (_callSites is null) return EquatableArray<SourceLocation>.Empty;
        var sites = new List<SourceLocation>();
        for (var site = _callSites; site is not null; site = site.Outer)
        {
            if (site.Location != location && !sites.Contains(site.Location)) sites.Add(site.Location);
        }
        return sites.ToEquatableArray();
    }

    /// <summary>
    /// Reports every unknown name inside expressions that are not evaluated because their call failed, so that
    /// <c>f(g(h(x)))</c> with three unknown names gives three errors in one run, not one per fix.
    /// </summary>
    private void ReportUnknownNamesIn(IReadOnlyList<ArgumentSyntax> arguments, Scope scope)
    {
        foreach (var argument in arguments) ReportUnknownNamesIn(argument.Value, scope);
    }

    private void ReportUnknownNamesIn(ExpressionSyntax expression, Scope scope)
    {
        Enter();
        try
        {
            switch (expression)
            {
                // A quoted word may be a string argument of the unknown call: only the call knows, so it is not reported.
                case NameSyntax name when !name.Quoted && !IsKnown(name.Name, scope):
                    ReportUnknown(name.Name, name.Location, scope);
                    break;
                case CallSyntax call:
                    if (!IsKnown(call.Callee.Name, scope)) ReportUnknown(call.Callee.Name, call.Callee.Location, scope);
                    ReportUnknownNamesIn(call.Arguments, scope);
                    break;
                case UnarySyntax unary:
                    ReportUnknownNamesIn(unary.Operand, scope);
                    break;
                case BinarySyntax binary:
                    ReportUnknownNamesIn(binary.Left, scope);
                    ReportUnknownNamesIn(binary.Right, scope);
                    break;
                case IfSyntax conditional:
                    ReportUnknownNamesIn(conditional.Condition, scope);
                    ReportUnknownNamesIn(conditional.WhenTrue, scope);
                    ReportUnknownNamesIn(conditional.WhenFalse, scope);
                    break;
                case ListSyntax list:
                    foreach (var item in list.Items) ReportUnknownNamesIn(item, scope);
                    break;
            }
        }
        finally
        {
            _depth--;
        }
    }

    private bool IsKnown(string name, Scope scope) =>
        scope.TryGet(name, out _) || OpRegistry.TryGet(name, out _) || _blocks.ContainsKey(name) || Builtins.IsFunction(name);
}
