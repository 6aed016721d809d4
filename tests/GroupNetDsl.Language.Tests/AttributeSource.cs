using System.Globalization;
using System.Text.RegularExpressions;
using GroupNetDsl.Language.Attributes;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// Builds the Roslyn-free <see cref="AttributeNetwork"/> that the generator's attribute reader would hand
/// over for a C# class written in a test, so that every layer and argument has a real location in that
/// text. Understands one attribute per line, constant arguments without nested commas:
/// <c>[GroupNet(Input = "3x64x64")]</c>, <c>[Conv2d(3, 64, 3, Padding = 1, Name = "stem.0")]</c>, <c>[ReLU]</c>.
/// </summary>
internal static partial class AttributeSource
{
    public const string FilePath = "Network.cs";

    public static AttributeNetwork Read(string className, string csharp)
    {
        var document = new SourceDocument(FilePath, csharp);
        string? input = null;
        var location = SourceLocation.None(FilePath);
        var layers = new List<AttributeLayer>();
        foreach (Match attribute in AttributePattern().Matches(csharp))
        {
            var name = attribute.Groups["name"];
            var span = attribute.Groups["attribute"];
            var arguments = Arguments(document, attribute.Groups["arguments"]);
            if (name.Value == "GroupNet")
            {
                input = arguments.FirstOrDefault(a => a.Name == "Input")?.Value.Text;
                location = document.Locate(span.Index, span.Length);
            }
            else
            {
                layers.Add(new AttributeLayer(name.Value, arguments.ToEquatableArray(), document.Locate(span.Index, span.Length)));
            }
        }
        return new AttributeNetwork(className, input, location, layers.ToEquatableArray());
    }

    private static List<AttributeArgument> Arguments(SourceDocument document, Group list)
    {
        var arguments = new List<AttributeArgument>();
        if (!list.Success) return arguments;
        int offset = list.Index;
        foreach (string part in list.Value.Split(','))
        {
            int start = offset + (part.Length - part.TrimStart().Length);
            string text = part.Trim();
            offset += part.Length + 1;
            if (text.Length == 0) continue;
            int equals = text.IndexOf('=');
            string? property = equals < 0 ? null : text[..equals].Trim();
            string value = equals < 0 ? text : text[(equals + 1)..].Trim();
            arguments.Add(new AttributeArgument(property, Value(value), document.Locate(start, text.Length)));
        }
        return arguments;
    }

    private static AttributeValue Value(string text) => text switch
    {
        "true" => AttributeValue.Of(true),
        "false" => AttributeValue.Of(false),
        _ when text.StartsWith('"') => AttributeValue.Of(text.Trim('"')),
        _ when text.Contains('.') => AttributeValue.Of(double.Parse(text, CultureInfo.InvariantCulture)),
        _ => AttributeValue.Of(long.Parse(text, CultureInfo.InvariantCulture)),
    };

    [GeneratedRegex(@"^\s*\[(?<attribute>(?<name>[A-Za-z0-9]+)(\((?<arguments>[^)]*)\))?)\]\s*$", RegexOptions.Multiline)]
    private static partial Regex AttributePattern();
}
