namespace GroupNetDsl.Language.Syntax;

public enum TokenKind
{
    EndOfFile,
    Identifier,
    Integer,
    Float,
    Shape,        // 3x64x64
    If,
    Then,
    Else,
    True,
    False,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    LeftBrace,
    RightBrace,
    Comma,
    Colon,
    Equals,
    Plus,
    Minus,
    Star,
    Slash,
    SlashSlash,
    Percent,
    EqualsEquals,
    BangEquals,
    Less,
    LessEquals,
    Greater,
    GreaterEquals,
    AndAnd,
    OrOr,
    Bang,
    Dot,
    Bad,
    QuotedName,   // "block1-0": a name for any state_dict key segment
}

/// <summary>A token with its span. <see cref="Text"/> is the exact source text.</summary>
public readonly record struct Token(TokenKind Kind, string Text, int Start, int Line)
{
    public int Length => Text.Length;

    public string Describe() => Kind switch
    {
        TokenKind.EndOfFile => "end of file",
        TokenKind.Identifier => $"name '{Text}'",
        TokenKind.QuotedName => $"name {Text}",
        TokenKind.Integer or TokenKind.Float => $"number '{Text}'",
        _ => $"'{Text}'",
    };
}
