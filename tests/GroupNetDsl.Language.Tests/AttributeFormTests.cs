using GroupNetDsl.Language.Attributes;
using GroupNetDsl.Language.Model;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// The attribute form: a partial class whose layer attributes, read in source order, declare a
/// sequential network. It must lower to the very model the .gnet form gives, and report its mistakes
/// at the attribute (or the attribute argument) in the C# file.
/// </summary>
public class AttributeFormTests
{
    /// <summary>The seed's MiniGroupNet(groups=8) in the attribute form, as samples/MiniGroupNet declares it.</summary>
    private static string MiniGroupNetClass => SeedNetworkSources.MiniGroupNetDeclaration;

    private static NetworkResult Compile(string csharp, string className = "Net") =>
        GnetCompiler.CompileAttributes(AttributeSource.Read(className, csharp));

    [Fact]
    public void Attribute_MiniGroupNet_lowers_to_the_gnet_MiniGroupNet_node_for_node()
    {
        var fromGnet = Gnet.Network(Gnet.MiniGroupNetText);
        var result = Compile(MiniGroupNetClass, "MiniGroupNet");

        Assert.True(result.Diagnostics.Count == 0, Gnet.Describe(result.Diagnostics));
        var fromAttributes = result.Network!;
        Assert.Equal(
            fromGnet.Nodes.Select(n => (n.Path, n.Operation, string.Join(",", n.Inputs), n.Output, n.Parameters, n.MultiplyAccumulates)),
            fromAttributes.Nodes.Select(n => (n.Path, n.Operation, string.Join(",", n.Inputs), n.Output, n.Parameters, n.MultiplyAccumulates)));
        Assert.Equal(fromGnet.Weights, fromAttributes.Weights);
        Assert.Equal((fromGnet.Name, fromGnet.Input, fromGnet.OutputNode), (fromAttributes.Name, fromAttributes.Input, fromAttributes.OutputNode));
    }

    [Fact]
    public void Attribute_MiniGroupNet_equals_the_gnet_model_in_everything_but_source_locations()
    {
        var fromGnet = Gnet.Network(Gnet.MiniGroupNetText);
        var fromAttributes = Compile(MiniGroupNetClass, "MiniGroupNet").Network!;

        Assert.Equal(WithoutLocations(fromGnet), WithoutLocations(fromAttributes));
    }

    [Fact]
    public void Attribute_MiniGroupNet_has_PyTorchs_totals()
    {
        var pytorch = Reference.Model("minigroupnet_g8");
        var network = Compile(MiniGroupNetClass, "MiniGroupNet").Network!;

        Assert.Equal(pytorch.GetProperty("total_params").GetInt64(), network.ParameterCount);
        Assert.Equal(pytorch.GetProperty("total_macs").GetInt64(), network.MultiplyAccumulates);
        Assert.Equal(
            Reference.StateDict("minigroupnet_g8.safetensors").Select(t => t.Key),
            network.Weights.Select(w => w.Key));
    }

    [Fact]
    public void Attribute_nodes_are_located_at_their_attributes_in_the_CSharp_file()
    {
        var network = Compile(MiniGroupNetClass, "MiniGroupNet");

        Assert.All(network.NodeLocations, location => Assert.Equal(AttributeSource.FilePath, location.FilePath));
        Assert.Equal("Conv2d(3, 64, 3, Padding = 1, Bias = false, Name = \"stem.0\")", Covered(Gnet.NodeLocation(network, "stem.0")));
        Assert.Equal("GroupedBottleneck(64, 128, Groups = 8, Stride = 2, Name = \"stage1\")", Covered(Gnet.NodeLocation(network, "stage1.group_conv.0")));
        Assert.Equal("GroupNet(Input = \"3x64x64\")", Covered(network.Location));
    }

    [Fact]
    public void After_a_channel_mismatch_a_later_independent_error_is_reported_in_the_same_run()
    {
        string text = """
            [GroupNet(Input = "3x32x32")]
            [Conv2d(3, 16, 3, Padding = 1)]
            [ReLU]
            [DepthwiseSeparableConv(24, 32)]
            [GlobalAvgPool]
            [Flatten]
            [Linear(64, 10)]
            """;

        var result = Compile(text);

        Assert.Equal(
            new[]
            {
                ("GNET0203", "DepthwiseSeparableConv(24, 32)", "2.dw: expects 24 input channels but receives 16 (input 16x32x32); it is inside a standard-library block: give the block 24 input channels (the network's input or the layer before it), or change the block's argument that sets them if it has one"),
                ("GNET0206", "64", "5: in_features is 64 but the input has 32 features (input 32); set in_features to 32"),
            },
            result.Diagnostics.Select(d => (d.Id, Gnet.Covered(text, d.Location), d.Message)));
    }

    [Fact]
    public void Unnamed_layers_are_named_by_their_position_like_the_children_of_nn_Sequential()
    {
        var network = Compile("""
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1, Bias = false)]
            [BatchNorm2d]
            [ReLU6]
            """).Network!;

        Assert.Equal(new[] { "input", "0", "1", "2" }, network.Nodes.Select(n => n.Path));
        Assert.Equal(new[] { "0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked" }, network.Weights.Select(w => w.Key));
    }

    [Fact]
    public void PascalCase_properties_are_the_PyTorch_arguments_in_snake_case()
    {
        var network = Compile("""
            [GroupNet(Input = "64x8x8")]
            [GroupedBottleneck(64, 128, BottleneckRatio = 0.25, Groups = 2, Name = "block")]
            """).Network!;

        Assert.Equal("bottleneck_ratio", AttributeForm.SnakeCase("BottleneckRatio"));
        Assert.Equal(new[] { 32, 64, 1, 1 }, network.Weights.Single(w => w.Key == "block.reduce.0.weight").Shape.ToArray()); // hidden = 128 * 0.25
    }

    // ---------------------------------------------------------------- mistakes, each with its correction

    public static readonly IReadOnlyDictionary<string, DiagnosticCase> Cases = new Dictionary<string, DiagnosticCase>
    {
        ["GNET0220 a layer name that is no identifier"] = new(
            "GNET0220",
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1, Name = "a-b")]
            """,
            2, 18, "Name = \"a-b\"", new[] { "a-b" },
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1, Name = "a_b")]
            """),
        ["GNET0207 an attribute that declares no layer"] = new(
            "GNET0207",
            """
            [GroupNet(Input = "3x8x8")]
            [Conv3d(3, 8, 1)]
            """,
            2, 2, "Conv3d(3, 8, 1)",
            new[] { "layer attribute", "Conv3d", "use one of " + string.Join(", ", AttributeForm.Layers.Keys) },
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1)]
            """),
        ["GNET0201 groups that do not divide in_channels, at the Groups argument"] = new(
            "GNET0201",
            """
            [GroupNet(Input = "6x8x8")]
            [Conv2d(6, 8, 3, Groups = 4, Name = "grouped")]
            """,
            2, 18, "Groups = 4", new[] { "grouped", "6", "4", "valid: 1, 2" },
            """
            [GroupNet(Input = "6x8x8")]
            [Conv2d(6, 8, 3, Groups = 2, Name = "grouped")]
            """),
        ["GNET0203 inside a standard-library block, at its attribute"] = new(
            "GNET0203",
            """
            [GroupNet(Input = "32x8x8")]
            [DepthwiseSeparableConv(16, 64, Name = "separable")]
            """,
            2, 2, "DepthwiseSeparableConv(16, 64, Name = \"separable\")", new[] { "separable.dw", "16", "32", "input 32x8x8", "it is inside a standard-library block: give the block 16 input channels (the network's input or the layer before it), or change the block's argument that sets them if it has one" },
            """
            [GroupNet(Input = "32x8x8")]
            [DepthwiseSeparableConv(32, 64, Name = "separable")]
            """),
        ["GNET0203 a layer whose in_channels differ from the layer before"] = new(
            "GNET0203",
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1)]
            [Conv2d(16, 8, 1)]
            """,
            3, 9, "16", new[] { "1", "16", "8", "input 8x8x8", "set in_channels to 8 or change the layer before it" },
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1)]
            [Conv2d(8, 8, 1)]
            """),
        ["GNET0208 a property the layer does not have"] = new(
            "GNET0208",
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 3, Stide = 2)]
            """,
            2, 18, "Stide = 2", new[] { "conv", "stide", "in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias" },
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 3, Stride = 2)]
            """),
        ["GNET0209 a string where a number is needed"] = new(
            "GNET0209",
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 3, Stride = "2")]
            """,
            2, 18, "Stride = \"2\"", new[] { "argument 'Stride' of [Conv2d]", "a number or bool", "the text \"2\"" },
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 3, Stride = 2)]
            """),
        ["GNET0211 two layers of one name"] = new(
            "GNET0211",
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1, Name = "conv")]
            [ReLU(Name = "conv")]
            """,
            3, 7, "Name = \"conv\"", new[] { "conv" },
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1, Name = "conv")]
            [ReLU(Name = "act")]
            """),
        ["GNET0105 an input shape with two dimensions"] = new(
            "GNET0105",
            """
            [GroupNet(Input = "3x8")]
            [ReLU]
            """,
            1, 2, "GroupNet(Input = \"3x8\")", new[] { "3x8" },
            """
            [GroupNet(Input = "3x8x8")]
            [ReLU]
            """),
        ["GNET0105 an input shape that is no shape"] = new(
            "GNET0105",
            """
            [GroupNet(Input = "RGB 64x64")]
            [ReLU]
            """,
            1, 2, "GroupNet(Input = \"RGB 64x64\")", new[] { "RGB 64x64" },
            """
            [GroupNet(Input = "3x64x64")]
            [ReLU]
            """),
        ["GNET0219 no input shape"] = new(
            "GNET0219",
            """
            [GroupNet]
            [ReLU]
            """,
            1, 2, "GroupNet", new[] { "Net" },
            """
            [GroupNet(Input = "3x8x8")]
            [ReLU]
            """),
        ["GNET0221 no layers"] = new(
            "GNET0221",
            """
            [GroupNet(Input = "3x8x8")]
            """,
            1, 2, "GroupNet(Input = \"3x8x8\")", new[] { "Network 'Net'" },
            """
            [GroupNet(Input = "3x8x8")]
            [Identity]
            """),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_mistake_is_reported_once_at_the_attribute_or_its_argument(string name)
    {
        var example = Cases[name];
        var result = Compile(example.Failing);

        Assert.Null(result.Network);
        Assert.True(result.HasErrors);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(example.Id, diagnostic.Id);
        Assert.Equal(AttributeSource.FilePath, diagnostic.Location.FilePath);
        Assert.Equal((example.Line, example.Column), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal(example.Covered, example.Failing.Substring(diagnostic.Location.Start, diagnostic.Location.Length));
        Assert.Equal(example.Arguments, diagnostic.Arguments);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_corrected_class_compiles_without_any_diagnostic(string name)
    {
        var result = Compile(Cases[name].Corrected);

        Assert.True(result.Diagnostics.Count == 0, Gnet.Describe(result.Diagnostics));
        Assert.NotNull(result.Network);
    }

    [Fact]
    public void Layers_of_one_sequential_out_of_order_are_invalid_layer_names()
    {
        const string csharp = """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1, Name = "stem.0")]
            [ReLU(Name = "stem.2")]
            [BatchNorm2d(Name = "stem.1")]
            """;
        var result = Compile(csharp);

        Assert.Null(result.Network);
        Assert.All(result.Diagnostics, d => Assert.Equal("GNET0220", d.Id));
        var first = result.Diagnostics[0];
        Assert.Equal((3, 7), (first.Location.Line, first.Location.Column));
        Assert.Equal("Name = \"stem.2\"", csharp.Substring(first.Location.Start, first.Location.Length));
        Assert.Contains("'stem.2'", first.Message);
        Assert.Contains("out of order", first.Message);
        // In order, the same three layers are the sequential 'stem' = [conv, batchnorm, relu].
        var fixedNetwork = Compile(csharp.Replace("\"stem.2\"", "\"stem.X\"").Replace("\"stem.1\"", "\"stem.2\"").Replace("\"stem.X\"", "\"stem.1\"")).Network!;
        Assert.Equal(new[] { "input", "stem.0", "stem.1", "stem.2" }, fixedNetwork.Nodes.Select(n => n.Path));
    }

    [Fact]
    public void A_rejected_layer_does_not_make_its_neighbours_report_shape_errors()
    {
        // Without the 16-channel layer, the last conv would receive 8 channels: an error the user never made.
        var result = Compile("""
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1, Name = "a")]
            [Conv2d(8, 16, 1, Name = "b-c")]
            [Conv2d(16, 4, 1, Name = "d")]
            """);

        Assert.Equal("GNET0220", Assert.Single(result.Diagnostics).Id);
    }

    private string Covered(Text.SourceLocation location) => MiniGroupNetClass.Substring(location.Start, location.Length);

    /// <summary>The model with its one trace of the source, the declaring file's name, removed.</summary>
    private static Network WithoutLocations(Network network) => network with { SourceFileName = "nowhere" };
}
