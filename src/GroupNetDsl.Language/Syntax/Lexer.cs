using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Syntax;

/// <summary>
/// Turns .gnet text into tokens. Comments start with '#' and run to the end of the line; as in Python,
/// '//' is floor division, never a comment.
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
            else
            {
                return;
            }
        }
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
