using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Syntax;

/// <summary>An edit of .gnet text: replace [Start, Start + Length) with <see cref="Prefix"/> followed by the new value.</summary>
public sealed record TextEdit(int Start, int Length, string Prefix);

/// <summary>
/// Where a code fix edits .gnet text, found with the language's own lexer so the fix reads the file as the
/// compiler does.
/// </summary>
public static class FixTargets
{
    private const string GroupsName = "groups";

    /// <summary>
    /// How to set a convolution's groups for a diagnostic at [start, start + length): the literal itself
    /// (<c>groups: {|4|}</c>, or a positional argument), or, for a diagnostic that covers a call of a standard-library
    /// or zoo block (whose grouped conv is inside the library, so the error is placed at the user's call), the call's
    /// groups argument, added when the call relies on the block's default. Null when the value is not written as a
    /// literal the edit can own (a block parameter such as <c>groups: g</c>): then no edit in place is right.
    /// </summary>
    public static TextEdit? GroupsEdit(string text, int start, int length)
    {
        var tokens = new Lexer(new SourceDocument(string.Empty, text), new DiagnosticBag()).Tokenize();
        int first = tokens.FindIndex(t => t.Start >= start && t.Kind != TokenKind.EndOfFile);
        if (first < 0 || tokens[first].Start != start) return null;
        if (tokens[first] is { Kind: TokenKind.Integer } literal && literal.Length == length) return new TextEdit(literal.Start, literal.Length, string.Empty);

        // A call: name ( arguments ) covering the span.
        if (tokens[first].Kind != TokenKind.Identifier || first + 1 >= tokens.Count || tokens[first + 1].Kind != TokenKind.LeftParen) return null;
        var arguments = Arguments(tokens, first + 1, out int close);
        if (close < 0 || tokens[close].Start + 1 != start + length) return null;

        var named = arguments.FirstOrDefault(a => a.Count >= 2 && a[0] is { Kind: TokenKind.Identifier, Text: GroupsName } && a[1].Kind == TokenKind.Colon);
        if (named is not null) return Literal(named.Skip(2).ToList());

        var block = StandardLibrary.Blocks.Concat(StandardLibrary.ZooBlocks).FirstOrDefault(b => b.Name == tokens[first].Text);
        int index = block?.Parameters.Select(p => p.Name).ToList().IndexOf(GroupsName) ?? -1;
        if (index < 0) return null;
        int positional = arguments.TakeWhile(a => !(a.Count >= 2 && a[0].Kind == TokenKind.Identifier && a[1].Kind == TokenKind.Colon)).Count();
        if (index < positional) return Literal(arguments[index]);
        // The call relies on the block's default groups: add the argument last (named, so its position does not matter).
        return new TextEdit(tokens[close].Start, 0, arguments.Count == 0 ? GroupsName + ": " : ", " + GroupsName + ": ");
    }

    /// <summary>
    /// How to write a PyTorch spelling (GNET0112) at [start, start + length) as .gnet: the name replaced
    /// (<c>nn.Conv2d</c> by <c>conv</c>, <c>self.fc</c> by <c>fc</c>), <c>nn.AdaptiveAvgPool2d(1)</c> by
    /// <c>avgpool</c>, <c>nn.Sequential(a, b)</c> by <c>[a, b]</c>, <c>torch.cat([a, b], dim=1)</c> by
    /// <c>cat(a, b, dim=1)</c> (its arguments are left as written). The edit's <see cref="TextEdit.Prefix"/> is the
    /// whole replacement. Null for what has no .gnet spelling, or a Python <c>def</c>.
    /// </summary>
    public static TextEdit? PyTorchSpellingEdit(string text, int start, int length)
    {
        var tokens = new Lexer(new SourceDocument(string.Empty, text), new DiagnosticBag()).Tokenize();
        int first = tokens.FindIndex(t => t.Start >= start && t.Kind != TokenKind.EndOfFile);
        if (first < 0 || tokens[first].Start != start || tokens[first].Kind != TokenKind.Identifier) return null;
        var segments = new List<string> { tokens[first].Text };
        int last = first;
        while (last + 2 < tokens.Count && tokens[last + 1].Kind == TokenKind.Dot && tokens[last + 2].Kind == TokenKind.Identifier && tokens[last + 2].Start < start + length)
        {
            segments.Add(tokens[last + 2].Text);
            last += 2;
        }
        if (segments.Count < 2 || tokens[last].Start + tokens[last].Length != start + length) return null;
        var spelling = PyTorchSpellings.Translate(segments);
        bool call = last + 1 < tokens.Count && tokens[last + 1].Kind == TokenKind.LeftParen;
        if (spelling.Reading == PyTorchReading.Op || (!call && spelling.Reading == PyTorchReading.NameOnly)) return new TextEdit(start, length, spelling.Name!);
        if (!call || spelling.Reading == PyTorchReading.Missing) return null;
        var arguments = Arguments(tokens, last + 1, out int close);
        if (close < 0) return null;
        int end = tokens[close].Start + 1;
        string Between(int from, int to) => text.Substring(from, to - from);
        switch (spelling.Reading)
        {
            case PyTorchReading.NameOnly:
                return new TextEdit(start, end - start, spelling.Name!);
            case PyTorchReading.FirstArgument:
                return arguments.Count > 0 && arguments[0].Count > 0
                    ? new TextEdit(start, end - start, spelling.Name + "(" + Between(arguments[0][0].Start, arguments[0][arguments[0].Count - 1].Start + arguments[0][arguments[0].Count - 1].Length) + ")")
                    : null;
            case PyTorchReading.List:
                return new TextEdit(start, end - start, "[" + Between(tokens[last + 1].Start + 1, tokens[close].Start) + "]");
            default:
                // Spread: a first argument written as a list or tuple loses its brackets.
                if (arguments.Count > 0 && arguments[0] is [{ Kind: TokenKind.LeftBracket or TokenKind.LeftParen } open, .., { Kind: TokenKind.RightBracket or TokenKind.RightParen } shut])
                {
                    return new TextEdit(start, end - start, spelling.Name + "(" + Between(open.Start + 1, shut.Start) + Between(shut.Start + 1, tokens[close].Start) + ")");
                }
                return new TextEdit(start, length, spelling.Name!);
        }
    }

    private static TextEdit? Literal(List<Token> argument) =>
        argument is [{ Kind: TokenKind.Integer } value] ? new TextEdit(value.Start, value.Length, string.Empty) : null;

    /// <summary>The tokens of each top-level argument of the parenthesis at <paramref name="open"/>, and the index of its closing one (-1 when missing).</summary>
    private static List<List<Token>> Arguments(List<Token> tokens, int open, out int close)
    {
        var arguments = new List<List<Token>>();
        var current = new List<Token>();
        int depth = 0;
        for (int i = open; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind is TokenKind.LeftParen or TokenKind.LeftBracket && depth++ == 0) continue;
            if (token.Kind is TokenKind.RightParen or TokenKind.RightBracket && --depth == 0)
            {
                if (current.Count > 0) arguments.Add(current);
                close = i;
                return arguments;
            }
            if (depth == 1 && token.Kind == TokenKind.Comma)
            {
                arguments.Add(current);
                current = new List<Token>();
                continue;
            }
            if (token.Kind == TokenKind.EndOfFile) break;
            current.Add(token);
        }
        close = -1;
        return arguments;
    }
}
