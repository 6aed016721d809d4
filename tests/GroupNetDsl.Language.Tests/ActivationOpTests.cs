using GroupNetDsl.Language.Attributes;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Ops;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// The activations of the torchvision families (sigmoid, hardsigmoid, hardswish, silu, gelu) and the ops that are the
/// identity at inference (dropout, stochastic_depth): PyTorch's arguments and defaults, their checks, where they run.
/// </summary>
public class ActivationOpTests
{
    public static TheoryData<string, ActivationKind> Activations() => new()
    {
        { "sigmoid", ActivationKind.Sigmoid },
        { "hardsigmoid", ActivationKind.Hardsigmoid },
        { "hardswish", ActivationKind.Hardswish },
        { "silu", ActivationKind.SiLU },
        { "gelu", ActivationKind.GELU },
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void An_activation_keeps_the_shape_has_no_weights_and_runs_in_the_epilogue_of_the_conv_before_it(string name, ActivationKind kind)
    {
        var network = Gnet.Network($$"""
            network N(input: 3x9x7) {
                body = [conv(3, 8, 3, padding: 1, bias: false), batchnorm(8), {{name}}]
                skip = conv(3, 8, 1, bias: false)
                forward(x) = {{name}}(body(x) + skip(x))
            }
            """);

        Assert.Equal(new ActivationOp(kind), Gnet.Node(network, "body.2").Operation);
        Assert.Equal(8 * 3 * 3 * 3 + 2 * 8 + 8 * 3, network.ParameterCount);
        Assert.Equal(new[] { 8, 9, 7 }, Gnet.Dimensions(network.Nodes[network.OutputNode].Output));
        var plan = ExecutionPlan.Create(network);
        var conv = Assert.Single(plan.Steps, s => s.Primary.Path == "body.0");
        Assert.Equal(kind, conv.Activation);
        Assert.Equal(new[] { "body.0", "body.1", "body.2" }, conv.Nodes.Select(n => n.Path));
        // The add and the inline call after it ride in the skip conv's epilogue.
        var skip = Assert.Single(plan.Steps, s => s.Primary.Path == "skip");
        Assert.Equal(kind, skip.Activation);
        Assert.NotNull(skip.FusedAdd);
    }

    [Theory]
    [InlineData("hardsigmoid(inplace: true)")]
    [InlineData("hardswish(true)")]
    [InlineData("silu(inplace: false)")]
    [InlineData("gelu")]
    [InlineData("sigmoid")]
    public void PyTorchs_constructor_arguments_are_accepted(string call)
    {
        var network = Gnet.Network($"network N(input: 4x5x5) = {call}");
        Assert.IsType<ActivationOp>(network.Nodes[network.OutputNode].Operation);
    }

    [Fact]
    public void Sigmoid_takes_no_arguments_as_nn_Sigmoid()
    {
        var result = Gnet.Compile("network N(input: 4x5x5) = sigmoid(inplace: true)");
        var error = Assert.Single(Gnet.Errors(result));
        Assert.Equal("GNET0208", error.Id);
        Assert.Equal("inplace: true", Gnet.Covered("network N(input: 4x5x5) = sigmoid(inplace: true)", error.Location));
    }

    [Theory]
    [InlineData("dropout", 0.5)]
    [InlineData("dropout(0.2)", 0.2)]
    [InlineData("dropout(p: 0, inplace: true)", 0.0)]
    [InlineData("dropout(1)", 1.0)]
    [InlineData("stochastic_depth(0.25)", 0.25)]
    [InlineData("stochastic_depth(p: 1)", 1.0)]
    public void Dropout_and_stochastic_depth_are_views_that_keep_their_probability(string call, double p)
    {
        var network = Gnet.Network($$"""
            network N(input: 4x6x6) {
                conv = conv(4, 4, 3, padding: 1)
                drop = {{call}}
                act = relu
            }
            """);

        var drop = Gnet.Node(network, "drop");
        Assert.Equal(p, drop.Operation switch { DropoutOp d => d.P, StochasticDepthOp s => s.P, _ => double.NaN });
        Assert.True(drop.Operation.Descriptor.IsView);
        Assert.Equal(0, drop.Parameters);
        Assert.DoesNotContain(network.Weights, w => w.Key.StartsWith("drop", StringComparison.Ordinal));
        // No step computes it: the relu reads the conv's buffer.
        var plan = ExecutionPlan.Create(network);
        Assert.DoesNotContain(plan.Steps, s => s.Nodes.Contains(drop));
    }

    [Fact]
    public void Stochastic_depth_needs_its_probability()
    {
        const string text = "network N(input: 4x5x5) = stochastic_depth";
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0210", error.Id);
    }

    [Theory]
    [InlineData("dropout(p: 1.01)", "1.01")]
    [InlineData("dropout(-1)", "-1")]
    [InlineData("stochastic_depth(2)", "2")]
    public void A_probability_outside_0_to_1_is_reported_at_the_argument(string call, string argument)
    {
        string text = $"network N(input: 4x5x5) = {call}";
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));
        Assert.Equal("GNET0214", error.Id);
        Assert.Equal(argument, Gnet.Covered(text, error.Location));
        Assert.Contains("p must be between 0 and 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_attribute_form_declares_the_same_layers()
    {
        var fromAttributes = GnetCompiler.CompileAttributes(AttributeSource.Read("Net", """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1, Bias = false)]
            [BatchNorm2d]
            [Hardswish]
            [Dropout(P = 0.2)]
            [StochasticDepth(0.1)]
            [Sigmoid]
            [Hardsigmoid]
            [SiLU]
            [GELU]
            """));
        Assert.True(fromAttributes.Diagnostics.Count == 0, Gnet.Describe(fromAttributes.Diagnostics));
        var fromGnet = Gnet.Network("""
            network Net(input: 3x8x8) = [conv(3, 8, 1, bias: false), batchnorm, hardswish, dropout(0.2), stochastic_depth(0.1), sigmoid, hardsigmoid, silu, gelu]
            """);
        Assert.Equal(fromGnet.Nodes.Select(n => (n.Path, n.Operation)), fromAttributes.Network!.Nodes.Select(n => (n.Path, n.Operation)));
        Assert.Contains("Dropout", AttributeForm.Layers.Keys);
    }
}
