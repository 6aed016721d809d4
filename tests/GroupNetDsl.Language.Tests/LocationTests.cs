using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// Where diagnostics and nodes point: always at text the user wrote (never into the standard library),
/// with 1-based lines and columns, exact spans, in the right file, in a stable order.
/// </summary>
public class LocationTests
{
    [Fact]
    public void A_channel_mismatch_inside_a_standard_library_block_points_at_the_users_call_and_names_the_inner_layer()
    {
        const string text = """
            network N(input: 32x16x16) {
                module = DepthwiseSeparableConv(30, 64)
            }
            """;
        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal("GNET0203", diagnostic.Id);
        Assert.Equal(Gnet.FilePath, diagnostic.Location.FilePath);
        Assert.Equal((2, 14), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal("DepthwiseSeparableConv(30, 64)", Gnet.Covered(text, diagnostic.Location));
        Assert.Equal(new[] { "module.dw", "30", "32", "input 32x16x16", "it is inside a standard-library block: give the block 30 input channels (the network's input or the layer before it), or change the block's argument that sets them if it has one" }, diagnostic.Arguments);
    }

    [Fact]
    public void A_zoo_network_given_the_wrong_channels_says_what_feeds_it_not_to_edit_its_first_conv()
    {
        const string text = "network Net(input: 4x224x224) = mobilenet_v2(num_classes: 10)\n";
        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal("GNET0203", diagnostic.Id);
        Assert.Equal("mobilenet_v2(num_classes: 10)", Gnet.Covered(text, diagnostic.Location));
        // The first conv is torchvision's, inside the zoo: the user can change only the input or what comes before.
        Assert.Equal("features.0.0: expects 3 input channels but receives 4 (input 4x224x224); it is inside a standard-library block: "
            + "give the block 3 input channels (the network's input or the layer before it), or change the block's argument that sets them if it has one", diagnostic.Message);
    }

    [Fact]
    public void A_groups_error_inside_a_standard_library_block_points_at_the_users_call()
    {
        const string text = """
            network N(input: 32x16x16) {
                module = GroupedBottleneck(32, 64, groups: 3)
            }
            """;
        var result = Gnet.Compile(text);

        // hidden = round(64 * 0.5) = 32; the 3x3 conv is conv(32, 32, 3, groups: 3).
        Assert.Equal(
            new[]
            {
                ("GNET0201", "module.group_conv.0|32|3|valid: 1, 2, 4, 8, 16, 32"),
                ("GNET0202", "module.group_conv.0|32|3|valid: 1, 2, 4, 8, 16, 32"),
            },
            result.Diagnostics.Select(d => (d.Id, string.Join("|", d.Arguments))));
        Assert.All(result.Diagnostics, d => Assert.Equal("GroupedBottleneck(32, 64, groups: 3)", Gnet.Covered(text, d.Location)));
    }

    [Fact]
    public void A_standard_library_block_called_from_a_user_block_reports_at_the_call_inside_the_user_block()
    {
        const string text = """
            block Stage(cin) {
                first = DepthwiseSeparableConv(cin, 64)
            }
            network N(input: 32x16x16) {
                stage = Stage(16)
            }
            """;
        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal(("GNET0203", 2, 13), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal("DepthwiseSeparableConv(cin, 64)", Gnet.Covered(text, diagnostic.Location));
        Assert.Equal("stage.first.dw", diagnostic.Arguments[0]);
    }

    [Fact]
    public void Advice_about_a_standard_library_layer_points_at_the_users_call()
    {
        const string text = """
            network N(input: 8x8x8) {
                grouped = conv(8, 8, 3, padding: 1, groups: 2)
                separable = DepthwiseSeparableConv(8, 16)
            }
            """;
        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal("GNET0402", diagnostic.Id);
        Assert.Equal(new[] { "separable.dw", "grouped" }, diagnostic.Arguments);
        Assert.Equal("DepthwiseSeparableConv(8, 16)", Gnet.Covered(text, diagnostic.Location));
    }

    [Fact]
    public void Every_MiniGroupNet_node_is_located_in_the_users_file_and_block_layers_at_the_block_call()
    {
        string text = Gnet.MiniGroupNetText;
        var network = Assert.Single(Gnet.Compile(text).Networks);

        Assert.Equal(network.Network!.Nodes.Count, network.NodeLocations.Count);
        Assert.All(network.NodeLocations, location => Assert.Equal(Gnet.FilePath, location.FilePath));
        Assert.Equal("3x64x64", Gnet.Covered(text, Gnet.NodeLocation(network, "input")));
        Assert.Equal("conv(3, 64, 3, padding: 1, bias: false)", Gnet.Covered(text, Gnet.NodeLocation(network, "stem.0")));
        Assert.Equal("GroupedBottleneck(64, 128, groups: 8, stride: 2)", Gnet.Covered(text, Gnet.NodeLocation(network, "stage1.group_conv.0")));
        Assert.Equal("GroupedBottleneck(128, 256, groups: 8, stride: 2)", Gnet.Covered(text, Gnet.NodeLocation(network, "stage2.add")));
        Assert.Equal("flatten(pool(stage2(stage1(stem(x)))))", Gnet.Covered(text, Gnet.NodeLocation(network, "flatten")));
        Assert.Equal("MiniGroupNet", Gnet.Covered(text, network.Location));
    }

    [Fact]
    public void Lines_and_columns_are_the_same_with_Windows_line_endings()
    {
        const string text = "network N(input: 6x8x8) {\n    c = conv(6, 8, 3, groups: 4)\n}\n";
        string windows = text.Replace("\n", "\r\n");

        var unix = Assert.Single(Gnet.Compile(text).Diagnostics).Location;
        var crlf = Assert.Single(Gnet.Compile(windows).Diagnostics).Location;

        Assert.Equal((2, 31), (unix.Line, unix.Column));
        Assert.Equal((unix.Line, unix.Column, unix.EndLine, unix.EndColumn), (crlf.Line, crlf.Column, crlf.EndLine, crlf.EndColumn));
        Assert.Equal("4", Gnet.Covered(windows, crlf));
    }

    [Fact]
    public void A_tab_is_one_column()
    {
        var location = Assert.Single(Gnet.Compile("network N(input: 6x8x8) {\n\tc = conv(6, 8, 3, groups: 4)\n}\n").Diagnostics).Location;

        Assert.Equal((2, 28), (location.Line, location.Column));
    }

    [Fact]
    public void A_span_over_several_lines_ends_on_its_last_line()
    {
        const string text = """
            network N(input: 3x4x4) {
                c = conv(3, 8,
                         5)
            }
            """;
        var location = Assert.Single(Gnet.Compile(text).Diagnostics).Location;

        Assert.Equal("conv(3, 8,\n             5)", Gnet.Covered(text, location));
        Assert.Equal((2, 9, 3, 16), (location.Line, location.Column, location.EndLine, location.EndColumn));
    }

    [Fact]
    public void A_diagnostic_prints_as_an_MSBuild_line()
    {
        var diagnostic = Assert.Single(Gnet.Compile("network N(input: 6x8x8) {\n    c = conv(6, 8, 3, groups: 4)\n}\n").Diagnostics);

        Assert.Equal(
            "test.gnet(2,31): error GNET0201: c: in_channels 6 is not divisible by groups 4; use a groups value that divides both channel counts (valid: 1, 2)",
            diagnostic.ToString());
    }

    [Fact]
    public void Diagnostics_are_ordered_by_file_then_position()
    {
        var first = new SourceDocument("b.gnet", "network B(input: 3x8x8) {\n    c = conv(4, 8, 1)\n    d = conv2d(1)\n}\n");
        var second = new SourceDocument("a.gnet", "network A(input: 3x8x8) {\n    c = conv(3, 8, 1) $\n}\n");

        var result = GnetCompiler.Compile(first, second);

        Assert.Equal(
            new[] { ("a.gnet", 2), ("b.gnet", 3) },
            result.Diagnostics.Select(d => (d.Location.FilePath, d.Location.Line)));
    }

    [Fact]
    public void A_block_from_one_file_serves_a_network_in_another_and_its_errors_point_into_its_own_file()
    {
        var blocks = new SourceDocument("blocks.gnet", "block Grouped(cin, g) {\n    c = conv(cin, 8, 3, groups: g)\n}\n");
        var networks = new SourceDocument("net.gnet", "import \"blocks.gnet\"\nnetwork N(input: 6x8x8) {\n    b = Grouped(6, 4)\n}\nnetwork M(input: 6x8x8) {\n    b = Grouped(6, 2)\n}\n");

        var result = GnetCompiler.Compile(networks, blocks);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("GNET0201", "blocks.gnet", 2, 33), (diagnostic.Id, diagnostic.Location.FilePath, diagnostic.Location.Line, diagnostic.Location.Column));
        // The call that gave the block its numbers is the second location.
        var call = Assert.Single(diagnostic.AdditionalLocations);
        Assert.Equal(("net.gnet", 3, 9, "Grouped(6, 4)".Length), (call.FilePath, call.Line, call.Column, call.Length));
        Assert.Equal("b.c", diagnostic.Arguments[0]);
        Assert.Null(result.Find("N")!.Network);
        Assert.NotNull(result.Find("M")!.Network);
    }

    [Fact]
    public void Each_network_result_carries_only_its_own_diagnostics()
    {
        const string text = """
            network Good(input: 3x8x8) {
                c = conv(3, 8, 1)
            }
            network Bad(input: 3x8x8) {
                c = conv(4, 8, 1)
            }
            """;
        var result = Gnet.Compile(text);

        Assert.Empty(result.Find("Good")!.Diagnostics);
        Assert.NotNull(result.Find("Good")!.Network);
        Assert.Equal("GNET0203", Assert.Single(result.Find("Bad")!.Diagnostics).Id);
        Assert.Equal((4, 9), (result.Find("Bad")!.Location.Line, result.Find("Bad")!.Location.Column));
        Assert.Equal(result.Find("Bad")!.Diagnostics, result.Diagnostics);
    }

    [Fact]
    public void No_diagnostic_ever_points_into_the_standard_library()
    {
        // One error of each kind that the standard library's own layers can raise.
        const string text = """
            network A(input: 32x16x16) { m = DepthwiseSeparableConv(30, 64) }
            network B(input: 32x16x16) { m = GroupedBottleneck(32, 64, groups: 3) }
            network C(input: 32x1x1) { m = DepthwiseSeparableConv(32, 64, padding: 0) }
            network D(input: 32x16x16) { m = GroupedBottleneck(32, 64, bottleneck_ratio: 0.0) }
            network E(input: 32x16x16) { m = GroupedBottleneck(32, 64, stride: 0) }
            """;
        var result = Gnet.Compile(text);

        Assert.Equal(5, result.Networks.Count(n => n.HasErrors));
        Assert.All(result.Diagnostics, d => Assert.Equal(Gnet.FilePath, d.Location.FilePath));
        Assert.All(result.Diagnostics, d => Assert.Matches("^(DepthwiseSeparableConv|GroupedBottleneck)\\(.*\\)$", Gnet.Covered(text, d.Location)));
    }
}
