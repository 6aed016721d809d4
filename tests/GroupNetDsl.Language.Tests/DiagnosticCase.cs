namespace GroupNetDsl.Language.Tests;

/// <summary>
/// One rule of the catalog shown twice: <see cref="Failing"/> breaks it exactly once, at
/// (<see cref="Line"/>, <see cref="Column"/>) over the text <see cref="Covered"/>, with the message
/// arguments <see cref="Arguments"/>; <see cref="Corrected"/> is the same declaration fixed the way the
/// message says, and compiles without any diagnostic.
/// </summary>
public sealed record DiagnosticCase(
    string Id,
    string Failing,
    int Line,
    int Column,
    string Covered,
    string[] Arguments,
    string Corrected);
