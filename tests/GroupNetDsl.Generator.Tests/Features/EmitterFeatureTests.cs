using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Ops;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Generator.Tests.Features;

/// <summary>
/// One emitter decision per test, each on the smallest network that has it (<see cref="FeatureNetworks"/>), named
/// after the feature: what the execution plan decides, and that the generated network computes what the naive
/// reference does. The generated text is left to the snapshots.
/// </summary>
public sealed class EmitterFeatureTests(FeatureNetworksFixture fixture) : IClassFixture<FeatureNetworksFixture>
{
    [Fact]
    public void Batchnorm_fold_puts_the_batchnorm_in_the_convs_step()
    {
        var plan = FeatureNetworks.Plan(FeatureNetworks.BatchNormFold);

        var step = Assert.Single(plan.Steps);
        Assert.Equal("c.0", step.Primary.Path);
        Assert.Equal("c.1", step.FoldedBatchNorm?.Path);
        Assert.Same(step.FoldedBatchNorm, step.Last);
        Assert.Null(step.FusedAdd);
        Assert.Null(step.Activation);
        // The conv writes straight into the caller's output: no scratch.
        Assert.Equal(BufferKind.Output, plan.Buffers[step.Last.Index].Kind);
        Assert.Equal(0, plan.ScratchLength);
    }

    [Fact]
    public void Residual_epilogue_puts_the_add_and_the_relu_in_the_convs_step()
    {
        var plan = FeatureNetworks.Plan(FeatureNetworks.ResidualEpilogue);

        var step = Assert.Single(plan.Steps);
        Assert.Equal("res.main0.0", step.Primary.Path);
        Assert.Equal("res.main0.1", step.FoldedBatchNorm?.Path);
        Assert.NotNull(step.FusedAdd);
        Assert.Equal(ActivationKind.ReLU, step.Activation);
        Assert.Equal("res.act", step.Last.Path);
        // The residual is the identity skip, whose value is the caller's input: read in place, never copied.
        Assert.Equal(BufferKind.Input, plan.Buffers[step.ResidualNode].Kind);
        Assert.Contains(step.ResidualNode, step.Inputs);
        Assert.Equal(0, plan.ScratchLength);
    }

    [Fact]
    public void Global_pool_fusion_keeps_the_conv_output_in_the_steps_workspace()
    {
        var plan = FeatureNetworks.Plan(FeatureNetworks.GlobalPoolFusion);

        var step = Assert.Single(plan.Steps);
        Assert.Equal("conv.0", step.Primary.Path);
        Assert.Equal(ActivationKind.ReLU, step.Activation);
        Assert.Equal("pool", step.FusedPool?.Path);
        Assert.Same(step.FusedPool, step.Last);
        // The conv's 5x7x6 output goes to the workspace, never to a tensor buffer; the pool writes the 5 means out.
        var workspace = Assert.Single(plan.Workspaces)!.Value;
        Assert.Equal(BufferKind.Scratch, workspace.Kind);
        Assert.True(workspace.Length >= 5 * 7 * 6, $"The workspace holds {workspace.Length} floats, less than the conv's output.");
        Assert.Equal(workspace.Offset + workspace.Length, plan.ScratchLength);
        Assert.Equal(new BufferSlice(BufferKind.Output, 0, 5), plan.Buffers[step.Last.Index]);
        Assert.False(plan.Buffers.ContainsKey(step.Primary.Index));
    }

    [Fact]
    public void Separable_step_runs_the_depthwise_conv_as_the_pointwise_steps_first_half()
    {
        var plan = FeatureNetworks.Plan(FeatureNetworks.SeparableStep);

        var step = Assert.Single(plan.Steps);
        Assert.Equal("pw.0", step.Primary.Path);
        Assert.Equal("pw.1", step.FoldedBatchNorm?.Path);
        Assert.Equal(ActivationKind.ReLU, step.Activation);
        var depthwise = step.Depthwise;
        Assert.NotNull(depthwise);
        Assert.Equal("dw.0", depthwise.Primary.Path);
        Assert.Equal("dw.1", depthwise.FoldedBatchNorm?.Path);
        Assert.Equal(ActivationKind.ReLU6, depthwise.Activation);
        Assert.Equal(0, step.Inputs[0]);
        // The depthwise output is never stored; the 1x1 conv writes the caller's output.
        Assert.False(plan.Buffers.ContainsKey(depthwise.Last.Index));
        Assert.Equal(BufferKind.Output, plan.Buffers[step.Last.Index].Kind);
        Assert.Equal(0, plan.ScratchLength);
    }

    [Fact]
    public void View_ops_flatten_and_identity_share_their_inputs_buffer()
    {
        var network = FeatureNetworks.Model(FeatureNetworks.ViewOps);
        var plan = ExecutionPlan.Create(network);

        Assert.Equal(new[] { "conv", "fc" }, plan.Steps.Select(step => step.Primary.Path));
        var conv = plan.Buffers[FeatureNetworks.Node(network, "conv").Index];
        Assert.Equal(new BufferSlice(BufferKind.Scratch, 0, 3 * 3 * 4), conv);
        Assert.Equal(conv, plan.Buffers[FeatureNetworks.Node(network, "flat").Index]);
        Assert.Equal(conv, plan.Buffers[FeatureNetworks.Node(network, "same").Index]);
        Assert.Equal(3 * 3 * 4, plan.ScratchLength);
        Assert.False(plan.CopyToOutput);
    }

    [Fact]
    public void View_ops_let_a_conv_whose_flatten_is_the_output_write_the_output()
    {
        var network = FeatureNetworks.Model(FeatureNetworks.ViewIsTheOutput);
        var plan = ExecutionPlan.Create(network);

        Assert.Equal(new[] { "conv" }, plan.Steps.Select(step => step.Primary.Path));
        Assert.Equal(new BufferSlice(BufferKind.Output, 0, 3 * 3 * 4), plan.Buffers[FeatureNetworks.Node(network, "conv").Index]);
        Assert.False(plan.CopyToOutput);
        Assert.Equal(0, plan.ScratchLength);
    }

    [Fact]
    public void View_ops_copy_a_view_of_the_input_to_the_output()
    {
        var plan = FeatureNetworks.Plan(FeatureNetworks.ViewOfTheInput);

        Assert.Empty(plan.Steps);
        Assert.True(plan.CopyToOutput);
        Assert.Equal(0, plan.ScratchLength);
    }

    /// <summary>
    /// The generated network's output for a random image and random weights against the naive reference's (every op as
    /// its formula, batchnorm unfolded, in double), and the generated scratch size against the plan's.
    /// </summary>
    [Theory]
    [InlineData(nameof(FeatureNetworks.BatchNormFold))]
    [InlineData(nameof(FeatureNetworks.ResidualEpilogue))]
    [InlineData(nameof(FeatureNetworks.GlobalPoolFusion))]
    [InlineData(nameof(FeatureNetworks.SeparableStep))]
    [InlineData(nameof(FeatureNetworks.ViewOps))]
    [InlineData(nameof(FeatureNetworks.ViewIsTheOutput))]
    [InlineData(nameof(FeatureNetworks.ViewOfTheInput))]
    [InlineData(nameof(FeatureNetworks.LargeStride))]
    public void Each_feature_network_computes_what_the_naive_reference_does(string feature)
    {
        var spec = FeatureNetworks.All.Single(spec => spec.Name == feature);
        var handle = fixture.Network(feature);
        Assert.Equal(FeatureNetworks.Plan(spec).ScratchLength, handle.ScratchLength);

        var random = new Random(feature.Length * 7919 + 13);
        var weights = spec.CreateWeights(random);
        var network = handle.Load(weights.File.ToBytes());
        var input = new float[spec.Input.Length];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 4 - 2);
        var expected = spec.Run(Tensor.FromFloats(input, 1, spec.Input.Channels, spec.Input.Height, spec.Input.Width), weights).Data;
        RandomAgreementTests.AssertClose(expected, network.Forward(input), $"Network {feature}:\n{spec.GnetText()}");
    }
}
