using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Syntax;

/// <summary>
/// Turns .gnet text into tokens. Comments start with '#' and run to the end of the line; as in Python,
/// '//' is floor division. A line that begins with '//' is a comment in C#'s spelling: it is reported (GNET0110)
/// and skipped like one, so that the lines after it are read as written.
/// </summary>
internal sealed class Lexer
{
    private readonly SourceDocument _document;
    private readonly DiagnosticBag _diagnostics;
    private readonly string _text;
    private int _position;
    private int _line = 1;

    public Lexer(SourceDocument document, DiagnosticBag diagnostics)
    {
        _document = document;
        _diagnostics = diagnostics;
        _text = document.Text;
    }

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            var token = Next();
            if (token.Kind == TokenKind.Bad) continue;
            tokens.Add(token);
            if (token.Kind == TokenKind.EndOfFile) return tokens;
        }
    }

    private Token Next()
    {
        SkipTrivia();
        int start = _position;
        if (_position >= _text.Length) return new Token(TokenKind.EndOfFile, string.Empty, start, _line);
        char c = _text[_position];

        if (IsIdentifierStart(c))
        {
            while (_position < _text.Length && IsIdentifierPart(_text[_position])) _position++;
            string word = _text.Substring(start, _position - start);
            return new Token(Keyword(word), word, start, _line);
        }

        if (char.IsDigit(c)) return Number(start);

        if (c == '"') return QuotedName(start);

        _position++;
        TokenKind kind = c switch
        {
            '(' => TokenKind.LeftParen,
            ')' => TokenKind.RightParen,
            '[' => TokenKind.LeftBracket,
            ']' => TokenKind.RightBracket,
            '{' => TokenKind.LeftBrace,
            '}' => TokenKind.RightBrace,
            ',' => TokenKind.Comma,
            ':' => TokenKind.Colon,
            '+' => TokenKind.Plus,
            '-' => TokenKind.Minus,
            '*' => TokenKind.Star,
            '%' => TokenKind.Percent,
            '.' => TokenKind.Dot,
            '/' => Match('/') ? TokenKind.SlashSlash : TokenKind.Slash,
            '=' => Match('=') ? TokenKind.EqualsEquals : TokenKind.Equals,
            '!' => Match('=') ? TokenKind.BangEquals : TokenKind.Bang,
            '<' => Match('=') ? TokenKind.LessEquals : TokenKind.Less,
            '>' => Match('=') ? TokenKind.GreaterEquals : TokenKind.Greater,
            '&' => Match('&') ? TokenKind.AndAnd : TokenKind.Bad,
            '|' => Match('|') ? TokenKind.OrOr : TokenKind.Bad,
            _ => TokenKind.Bad,
        };
        string text = _text.Substring(start, _position - start);
        if (kind == TokenKind.Bad)
        {
            // Report surrogate pairs and control characters readably; keep going so all errors surface.
            string shown = char.IsControl(c) ? $"\\u{(int)c:X4}" : text;
            _diagnostics.Report(DiagnosticDescriptors.UnexpectedCharacter, _document.Locate(start, text.Length), shown);
        }
        return new Token(kind, text, start, _line);
    }

    private Token Number(int start)
    {
        while (_position < _text.Length && char.IsDigit(_text[_position])) _position++;

        // A shape literal such as 3x64x64: digits joined by 'x'.
        if (_position + 1 < _text.Length && _text[_position] == 'x' && char.IsDigit(_text[_position + 1]))
        {
            while (_position + 1 < _text.Length && _text[_position] == 'x' && char.IsDigit(_text[_position + 1]))
            {
                _position++;
                while (_position < _text.Length && char.IsDigit(_text[_position])) _position++;
            }
            return new Token(TokenKind.Shape, _text.Substring(start, _position - start), start, _line);
        }

        bool isFloat = false;
        if (_position + 1 < _text.Length && _text[_position] == '.' && char.IsDigit(_text[_position + 1]))
        {
            isFloat = true;
            _position++;
            while (_position < _text.Length && char.IsDigit(_text[_position])) _position++;
        }
        if (_position < _text.Length && (_text[_position] == 'e' || _text[_position] == 'E'))
        {
            int save = _position;
            _position++;
            if (_position < _text.Length && (_text[_position] == '+' || _text[_position] == '-')) _position++;
            if (_position < _text.Length && char.IsDigit(_text[_position]))
            {
                isFloat = true;
                while (_position < _text.Length && char.IsDigit(_text[_position])) _position++;
            }
            else
            {
                _position = save;
            }
        }
        return new Token(isFloat ? TokenKind.Float : TokenKind.Integer, _text.Substring(start, _position - start), start, _line);
    }

    /// <summary>
    /// <c>"block1-0"</c>: a name that no identifier spells (PyTorch's keys may hold any character but '.'), or the path
    /// of an import. Inside the quotes, <c>\"</c> and <c>\\</c> stand for a quote and a backslash. The token's text is
    /// the source text with its quotes; the parser checks it where it is used (<see cref="NameProblem"/>).
    /// </summary>
    private Token QuotedName(int start)
    {
        _position++; // opening quote
        while (_position < _text.Length && _text[_position] != '"' && _text[_position] != '\n')
        {
            _position += _text[_position] == '\\' && _position + 1 < _text.Length && _text[_position + 1] is '"' or '\\' ? 2 : 1;
        }
        if (_position < _text.Length && _text[_position] == '"') _position++;
        return new Token(TokenKind.QuotedName, _text.Substring(start, _position - start), start, _line);
    }

    /// <summary>What is wrong with a quoted name's text (with its quotes), or null when it is a valid state_dict key segment.</summary>
    public static string? NameProblem(string text)
    {
        if (StringProblem(text) is { } problem) return problem;
        if (text.Length == 2) return "a name needs at least one character";
        if (Unquote(text).IndexOf('.') >= 0) return "a '.' separates the segments of a state_dict key, so a name cannot hold one";
        return null;
    }

    /// <summary>What is wrong with a quoted token's text as a string (an op's argument such as <c>"row"</c>), or null.</summary>
    public static string? StringProblem(string text)
    {
        if (!IsClosed(text)) return "close it with '\"' on the same line";
        for (int i = 1; i < text.Length - 1; i++)
        {
            char c = text[i];
            if (c == '\\' && text[i + 1] is '"' or '\\' && i + 1 < text.Length - 1) i++;
            else if (c == '\\') return "the only escapes are \\\" and \\\\";
            else if (c < ' ' || c > '~') return "use printable ASCII characters only";
        }
        return null;
    }

    /// <summary>Whether a quoted token ends with its closing quote (and not with an escaped one).</summary>
    public static bool IsClosed(string text) => text.Length >= 2 && text[text.Length - 1] == '"' && !(text.Length > 2 && EndsInEscape(text));

    // An odd run of backslashes before the last quote escapes it: "abc\" is not closed, "abc\\" is.
    private static bool EndsInEscape(string text)
    {
        int backslashes = 0;
        for (int i = text.Length - 2; i > 0 && text[i] == '\\'; i--) backslashes++;
        return backslashes % 2 == 1;
    }

    /// <summary>The name a quoted-name token spells: its text without the quotes, escapes resolved.</summary>
    public static string Unquote(string text)
    {
        var builder = new System.Text.StringBuilder();
        int end = text.Length > 1 && text[text.Length - 1] == '"' ? text.Length - 1 : text.Length;
        for (int i = 1; i < end; i++)
        {
            if (text[i] == '\\' && i + 1 < end) i++;
            builder.Append(text[i]);
        }
        return builder.ToString();
    }

    private bool Match(char expected)
    {
        if (_position < _text.Length && _text[_position] == expected)
        {
            _position++;
            return true;
        }
        return false;
    }

    private void SkipTrivia()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c == '\n')
            {
                _line++;
                _position++;
            }
            else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\uFEFF')
            {
                _position++;
            }
            else if (c == '#')
            {
                while (_position < _text.Length && _text[_position] != '\n') _position++;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/' && BeginsLine(_position))
            {
                int start = _position;
                while (_position < _text.Length && _text[_position] != '\n') _position++;
                string comment = _text.Substring(start + 2, _position - start - 2).Trim();
                _diagnostics.Report(DiagnosticDescriptors.SlashComment, _document.Locate(start, 2), comment);
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>True when only spaces and tabs stand between the line's start and <paramref name="position"/>.</summary>
    private bool BeginsLine(int position)
    {
        for (int i = position - 1; i >= 0 && _text[i] != '\n'; i--)
        {
            if (_text[i] is not (' ' or '\t' or '\r' or '\f' or '\uFEFF')) return false;
        }
        return true;
    }

    private static TokenKind Keyword(string word) => word switch
    {
        "if" => TokenKind.If,
        "then" => TokenKind.Then,
        "else" => TokenKind.Else,
        "true" or "True" => TokenKind.True,
        "false" or "False" => TokenKind.False,
        "and" => TokenKind.AndAnd,
        "or" => TokenKind.OrOr,
        "not" => TokenKind.Bang,
        _ => TokenKind.Identifier,
    };

    // ASCII only: names become C# identifiers and state_dict keys, so they must be plain.
    private static bool IsIdentifierStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || (c >= '0' && c <= '9');
}
