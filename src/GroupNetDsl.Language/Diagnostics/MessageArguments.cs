using System;
using System.Globalization;
using System.Text;

namespace GroupNetDsl.Language.Diagnostics;

/// <summary>
/// The text of a value formatted into a diagnostic message. User text (a name, a character, an attribute string) may
/// hold control characters: a raw newline would split the one-line "file(line,col): error ..." that build logs and
/// editors parse, so every control or line-separator character is written as a C# escape (\n, \u0007).
/// </summary>
public static class MessageArguments
{
    /// <summary>The texts of <paramref name="arguments"/>, formatted with the invariant culture and escaped.</summary>
    public static string[] Format(object?[] arguments)
    {
        var texts = new string[arguments.Length];
        for (int i = 0; i < arguments.Length; i++) texts[i] = Escape(Convert.ToString(arguments[i], CultureInfo.InvariantCulture) ?? string.Empty);
        return texts;
    }

    /// <summary><paramref name="text"/> with each control or line-separator character written as a C# escape.</summary>
    public static string Escape(string text)
    {
        int first = 0;
        while (first < text.Length && !NeedsEscape(text[first])) first++;
        if (first == text.Length) return text;

        var builder = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(c))
            {
                builder.Append(c);
                continue;
            }
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }
        return builder.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c == '\u2028' || c == '\u2029';
}
