using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Syntax;

/// <summary>
/// Recursive-descent parser for .gnet. It never throws: an error is reported, the broken member is
/// skipped up to the next line that starts a member, and parsing goes on so that every error of a file
/// is reported in one pass.
/// </summary>
/// <remarks>
/// Grammar:
/// <code>
/// document   = { import | block | network }
/// import     = "import" QUOTED
/// block      = "block" NAME "(" [ param { "," param } ] ")" ( body | "=" expr )
/// network    = "network" NAME "(" "input" ":" SHAPE [ "," "weights" ":" QUOTED ] ")" ( body | "=" expr )
/// param      = NAME [ "=" expr ]
/// body       = "{" { member | forward } "}"
/// member     = ( NAME | QUOTED | INTEGER ) "=" expr
/// forward    = "forward" "(" NAME ")" ( "=" expr | "{" { statement } "return" expr "}" )
/// statement  = ( NAME | "(" NAME { "," NAME } ")" ) "=" expr      (one per line)
/// expr       = "if" expr "then" expr "else" expr | or
/// or         = and { "||" and }          and = not { "&amp;&amp;" not }        not = "!" not | compare
/// compare    = sum [ ("==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=") sum ]
/// sum        = product { ("+" | "-") product }
/// product    = unary { ("*" | "/" | "//" | "%") unary }
/// unary      = "-" unary | primary
/// primary    = NUMBER | "true" | "false" | ( NAME | QUOTED ) [ "(" [ arg { "," arg } ] ")" ] | "[" [ expr { "," expr } ] "]"
///            | "[" expr "for" NAME "in" "range" "(" arg [ "," arg ] ")" "]" | "(" expr ")"
/// arg        = [ NAME ":" ] expr
/// QUOTED     = '"' { printable ASCII but '.', with \" and \\ } '"'
/// </code>
/// </remarks>
public sealed class Parser
{
    public const int MaxNesting = 64;

    private readonly SourceDocument _document;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<Token> _tokens;
    private int _position;
    private int _depth;
    private bool _inError;
    private bool _callsOnOneLine;

    private readonly int _lexerReported;
    private readonly bool _lexerErrorsKept;
    // Where the declaration being read has its body (ParseBlock moves it past a block's name and parameters).
    private int _bodyStart;

    private Parser(SourceDocument document, DiagnosticBag diagnostics)
    {
        _document = document;
        _diagnostics = diagnostics;
        _lexerReported = diagnostics.ReportedCount;
        int errors = diagnostics.ErrorCount;
        _tokens = new Lexer(document, diagnostics).Tokenize();
        _lexerErrorsKept = KeptAll(_lexerReported, errors);
    }

    public static DocumentSyntax Parse(SourceDocument document, DiagnosticBag diagnostics) => new Parser(document, diagnostics).ParseDocument();

    private Token Current => _tokens[_position];

    private Token Peek(int offset) => _tokens[System.Math.Min(_position + offset, _tokens.Count - 1)];

    private DocumentSyntax ParseDocument()
    {
        var blocks = new List<BlockSyntax>();
        var networks = new List<NetworkSyntax>();
        var imports = new List<ImportSyntax>();
        int lexerEnd = _diagnostics.ReportedCount;
        bool stray = !_lexerErrorsKept;
        var errors = new Dictionary<ModuleBodySyntax, List<GnetDiagnostic>>();
        // Where each top-level item starts and ends (and a block's body starts), to place the lexer's errors.
        var items = new List<(int Start, int BodyStart, int End, ModuleBodySyntax? Declaration)>();
        while (Current.Kind != TokenKind.EndOfFile)
        {
            _inError = false;
            int first = _position, start = Current.Start, reported = _diagnostics.ReportedCount, errorCount = _diagnostics.ErrorCount;
            _bodyStart = start;
            ModuleBodySyntax? declaration = null;
            if (IsImportStart())
            {
                imports.Add(ParseImport());
            }
            else if (IsDeclarationStart("block"))
            {
                var block = ParseBlock();
                blocks.Add(block);
                declaration = block;
            }
            else if (IsDeclarationStart("network"))
            {
                var network = ParseNetwork();
                networks.Add(network);
                declaration = network;
            }
            else
            {
                Error("'block' or 'network'");
                // Skip to the next declaration keyword.
                SkipToDeclaration();
            }
            var last = _tokens[System.Math.Max(_position - 1, 0)];
            items.Add((start, _bodyStart, last.Start + last.Length, declaration));
            // The parser's errors belong to the item it was reading (an error may sit on the next item's first token).
            stray |= !KeptAll(reported, errorCount) || (_diagnostics.ErrorCount != errorCount && SwallowsDeclaration(first));
            foreach (var error in Errors(reported, _diagnostics.ReportedCount)) stray |= !Own(declaration, _bodyStart, error, errors);
        }
        // The lexer's errors belong to the item whose text they are in.
        foreach (var error in Errors(_lexerReported, lexerEnd))
        {
            int at = items.FindLastIndex(item => item.Start <= error.Location.Start && error.Location.Start < item.End);
            stray |= at < 0 || !Own(items[at].Declaration, items[at].BodyStart, error, errors);
        }
        foreach (var pair in errors) pair.Key.SyntaxErrors = pair.Value;
        return new DocumentSyntax(_document, blocks, networks) { Imports = imports, HasStrayErrors = stray };
    }

    /// <summary>
    /// True when the item read from token <paramref name="first"/> on, after an error, went past a line that starts
    /// like a declaration (<c>network N(</c>, <c>block B(</c>): that declaration was read as part of the broken one.
    /// </summary>
    private bool SwallowsDeclaration(int first)
    {
        for (int i = first + 1; i + 2 < _position; i++)
        {
            var token = _tokens[i];
            if (token.Kind == TokenKind.Identifier && token.Text is "block" or "network" && _tokens[i - 1].Line < token.Line
                && _tokens[i + 1].Kind == TokenKind.Identifier && _tokens[i + 2].Kind == TokenKind.LeftParen) return true;
        }
        return false;
    }

    /// <summary>
    /// Gives a syntax error to <paramref name="declaration"/> when it lies in the declaration's body; false when it is
    /// outside every declaration or in a block's name or parameters, where it may change which block a name means.
    /// </summary>
    private static bool Own(ModuleBodySyntax? declaration, int bodyStart, GnetDiagnostic error, Dictionary<ModuleBodySyntax, List<GnetDiagnostic>> errors)
    {
        if (declaration is null || (declaration is BlockSyntax && error.Location.Start < bodyStart)) return false;
        if (!errors.TryGetValue(declaration, out var list)) errors[declaration] = list = new List<GnetDiagnostic>();
        list.Add(error);
        return true;
    }

    /// <summary>The errors this document reported from index <paramref name="start"/> of the bag up to <paramref name="end"/>.</summary>
    private IEnumerable<GnetDiagnostic> Errors(int start, int end) =>
        _diagnostics.Reported(start).Take(end - start).Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.FilePath == _document.FilePath);

    /// <summary>False when an error reported since then was past the per-file cap: counted, but not kept, so not placed.</summary>
    private bool KeptAll(int reported, int errorCount) =>
        _diagnostics.ErrorCount - errorCount == _diagnostics.Reported(reported).Count(d => d.Severity == DiagnosticSeverity.Error);

    private BlockSyntax ParseBlock()
    {
        _position++; // 'block'
        var name = ExpectName("a block name");
        var parameters = new List<ParameterSyntax>();
        if (Expect(TokenKind.LeftParen, "'('"))
        {
            if (Current.Kind != TokenKind.RightParen)
            {
                do
                {
                    var parameterName = ExpectName("a parameter name");
                    ExpressionSyntax? defaultValue = null;
                    if (Current.Kind == TokenKind.Equals)
                    {
                        _position++;
                        defaultValue = ParseExpression();
                    }
                    if (parameterName is { } p) parameters.Add(new ParameterSyntax(p.Text, Locate(p), defaultValue));
                }
                while (Accept(TokenKind.Comma) && !_inError);
            }
            Expect(TokenKind.RightParen, "')'");
        }
        // An error in the name or parameters is the file's, not the block's: the block a name means may have changed.
        _bodyStart = _inError ? int.MaxValue : Current.Start;
        if (Current.Kind == TokenKind.Equals && !_inError) return ParseBlockOfOneModule(name, parameters);
        var (members, forward) = ParseBody();
        return new BlockSyntax(name?.Text ?? string.Empty, name is { } n ? Locate(n) : Locate(Current), parameters, members, forward);
    }

    private NetworkSyntax ParseNetwork()
    {
        var keyword = Current;
        _position++; // 'network'
        var name = ExpectName("a network name");
        string? shape = null;
        SourceLocation? shapeLocation = null;
        (string Path, SourceLocation Location)? weights = null;
        if (Expect(TokenKind.LeftParen, "'('"))
        {
            if (Current.Kind == TokenKind.Identifier && Current.Text == "input")
            {
                _position++;
                Expect(TokenKind.Colon, "':'");
                if (Current.Kind is TokenKind.Shape or TokenKind.Integer)
                {
                    shape = Current.Text;
                    shapeLocation = Locate(Current);
                    _position++;
                }
                else
                {
                    Error("an input shape such as 3x64x64");
                }
            }
            if (Current.Kind == TokenKind.Comma && Peek(1).Kind == TokenKind.Identifier && Peek(1).Text == "weights")
            {
                _position += 2;
                Expect(TokenKind.Colon, "':'");
                weights = ParseWeightsPath();
            }
            Expect(TokenKind.RightParen, "')'");
        }
        var nameLocation = name is { } n ? Locate(n) : Locate(keyword);
        if (Current.Kind == TokenKind.Equals)
        {
            // network N(input: ...) = Block(...): the network is that one module, its weights at the root.
            _position++;
            var body = ParseExpression();
            if (_inError)
            {
                // As for a broken member: skip what is left of it, and keep none of its half-parsed pieces.
                SkipToDeclaration();
                body = new MissingSyntax(body.Location);
            }
            return new NetworkSyntax(name?.Text ?? string.Empty, nameLocation, shape, shapeLocation, new[] { new MemberSyntax(string.Empty, body.Location, body) }, null) { Weights = weights };
        }
        var (members, forward) = ParseBody();
        return new NetworkSyntax(name?.Text ?? string.Empty, nameLocation, shape, shapeLocation, members, forward) { Weights = weights };
    }

    /// <summary>The <c>"net.safetensors"</c> of <c>weights: "net.safetensors"</c>: a string, escapes as in quoted names.</summary>
    private (string Path, SourceLocation Location)? ParseWeightsPath()
    {
        if (Current.Kind != TokenKind.QuotedName)
        {
            Error("the weight file's path in quotes, such as \"net.safetensors\"");
            return null;
        }
        var token = Current;
        _position++;
        string? problem = !Lexer.IsClosed(token.Text) ? "close it with '\"' on the same line"
            : token.Text.Length == 2 ? "a path needs at least one character" : null;
        if (problem is null) return (Lexer.Unquote(token.Text), Locate(token));
        _diagnostics.Report(DiagnosticDescriptors.InvalidQuotedName, Locate(token), token.Text, problem);
        if (!Lexer.IsClosed(token.Text)) _inError = true;
        return null;
    }

    private (List<MemberSyntax> Members, ForwardSyntax? Forward) ParseBody()
    {
        var members = new List<MemberSyntax>();
        ForwardSyntax? forward = null;
        if (!Expect(TokenKind.LeftBrace, "'{'"))
        {
            SkipToDeclaration();
            return (members, forward);
        }

        SourceLocation? brokenForward = null;
        while (Current.Kind is not (TokenKind.RightBrace or TokenKind.EndOfFile) && !IsDeclarationStart())
        {
            _inError = false;
            int startLine = Current.Line;
            int before = _position;
            if (IsStrayReturn())
            {
                brokenForward ??= ParseStrayReturn();
            }
            else if (Current.Kind == TokenKind.Identifier && Current.Text == "def" && Peek(1).Kind == TokenKind.Identifier && Peek(1).Line == Current.Line)
            {
                brokenForward ??= SkipPythonDef();
            }
            else if (Current.Kind == TokenKind.Identifier && Current.Text == "forward" && Peek(1).Kind == TokenKind.LeftParen)
            {
                var keyword = Current;
                _position += 2;
                var parameter = ExpectName("the forward input name");
                Expect(TokenKind.RightParen, "')'");
                IReadOnlyList<TensorStatementSyntax>? statements = null;
                ExpressionSyntax body;
                if (Current.Kind == TokenKind.LeftBrace && !_inError)
                {
                    (statements, body) = ParseForwardBlock();
                }
                else
                {
                    Expect(TokenKind.Equals, "'='");
                    body = ParseExpression();
                }
                if (forward is not null)
                {
                    _diagnostics.Report(DiagnosticDescriptors.DuplicateName, Locate(keyword), "forward");
                }
                else
                {
                    // A broken forward still exists: without it the body would run its members in order
                    // and report shape errors that the user never wrote.
                    // Nor does a broken forward block bind its statements: uses of a broken statement's names would be errors too.
                    forward = new ForwardSyntax(parameter?.Text ?? "x", Locate(keyword), _inError ? new MissingSyntax(body.Location) : body, _inError ? null : statements);
                }
            }
            else
            {
                if (Current.Kind == TokenKind.Identifier && Current.Text == "self" && Peek(1).Kind == TokenKind.Dot && Peek(2).Kind == TokenKind.Identifier)
                {
                    // self.conv1 = ...: reported, then read as the member conv1.
                    _diagnostics.Report(DiagnosticDescriptors.PyTorchSpelling, Span(Current, Locate(Peek(2))), "self." + Peek(2).Text, PyTorchSpellings.Translate(new[] { "self", Peek(2).Text }).Advice);
                    _position += 2;
                }
                var name = ExpectMemberName();
                if (name is { } n && Expect(TokenKind.Equals, "'='"))
                {
                    var value = ParseExpression();
                    // The member keeps its name (so uses of it stay quiet) but not its half-parsed value,
                    // whose pieces would be bound as if the user had meant them.
                    members.Add(new MemberSyntax(NameText(n), Locate(n), _inError ? new MissingSyntax(value.Location) : value));
                }
                else if (name is { } broken)
                {
                    // Kept as a failed member: the body's other members must not run in order around the gap.
                    members.Add(new MemberSyntax(NameText(broken), Locate(broken), new MissingSyntax(Locate(broken))));
                }
            }

            if (_inError) SkipBrokenMember(before, startLine);
            if (_position == before) _position++; // always make progress
        }
        Expect(TokenKind.RightBrace, "'}'");
        // A body whose output was written as a stray 'return' or a Python def has a broken forward: run in order, its members would
        // report shapes the user never wrote.
        if (forward is null && brokenForward is { } at) forward = new ForwardSyntax("x", at, new MissingSyntax(at), null);
        return (members, forward);
    }

    /// <summary>
    /// <c>return expr</c> among a body's members, as in a PyTorch module's forward: not a member named <c>return</c>
    /// (<c>return = relu</c>), which is allowed.
    /// </summary>
    private bool IsStrayReturn() =>
        Current.Kind == TokenKind.Identifier && Current.Text == "return" && Peek(1).Line == Current.Line
        && Peek(1).Kind is not (TokenKind.Equals or TokenKind.RightBrace or TokenKind.EndOfFile);

    /// <summary>
    /// Reads a stray <c>return expr</c> and reports it with the forward it belongs in, its input named as the
    /// expression names it (<c>input</c> when it uses that name, else <c>x</c>). Returns where the return was.
    /// </summary>
    private SourceLocation ParseStrayReturn()
    {
        var keyword = Current;
        _position++;
        int valueStart = _position;
        var value = ParseExpression();
        string text = "...", input = "x";
        if (!_inError && value is not MissingSyntax && _position > valueStart)
        {
            text = TextOf(_tokens[valueStart], _tokens[_position - 1]);
            for (int i = valueStart; i < _position; i++)
            {
                if (_tokens[i].Kind == TokenKind.Identifier && _tokens[i].Text == "input") input = "input";
            }
        }
        _diagnostics.Report(DiagnosticDescriptors.ReturnOutsideForward, Locate(keyword), input, text);
        return Locate(keyword);
    }

    /// <summary>
    /// <c>def forward(self, x):</c> and the lines indented under it, as in a PyTorch module: reported once and skipped.
    /// Returns where the def was (the body then has a broken forward, as after a stray return).
    /// </summary>
    private SourceLocation SkipPythonDef()
    {
        var keyword = Current;
        var at = Locate(keyword);
        int line = keyword.Line;
        var lastOnLine = keyword;
        while (Current.Kind != TokenKind.EndOfFile && Current.Line == line)
        {
            lastOnLine = Current;
            _position++;
        }
        string written = TextOf(keyword, lastOnLine);
        _diagnostics.Report(DiagnosticDescriptors.PyTorchSpelling, Span(keyword, Locate(lastOnLine)), written,
            "write `forward(x) = expression`, or `forward(x) { ... return expression }`");
        // The def's body: the lines indented deeper than the def, up to the body's closing brace.
        while (Current.Kind is not (TokenKind.EndOfFile or TokenKind.RightBrace) && Locate(Current).Column > at.Column) _position++;
        return at;
    }

    /// <summary><c>nn.Conv2d</c>, <c>F.relu</c>, <c>torch.cat</c>, <c>self.conv1</c>: a PyTorch name with a dot, on one line.</summary>
    private bool IsPyTorchName() =>
        PyTorchSpellings.IsPrefix(Current.Text) && Peek(1).Kind == TokenKind.Dot && Peek(2).Kind == TokenKind.Identifier && Peek(2).Line == Current.Line;

    /// <summary>
    /// A dotted PyTorch name (and its call): reported with its .gnet spelling (GNET0112) and read as that spelling
    /// (<see cref="PyTorchReading"/>), so the rest of the file is checked as meant and the name is not reported again.
    /// </summary>
    private ExpressionSyntax ParsePyTorchName()
    {
        var first = Current;
        var last = first;
        var segments = new List<string> { first.Text };
        _position++;
        while (Current.Kind == TokenKind.Dot && Peek(1).Kind == TokenKind.Identifier && Peek(1).Line == first.Line)
        {
            last = Peek(1);
            segments.Add(last.Text);
            _position += 2;
        }
        var location = Span(first, Locate(last));
        var spelling = PyTorchSpellings.Translate(segments);
        _diagnostics.Report(DiagnosticDescriptors.PyTorchSpelling, location, string.Join(".", segments), spelling.Advice);
        var name = new NameSyntax(spelling.Name ?? last.Text, location);
        bool call = Current.Kind == TokenKind.LeftParen && !(_callsOnOneLine && Current.Line != last.Line);
        if (!call) return spelling.Reading is PyTorchReading.Missing or PyTorchReading.List ? new MissingSyntax(location) : name;
        var parsed = ParseCall(name);
        return spelling.Reading switch
        {
            PyTorchReading.Op => parsed,
            PyTorchReading.Spread when parsed.Arguments.Count > 0 && parsed.Arguments[0] is { Name: null, Value: ListSyntax tensors } =>
                new CallSyntax(name, tensors.Items.Select(t => new ArgumentSyntax(null, t.Location, t)).Concat(parsed.Arguments.Skip(1)).ToList(), parsed.Location),
            PyTorchReading.Spread => parsed,
            PyTorchReading.NameOnly => name,
            PyTorchReading.FirstArgument when parsed.Arguments.Count > 0 && parsed.Arguments[0].Name is null =>
                new CallSyntax(name, new[] { parsed.Arguments[0] }, parsed.Location),
            PyTorchReading.List when parsed.Arguments.All(a => a.Name is null) => new ListSyntax(parsed.Arguments.Select(a => a.Value).ToList(), parsed.Location),
            _ => new MissingSyntax(parsed.Location),
        };
    }

    /// <summary>
    /// A forward block: <c>{ statement* return expr }</c>, one statement per line, each <c>name = expr</c> or
    /// <c>(a, b) = expr</c>. Returns the statements and the return expression; after any error in the block, the
    /// expression is missing (so the forward binds nothing) and <see cref="_inError"/> is set.
    /// </summary>
    private (List<TensorStatementSyntax> Statements, ExpressionSyntax Body) ParseForwardBlock()
    {
        _position++; // '{'
        var statements = new List<TensorStatementSyntax>();
        ExpressionSyntax? body = null;
        bool broken = false, savedLines = _callsOnOneLine;
        // Statements are separated by line breaks only: a name at the end of one line followed by '(' at the start of the
        // next, as in y = x then (a, b) = chunk(y, 2), is not a call.
        _callsOnOneLine = true;
        while (Current.Kind is not (TokenKind.RightBrace or TokenKind.EndOfFile) && !IsDeclarationStart())
        {
            _inError = false;
            int startLine = Current.Line;
            int before = _position;
            var start = Current;
            if (body is not null)
            {
                // Nothing runs after the return: what follows is a mistake, reported once.
                _diagnostics.Report(DiagnosticDescriptors.ForwardWithoutFinalReturn, Locate(start), "continues after its return");
                broken = true;
                while (Current.Kind is not (TokenKind.EndOfFile or TokenKind.RightBrace) && !IsDeclarationStart()) _position++;
                break;
            }
            if (Current.Kind == TokenKind.Identifier && Current.Text == "return" && Peek(1).Kind != TokenKind.Equals)
            {
                _position++;
                body = ParseExpression();
            }
            else if (Current.Kind != TokenKind.LeftParen && !(Current.Kind == TokenKind.Identifier && Peek(1).Kind == TokenKind.Equals))
            {
                // A value with no name, such as the output written without its return.
                var value = ParseExpression();
                if (!_inError) _diagnostics.Report(DiagnosticDescriptors.ForwardWithoutFinalReturn, value.Location, "has a value that is neither named nor returned");
                _inError = true;
            }
            else
            {
                var names = new List<NameSyntax>();
                SourceLocation target;
                if (Current.Kind == TokenKind.LeftParen)
                {
                    _position++;
                    do
                    {
                        if (ExpectName("a name for a tensor") is { } name) names.Add(new NameSyntax(name.Text, Locate(name)));
                    }
                    while (!_inError && Accept(TokenKind.Comma));
                    target = Span(start, Locate(Current));
                    Expect(TokenKind.RightParen, "')'");
                }
                else
                {
                    if (ExpectName("a name, '(' names ')' or 'return'") is { } name) names.Add(new NameSyntax(name.Text, Locate(name)));
                    target = Locate(start);
                }
                if (!_inError && Expect(TokenKind.Equals, "'='"))
                {
                    var value = ParseExpression();
                    if (!_inError) statements.Add(new TensorStatementSyntax(names, target, value));
                }
            }
            if (!_inError && Current.Kind is not (TokenKind.RightBrace or TokenKind.EndOfFile) && Current.Line == _tokens[_position - 1].Line)
            {
                Error("a line break after the statement");
            }

            if (_inError)
            {
                broken = true;
                // Recover: skip to the first token on a later line that can start a statement.
                while (Current.Kind is not (TokenKind.EndOfFile or TokenKind.RightBrace) && !IsDeclarationStart()
                       && !(Current.Line > startLine && (Current.Kind == TokenKind.LeftParen || (Current.Kind == TokenKind.Identifier && (Peek(1).Kind == TokenKind.Equals || Current.Text == "return")))))
                {
                    _position++;
                }
            }
            if (_position == before) _position++; // always make progress
        }
        _callsOnOneLine = savedLines;
        var end = Current;
        if (body is null && !broken)
        {
            _diagnostics.Report(DiagnosticDescriptors.ForwardWithoutFinalReturn, Locate(end), "has no return");
            broken = true;
        }
        _inError = false;
        Expect(TokenKind.RightBrace, "'}'");
        _inError |= broken;
        return (statements, body ?? new MissingSyntax(Locate(end)));
    }

    private void SkipToDeclaration()
    {
        while (Current.Kind != TokenKind.EndOfFile && !IsDeclarationStart()) _position++;
    }

    /// <summary>'block' and 'network' are keywords only where a declaration starts, so members may use those names.</summary>
    private bool IsDeclarationStart(string? keyword = null) =>
        Current.Kind == TokenKind.Identifier && (keyword is null ? Current.Text is "block" or "network" : Current.Text == keyword)
        && Peek(1).Kind == TokenKind.Identifier && Peek(2).Kind == TokenKind.LeftParen;

    private ExpressionSyntax ParseExpression()
    {
        if (++_depth > MaxNesting)
        {
            var token = Current;
            if (!_inError) _diagnostics.Report(DiagnosticDescriptors.NestingTooDeep, Locate(token), MaxNesting);
            _inError = true;
            _depth--;
            return new MissingSyntax(Locate(token));
        }
        try
        {
            if (Current.Kind == TokenKind.If)
            {
                var start = Current;
                _position++;
                var condition = ParseExpression();
                Expect(TokenKind.Then, "'then'");
                var whenTrue = ParseExpression();
                Expect(TokenKind.Else, "'else'");
                var whenFalse = ParseExpression();
                return new IfSyntax(condition, whenTrue, whenFalse, Span(start, whenFalse.Location));
            }
            return ParseBinary(0);
        }
        finally
        {
            _depth--;
        }
    }

    // Precedence levels, loosest first.
    private static readonly TokenKind[][] Levels =
    {
        new[] { TokenKind.OrOr },
        new[] { TokenKind.AndAnd },
        new[] { TokenKind.EqualsEquals, TokenKind.BangEquals, TokenKind.Less, TokenKind.LessEquals, TokenKind.Greater, TokenKind.GreaterEquals },
        new[] { TokenKind.Plus, TokenKind.Minus },
        new[] { TokenKind.Star, TokenKind.Slash, TokenKind.SlashSlash, TokenKind.Percent },
    };

    private ExpressionSyntax ParseBinary(int level)
    {
        if (level == Levels.Length) return ParseUnary();
        var left = ParseBinary(level + 1);
        // A chain a + b + c + ... builds a left-deep tree that the binder walks recursively: each
        // operator is one more level of nesting, or a long enough chain overflows the binder's stack.
        int chain = 0;
        while (System.Array.IndexOf(Levels[level], Current.Kind) >= 0 && !_inError)
        {
            if (_depth + 1 > MaxNesting)
            {
                _diagnostics.Report(DiagnosticDescriptors.NestingTooDeep, Locate(Current), MaxNesting);
                _inError = true;
                break;
            }
            _depth++;
            chain++;
            var op = Current.Kind;
            _position++;
            var right = ParseBinary(level + 1);
            left = new BinarySyntax(op, left, right, Span(left.Location, right.Location));
        }
        _depth -= chain;
        return left;
    }

    private ExpressionSyntax ParseUnary()
    {
        if (Current.Kind is TokenKind.Minus or TokenKind.Bang)
        {
            var op = Current;
            _position++;
            if (++_depth > MaxNesting)
            {
                if (!_inError) _diagnostics.Report(DiagnosticDescriptors.NestingTooDeep, Locate(op), MaxNesting);
                _inError = true;
                _depth--;
                return new MissingSyntax(Locate(op));
            }
            var operand = ParseUnary();
            _depth--;
            return new UnarySyntax(op.Kind, operand, Span(Locate(op), operand.Location));
        }
        return ParsePrimary();
    }

    private ExpressionSyntax ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Integer:
                _position++;
                if (long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long integer) && integer <= int.MaxValue)
                {
                    return new IntegerSyntax(integer, Locate(token));
                }
                _diagnostics.Report(DiagnosticDescriptors.NumberOutOfRange, Locate(token), token.Text, $"integers must be at most {int.MaxValue}");
                return new MissingSyntax(Locate(token));
            case TokenKind.Float:
                _position++;
                if (double.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && !double.IsInfinity(real))
                {
                    return new FloatSyntax(real, Locate(token));
                }
                _diagnostics.Report(DiagnosticDescriptors.NumberOutOfRange, Locate(token), token.Text, "use a finite number");
                return new MissingSyntax(Locate(token));
            case TokenKind.True:
            case TokenKind.False:
                _position++;
                return new BooleanSyntax(token.Kind == TokenKind.True, Locate(token));
            case TokenKind.Identifier when IsPyTorchName():
                return ParsePyTorchName();
            case TokenKind.Identifier:
            case TokenKind.QuotedName:
                _position++;
                bool call = Current.Kind == TokenKind.LeftParen && !(_callsOnOneLine && Current.Line != token.Line);
                if (token.Kind == TokenKind.QuotedName && !call) return QuotedValue(token);
                var name = new NameSyntax(NameText(token), Locate(token));
                return call ? ParseCall(name) : name;
            case TokenKind.LeftBracket:
            {
                _position++;
                var items = new List<ExpressionSyntax>();
                if (Current.Kind != TokenKind.RightBracket)
                {
                    do
                    {
                        if (Current.Kind == TokenKind.RightBracket) break; // trailing comma
                        items.Add(ParseExpression());
                        if (items.Count == 1 && IsWord("for")) return ParseComprehension(token, items[0]);
                    }
                    while (Accept(TokenKind.Comma) && !_inError);
                }
                var end = Current;
                Expect(TokenKind.RightBracket, "']'");
                return new ListSyntax(items, Span(Locate(token), Locate(end)));
            }
            case TokenKind.LeftParen:
            {
                _position++;
                var inner = ParseExpression();
                Expect(TokenKind.RightParen, "')'");
                return inner;
            }
            default:
                Error("an expression");
                return new MissingSyntax(Locate(token));
        }
    }

    private CallSyntax ParseCall(NameSyntax callee)
    {
        _position++; // '('
        var arguments = new List<ArgumentSyntax>();
        if (Current.Kind != TokenKind.RightParen)
        {
            do
            {
                if (Current.Kind == TokenKind.RightParen) break; // trailing comma
                var start = Current;
                string? keyword = null;
                if (Current.Kind == TokenKind.Identifier && Peek(1).Kind == TokenKind.Colon)
                {
                    keyword = Current.Text;
                    _position += 2;
                }
                Token? equals = null;
                if (keyword is null && Current.Kind == TokenKind.Identifier && Peek(1).Kind == TokenKind.Equals)
                {
                    equals = Current;
                    keyword = Current.Text;
                    _position += 2;
                }
                int valueStart = _position;
                var value = ParseExpression();
                if (equals is { } named) ReportArgumentNamedWithEquals(named, value, valueStart);
                arguments.Add(new ArgumentSyntax(keyword, Span(Locate(start), value.Location), value));
            }
            while (Accept(TokenKind.Comma) && !_inError);
        }
        var end = Current;
        Expect(TokenKind.RightParen, "')'");
        return new CallSyntax(callee, arguments, Span(callee.Location, Locate(end)));
    }

    // ---------------------------------------------------------------- names, imports, lists

    private bool IsWord(string word) => Current.Kind == TokenKind.Identifier && Current.Text == word;

    private bool IsImportStart() => IsWord("import") && Peek(1).Kind == TokenKind.QuotedName;

    /// <summary><c>import "other.gnet"</c>.</summary>
    private ImportSyntax ParseImport()
    {
        var keyword = Current;
        var path = Peek(1);
        _position += 2;
        string? problem = !Lexer.IsClosed(path.Text) ? "close it with '\"' on the same line"
            : path.Text.Length == 2 ? "a path needs at least one character" : null;
        if (problem is not null) _diagnostics.Report(DiagnosticDescriptors.InvalidQuotedName, Locate(path), path.Text, problem);
        return new ImportSyntax(Lexer.Unquote(path.Text), Span(keyword, Locate(path)));
    }

    /// <summary><c>block B(params) = expr</c>: a block that is one module, such as a sequential (a PyTorch Sequential subclass).</summary>
    private BlockSyntax ParseBlockOfOneModule(Token? name, List<ParameterSyntax> parameters)
    {
        _position++; // '='
        var body = ParseExpression();
        if (_inError) SkipToDeclaration(); // the rest of a broken expression is not a declaration to report again
        var nameLocation = name is { } n ? Locate(n) : body.Location;
        // The module sits at the block's own path, as a network's '= Block(...)' sits at the root.
        var member = new MemberSyntax(string.Empty, body.Location, _inError ? new MissingSyntax(body.Location) : body);
        return new BlockSyntax(name?.Text ?? string.Empty, nameLocation, parameters, new[] { member }, null);
    }

    /// <summary>A member's name: an identifier, a quoted name (<c>"block1-0"</c>) or an integer (PyTorch's numbered children).</summary>
    private Token? ExpectMemberName()
    {
        if (Current.Kind is TokenKind.QuotedName or TokenKind.Integer)
        {
            var token = Current;
            _position++;
            NameText(token); // checked before what follows, which an unclosed name swallowed (the bag keeps one report)
            return token;
        }
        return ExpectName("a member name");
    }

    /// <summary>The name a name token spells; a quoted name that is not a valid state_dict key segment is reported.</summary>
    private string NameText(Token token)
    {
        if (token.Kind != TokenKind.QuotedName) return token.Text;
        if (Lexer.NameProblem(token.Text) is { } problem)
        {
            _diagnostics.Report(DiagnosticDescriptors.InvalidQuotedName, Locate(token), token.Text, problem);
            // An unclosed name took the rest of its line: what it should have been followed by is gone, not wrong.
            if (!Lexer.IsClosed(token.Text)) _inError = true;
        }
        return Lexer.Unquote(token.Text);
    }

    /// <summary>
    /// A quoted word in an expression, not called: a member's quoted name, or a string where an op's argument takes one
    /// (the binder decides). Checked as a string: as a name, one no member has is reported as unknown there.
    /// </summary>
    private ExpressionSyntax QuotedValue(Token token)
    {
        if (Lexer.StringProblem(token.Text) is { } problem)
        {
            _diagnostics.Report(DiagnosticDescriptors.InvalidQuotedName, Locate(token), token.Text, problem);
            if (!Lexer.IsClosed(token.Text)) _inError = true;
            return new MissingSyntax(Locate(token));
        }
        return new NameSyntax(Lexer.Unquote(token.Text), Locate(token)) { Quoted = true };
    }

    /// <summary>The rest of <c>[element for i in range(a, b)]</c>, after its element.</summary>
    private ExpressionSyntax ParseComprehension(Token open, ExpressionSyntax element)
    {
        _position++; // 'for'
        var variable = ExpectName("a loop variable name");
        if (!IsWord("in")) Error("'in'");
        else _position++;
        if (!IsWord("range")) Error("'range' (the loop runs over range(n) or range(start, stop))");
        else _position++;
        var range = new List<ArgumentSyntax>();
        if (Expect(TokenKind.LeftParen, "'('"))
        {
            do
            {
                var value = ParseExpression();
                range.Add(new ArgumentSyntax(null, value.Location, value));
            }
            while (Accept(TokenKind.Comma) && !_inError);
            Expect(TokenKind.RightParen, "')'");
        }
        var end = Current;
        Expect(TokenKind.RightBracket, "']'");
        var location = Span(Locate(open), Locate(end));
        if (_inError || variable is not { } v) return new MissingSyntax(location);
        return new ComprehensionSyntax(element, v.Text, Locate(v), range, location);
    }

    /// <summary>
    /// <c>padding = 1</c> in an argument list, read as <c>padding: 1</c> (so the rest of the file is checked as meant)
    /// and reported with that spelling.
    /// </summary>
    private void ReportArgumentNamedWithEquals(Token keyword, ExpressionSyntax value, int valueStart)
    {
        if (_inError || value is MissingSyntax || _position == valueStart) return;
        var last = _tokens[_position - 1];
        _diagnostics.Report(DiagnosticDescriptors.ArgumentNamedWithEquals, Span(keyword, Locate(last)), keyword.Text, TextOf(_tokens[valueStart], last));
    }

    /// <summary>The source text from the start of <paramref name="first"/> to the end of <paramref name="last"/>, as written.</summary>
    private string TextOf(Token first, Token last) => _document.Text.Substring(first.Start, last.Start + last.Length - first.Start);

    /// <summary>
    /// After an error in a member, skips to where the next member starts: the first token of a later line that can
    /// start one, outside the brackets the broken member opened (so the items of a broken multi-line list are not read
    /// as members). A line indented no deeper than the broken member starts a member even inside open brackets, so a
    /// bracket left open costs one error, not the rest of the body.
    /// </summary>
    private void SkipBrokenMember(int memberStart, int startLine)
    {
        int column = _document.Locate(_tokens[memberStart].Start, 0).Column;
        int depth = 0;
        for (int i = memberStart; i < _position; i++) depth += Nesting(_tokens[i].Kind);
        while (Current.Kind != TokenKind.EndOfFile && !IsDeclarationStart())
        {
            bool startsLine = Current.Line > startLine && (_position == 0 || _tokens[_position - 1].Line < Current.Line);
            bool outdented = startsLine && _document.Locate(Current.Start, 0).Column <= column;
            if (Current.Kind == TokenKind.RightBrace && (depth <= 0 || (startsLine && _document.Locate(Current.Start, 0).Column < column))) return;
            if (startsLine && (depth <= 0 || outdented) && StartsMember()) return;
            depth += Nesting(Current.Kind);
            _position++;
        }
    }

    private bool StartsMember() =>
        (Current.Kind == TokenKind.Identifier && Peek(1).Kind is TokenKind.Equals or TokenKind.LeftParen)
        || (Current.Kind is TokenKind.QuotedName or TokenKind.Integer && Peek(1).Kind == TokenKind.Equals);

    private static int Nesting(TokenKind kind) => kind switch
    {
        TokenKind.LeftParen or TokenKind.LeftBracket or TokenKind.LeftBrace => 1,
        TokenKind.RightParen or TokenKind.RightBracket or TokenKind.RightBrace => -1,
        _ => 0,
    };

    private bool Accept(TokenKind kind)
    {
        if (Current.Kind != kind) return false;
        _position++;
        return true;
    }

    private bool Expect(TokenKind kind, string description)
    {
        if (Current.Kind == kind)
        {
            _position++;
            return true;
        }
        Error(description);
        return false;
    }

    private Token? ExpectName(string description)
    {
        if (Current.Kind == TokenKind.Identifier)
        {
            var token = Current;
            _position++;
            return token;
        }
        Error(description);
        return null;
    }

    /// <summary>Reports one error per member: after the first, the rest of the member is noise.</summary>
    private void Error(string expected)
    {
        if (_inError) return;
        _inError = true;
        _diagnostics.Report(DiagnosticDescriptors.ExpectedToken, ExpectedAt(), expected, Current.Describe());
    }

    /// <summary>
    /// Where a missing token goes: at the found token, or, when that starts a later line than the previous token, just
    /// after the previous token (a missing ')' at the end of a line belongs to that line, not to the next one).
    /// </summary>
    private SourceLocation ExpectedAt()
    {
        if (_position == 0 || _tokens[_position - 1].Line >= Current.Line) return Locate(Current);
        var previous = _tokens[_position - 1];
        return _document.Locate(previous.Start + previous.Length, 0);
    }

    private SourceLocation Locate(Token token) => _document.Locate(token.Start, token.Length);

    private SourceLocation Span(Token start, SourceLocation end) => Span(Locate(start), end);

    private SourceLocation Span(SourceLocation start, SourceLocation end) =>
        _document.Locate(start.Start, System.Math.Max(start.Length, end.Start + end.Length - start.Start));
}
