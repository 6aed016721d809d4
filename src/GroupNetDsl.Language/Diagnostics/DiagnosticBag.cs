using System;
using System.Collections.Generic;
using System.Globalization;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Diagnostics;

/// <summary>
/// Collects diagnostics of one compilation; every stage reports here and keeps going. Errors are capped per file
/// (<see cref="MaxErrorsPerFile"/>), the rest counted in one final GNET0106, so a binary file or a flood of bad
/// characters costs neither memory nor a log of a million lines.
/// </summary>
public sealed class DiagnosticBag
{
    /// <summary>Most errors reported for one file; the rest are one GNET0106 "and N more".</summary>
    public const int MaxErrorsPerFile = 100;

    private readonly List<GnetDiagnostic> _items = new();
    private readonly HashSet<GnetDiagnostic> _seen = new();
    private readonly Dictionary<string, int> _errorsPerFile = new(StringComparer.Ordinal);
    // Per file: how many errors were left out, and where the first of them was.
    private readonly Dictionary<string, (int Count, SourceLocation First)> _omitted = new(StringComparer.Ordinal);

    public int ErrorCount { get; private set; }

    /// <summary>How many diagnostics were kept so far (past the cap, errors are only counted): with <see cref="Reported"/>, what one stage added.</summary>
    public int ReportedCount => _items.Count;

    /// <summary>The kept diagnostics from index <paramref name="start"/> on, in the order reported.</summary>
    public IEnumerable<GnetDiagnostic> Reported(int start)
    {
        for (int i = start; i < _items.Count; i++) yield return _items[i];
    }

    /// <summary>The diagnostics reported, then one GNET0106 per file whose errors passed the cap.</summary>
    public IReadOnlyList<GnetDiagnostic> Items
    {
        get
        {
            if (_omitted.Count == 0) return _items;
            var items = new List<GnetDiagnostic>(_items);
            foreach (var omitted in _omitted.Values) items.Add(Summary(omitted.Count, omitted.First));
            return items;
        }
    }

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
        if (diagnostic.Descriptor == DiagnosticDescriptors.TooManyErrors)
        {
            // Another bag's summary: its omitted errors are this bag's too.
            int count = int.Parse(diagnostic.Arguments[0], CultureInfo.InvariantCulture);
            ErrorCount += count;
            Omit(diagnostic.Location, count);
            return;
        }
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            _errorsPerFile.TryGetValue(diagnostic.Location.FilePath, out int errors);
            if (errors >= MaxErrorsPerFile)
            {
                ErrorCount++;
                Omit(diagnostic.Location, 1);
                return;
            }
        }
        // A block instantiated twice with the same bad arguments would report twice at one place (with the first call
        // as its additional location).
        if (!_seen.Add(diagnostic.AdditionalLocations.Count == 0 ? diagnostic : diagnostic with { AdditionalLocations = EquatableArray<SourceLocation>.Empty })) return;
        _items.Add(diagnostic);
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            ErrorCount++;
            _errorsPerFile.TryGetValue(diagnostic.Location.FilePath, out int errors);
            _errorsPerFile[diagnostic.Location.FilePath] = errors + 1;
        }
    }

    private void Omit(SourceLocation location, int count)
    {
        _omitted[location.FilePath] = _omitted.TryGetValue(location.FilePath, out var omitted)
            ? (omitted.Count + count, omitted.First)
            : (count, location);
    }

    private static GnetDiagnostic Summary(int count, SourceLocation first) =>
        new(DiagnosticDescriptors.TooManyErrors, first, new EquatableArray<string>(new[] { count.ToString(CultureInfo.InvariantCulture), MaxErrorsPerFile.ToString(CultureInfo.InvariantCulture) }));
}
