using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// The numbers of the seed notebook: the language counts parameters, MACs and shapes exactly as PyTorch
/// does. Every expected value is read from tests/reference/data/counts.json (PyTorch 1.13) or written
/// here as arithmetic; none comes from the code under test.
/// </summary>
public class SeedNumbersTests
{
    /// <summary>The notebook's section 4 layer, nn.Conv2d(64, 128, 3, groups=G), on a 64x16x16 input.</summary>
    private static string GroupedConv(int groups, bool bias = false) => $$"""
        network GroupedConv(input: 64x16x16) {
            layer = conv(64, 128, 3, padding: 1, groups: {{groups}}, bias: {{(bias ? "true" : "false")}})
        }
        """;

    // ---------------------------------------------------------------- conv(64, 128, 3, groups: G)

    [Theory]
    [InlineData(1, 73_728)]
    [InlineData(2, 36_864)]
    [InlineData(4, 18_432)]
    [InlineData(8, 9_216)]
    [InlineData(16, 4_608)]
    [InlineData(32, 2_304)]
    [InlineData(64, 1_152)]
    public void Grouped_conv_has_PyTorchs_parameter_count_for_every_groups_that_divides_both_channel_counts(int groups, long notebookFigure)
    {
        var pytorch = Reference.GroupedConvRow(groups);
        Assert.Equal(notebookFigure, pytorch.GetProperty("params").GetInt64()); // the notebook printed what PyTorch counts

        var network = Gnet.Network(GroupedConv(groups));
        var layer = Gnet.Node(network, "layer");

        Assert.Equal(pytorch.GetProperty("params").GetInt64(), layer.Parameters);
        Assert.Equal(pytorch.GetProperty("params").GetInt64(), network.ParameterCount);
        var weight = Assert.Single(network.Weights);
        Assert.Equal("layer.weight", weight.Key);
        Assert.Equal(Reference.Ints(pytorch.GetProperty("weight_shape")), weight.Shape.ToArray());
        // MACs: every one of the 128x16x16 outputs sums (64 / G) input channels over a 3x3 window.
        Assert.Equal(128L * 16 * 16 * (64 / groups) * 3 * 3, layer.MultiplyAccumulates);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(64)]
    public void Grouped_conv_with_bias_adds_one_parameter_per_output_channel(int groups)
    {
        var network = Gnet.Network(GroupedConv(groups, bias: true));

        Assert.Equal(Reference.GroupedConvRow(groups).GetProperty("params_with_bias").GetInt64(), network.ParameterCount);
        Assert.Equal(new[] { "layer.weight", "layer.bias" }, network.Weights.Select(w => w.Key));
        Assert.Equal(new[] { 128 }, network.Weights[1].Shape.ToArray());
    }

    [Fact]
    public void Groups_three_is_rejected_with_the_divisibility_diagnostic_that_names_the_layer_the_numbers_and_the_valid_groups()
    {
        Assert.Contains("divisible by groups", Reference.GroupedConvRow(3).GetProperty("error").GetString()); // PyTorch refuses it too

        string text = GroupedConv(3);
        var result = Gnet.Compile(text);

        Assert.Null(Assert.Single(result.Networks).Network);
        var inChannels = Assert.Single(result.Diagnostics, d => d.Id == "GNET0201");
        Assert.Equal(new[] { "layer", "64", "3", "valid: 1, 2, 4, 8, 16, 32, 64" }, inChannels.Arguments);
        Assert.Equal((2, 50), (inChannels.Location.Line, inChannels.Location.Column));
        Assert.Equal("3", Gnet.Covered(text, inChannels.Location)); // the groups argument
        Assert.Equal(
            "layer: in_channels 64 is not divisible by groups 3; use a groups value that divides both channel counts (valid: 1, 2, 4, 8, 16, 32, 64)",
            inChannels.Message);
        // 128 is not divisible by 3 either: that is a second, independent error at the same place.
        var outChannels = Assert.Single(result.Diagnostics, d => d.Id == "GNET0202");
        Assert.Equal(new[] { "layer", "128", "3", "valid: 1, 2, 4, 8, 16, 32, 64" }, outChannels.Arguments);
        Assert.Equal(inChannels.Location, outChannels.Location);
        Assert.Equal(2, result.Diagnostics.Count);
    }

    // ---------------------------------------------------------------- MiniGroupNet(groups=8) on 3x64x64

    [Fact]
    public void MiniGroupNet_totals_are_the_notebooks_132170_parameters_and_83626496_macs()
    {
        var pytorch = Reference.Model("minigroupnet_g8");
        var network = Gnet.Network(Gnet.MiniGroupNetText);

        Assert.Equal(132_170, pytorch.GetProperty("total_params").GetInt64());
        Assert.Equal(83_626_496, pytorch.GetProperty("total_macs").GetInt64());
        Assert.Equal(pytorch.GetProperty("total_params").GetInt64(), network.ParameterCount);
        Assert.Equal(pytorch.GetProperty("total_macs").GetInt64(), network.MultiplyAccumulates);
        Assert.Equal(Reference.Ints(pytorch.GetProperty("input_shape")), Gnet.Dimensions(network.Input));
        Assert.Equal(Reference.Ints(pytorch.GetProperty("output_shape")), Gnet.Dimensions(network.Output));
        Assert.Equal(network.ParameterCount, network.Nodes.Sum(n => n.Parameters));
        Assert.Equal(network.MultiplyAccumulates, network.Nodes.Sum(n => n.MultiplyAccumulates));
    }

    [Fact]
    public void Every_MiniGroupNet_layer_has_PyTorchs_path_type_output_shape_parameters_and_macs()
    {
        var network = Gnet.Network(Gnet.MiniGroupNetText);

        AssertLayersMatch(Reference.Layers("minigroupnet_g8"), network, prefix: string.Empty);
    }

    [Fact]
    public void The_only_MiniGroupNet_nodes_without_a_PyTorch_module_are_the_input_and_the_functional_ops_of_forward()
    {
        var network = Gnet.Network(Gnet.MiniGroupNetText);
        var modules = Reference.Layers("minigroupnet_g8").Select(l => l.Path).ToHashSet();

        // out + identity in GroupedBottleneck.forward, torch.flatten(x, 1) in MiniGroupNet.forward.
        Assert.Equal(
            new[] { "input", "stage1.add", "stage2.add", "flatten" },
            network.Nodes.Select(n => n.Path).Where(p => !modules.Contains(p)));
    }

    [Fact]
    public void Bottleneck_residual_adds_the_expanded_path_to_the_skip_path_of_the_same_input()
    {
        var network = Gnet.Network(Gnet.MiniGroupNetText);
        int Index(string path) => Gnet.Node(network, path).Index;

        // identity = self.skip(x); out = self.expand(self.group_conv(self.reduce(x))); out + identity
        Assert.Equal(new[] { Index("stem.2") }, Gnet.Node(network, "stage1.reduce.0").Inputs);
        Assert.Equal(new[] { Index("stem.2") }, Gnet.Node(network, "stage1.skip.0").Inputs);
        Assert.Equal(new[] { Index("stage1.expand.1"), Index("stage1.skip.1") }, Gnet.Node(network, "stage1.add").Inputs);
        Assert.Equal(new[] { Index("stage1.add") }, Gnet.Node(network, "stage1.act").Inputs);
        Assert.Equal(new[] { Index("stage1.act") }, Gnet.Node(network, "stage2.reduce.0").Inputs);
        Assert.Equal(Index("fc"), network.OutputNode);
    }

    [Fact]
    public void MiniGroupNet_weights_are_the_state_dict_of_the_PyTorch_module_key_for_key_in_order()
    {
        var stateDict = Reference.StateDict("minigroupnet_g8.safetensors");
        var network = Gnet.Network(Gnet.MiniGroupNetText);

        Assert.Equal(stateDict.Select(t => (t.Key, string.Join("x", t.Shape))), network.Weights.Select(w => (w.Key, string.Join("x", w.Shape))));
    }

    [Fact]
    public void MiniGroupNet_weight_roles_split_the_state_dict_into_PyTorchs_parameters_and_buffers()
    {
        var pytorch = Reference.Model("minigroupnet_g8");
        var dataTypes = Reference.StateDict("minigroupnet_g8.safetensors").ToDictionary(t => t.Key, t => t.DataType);
        var network = Gnet.Network(Gnet.MiniGroupNetText);

        Assert.Equal(pytorch.GetProperty("total_params").GetInt64(), network.Weights.Where(w => w.Role == WeightRole.Parameter).Sum(w => w.ElementCount));
        Assert.Equal(pytorch.GetProperty("total_buffer_elements").GetInt64(), network.Weights.Where(w => w.Role != WeightRole.Parameter).Sum(w => w.ElementCount));
        // num_batches_tracked, the one I64 tensor of each batchnorm, is the only state inference ignores.
        Assert.All(network.Weights, w => Assert.Equal(dataTypes[w.Key] == "I64", w.Role == WeightRole.Ignored));
    }

    [Fact]
    public void Batchnorm_without_num_features_takes_its_inputs_channels_and_keeps_its_state_dict_place()
    {
        // nn.BatchNorm2d(64) written as 'batchnorm': its size comes from the conv before it, but its
        // weights still follow stem.0.weight, as PyTorch registers them, not the layers declared after it.
        string text = Gnet.MiniGroupNetText.Replace("batchnorm(64)", "batchnorm", StringComparison.Ordinal);
        Assert.NotEqual(Gnet.MiniGroupNetText, text);

        var network = Gnet.Network(text);

        Assert.Equal(Reference.Model("minigroupnet_g8").GetProperty("total_params").GetInt64(), network.ParameterCount);
        Assert.Equal(
            Reference.StateDict("minigroupnet_g8.safetensors").Select(t => (t.Key, string.Join("x", t.Shape))),
            network.Weights.Select(w => (w.Key, string.Join("x", w.Shape))));
    }

    // ---------------------------------------------------------------- the seed's blocks, each alone

    [Fact]
    public void DepthwiseSeparableConv_32_to_64_on_32x64x64_has_2464_parameters_and_9568256_macs()
    {
        var pytorch = Reference.Model("dsconv_32_64");
        var network = Gnet.Network("""
            network Alone(input: 32x64x64) {
                module = DepthwiseSeparableConv(32, 64)
            }
            """);

        Assert.Equal(2_464, pytorch.GetProperty("total_params").GetInt64());
        Assert.Equal(9_568_256, pytorch.GetProperty("total_macs").GetInt64());
        AssertMatchesPyTorch("dsconv_32_64", network, prefix: "module.");
    }

    [Fact]
    public void GroupedBottleneck_64_to_128_groups_8_stride_2_on_64x32x32_has_25856_parameters_and_output_128x16x16()
    {
        var pytorch = Reference.Model("bottleneck_64_128_g8_s2");
        var network = Gnet.Network("""
            network Alone(input: 64x32x32) {
                module = GroupedBottleneck(64, 128, groups: 8, stride: 2)
            }
            """);

        Assert.Equal(25_856, pytorch.GetProperty("total_params").GetInt64());
        Assert.Equal(new[] { 128, 16, 16 }, Reference.Ints(pytorch.GetProperty("output_shape")));
        AssertMatchesPyTorch("bottleneck_64_128_g8_s2", network, prefix: "module.");
    }

    [Theory]
    [InlineData("network Alone(input: 32x64x64) = DepthwiseSeparableConv(32, 64)", "dsconv_32_64")]
    [InlineData("network Alone(input: 64x32x32) = GroupedBottleneck(64, 128, groups: 8, stride: 2)", "bottleneck_64_128_g8_s2")]
    public void A_network_that_is_one_block_has_the_blocks_own_state_dict_and_counts(string text, string pytorchModule)
    {
        AssertMatchesPyTorch(pytorchModule, Gnet.Network(text), prefix: string.Empty);
    }

    [Fact]
    public void GroupedBottleneck_without_stride_or_channel_change_skips_through_identity_and_owns_no_skip_weights()
    {
        // if stride != 1 or cin != cout: skip = Sequential(conv, bn) else: skip = nn.Identity()
        var network = Gnet.Network("""
            network Alone(input: 64x8x8) {
                module = GroupedBottleneck(64, 64, groups: 8)
            }
            """);

        Assert.Equal("identity", Gnet.Node(network, "module.skip").Operation.OpName);
        Assert.DoesNotContain(network.Weights, w => w.Key.StartsWith("module.skip.", StringComparison.Ordinal));
        // hidden = 32: reduce 64*32 + bn 64, group_conv 32*(32/8)*9 + bn 64, expand 32*64 + bn 128
        Assert.Equal(64L * 32 + 64 + 32 * 4 * 9 + 64 + 32 * 64 + 128, network.ParameterCount);
    }

    [Theory]
    [InlineData(0.25, 32)]
    [InlineData(0.5, 64)]
    [InlineData(0.3, 38)] // Python: int(round(128 * 0.3)) = int(round(38.4)) = 38
    public void GroupedBottleneck_hidden_width_is_Pythons_round_of_cout_times_ratio(double ratio, int hidden)
    {
        var network = Gnet.Network($$"""
            network Alone(input: 64x8x8) {
                module = GroupedBottleneck(64, 128, bottleneck_ratio: {{ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, groups: 2)
            }
            """);

        Assert.Equal(new[] { hidden, 64, 1, 1 }, network.Weights.Single(w => w.Key == "module.reduce.0.weight").Shape.ToArray());
    }

    /// <summary>
    /// Asserts that <paramref name="network"/> has the parameter and MAC totals, output shape, layers and state_dict
    /// of PyTorch's <paramref name="pytorchModule"/>, its paths under <paramref name="prefix"/>.
    /// </summary>
    private static void AssertMatchesPyTorch(string pytorchModule, Network network, string prefix)
    {
        var pytorch = Reference.Model(pytorchModule);
        Assert.Equal(pytorch.GetProperty("total_params").GetInt64(), network.ParameterCount);
        Assert.Equal(pytorch.GetProperty("total_macs").GetInt64(), network.MultiplyAccumulates);
        Assert.Equal(Reference.Ints(pytorch.GetProperty("output_shape")), Gnet.Dimensions(network.Output));
        AssertLayersMatch(Reference.Layers(pytorchModule), network, prefix);
        AssertWeightsMatch(Reference.StateDict(pytorchModule + ".safetensors"), network, prefix);
    }

    private static void AssertLayersMatch(IReadOnlyList<ReferenceLayer> layers, Network network, string prefix)
    {
        Assert.NotEmpty(layers);
        foreach (var layer in layers)
        {
            var node = Gnet.Node(network, prefix + layer.Path);
            Assert.True(layer.Type == node.Operation.TorchName, $"{layer.Path}: PyTorch {layer.Type}, model {node.Operation.TorchName}");
            Assert.True(layer.OutputShape.SequenceEqual(Gnet.Dimensions(node.Output)), $"{layer.Path}: PyTorch [{string.Join(", ", layer.OutputShape)}], model {node.Output}");
            Assert.True(layer.Parameters == node.Parameters, $"{layer.Path}: PyTorch {layer.Parameters} parameters, model {node.Parameters}");
            Assert.True(layer.MultiplyAccumulates == node.MultiplyAccumulates, $"{layer.Path}: PyTorch {layer.MultiplyAccumulates} MACs, model {node.MultiplyAccumulates}");
        }
    }

    private static void AssertWeightsMatch(IReadOnlyList<ReferenceTensor> stateDict, Network network, string prefix)
    {
        Assert.All(network.Weights, w => Assert.StartsWith(prefix, w.Key));
        Assert.Equal(
            stateDict.Select(t => (t.Key, string.Join("x", t.Shape))),
            network.Weights.Select(w => (w.Key.Substring(prefix.Length), string.Join("x", w.Shape))));
    }
}

/// <summary>Block arithmetic follows Python, where '//' is floor division (a comment starts with '#').</summary>
public class FloorDivisionTests
{
    [Fact]
    public void Double_slash_is_floor_division_not_a_comment()
    {
        // hidden = 64 // 3 = 21 in Python; were '//' a comment, hidden would be 64.
        var result = GnetCompiler.Compile(new GroupNetDsl.Language.Text.SourceDocument("floor.gnet", """
            block Half(c) {
                hidden = c // 3
                reduce = conv(c, hidden, 1)
            }
            network N(input: 64x4x4) = Half(64)
            """));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(21, result.Networks[0].Network!.Output.Channels);
    }
}
