using System.Text;

namespace GroupNetDsl.Cli.Output;

/// <summary>Text from a file (a tensor name, a metadata value) made safe to print: control characters become '?', so they cannot move the cursor or break a line.</summary>
public static class Printable
{
    public static string Of(string text)
    {
        var printable = new StringBuilder(text.Length);
        foreach (char c in text) printable.Append(char.IsControl(c) ? '?' : c);
        return printable.ToString();
    }
}
