using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Weights;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// A network's declared weight file: the header syntax, the path it resolves to, and the build-time check of a header
/// against the network (every key, shape and dtype, at the declaration).
/// </summary>
public class DeclaredWeightsTests
{
    // conv 3->4 3x3 with bias: conv.weight [4, 3, 3, 3] and conv.bias [4].
    private const string Tiny = "network Tiny(input: 3x8x8, weights: \"w/tiny.safetensors\") {\n    conv = conv(3, 4, 3, padding: 1)\n}\n";

    private static string Entry(string key, string dtype, params long[] shape) =>
        $"\"{key}\": {{\"dtype\": \"{dtype}\", \"shape\": [{string.Join(", ", shape)}], \"data_offsets\": [0, 0]}}";

    private static string Header(params string[] entries) => "{" + string.Join(", ", entries) + "}";

    private static readonly string Matching = Header(Entry("conv.weight", "F32", 4, 3, 3, 3), Entry("conv.bias", "F16", 4), Entry("conv.num_batches_tracked", "I64"));

    private static IReadOnlyList<GnetDiagnostic> Check(string header)
    {
        var result = Assert.Single(Gnet.Compile(Tiny).Networks);
        return DeclaredWeightsCheck.Run(result.Network!, result.Weights!, WeightHeader.Parse(header));
    }

    [Fact]
    public void The_header_declares_the_path_relative_to_the_gnet_file_at_the_quoted_string()
    {
        var result = GnetCompiler.Compile(new Text.SourceDocument("/src/app/nets/Tiny.gnet", Tiny));
        var weights = Assert.Single(result.Networks).Weights!;

        Assert.Equal("w/tiny.safetensors", weights.Path);
        Assert.Equal("/src/app/nets/w/tiny.safetensors", weights.FullPath);
        Assert.Equal("\"w/tiny.safetensors\"", Gnet.Covered(Tiny, weights.Location));
        Assert.Equal("/src/x.safetensors", DeclaredWeights.Resolve("../../x.safetensors", Text.SourceLocation.None("/src/app/nets/Tiny.gnet")).FullPath);
    }

    [Fact]
    public void A_network_without_weights_declares_none_and_a_bad_weights_value_is_a_syntax_error()
    {
        Assert.Null(Assert.Single(Gnet.Compile("network N(input: 3x8x8) {\n    c = conv(3, 4, 3)\n}\n").Networks).Weights);

        var unquoted = Gnet.Errors(Gnet.Compile("network N(input: 3x8x8, weights: tiny) {\n    c = conv(3, 4, 3)\n}\n"));
        Assert.Contains(unquoted, d => d.Id == "GNET0102" && d.Message.Contains("the weight file's path in quotes", StringComparison.Ordinal));
        var unclosed = Gnet.Errors(Gnet.Compile("network N(input: 3x8x8, weights: \"tiny) {\n    c = conv(3, 4, 3)\n}\n"));
        Assert.Contains(unclosed, d => d.Id == "GNET0108" && d.Message.Contains("close it with", StringComparison.Ordinal));
    }

    [Fact]
    public void A_matching_header_passes_with_any_float_dtype_and_without_the_step_counter()
    {
        Assert.Empty(Check(Matching));
        Assert.Empty(Check(Header(Entry("conv.weight", "BF16", 4, 3, 3, 3), Entry("conv.bias", "F64", 4))));
    }

    [Fact]
    public void A_missing_key_a_wrong_shape_a_wrong_dtype_and_an_unexpected_key_are_each_reported_at_the_declaration()
    {
        var diagnostics = Check(Header(Entry("conv.weight", "F32", 8, 3, 3, 3), Entry("fc.weight", "F32", 10, 4)));

        Assert.Equal(["GNET0311", "GNET0313", "GNET0315"], diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(diagnostics, d => Assert.Equal("\"w/tiny.safetensors\"", Gnet.Covered(Tiny, d.Location)));
        Assert.Contains(diagnostics, d => d.Message == "w/tiny.safetensors: missing tensor 'conv.bias' (expected shape [4]) of network Tiny; the file was exported from a different architecture or with different layer names, check the network against the PyTorch module");
        Assert.Contains(diagnostics, d => d.Message.StartsWith("w/tiny.safetensors: tensor 'conv.weight' has shape [8, 3, 3, 3], but network Tiny expects [4, 3, 3, 3]", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Message.StartsWith("w/tiny.safetensors: tensor 'fc.weight' [10, 4] is not used by network Tiny", StringComparison.Ordinal));

        var integer = Assert.Single(Check(Header(Entry("conv.weight", "I8", 4, 3, 3, 3), Entry("conv.bias", "F32", 4))));
        Assert.Equal("w/tiny.safetensors: tensor 'conv.weight' has dtype I8; weights must be F32, F16, BF16, F64: convert it in PyTorch (tensor.float()) before saving", integer.Message);
    }

    [Fact]
    public void Keys_under_a_wrappers_prefix_are_one_diagnostic_that_names_the_prefix_and_the_fix()
    {
        var diagnostic = Assert.Single(Check(Header(Entry("model.conv.weight", "F32", 4, 3, 3, 3), Entry("model.conv.bias", "F32", 4))));

        Assert.Equal("GNET0312", diagnostic.Id);
        Assert.StartsWith("w/tiny.safetensors: the keys carry the prefix 'model.' (the file has 'model.conv.weight' for 'conv.weight', and 1 more like it). Save the state_dict without 'model.'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_header_is_a_missing_file_and_a_damaged_header_is_reported_with_why()
    {
        var result = Assert.Single(Gnet.Compile(Tiny).Networks);

        var missing = Assert.Single(DeclaredWeightsCheck.Run(result.Network!, result.Weights!, null));
        Assert.Equal("GNET0310", missing.Id);
        Assert.Contains("'w/tiny.safetensors'", missing.Message, StringComparison.Ordinal);

        Assert.Equal("GNET0316", Assert.Single(Check("error: the file is 3 bytes long")).Id);
        var broken = Assert.Single(Check("{\"conv.weight\": {\"dtype\": \"F32\", \"shape\": [4, 3"));
        Assert.Equal("GNET0316", broken.Id);
        Assert.Contains("not valid JSON", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_reader_skips_metadata_and_offsets_and_resolves_escapes()
    {
        var header = WeightHeader.Parse("{\"__metadata__\": {\"format\": \"pt\"}, \"a\\\"b\\u0041\": {\"data_offsets\": [0, 8], \"dtype\": \"F32\", \"shape\": [2]}}");

        Assert.Null(header.Error);
        var tensor = Assert.Single(header.Tensors);
        Assert.Equal("a\"bA", tensor.Name);
        Assert.Equal([2L], tensor.Shape);
    }
}
