using System.Collections.Generic;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Diagnostics;

/// <summary>Collects diagnostics of one compilation; every stage reports here and keeps going.</summary>
public sealed class DiagnosticBag
{
    private readonly List<GnetDiagnostic> _items = new();
    private readonly HashSet<GnetDiagnostic> _seen = new();

    public int ErrorCount { get; private set; }

    public IReadOnlyList<GnetDiagnostic> Items => _items;

    public void Report(DiagnosticDescriptor descriptor, SourceLocation location, params object[] arguments) =>
        Report(descriptor, EquatableArray<DiagnosticProperty>.Empty, location, arguments);

    /// <summary>Reports with the properties a code fix reads (see <see cref="DiagnosticProperties"/>).</summary>
    public void Report(DiagnosticDescriptor descriptor, EquatableArray<DiagnosticProperty> properties, SourceLocation location, params object[] arguments)
    {
        Report(new GnetDiagnostic(descriptor, location, new EquatableArray<string>(MessageArguments.Format(arguments))) { Properties = properties });
    }

    /// <summary>Reports a diagnostic as it is (one stage handing its diagnostics to another).</summary>
    public void Report(GnetDiagnostic diagnostic)
    {
        // A block instantiated twice with the same bad arguments would report twice at one place.
        if (!_seen.Add(diagnostic)) return;
        _items.Add(diagnostic);
        if (diagnostic.Severity == DiagnosticSeverity.Error) ErrorCount++;
    }
}
