using System.Collections.Generic;
using System.Globalization;
using System.Text;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Weights;

/// <summary>One tensor of a safetensors header: its key, dtype and shape (offsets are the loader's concern).</summary>
public sealed record HeaderTensor(string Name, string DataType, EquatableArray<long> Shape);

/// <summary>
/// The header of a declared weight file as the build extracted it (build/GroupNetDsl.props, target
/// GroupNetDslExtractWeightHeaders): the JSON header, or <c>error: why</c> when the file is no safetensors file.
/// Read with a small JSON reader of its own, since System.Text.Json is not there for analyzers on netstandard2.0;
/// the runtime's reader checks the whole file (offsets, lengths, duplicates) when it loads.
/// </summary>
public sealed record WeightHeader(EquatableArray<HeaderTensor> Tensors, string? Error)
{
    /// <summary>What the extraction writes in place of the header when the file cannot be a safetensors file.</summary>
    public const string ErrorPrefix = "error: ";

    public static WeightHeader Parse(string text)
    {
        if (text.StartsWith(ErrorPrefix, System.StringComparison.Ordinal)) return Failed(text.Substring(ErrorPrefix.Length).Trim());
        var reader = new JsonReader(text);
        try
        {
            var tensors = reader.ReadHeader();
            return new WeightHeader(tensors.ToEquatableArray(), null);
        }
        catch (FormatException e)
        {
            return Failed("the header is not valid JSON (" + e.Message + ")");
        }
    }

    private static WeightHeader Failed(string error) => new(EquatableArray<HeaderTensor>.Empty, error);

    private sealed class FormatException(string message) : System.Exception(message);

    /// <summary>Just enough JSON for a safetensors header: an object of entries, each with "dtype" and "shape".</summary>
    private sealed class JsonReader(string text)
    {
        private int _position;

        public List<HeaderTensor> ReadHeader()
        {
            var tensors = new List<HeaderTensor>();
            Expect('{');
            if (!TryConsume('}'))
            {
                do
                {
                    string key = ReadString();
                    Expect(':');
                    if (key == "__metadata__") SkipValue();
                    else tensors.Add(ReadEntry(key));
                }
                while (TryConsume(','));
                Expect('}');
            }
            SkipWhitespace();
            if (_position != text.Length) throw new FormatException("content after the header object");
            return tensors;
        }

        private HeaderTensor ReadEntry(string key)
        {
            string? dataType = null;
            var shape = new List<long>();
            bool sawShape = false;
            Expect('{');
            if (!TryConsume('}'))
            {
                do
                {
                    string field = ReadString();
                    Expect(':');
                    if (field == "dtype")
                    {
                        dataType = ReadString();
                    }
                    else if (field == "shape")
                    {
                        sawShape = true;
                        Expect('[');
                        if (!TryConsume(']'))
                        {
                            do shape.Add(ReadInteger());
                            while (TryConsume(','));
                            Expect(']');
                        }
                    }
                    else
                    {
                        SkipValue();
                    }
                }
                while (TryConsume(','));
                Expect('}');
            }
            if (dataType is null || !sawShape) throw new FormatException($"the entry for tensor '{key}' has no \"dtype\" or no \"shape\"");
            return new HeaderTensor(key, dataType, shape.ToEquatableArray());
        }

        private void SkipValue()
        {
            SkipWhitespace();
            char c = Peek();
            if (c == '"')
            {
                ReadString();
            }
            else if (c is '{' or '[')
            {
                char close = c == '{' ? '}' : ']';
                _position++;
                if (TryConsume(close)) return;
                do
                {
                    if (close == '}')
                    {
                        ReadString();
                        Expect(':');
                    }
                    SkipValue();
                }
                while (TryConsume(','));
                Expect(close);
            }
            else
            {
                while (_position < text.Length && text[_position] is not (',' or '}' or ']') && !char.IsWhiteSpace(text[_position])) _position++;
            }
        }

        private long ReadInteger()
        {
            SkipWhitespace();
            int start = _position;
            while (_position < text.Length && (char.IsDigit(text[_position]) || text[_position] == '-')) _position++;
            if (!long.TryParse(text.Substring(start, _position - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                throw new FormatException($"'{text.Substring(start, System.Math.Min(20, text.Length - start))}' is not a dimension");
            }
            return value;
        }

        private string ReadString()
        {
            Expect('"');
            var builder = new StringBuilder();
            while (true)
            {
                if (_position >= text.Length) throw new FormatException("the header ends inside a string");
                char c = text[_position++];
                if (c == '"') return builder.ToString();
                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }
                if (_position >= text.Length) throw new FormatException("the header ends inside a string");
                char escaped = text[_position++];
                switch (escaped)
                {
                    case 'n': builder.Append('\n'); break;
                    case 't': builder.Append('\t'); break;
                    case 'r': builder.Append('\r'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'u':
                        if (_position + 4 > text.Length || !int.TryParse(text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                        {
                            throw new FormatException("a \\u escape needs four hex digits");
                        }
                        builder.Append((char)code);
                        _position += 4;
                        break;
                    default: builder.Append(escaped); break;
                }
            }
        }

        private void Expect(char expected)
        {
            if (!TryConsume(expected)) throw new FormatException(_position < text.Length ? $"expected '{expected}' at character {_position}" : $"expected '{expected}', the header ends early");
        }

        private bool TryConsume(char expected)
        {
            SkipWhitespace();
            if (_position < text.Length && text[_position] == expected)
            {
                _position++;
                return true;
            }
            return false;
        }

        private char Peek() => _position < text.Length ? text[_position] : throw new FormatException("the header ends early");

        private void SkipWhitespace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position])) _position++;
        }
    }
}
