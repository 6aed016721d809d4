using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// The forms that mirror torchvision's module code: quoted and numbered names, a block that is one sequential,
/// repetition over <c>range</c> with the index in the arguments, list concatenation numbered as nn.Sequential numbers
/// it, and blocks scoped per file with imports. Expected keys and counts are PyTorch's, written out in each test.
/// </summary>
public class LanguageFeatureTests
{
    private static DocumentSyntax Parse(string text, out DiagnosticBag diagnostics)
    {
        diagnostics = new DiagnosticBag();
        return Parser.Parse(new SourceDocument(Gnet.FilePath, text), diagnostics);
    }

    private static string[] Keys(Model.Network network) => network.Weights.Select(w => w.Key).ToArray();

    private static string[] Paths(Model.Network network) => network.Nodes.Skip(1).Select(n => n.Path).ToArray();

    // ---------------------------------------------------------------- names

    [Fact]
    public void Quoted_and_numeric_member_names_parse_to_the_names_they_spell()
    {
        var document = Parse("network N(input: 3x8x8) {\n    \"block1-0\" = relu\n    0 = relu\n    \"a\\\"b\\\\c\" = relu\n    forward(x) = \"a\\\"b\\\\c\"(\"0\"(\"block1-0\"(x)))\n}\n", out var diagnostics);

        Assert.Empty(diagnostics.Items);
        var network = Assert.Single(document.Networks);
        Assert.Equal(new[] { "block1-0", "0", "a\"b\\c" }, network.Members.Select(m => m.Name));
        var outer = Assert.IsType<CallSyntax>(network.Forward!.Body);
        Assert.Equal("a\"b\\c", outer.Callee.Name);
    }

    [Fact]
    public void A_quoted_name_is_a_state_dict_key_segment_as_written()
    {
        var network = Gnet.Network("network N(input: 3x8x8) {\n    \"block1-0\" = conv(3, 8, 1)\n    \"0\" = batchnorm(8)\n    forward(x) = \"0\"(\"block1-0\"(x))\n}\n");

        Assert.Equal(new[] { "block1-0.weight", "block1-0.bias", "0.weight", "0.bias", "0.running_mean", "0.running_var" }, Keys(network).Where(k => !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)));
        Assert.Equal(new[] { "block1-0", "0" }, Paths(network));
    }

    [Fact]
    public void Numbered_members_mirror_a_sequential_subclass()
    {
        // torchvision's ConvNormActivation is an nn.Sequential: its children are 0, 1, 2.
        var network = Gnet.Network("network N(input: 3x8x8) {\n    0 = conv(3, 8, 3, padding: 1, bias: false)\n    1 = batchnorm(8)\n    2 = relu\n}\n");

        Assert.Equal(new[] { "0", "1", "2" }, Paths(network));
        Assert.Equal("0.weight", network.Weights[0].Key);
    }

    [Theory]
    [InlineData("\"\" = relu", "\"\"", "a name needs at least one character")]
    [InlineData("\"a.b\" = relu", "\"a.b\"", "a '.' separates the segments of a state_dict key, so a name cannot hold one")]
    [InlineData("\"a\\tb\" = relu", "\"a\\tb\"", "the only escapes are \\\" and \\\\")]
    [InlineData("\"r\u00E9\" = relu", "\"r\u00E9\"", "use printable ASCII characters only")]
    public void Invalid_quoted_names_are_reported_where_they_are_written(string member, string covered, string problem)
    {
        string text = "network N(input: 3x8x8) {\n    " + member + "\n}\n";

        var result = Gnet.Compile(text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("GNET0108", 2, 5, covered), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column, Gnet.Covered(text, diagnostic.Location)));
        Assert.Equal(problem, diagnostic.Arguments[1]);
        Assert.Null(Assert.Single(result.Networks).Network);
    }

    [Fact]
    public void An_unclosed_quoted_name_ends_at_its_line_and_the_next_lines_are_read()
    {
        string text = "network N(input: 3x8x8) {\n    \"abc = relu\n    b = relu\n}\n";

        var result = Gnet.Compile(text);

        // The name runs to the end of its line; the next line is fine and gives no error.
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("GNET0108", 2, 5, "\"abc = relu"), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column, Gnet.Covered(text, diagnostic.Location)));
        Assert.Equal("close it with '\"' on the same line", diagnostic.Arguments[1]);
    }

    // ---------------------------------------------------------------- a block that is one sequential

    private const string ConvNormAct =
        "block ConvNormAct(cin, cout, k, stride = 1, groups = 1) = [conv(cin, cout, k, stride: stride, padding: (k - 1) // 2, groups: groups, bias: false), batchnorm(cout), relu6]\n";

    [Fact]
    public void A_block_whose_body_is_a_sequential_parses_to_one_unnamed_member()
    {
        var document = Parse(ConvNormAct, out var diagnostics);

        Assert.Empty(diagnostics.Items);
        var block = Assert.Single(document.Blocks);
        Assert.Equal(new[] { "cin", "cout", "k", "stride", "groups" }, block.Parameters.Select(p => p.Name));
        var member = Assert.Single(block.Members);
        Assert.Equal(string.Empty, member.Name);
        Assert.Equal(3, Assert.IsType<ListSyntax>(member.Value).Items.Count);
        Assert.Null(block.Forward);
    }

    [Fact]
    public void A_number_parameter_named_like_an_op_or_block_does_not_hide_it_in_a_call()
    {
        // As torchvision's MNASNet(dropout=0.2) builds nn.Dropout(p=dropout): a number cannot be called.
        var network = Gnet.Network(ConvNormAct + "block Pool(maxpool = 2, ConvNormAct = 8) {\n    pool = [maxpool(maxpool), ConvNormAct(4, ConvNormAct, 1)]\n}\n"
            + "network N(input: 4x16x16) {\n    p = Pool(maxpool: 4, ConvNormAct: 6)\n}\n");

        Assert.Equal((4, 4, 4), (Gnet.Node(network, "p.pool.0").Output.Channels, Gnet.Node(network, "p.pool.0").Output.Height, Gnet.Node(network, "p.pool.0").Output.Width));
        Assert.Equal(6, Gnet.Node(network, "p.pool.1.0").Output.Channels);
    }

    [Fact]
    public void A_sequential_block_numbers_its_children_under_the_member_that_uses_it()
    {
        var network = Gnet.Network(ConvNormAct + "network N(input: 3x16x16) {\n    stem = ConvNormAct(3, 8, 3, stride: 2)\n    dw = ConvNormAct(8, 8, 3, groups: 8)\n    pw = conv(8, 16, 1)\n}\n");

        Assert.Equal(new[] { "stem.0", "stem.1", "stem.2", "dw.0", "dw.1", "dw.2", "pw" }, Paths(network));
        Assert.Equal("stem.0.weight", network.Weights[0].Key);
        // padding (3 - 1) // 2 = 1 and stride 2: 16 -> 8.
        Assert.Equal((8, 8, 8), (Gnet.Node(network, "stem.0").Output.Channels, Gnet.Node(network, "stem.0").Output.Height, Gnet.Node(network, "stem.0").Output.Width));
        // conv 3*8*9 + bn 2*8, depthwise 8*9 + bn 2*8, pointwise 8*16 + 16.
        Assert.Equal((3 * 8 * 9) + 16 + (8 * 9) + 16 + (8 * 16) + 16, network.ParameterCount);
    }

    [Fact]
    public void A_network_may_be_a_sequential_block_with_its_children_at_the_root()
    {
        var network = Gnet.Network(ConvNormAct + "network N(input: 3x8x8) = ConvNormAct(3, 8, 3)\n");

        Assert.Equal(new[] { "0", "1", "2" }, Paths(network));
    }

    // ---------------------------------------------------------------- repetition and concatenation

    [Fact]
    public void A_repetition_parses_its_element_variable_and_range()
    {
        var document = Parse("network N(input: 3x8x8) {\n    s = [conv(3, 3, 1) for i in range(1, 4)]\n}\n", out var diagnostics);

        Assert.Empty(diagnostics.Items);
        var repetition = Assert.IsType<ComprehensionSyntax>(Assert.Single(Assert.Single(document.Networks).Members).Value);
        Assert.Equal("i", repetition.Variable);
        Assert.Equal(2, repetition.Range.Count);
        Assert.IsType<CallSyntax>(repetition.Element);
    }

    [Fact]
    public void Concatenated_lists_number_their_items_continuously()
    {
        var network = Gnet.Network(
            "block B(i) = conv(4, 4, 1, bias: false)\n"
            + "network N(input: 3x8x8) {\n    s = [conv(3, 4, 1, bias: false)] + [B(i) for i in range(3)] + [relu]\n}\n");

        Assert.Equal(new[] { "s.0", "s.1", "s.2", "s.3", "s.4" }, Paths(network));
        Assert.Equal(new[] { "s.0.weight", "s.1.weight", "s.2.weight", "s.3.weight" }, Keys(network));
    }

    [Fact]
    public void Repetition_and_concatenation_give_the_model_of_the_list_written_out()
    {
        // Same nodes and weights, so the same generated code and state_dict.
        const string blocks = "block B(cin, cout, stride) = [conv(cin, cout, 3, stride: stride, padding: 1, bias: false), batchnorm(cout), relu]\n";
        var built = Gnet.Network(blocks + "network N(input: 3x16x16) {\n    head = [B(3, 8, 1)]\n    body = [B(8 * i, 8 * (i + 1), if i == 1 then 2 else 1) for i in range(1, 3)]\n    s = head + body + (if true then [avgpool] else [])\n}\n");
        var written = Gnet.Network(blocks + "network N(input: 3x16x16) {\n    s = [B(3, 8, 1), B(8, 16, 2), B(16, 24, 1), avgpool]\n}\n");

        Assert.Equal(written.Nodes, built.Nodes);
        Assert.Equal(written.Weights, built.Weights);
    }

    [Fact]
    public void The_index_of_a_repetition_is_usable_in_the_arguments()
    {
        var network = Gnet.Network(
            ConvNormAct
            + "network N(input: 4x32x32) {\n    s = [ConvNormAct(if i == 2 then 4 else 8 * (i - 1), 8 * i, 3, stride: if i == 2 then 2 else 1) for i in range(2, 5)]\n}\n");

        // i = 2: 4 -> 16, stride 2 (32 -> 16); i = 3: 16 -> 24; i = 4: 24 -> 32.
        Assert.Equal(new[] { "s.0.0", "s.0.1", "s.0.2", "s.1.0", "s.1.1", "s.1.2", "s.2.0", "s.2.1", "s.2.2" }, Paths(network));
        Assert.Equal(16, Gnet.Node(network, "s.0.0").Output.Channels);
        Assert.Equal(16, Gnet.Node(network, "s.0.0").Output.Height);
        Assert.Equal(32, Gnet.Node(network, "s.2.0").Output.Channels);
        Assert.Equal(16, Gnet.Node(network, "s.2.0").Output.Height);
    }

    [Theory]
    [InlineData("true", new[] { "s.0", "s.1", "s.2" })]
    [InlineData("false", new[] { "s.0", "s.1" })]
    public void A_conditional_item_is_a_concatenated_if_with_an_empty_list(string useSe, string[] paths)
    {
        var network = Gnet.Network(
            "block B(use_se) {\n    s = [conv(3, 3, 1), relu] + (if use_se then [conv(3, 3, 1)] else [])\n}\n"
            + $"network N(input: 3x8x8) = B({useSe})\n");

        Assert.Equal(paths, Paths(network));
    }

    [Fact]
    public void A_member_spliced_into_a_list_is_a_list_variable_without_a_path_of_its_own()
    {
        // As torchvision's MobileNetV2 builds `features` from a Python list: the blocks live only at features.N.
        var network = Gnet.Network(
            ConvNormAct
            + "network N(input: 3x16x16) {\n"
            + "    stem = [ConvNormAct(3, 8, 3, stride: 2)]\n"
            + "    blocks = [ConvNormAct(8, 8, 3, groups: 8) for i in range(2)]\n"
            + "    features = stem + blocks + [ConvNormAct(8, 16, 1)]\n"
            + "    forward(x) = features(x)\n"
            + "}\n");

        Assert.Equal(new[] { "features.0", "features.1", "features.2", "features.3" }, Paths(network).Select(p => p.Substring(0, p.LastIndexOf('.'))).Distinct());
        Assert.DoesNotContain(Keys(network), k => k.StartsWith("blocks", StringComparison.Ordinal) || k.StartsWith("stem", StringComparison.Ordinal));
        Assert.Equal("features.3.0.weight", Keys(network).Where(k => k.EndsWith(".0.weight", StringComparison.Ordinal)).Last());
    }

    [Fact]
    public void A_list_variable_called_in_forward_is_an_error_that_names_the_list_to_call()
    {
        string text = "network N(input: 3x8x8) {\n    a = [relu]\n    s = a + [relu]\n    forward(x) = a(x)\n}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal(("GNET0209", 4, 18, "a"), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column, Gnet.Covered(text, diagnostic.Location)));
        Assert.Contains("call the list that splices it", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_layer_joined_with_plus_is_asked_for_in_brackets()
    {
        string text = "network N(input: 3x8x8) {\n    s = [relu] + relu\n}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal(("GNET0216", 2, 18, "relu"), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column, Gnet.Covered(text, diagnostic.Location)));
    }

    [Fact]
    public void A_huge_range_is_an_error_before_any_item_is_made()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        string text = "network N(input: 3x8x8) {\n    s = [relu for i in range(2000000000)]\n}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal("GNET0222", diagnostic.Id);
        Assert.Equal(new[] { "N", "100000", "items in one list", "range(0, 2000000000) has 2000000000 items; use a smaller range" }, diagnostic.Arguments);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Nested_repetitions_stay_within_the_step_limit()
    {
        string text = "network N(input: 3x8x8) {\n    s = [[[relu for k in range(1000)] for j in range(1000)] for i in range(1000)]\n}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal("GNET0222", diagnostic.Id);
    }

    [Fact]
    public void Range_wants_integers_and_at_most_two_arguments()
    {
        string text = "network N(input: 3x8x8) {\n    s = [relu for i in range(1.5)]\n    t = [relu for i in range(1, 2, 3)]\n}\n";

        var diagnostics = Gnet.Compile(text).Diagnostics;

        Assert.Equal(new[] { ("GNET0209", "1.5"), ("GNET0213", "3") }, diagnostics.Select(d => (d.Id, Gnet.Covered(text, d.Location))));
    }

    // ---------------------------------------------------------------- blocks per file, imports

    private const string InvertedResidualA = "block InvertedResidual(c) {\n    conv = conv(c, c, 1)\n}\n";
    private const string InvertedResidualB = "block InvertedResidual(c) {\n    conv = conv(c, c, 3, padding: 1, bias: false)\n}\n";

    [Fact]
    public void Two_files_may_each_declare_a_block_of_one_name_and_each_uses_its_own()
    {
        var a = new SourceDocument("a.gnet", InvertedResidualA + "network A(input: 4x8x8) { b = InvertedResidual(4) }\n");
        var b = new SourceDocument("b.gnet", InvertedResidualB + "network B(input: 4x8x8) { b = InvertedResidual(4) }\n");

        var result = GnetCompiler.Compile(a, b);

        Assert.Empty(result.Diagnostics);
        Assert.Equal((4 * 4) + 4, result.Find("A")!.Network!.ParameterCount);
        Assert.Equal(4 * 4 * 9, result.Find("B")!.Network!.ParameterCount);
    }

    [Fact]
    public void An_import_makes_another_files_blocks_visible_and_its_own_blocks_win()
    {
        var blocks = new SourceDocument("lib/blocks.gnet", InvertedResidualA + "block Head(c) = conv(c, 2, 1)\n");
        var net = new SourceDocument("nets/net.gnet", "import \"../lib/blocks.gnet\"\n" + InvertedResidualB + "network N(input: 4x8x8) {\n    b = InvertedResidual(4)\n    h = Head(4)\n}\n");

        var result = GnetCompiler.Compile(net, blocks);

        Assert.Empty(result.Diagnostics);
        Assert.Equal((4 * 4 * 9) + (4 * 2) + 2, result.Find("N")!.Network!.ParameterCount);
    }

    [Fact]
    public void A_block_of_another_file_used_without_import_names_the_import_to_write()
    {
        var blocks = new SourceDocument("blocks.gnet", InvertedResidualA);
        var net = new SourceDocument("net.gnet", "network N(input: 4x8x8) { b = InvertedResidual(4) }\n");

        var diagnostic = Assert.Single(GnetCompiler.Compile(net, blocks).Diagnostics);

        Assert.Equal("GNET0207", diagnostic.Id);
        Assert.Equal("the block 'InvertedResidual' is declared in 'blocks.gnet'; import it with import \"blocks.gnet\" at the top of this file", diagnostic.Arguments[2]);
    }

    [Fact]
    public void The_import_hint_wins_over_a_near_name_in_scope()
    {
        // A near name is a guess; the exact name declared in another file is not.
        var blocks = new SourceDocument("blocks.gnet", InvertedResidualA);
        var net = new SourceDocument("net.gnet", "block InvertedResiduals(c) = [relu]\nnetwork N(input: 4x8x8) { b = InvertedResidual(4) }\n");

        var diagnostic = Assert.Single(GnetCompiler.Compile(net, blocks).Diagnostics);

        Assert.Equal("GNET0207", diagnostic.Id);
        Assert.Equal("the block 'InvertedResidual' is declared in 'blocks.gnet'; import it with import \"blocks.gnet\" at the top of this file", diagnostic.Arguments[2]);
    }

    [Fact]
    public void A_block_imported_from_two_files_is_ambiguous()
    {
        var a = new SourceDocument("a.gnet", InvertedResidualA);
        var b = new SourceDocument("b.gnet", InvertedResidualB);
        string text = "import \"a.gnet\"\nimport \"b.gnet\"\nnetwork N(input: 4x8x8) { b = InvertedResidual(4) }\n";
        var net = new SourceDocument("net.gnet", text);

        var result = GnetCompiler.Compile(a, b, net);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("GNET0236", "net.gnet", 2, "import \"b.gnet\""), (diagnostic.Id, diagnostic.Location.FilePath, diagnostic.Location.Line, Gnet.Covered(text, diagnostic.Location)));
        Assert.Equal(new[] { "InvertedResidual", "a.gnet", "b.gnet" }, diagnostic.Arguments);
        Assert.Null(result.Find("N")!.Network);
    }

    [Fact]
    public void The_standard_library_is_visible_in_every_file()
    {
        var a = new SourceDocument("a.gnet", "network A(input: 4x8x8) { b = DepthwiseSeparableConv(4, 8) }\n");
        var b = new SourceDocument("b.gnet", "network B(input: 4x8x8) { b = DepthwiseSeparableConv(4, 8) }\n");

        var result = GnetCompiler.Compile(a, b);

        Assert.Empty(result.Diagnostics);
        Assert.All(result.Networks, n => Assert.NotNull(n.Network));
    }
}
