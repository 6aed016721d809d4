using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Ops;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// How the binder shapes and checks the tensor ops: mul and its per-channel broadcast, mean, layernorm2d, and a
/// block's learned tensor (parameter); each bad use is an error at the expression that makes it, with the fix.
/// </summary>
public class TensorOpBindingTests
{
    /// <summary>A network of input 8x6x5 whose forward is <paramref name="forward"/>, with a few members to use.</summary>
    private static string Net(string forward, string members = "") => $$"""
        network N(input: 8x6x5) {
            same = conv(8, 8, 3, padding: 1)
            four = conv(8, 4, 1)
            gap = avgpool
            layer_scale = parameter(8, 1, 1)
        {{members}}
            forward(x) = {{forward}}
        }
        """;

    [Theory]
    [InlineData("x * same(x)", "8x6x5")]
    [InlineData("mul(same(x), x)", "8x6x5")]
    [InlineData("gap(x) * x", "8x6x5")]
    [InlineData("x * gap(x)", "8x6x5")]
    [InlineData("gap(x) * gap(x)", "8x1x1")]
    [InlineData("mean(x, keepdim: true) * x", "8x6x5")]
    [InlineData("layer_scale * x", "8x6x5")]
    [InlineData("x * layer_scale", "8x6x5")]
    [InlineData("mul(layer_scale, same(x))", "8x6x5")]
    [InlineData("layer_scale * gap(x)", "8x1x1")]
    [InlineData("mean(x)", "8")]
    [InlineData("mean(x, keepdim: false)", "8")]
    [InlineData("mean(x, keepdim: true)", "8x1x1")]
    public void Products_and_means_have_PyTorchs_shapes(string forward, string shape)
    {
        var result = Gnet.Compile(Net(forward));
        Assert.Empty(Gnet.Errors(result));
        Assert.Equal(shape, result.Networks[0].Network!.Output.ToString());
    }

    [Theory]
    [InlineData("x * four(x)", "x * four(x)", "8x6x5", "4x6x5")]
    [InlineData("relu(mul(four(x), x))", "mul(four(x), x)", "4x6x5", "8x6x5")]
    [InlineData("gap(four(x)) * x", "gap(four(x)) * x", "4x1x1", "8x6x5")]
    [InlineData("mean(x) * x", "mean(x) * x", "8", "8x6x5")]
    [InlineData("flatten(x) * flatten(gap(x))", "flatten(x) * flatten(gap(x))", "240", "8")]
    [InlineData("layer_scale * four(x)", "layer_scale * four(x)", "8x1x1", "4x6x5")]
    public void A_product_of_shapes_that_do_not_broadcast_is_GNET0225_at_the_product(string forward, string covered, string left, string right)
    {
        string text = Net(forward);
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0225", error.Id);
        Assert.Equal(covered, Gnet.Covered(text, error.Location));
        Assert.Equal(left, error.Arguments[1]);
        Assert.Equal(right, error.Arguments[2]);
        Assert.Contains("multiply two tensors of one shape, or a Cx1x1 tensor (one value per channel) and a CxHxW tensor of the same C", error.Message);
    }

    [Fact]
    public void The_products_errors_in_one_forward_are_all_reported()
    {
        string text = Net("x * four(x) + gap(four(x)) * x");
        Assert.Equal(new[] { "x * four(x)", "gap(four(x)) * x" }, Gnet.Errors(Gnet.Compile(text)).Select(e => Gnet.Covered(text, e.Location)));
    }

    [Theory]
    [InlineData("layer_scale(x)", "layer_scale(x)")]
    [InlineData("x + layer_scale", "layer_scale")]
    [InlineData("relu(layer_scale)", "layer_scale")]
    public void A_learned_tensor_used_as_a_layer_or_outside_a_product_says_how_to_use_it(string forward, string covered)
    {
        string text = Net(forward);
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0216", error.Id);
        Assert.Equal(covered, Gnet.Covered(text, error.Location));
        Assert.Contains("'layer_scale' is a learned tensor (nn.Parameter), not a layer; multiply a tensor by it in forward, for example layer_scale * x", error.Message);
    }

    [Fact]
    public void Two_learned_tensors_cannot_multiply_each_other()
    {
        string text = Net("layer_scale * other", "    other = parameter(8, 1, 1)");
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0216", error.Id);
        Assert.Equal("layer_scale * other", Gnet.Covered(text, error.Location));
    }

    [Fact]
    public void A_learned_tensor_in_a_sequential_is_an_error_at_the_parameter()
    {
        string text = """
            network N(input: 8x6x5) {
                body = [conv(8, 8, 1), parameter(8, 1, 1)]
            }
            """;
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0216", error.Id);
        Assert.Equal("parameter(8, 1, 1)", Gnet.Covered(text, error.Location));
        Assert.Equal("body.1: 'body.1' is a learned tensor (nn.Parameter), not a layer; declare it as a block's member (layer_scale = parameter(...)) and multiply a tensor by it in forward, for example layer_scale * x", error.Message);
    }

    [Theory]
    [InlineData("forward(x) = same(x) * parameter(8, 1, 1)", "parameter(8, 1, 1)", "GNET0216")]
    [InlineData("p = parameter(8, 1)", "parameter(8, 1)", "GNET0210")]
    [InlineData("p = parameter(0, 1, 1)", "0", "GNET0214")]
    [InlineData("p = parameter(4096, 4096, 4096)", "parameter(4096, 4096, 4096)", "GNET0217")]
    public void A_parameter_needs_a_member_and_a_valid_shape(string line, string covered, string id)
    {
        string text = $"network N(input: 8x6x5) {{\n    same = conv(8, 8, 1)\n    {line}\n{(line.StartsWith("forward", StringComparison.Ordinal) ? string.Empty : "    forward(x) = same(x) * p\n")}}}\n";
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal(id, error.Id);
        Assert.Equal(covered, Gnet.Covered(text, error.Location));
    }

    [Fact]
    public void A_learned_tensors_key_is_its_member_path_and_it_counts_as_parameters()
    {
        var network = Gnet.Network("""
            block Scaled(dim) {
                block = conv(dim, dim, 1)
                layer_scale = parameter(dim, 1, 1)
                forward(x) = layer_scale * block(x) + x
            }
            network N(input: 8x6x5) {
                features = [conv(8, 8, 1), [Scaled(8)]]
            }
            """);

        var weight = Assert.Single(network.Weights, w => w.Key == "features.1.0.layer_scale");
        Assert.Equal(new[] { 8, 1, 1 }, weight.Shape.ToArray());
        Assert.Equal(WeightRole.Parameter, weight.Role);
        Assert.Equal(2 * (8 * 8 + 8) + 8, network.ParameterCount);
        var node = Gnet.Node(network, "features.1.0.layer_scale");
        Assert.Equal("features.1.0.block", network.Nodes[Assert.Single(node.Inputs)].Path);
    }

    [Fact]
    public void An_unused_learned_tensor_is_reported_like_an_unused_layer()
    {
        var result = Gnet.Compile(Net("same(x)"));
        Assert.Empty(Gnet.Errors(result));
        Assert.Contains(result.Diagnostics, d => d.Id == "GNET0403" && d.Arguments[0] == "layer_scale");
    }

    [Fact]
    public void Layernorm2d_takes_torchvisions_defaults_and_checks_its_channels()
    {
        var network = Gnet.Network("network N(input: 8x6x5) { norm = layernorm2d(8) }");
        Assert.Equal(new LayerNorm2dOp(8, 1e-5), Gnet.Node(network, "norm").Operation);
        Assert.Equal(new[] { "norm.weight", "norm.bias" }, network.Weights.Select(w => w.Key));
        Assert.Equal(16, network.ParameterCount);

        string text = "network N(input: 8x6x5) { norm = layernorm2d(4, eps: 1e-6) }";
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0203", error.Id);
        Assert.Equal("4", Gnet.Covered(text, error.Location));

        text = "network N(input: 8x6x5) { norm = layernorm2d(8, eps: 0) }";
        error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0214", error.Id);
        Assert.Equal("0", Gnet.Covered(text, error.Location));

        text = "network N(input: 8x6x5) { f = flatten\n norm = layernorm2d(240) }";
        Assert.Equal("GNET0215", Assert.Single(Gnet.Errors(Gnet.Compile(text))).Id);
    }

    [Fact]
    public void Mean_needs_an_image()
    {
        string text = Net("mean(flatten(x))");
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0215", error.Id);
        Assert.Equal("mean(flatten(x))", Gnet.Covered(text, error.Location));
    }

    /// <summary>A network of input 8x6x5 with the sequential <c>body = [items]</c>.</summary>
    private static string Body(string items) => $"network N(input: 8x6x5) {{\n    body = [{items}]\n}}\n";

    [Theory]
    [InlineData("permute(0, 2, 3, 1), permute(0, 3, 1, 2)", "8x6x5")]
    [InlineData("permute(0, 2, 3, 1), layernorm(8), linear(8, 16), relu, linear(16, 4), identity, permute(0, 3, 1, 2)", "4x6x5")]
    [InlineData("flatten, layernorm(240)", "240")]
    public void Channels_last_tensors_take_per_pixel_ops_and_come_back_to_NCHW(string items, string shape)
    {
        var result = Gnet.Compile(Body(items));
        Assert.Empty(Gnet.Errors(result));
        Assert.Equal(shape, result.Networks[0].Network!.Output.ToString());
    }

    [Fact]
    public void A_channels_last_shape_prints_in_PyTorchs_order_and_a_linear_counts_its_pixels()
    {
        var network = Gnet.Network(Body("permute(0, 2, 3, 1), linear(8, 16, bias: false), permute(0, 3, 1, 2)"));
        var linear = Gnet.Node(network, "body.1");
        Assert.Equal("6x5x16 (channels last)", linear.Output.ToString());
        Assert.True(linear.Output.ChannelsLast);
        Assert.Equal(8L * 16 * 6 * 5, linear.MultiplyAccumulates);
        Assert.Equal(new[] { 16, 8 }, Assert.Single(network.Weights).Shape.ToArray());
    }

    [Theory]
    [InlineData("permute(0, 2, 3, 1), conv(8, 8, 1)", "conv(8, 8, 1)", "GNET0226")]
    [InlineData("permute(0, 2, 3, 1), batchnorm(8)", "batchnorm(8)", "GNET0226")]
    [InlineData("permute(0, 2, 3, 1), avgpool", "avgpool", "GNET0226")]
    [InlineData("permute(0, 2, 3, 1), flatten", "flatten", "GNET0226")]
    [InlineData("permute(0, 2, 3, 1), mean", "mean", "GNET0226")]
    [InlineData("permute(0, 2, 3, 1), layernorm2d(8)", "layernorm2d(8)", "GNET0226")]
    [InlineData("permute(0, 2, 3, 1), permute(0, 2, 3, 1)", "permute(0, 2, 3, 1)", "GNET0216")]
    [InlineData("permute(0, 3, 1, 2)", "permute(0, 3, 1, 2)", "GNET0216")]
    [InlineData("permute(0, 1, 3, 2)", "permute(0, 1, 3, 2)", "GNET0216")]
    [InlineData("flatten, permute(0, 2, 3, 1)", "permute(0, 2, 3, 1)", "GNET0215")]
    [InlineData("layernorm(8)", "layernorm(8)", "GNET0215")]
    [InlineData("permute(0, 2, 3, 1), layernorm(5), permute(0, 3, 1, 2)", "5", "GNET0203")]
    [InlineData("permute(0, 2, 3, 1), linear(5, 4), permute(0, 3, 1, 2)", "5", "GNET0206")]
    public void Channels_last_misuse_is_an_error_at_the_op(string items, string covered, string id)
    {
        string text = Body(items);
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal(id, error.Id);
        Assert.Equal(covered, Gnet.Covered(text, error.Location));
    }

    [Fact]
    public void A_channels_last_scale_and_an_NCHW_image_do_not_multiply()
    {
        string text = Net("permute_it(x) * gap(x)", "    permute_it = permute(0, 2, 3, 1)");
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0225", error.Id);
        Assert.Equal("6x5x8 (channels last)", error.Arguments[1]);
    }

    [Fact]
    public void A_network_whose_output_is_channels_last_is_GNET0226_at_its_name()
    {
        string text = Body("permute(0, 2, 3, 1), linear(8, 4)");
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0226", error.Id);
        Assert.Equal("N", Gnet.Covered(text, error.Location));
        Assert.Contains("its output is the channels-last tensor 6x5x4 (channels last)", error.Message);
    }

    [Fact]
    public void A_linear_at_each_pixel_mixes_channels_for_the_depthwise_advice()
    {
        var result = Gnet.Compile(Body("conv(8, 8, 3, padding: 1, groups: 8), permute(0, 2, 3, 1), linear(8, 8), permute(0, 3, 1, 2)"));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "GNET0401");
    }
}
