namespace GroupNetDsl.Language.Diagnostics;

public enum DiagnosticSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>One rule of the catalog. The analyzers turn each into a Roslyn descriptor; nothing else defines rules.</summary>
public sealed record DiagnosticDescriptor(
    string Id,
    string Title,
    string MessageFormat,
    string Category,
    DiagnosticSeverity DefaultSeverity)
{
    public string HelpLink => $"https://github.com/groupnetdsl/groupnetdsl/blob/main/docs/diagnostics/{Id}.md";
}
