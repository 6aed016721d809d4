namespace GroupNetDsl.Language.Text;

/// <summary>A span of source text: offsets for tools, 1-based lines and columns for people.</summary>
/// <remarks>Kept free of Roslyn types so that models stay equatable and cacheable.</remarks>
public sealed record SourceLocation(string FilePath, int Start, int Length, int Line, int Column, int EndLine, int EndColumn)
{
    public static SourceLocation None(string filePath) => new(filePath, 0, 0, 1, 1, 1, 1);

    /// <summary>The file's name without its folders ('/' or '\\' separated, whatever the current system).</summary>
    public string FileName => FilePath.Substring(System.Math.Max(FilePath.LastIndexOf('/'), FilePath.LastIndexOf('\\')) + 1);

    public override string ToString() => $"{FilePath}({Line},{Column})";
}
