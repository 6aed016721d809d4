using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Syntax;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// The model zoo shipped with the language (StandardLibrary/Zoo/*.gnet): its networks compile from one line without a
/// diagnostic, and errors in them point at the user's line. Their numbers against torchvision are checked in
/// GroupNetDsl.PyTorchParity.Tests (Zoo).
/// </summary>
public class ZooTests
{
    [Theory]
    [InlineData("mobilenet_v2(num_classes: 1000)", 3_504_872)]
    [InlineData("mobilenet_v2(num_classes: 10, width_mult: 0.5)", 700_490)]
    [InlineData("resnext50_32x4d(num_classes: 1000)", 25_028_904)]
    [InlineData("resnext101_32x8d()", 88_791_336)]
    [InlineData("shufflenet_v2_x0_5()", 1_366_792)]
    [InlineData("shufflenet_v2_x1_0(num_classes: 1000)", 2_278_604)]
    [InlineData("shufflenet_v2_x1_5()", 3_503_624)]
    [InlineData("shufflenet_v2_x2_0()", 7_393_996)]
    [InlineData("mnasnet0_5()", 2_218_512)]
    [InlineData("mnasnet0_75()", 3_170_208)]
    [InlineData("mnasnet1_0(num_classes: 1000, dropout: 0.2)", 4_383_312)]
    [InlineData("mnasnet1_3()", 6_282_256)]
    [InlineData("regnet_x_400mf()", 5_495_976)]
    [InlineData("regnet_x_800mf(num_classes: 1000)", 7_259_656)]
    [InlineData("regnet_x_1_6gf()", 9_190_136)]
    [InlineData("regnet_y_400mf()", 4_344_144)]
    [InlineData("regnet_y_800mf(num_classes: 1000)", 6_432_512)]
    [InlineData("regnet_y_1_6gf()", 11_202_430)]
    [InlineData("mnasnet0_5(dropout: 0.5)", 2_218_512)]
    [InlineData("mobilenet_v3_large()", 5_483_032)]
    [InlineData("mobilenet_v3_small(num_classes: 1000, dropout: 0.2)", 2_542_856)]
    [InlineData("mobilenet_v3_large(num_classes: 10, width_mult: 0.75, reduced_tail: true, dilated: true)", 1_144_538)]
    [InlineData("efficientnet_b0()", 5_288_548)]
    [InlineData("efficientnet_b1(num_classes: 1000, stochastic_depth_prob: 0.2)", 7_794_184)]
    [InlineData("efficientnet_b2(num_classes: 10)", 7_715_084)]
    [InlineData("efficientnet_b3()", 12_233_232)]
    [InlineData("convnext_tiny()", 28_589_128)]
    [InlineData("convnext_small(num_classes: 10)", 49_462_378)]
    [InlineData("convnext_base()", 88_591_464)]
    [InlineData("convnext_large(num_classes: 1000, stochastic_depth_prob: 0.5)", 197_767_336)]
    public void A_zoo_network_compiles_from_one_line_without_diagnostics(string call, long parameters)
    {
        // Parameter counts: sum(p.numel() for p in torchvision.models.<builder>(...).parameters()), torchvision 0.14.
        var result = Gnet.Compile($"network Net(input: 3x224x224) = {call}");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(parameters, Assert.Single(result.Networks).Network!.ParameterCount);
    }

    [Fact]
    public void A_users_block_named_as_a_zoo_helper_does_not_change_the_zoo_network()
    {
        // The zoo's blocks see the library, not the user's file: its helpers cannot be replaced by accident.
        var result = Gnet.Compile("""
            block ShuffleNetV2InvertedResidual(inp, oup, stride) = [relu]
            block RegNetStage1(width_in, width_out, depth, group_width) = [relu]
            network Shuffle(input: 3x224x224) = shufflenet_v2_x1_0()
            network RegNet(input: 3x224x224) = regnet_x_400mf()
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Equal([2_278_604L, 5_495_976L], result.Networks.Select(n => n.Network!.ParameterCount));
    }

    [Fact]
    public void An_error_inside_a_zoo_network_points_at_the_users_call()
    {
        const string text = "network Net(input: 3x64x64) = mobilenet_v2(num_classes: 0)";
        var result = Gnet.Compile(text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(Gnet.FilePath, diagnostic.Location.FilePath);
        Assert.Equal("mobilenet_v2(num_classes: 0)", Gnet.Covered(text, diagnostic.Location));
    }

    [Fact]
    public void One_bad_builder_argument_is_one_error_at_the_users_call()
    {
        // p = 2 * block / 16 for EfficientNet-B0's blocks 0 to 15: blocks 9 to 15 exceed 1, and five of them have a
        // residual (and so a stochastic_depth). One fix, at the call: one error, the first block's.
        const string text = "network Net(input: 3x64x64) = efficientnet_b0(stochastic_depth_prob: 2)";
        var result = Gnet.Compile(text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("GNET0214", diagnostic.Id);
        Assert.Equal("efficientnet_b0(stochastic_depth_prob: 2)", Gnet.Covered(text, diagnostic.Location));
        Assert.Equal($"features.5.1.stochastic_depth: p must be between 0 and 1 but is {2.0 * 9 / 16}", diagnostic.Message);
    }

    [Fact]
    public void The_zoo_ships_its_networks_under_torchvisions_builder_names()
    {
        var names = StandardLibrary.ZooBlocks.Select(b => b.Name).ToList();
        Assert.Contains("mobilenet_v2", names);
        Assert.Contains("resnext50_32x4d", names);
        Assert.Contains("resnext101_32x8d", names);
        Assert.Contains("shufflenet_v2_x2_0", names);
        Assert.Contains("mnasnet1_3", names);
        Assert.Contains("regnet_x_1_6gf", names);
        Assert.Contains("mobilenet_v3_small", names);
        Assert.Contains("efficientnet_b3", names);
        Assert.Contains("convnext_tiny", names);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(names.Intersect(StandardLibrary.Blocks.Select(b => b.Name)));
        Assert.All(StandardLibrary.ZooDocuments, d => Assert.True(StandardLibrary.Contains(d.FilePath), d.FilePath));
    }

    [Fact]
    public void The_zoo_files_parse_without_diagnostics()
    {
        // The library parses them with a bag nobody reads: a syntax error would only show as missing members.
        Assert.NotEmpty(StandardLibrary.ZooDocuments);
        foreach (var document in StandardLibrary.ZooDocuments)
        {
            var diagnostics = new DiagnosticBag();
            Parser.Parse(document, diagnostics);
            Assert.True(diagnostics.Items.Count == 0, document.FilePath + ":\n" + Gnet.Describe(diagnostics.Items));
        }
    }
}
