using System.Globalization;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Diagnostics;

/// <summary>
/// A diagnostic found in a declaration: the rule, where, the values that fill its message, and the typed values a
/// code fix needs (<see cref="Properties"/>, named in <see cref="DiagnosticProperties"/>).
/// </summary>
public sealed record GnetDiagnostic(DiagnosticDescriptor Descriptor, SourceLocation Location, EquatableArray<string> Arguments)
{
    public EquatableArray<DiagnosticProperty> Properties { get; init; } = EquatableArray<DiagnosticProperty>.Empty;

    /// <summary>
    /// Further places the diagnostic concerns: for an error inside a block, the calls that instantiated the block,
    /// innermost first (the arguments there may be what is wrong). The analyzers pass them to Roslyn as additional
    /// locations; the CLI prints each as a note line.
    /// </summary>
    public EquatableArray<SourceLocation> AdditionalLocations { get; init; } = EquatableArray<SourceLocation>.Empty;

    public string Id => Descriptor.Id;

    public DiagnosticSeverity Severity => Descriptor.DefaultSeverity;

    public string Message => string.Format(CultureInfo.InvariantCulture, Descriptor.MessageFormat, ToObjects(Arguments));

    /// <summary>The MSBuild-style line that editors and CI logs understand.</summary>
    public override string ToString()
    {
        string severity = Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "info",
        };
        return $"{Location.FilePath}({Location.Line},{Location.Column}): {severity} {Id}: {Message}";
    }

    private static object[] ToObjects(EquatableArray<string> arguments)
    {
        var result = new object[arguments.Count];
        for (int i = 0; i < result.Length; i++) result[i] = arguments[i];
        return result;
    }
}
