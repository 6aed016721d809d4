using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Syntax;

/// <summary>
/// Where a code fix edits .gnet text, found with the language's own lexer so the fix reads the file as the
/// compiler does.
/// </summary>
public static class FixTargets
{
    /// <summary>
    /// The integer literal that sets a convolution's groups for a diagnostic at [start, start + length): the
    /// literal itself (<c>groups: {|4|}</c>, or a positional argument), or the <c>groups: N</c> argument of a call
    /// the diagnostic covers (a standard-library block, whose error is placed at the user's call). Null when the
    /// value is not written as a literal there (a block parameter, or the default): no edit in place is right.
    /// </summary>
    public static (int Start, int Length)? GroupsLiteral(string text, int start, int length)
    {
        var tokens = new Lexer(new SourceDocument(string.Empty, text), new DiagnosticBag()).Tokenize();
        int first = tokens.FindIndex(t => t.Start >= start && t.Kind != TokenKind.EndOfFile);
        if (first < 0 || tokens[first].Start != start) return null;

        if (tokens[first] is { Kind: TokenKind.Integer } literal && literal.Length == length) return (literal.Start, literal.Length);

        // A call: name ( ... groups: N ... ) covering the span; look at its own arguments only (depth 1).
        if (tokens[first].Kind != TokenKind.Identifier || first + 1 >= tokens.Count || tokens[first + 1].Kind != TokenKind.LeftParen) return null;
        int depth = 0;
        for (int i = first + 1; i < tokens.Count && tokens[i].Start < start + length; i++)
        {
            var token = tokens[i];
            if (token.Kind is TokenKind.LeftParen or TokenKind.LeftBracket) depth++;
            else if (token.Kind is TokenKind.RightParen or TokenKind.RightBracket) depth--;
            else if (depth == 1 && token is { Kind: TokenKind.Identifier, Text: "groups" }
                && i + 3 < tokens.Count && tokens[i + 1].Kind == TokenKind.Colon && tokens[i + 2].Kind == TokenKind.Integer
                && tokens[i + 3].Kind is TokenKind.Comma or TokenKind.RightParen)
            {
                return (tokens[i + 2].Start, tokens[i + 2].Length);
            }
        }
        return null;
    }
}
