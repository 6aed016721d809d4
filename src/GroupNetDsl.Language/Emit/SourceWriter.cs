using System.Text;

namespace GroupNetDsl.Language.Emit;

/// <summary>Writes C# with consistent indentation and '\n' line endings (output must not depend on the OS).</summary>
public sealed class SourceWriter
{
    /// <summary>The span types of layer method signatures.</summary>
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string Span = "global::System.Span<float>";

    private readonly StringBuilder _text = new();

    public int Indent { get; set; }

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', Indent * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    public SourceWriter Open(string line)
    {
        Line(line);
        Line("{");
        Indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        Indent--;
        return Line("}" + suffix);
    }

    /// <summary>The text without its final line break: one member, to be written into a class.</summary>
    public string Text => _text.ToString().TrimEnd('\n');

    public override string ToString() => _text.ToString();
}
