using GroupNetDsl.Language.Ops;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// One mistake, one diagnostic: a bad token gives no errors on the fine lines after it, every unknown name of an
/// expression is reported in one run, near misses get a "did you mean", and an error inside a block also points at
/// the call that instantiated it. Each test states the exact diagnostics and the text they cover.
/// </summary>
public class RecoveryTests
{
    /// <summary>(id, line, column, covered text) of every diagnostic, in order.</summary>
    private static (string, int, int, string)[] Found(string text) =>
        Gnet.Compile(text).Diagnostics.Select(d => (d.Id, d.Location.Line, d.Location.Column, Gnet.Covered(text, d.Location))).ToArray();

    [Fact]
    public void After_a_channel_mismatch_a_later_independent_error_is_reported_in_the_same_run()
    {
        // The block declares 24 channels in and 32 out; binding goes on with its 32, so the head's 64 is wrong too.
        // The block's error is at the call that gave it 24 (its first location).
        string text = """
            network N(input: 3x32x32) {
                stem = [conv(3, 16, 3, padding: 1), relu]
                dw = DepthwiseSeparableConv(24, 32)
                pool = [avgpool(32), flatten]
                fc = linear(64, 10)
                forward(x) = fc(pool(dw(stem(x))))
            }
            """;

        var diagnostics = Gnet.Compile(text).Diagnostics;

        Assert.Equal(new[] { ("GNET0203", 3, 10, "DepthwiseSeparableConv(24, 32)"), ("GNET0206", 5, 17, "64") }, Found(text));
        Assert.Equal("dw.dw: expects 24 input channels but receives 16 (input 16x32x32); it is inside a standard-library block: give the block 24 input channels (the network's input or the layer before it), or change the block's argument that sets them if it has one", diagnostics[0].Message);
        Assert.Equal("fc: in_features is 64 but the input has 32 features (input 32); set in_features to 32", diagnostics[1].Message);
    }

    [Fact]
    public void After_a_channel_mismatch_a_later_layer_that_fits_the_declared_channels_reports_nothing()
    {
        string text = "network N(input: 3x32x32) = [conv(3, 16, 3, padding: 1), relu, DepthwiseSeparableConv(24, 32), batchnorm(32), avgpool(32), flatten, linear(32, 10)]\n";

        Assert.Equal(new[] { ("GNET0203", 1, 64, "DepthwiseSeparableConv(24, 32)") }, Found(text));
    }

    [Fact]
    public void After_a_channel_mismatch_in_a_sequential_a_later_independent_error_is_reported_too()
    {
        string text = "network N(input: 3x32x32) = [conv(3, 16, 3, padding: 1), relu, DepthwiseSeparableConv(24, 32), avgpool(32), flatten, linear(64, 10)]\n";

        var diagnostics = Gnet.Compile(text).Diagnostics;

        Assert.Equal(new[] { ("GNET0203", 1, 64, "DepthwiseSeparableConv(24, 32)"), ("GNET0206", 1, text.IndexOf("linear(64", StringComparison.Ordinal) + "linear(".Length + 1, "64") }, Found(text));
        Assert.Equal("2.dw: expects 24 input channels but receives 16 (input 16x32x32); it is inside a standard-library block: give the block 24 input channels (the network's input or the layer before it), or change the block's argument that sets them if it has one", diagnostics[0].Message);
        Assert.Equal("5: in_features is 64 but the input has 32 features (input 32); set in_features to 32", diagnostics[1].Message);
    }

    [Fact]
    public void A_dash_in_a_name_gives_one_error_and_none_on_the_lines_of_its_list()
    {
        string text = """
            network N(input: 3x8x8) {
                block1-0 = [
                    conv(3, 8, 3),
                    batchnorm(8),
                    relu(inplace: true),
                ]
                fc = linear(8, 2)
            }
            """;

        Assert.Equal(new[] { ("GNET0102", 2, 11, "-") }, Found(text));
    }

    [Fact]
    public void A_dash_in_a_name_gives_no_shape_error_at_the_end()
    {
        // Without the broken member the others would run in order and the head would get an image.
        string text = "network N(input: 3x8x8) {\n    stem-conv = conv(3, 8, 3)\n    pool = avgpool\n    fc = linear(8, 2)\n}\n";

        Assert.Equal(new[] { ("GNET0102", 2, 9, "-") }, Found(text));
    }

    [Fact]
    public void A_missing_close_paren_at_the_end_of_a_line_is_reported_on_that_line()
    {
        string text = "network Net(input: 3x224x224) = mobilenet_v3_small(num_classes: 1000\nnetwork Other(input: 3x8x8) = relu\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);
        Assert.Equal(("GNET0102", 1, 69, 0), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.Location.Length));
        Assert.Equal("Expected ')' but found name 'network'", diagnostic.Message);
    }

    [Fact]
    public void Too_many_positional_arguments_says_argument_in_the_singular_and_names_the_parameters()
    {
        var diagnostic = Assert.Single(Gnet.Compile("block B(c) = relu\nnetwork N(input: 3x8x8) = B(3, 4)\n").Diagnostics);

        Assert.Equal("GNET0213", diagnostic.Id);
        Assert.Equal("'B' takes at most 1 positional argument but got 2; its arguments are c", diagnostic.Message);
    }

    [Fact]
    public void A_bracket_left_open_costs_one_error_and_the_next_member_is_read()
    {
        string text = "network N(input: 3x8x8) {\n    a = [conv(3, 8, 3), relu\n    b = relu6\n    forward(x) = b(a(x))\n}\n";

        // The list is never closed: reported just after its last token on line 2 (found 'b' on the next line, which,
        // as indented as 'a', starts a member again).
        Assert.Equal(new[] { ("GNET0102", 2, 29, "") }, Found(text));
    }

    [Theory]
    [InlineData("block B(c) = [conv(c, c 3)]\nnetwork N(input: 3x8x8) = B(3)\n", 25)]
    [InlineData("network N(input: 3x8x8) = [conv(3, 3 3), relu]\nnetwork M(input: 3x8x8) = relu\n", 38)]
    public void A_broken_one_module_declaration_gives_one_error_and_the_next_declaration_is_read(string text, int column)
    {
        Assert.Equal(new[] { ("GNET0102", 1, column, "3") }, Found(text));
    }

    [Fact]
    public void Every_unknown_name_of_a_nested_call_is_reported_in_one_run()
    {
        string text = "network N(input: 8x8x8) {\n    forward(x) = shuffle_channels(concat(split_half(x, 2), x), 2)\n}\n";

        var found = Found(text);

        Assert.Equal(new[] { ("GNET0207", 2, 18, "shuffle_channels"), ("GNET0207", 2, 35, "concat"), ("GNET0207", 2, 42, "split_half") }, found);
    }

    [Fact]
    public void Unknown_names_under_an_unknown_block_call_in_a_member_are_reported_too()
    {
        string text = "network N(input: 8x8x8) {\n    b = Blok(chanels, 2)\n}\n";

        Assert.Equal(new[] { ("GNET0207", 2, 9, "Blok"), ("GNET0207", 2, 14, "chanels") }, Found(text));
    }

    [Theory]
    [InlineData("reul6", "relu6")] // two neighbours swapped: one edit
    [InlineData("Relu", "relu")]   // case only
    [InlineData("mx", "mix")]      // a member, not the forward input 'x'
    [InlineData("mi", "mix")]
    public void Near_misses_suggest_the_name_meant(string written, string meant)
    {
        string text = $"network N(input: 8x8x8) {{\n    mix = relu\n    forward(x) = {written}(mix(x))\n}}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal(("GNET0207", written), (diagnostic.Id, Gnet.Covered(text, diagnostic.Location)));
        Assert.Equal($"did you mean '{meant}'?", diagnostic.Arguments[2]);
    }

    [Theory]
    [InlineData("qx")]   // 'x' shares one letter of two
    [InlineData("q")]
    [InlineData("zzzz")]
    public void Names_too_far_from_any_known_one_get_no_suggestion(string written)
    {
        string text = $"network N(input: 8x8x8) {{\n    a = relu\n    forward(x) = {written}(a(x))\n}}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.StartsWith("declare it as a parameter or member", diagnostic.Arguments[2], StringComparison.Ordinal);
    }

    [Fact]
    public void An_argument_named_with_equals_is_read_as_meant_and_reported_once()
    {
        string text = "network N(input: 3x8x8) {\n    c = conv(3, 8, 3, padding = (3 - 1) // 2, bias = false)\n    r = relu\n}\n";

        var diagnostics = Gnet.Compile(text).Diagnostics;

        Assert.Equal(new[] { ("GNET0109", 2, 23, "padding = (3 - 1) // 2"), ("GNET0109", 2, 47, "bias = false") }, Found(text));
        Assert.Equal("Arguments are named with ':', not '='; write `padding: (3 - 1) // 2`", diagnostics[0].Message);
    }

    /// <summary>
    /// A C# developer's comment between two one-line networks: the first network's expression must not run on into it
    /// as a floor division, and the lines after it are read as written (a user trial found three unrelated errors).
    /// </summary>
    [Fact]
    public void A_comment_written_with_slashes_is_reported_once_and_skipped()
    {
        string text = "network A(input: 3x32x32) = mobilenet_v2(num_classes: 10)\n\n// An inverted residual, by hand.\n"
            + "block B(c) {\n    pw = conv(c, c * 2 // 2, 1)\n}\nnetwork N(input: 4x8x8) {\n    b = B(4)\n}\n";

        var result = Gnet.Compile(text);

        Assert.Equal(new[] { ("GNET0110", 3, 1, "//") }, Found(text));
        Assert.Equal("Comments start with '#', not '//' (floor division, as in Python); write `# An inverted residual, by hand.`", result.Diagnostics[0].Message);
        Assert.Equal(new[] { "A", "N" }, result.Networks.Select(n => n.Name));
    }

    /// <summary>
    /// A PyTorch user's <c>return</c> among a body's members: one error that names the forward to write, and the
    /// members are not run in order around it (which would report a shape the user never wrote).
    /// </summary>
    [Fact]
    public void A_return_among_the_members_is_reported_once_with_the_forward_it_belongs_in()
    {
        string text = "network N(input: 3x8x8) {\n    a = conv(3, 8, 1)\n    b = conv(3, 4, 1)\n    return b(x) + 1\n}\n"
            + "block B(c) {\n    r = relu\n    return r\n}\nnetwork M(input: 4x8x8) = B(4)\n";

        var result = Gnet.Compile(text);

        Assert.Equal(new[] { ("GNET0111", 4, 5, "return"), ("GNET0111", 8, 5, "return") }, Found(text));
        Assert.Equal("'return' belongs in a forward block; write `forward(x) = b(x) + 1`, or `forward(x) { ... return b(x) + 1 }` when the output needs statements",
            result.Diagnostics[0].Message);
        Assert.Equal("'return' belongs in a forward block; write `forward(x) = r`, or `forward(x) { ... return r }` when the output needs statements", result.Diagnostics[1].Message);
        Assert.All(result.Networks, n => Assert.Null(n.Network));
    }

    /// <summary>
    /// A module transcribed from PyTorch as written: one error at each PyTorch name, saying what to write, and each
    /// read as its .gnet spelling, so nothing else is reported (the same text with those spellings has no errors).
    /// </summary>
    [Fact]
    public void A_transcribed_PyTorch_module_gets_one_error_per_PyTorch_name_and_no_other()
    {
        string text = "network N(input: 3x8x8) {\n"
            + "    self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU6())\n"
            + "    pool = nn.AdaptiveAvgPool2d(1)\n"
            + "    fc = nn.Linear(8, 4)\n"
            + "    forward(x) = fc(torch.flatten(pool(F.relu(self.stem(x)))))\n"
            + "}\n"
            + "network C(input: 3x8x8) {\n    a = conv(3, 8, 1)\n    forward(x) {\n        y = torch.cat([a(x), a(x)], dim: 1)\n        return y\n    }\n}\n";

        var result = Gnet.Compile(text);

        Assert.Equal(
            new[]
            {
                ("GNET0112", 2, 5, "self.stem"), ("GNET0112", 2, 17, "nn.Sequential"), ("GNET0112", 2, 31, "nn.Conv2d"),
                ("GNET0112", 2, 63, "nn.BatchNorm2d"), ("GNET0112", 2, 82, "nn.ReLU6"), ("GNET0112", 3, 12, "nn.AdaptiveAvgPool2d"),
                ("GNET0112", 4, 10, "nn.Linear"), ("GNET0112", 5, 21, "torch.flatten"), ("GNET0112", 5, 40, "F.relu"),
                ("GNET0112", 5, 47, "self.stem"), ("GNET0112", 10, 13, "torch.cat"),
            },
            Found(text));
        Assert.Equal("`self.stem` is PyTorch's spelling; write `stem`: members are named without `self.`", result.Diagnostics[0].Message);
        Assert.Equal("`nn.Sequential` is PyTorch's spelling; write its modules as a list, `[a, b, c]`", result.Diagnostics[1].Message);
        Assert.Equal("`nn.AdaptiveAvgPool2d` is PyTorch's spelling; write `avgpool`, without arguments (the global average)", result.Diagnostics[5].Message);
        Assert.Equal("`torch.cat` is PyTorch's spelling; write `cat`, the tensors as its arguments: `cat(a, b, dim: 1)`", result.Diagnostics[10].Message);

        string fixedText = "network N(input: 3x8x8) {\n"
            + "    stem = [conv(3, 8, 3, padding: 1), batchnorm(8), relu6()]\n"
            + "    pool = avgpool\n"
            + "    fc = linear(8, 4)\n"
            + "    forward(x) = fc(flatten(pool(relu(stem(x)))))\n"
            + "}\n"
            + "network C(input: 3x8x8) {\n    a = conv(3, 8, 1)\n    forward(x) {\n        y = cat(a(x), a(x), dim: 1)\n        return y\n    }\n}\n";
        Assert.Empty(Gnet.Compile(fixedText).Diagnostics);
    }

    [Fact]
    public void Every_PyTorch_name_translates_to_an_op_the_language_has()
    {
        var ops = OpRegistry.All.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);

        Assert.All(PyTorchSpellings.Ops.Values.Append("avgpool").Append("cat"), op => Assert.Contains(op, ops));
    }

    [Fact]
    public void PyTorch_functions_in_a_forward_are_read_on_their_tensor()
    {
        // torch.flatten(x, 1) and F.adaptive_avg_pool2d(x, 1) are functions of the tensor: read as flatten(x) and
        // avgpool(x), with no error for the 1 that .gnet's ops do not take.
        string text = "network G(input: 3x8x8) {\n    c = conv(3, 8, 3, padding: 1)\n    fc = linear(8, 4)\n"
            + "    forward(x) = fc(torch.flatten(F.adaptive_avg_pool2d(F.max_pool2d(F.relu(c(x)), 2), 1), 1))\n}\n";

        var result = Gnet.Compile(text);

        Assert.Equal(new[] { ("GNET0112", 4, 21, "torch.flatten"), ("GNET0112", 4, 35, "F.adaptive_avg_pool2d"), ("GNET0112", 4, 57, "F.max_pool2d"), ("GNET0112", 4, 70, "F.relu") }, Found(text));
        Assert.Equal("`F.adaptive_avg_pool2d` is PyTorch's spelling; write `avgpool(x)` (the global average)", result.Diagnostics[1].Message);
        Assert.Empty(Gnet.Compile(text.Replace("torch.flatten(F.adaptive_avg_pool2d(F.max_pool2d(F.relu(c(x)), 2), 1), 1)", "flatten(avgpool(maxpool(relu(c(x)), 2)))", StringComparison.Ordinal)).Diagnostics);
    }

    [Fact]
    public void A_python_def_forward_is_reported_once_and_its_lines_skipped()
    {
        string text = "network N(input: 3x8x8) {\n    c = conv(3, 8, 1)\n    def forward(self, x):\n        y = self.c(x)\n        return y\n    d = relu\n}\n";

        var result = Gnet.Compile(text);

        Assert.Equal(new[] { ("GNET0112", 3, 5, "def forward(self, x):") }, Found(text));
        Assert.Equal("`def forward(self, x):` is PyTorch's spelling; write `forward(x) = expression`, or `forward(x) { ... return expression }`", result.Diagnostics[0].Message);
        Assert.Null(Assert.Single(result.Networks).Network);
    }

    [Fact]
    public void A_name_PyTorch_does_not_have_in_dotgnet_is_reported_once_and_names_like_nn_stay_usable()
    {
        string text = "network N(input: 3x8x8) {\n    c = nn.Foo(3, bar: 2)\n}\nnetwork M(input: 3x8x8) {\n    nn = relu\n    forward(x) = nn(x)\n}\n";

        var result = Gnet.Compile(text);

        Assert.Equal(new[] { ("GNET0112", 2, 9, "nn.Foo") }, Found(text));
        Assert.EndsWith(".gnet has no op of that name; the ops are listed in docs/language.md", result.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_named_return_is_still_a_member()
    {
        var result = Gnet.Compile("network N(input: 3x8x8) {\n    return = relu\n}\n");

        Assert.Empty(result.Diagnostics);
        Assert.NotNull(Assert.Single(result.Networks).Network);
    }

    [Fact]
    public void Floor_division_after_a_value_on_the_same_line_is_no_comment()
    {
        var result = Gnet.Compile("network N(input: 8x4x4) {\n    c = conv(8, 8 // 2, 1)\n}\n");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(4, Assert.Single(result.Networks).Network!.Nodes[^1].Output.Channels);
    }

    [Fact]
    public void A_shape_error_inside_a_block_also_points_at_the_call()
    {
        string text = "block B(c) {\n    a = conv(c, 8, 1)\n    b = conv(4, 8, 1)\n    forward(x) = b(a(x))\n}\nnetwork N(input: 3x8x8) {\n    u = B(3)\n}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal(("GNET0203", 3, 14), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        var call = Assert.Single(diagnostic.AdditionalLocations);
        Assert.Equal((7, 9, "B(3)"), (call.Line, call.Column, Gnet.Covered(text, call)));
    }

    [Fact]
    public void An_error_two_blocks_deep_lists_both_calls_innermost_first()
    {
        string text = "block Inner(g) {\n    c = conv(6, 8, 1, groups: g)\n}\nblock Outer(g) {\n    i = Inner(g)\n}\nnetwork N(input: 6x8x8) {\n    o = Outer(4)\n}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal(("GNET0201", 2, 31), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal(new[] { "Inner(g)", "Outer(4)" }, diagnostic.AdditionalLocations.Select(l => Gnet.Covered(text, l)));
    }

    [Fact]
    public void Errors_at_the_call_itself_carry_no_second_location()
    {
        string text = "block B(c) {\n    a = conv(c, 8, 1)\n}\nnetwork N(input: 3x8x8) {\n    u = B()\n}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal("GNET0210", diagnostic.Id);
        Assert.Empty(diagnostic.AdditionalLocations);
    }

    [Fact]
    public void Errors_inside_standard_library_blocks_stay_at_the_call_without_a_second_location()
    {
        string text = "network N(input: 6x8x8) {\n    b = GroupedBottleneck(6, 8, groups: 3)\n}\n";

        var diagnostic = Gnet.Compile(text).Diagnostics.First();

        Assert.Equal((2, 9), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Empty(diagnostic.AdditionalLocations);
    }

    [Fact]
    public void Additional_locations_may_be_in_another_file()
    {
        var blocks = new SourceDocument("blocks.gnet", "block B(c) {\n    a = conv(c, 8, 1, groups: 4)\n}\n");
        var net = new SourceDocument("net.gnet", "import \"blocks.gnet\"\nnetwork N(input: 6x8x8) {\n    u = B(6)\n}\n");

        var diagnostic = Assert.Single(GnetCompiler.Compile(net, blocks).Diagnostics);

        Assert.Equal("blocks.gnet", diagnostic.Location.FilePath);
        Assert.Equal(("net.gnet", 3), (diagnostic.AdditionalLocations[0].FilePath, diagnostic.AdditionalLocations[0].Line));
    }
}
