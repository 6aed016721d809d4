using System.Text;

namespace GroupNetDsl.Language.Emit;

/// <summary>Writes C# with consistent indentation and '\n' line endings (output must not depend on the OS).</summary>
public sealed class SourceWriter
{
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

    public override string ToString() => _text.ToString();
}
