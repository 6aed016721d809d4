using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Ops;

namespace GroupNetDsl.Language.Tests;

/// <summary>The plan of calls and buffers behind Forward: what is fused, and where each tensor lives.</summary>
public class ExecutionPlanTests
{
    [Fact]
    public void MiniGroupNets_global_pool_is_fused_into_the_conv_before_it()
    {
        var network = Gnet.Network(Gnet.MiniGroupNetText);
        var plan = ExecutionPlan.Create(network);

        Assert.DoesNotContain(plan.Steps, step => step.Primary.Operation is GlobalAvgPoolOp);
        int s = plan.Steps.ToList().FindIndex(step => step.FusedPool is not null);
        var fused = plan.Steps[s];
        // stage2's skip conv comes last in the forward order, so the add, the relu and the pool all join its step.
        Assert.Equal("stage2.skip.0", fused.Primary.Path);
        Assert.Equal("pool", fused.FusedPool!.Path);
        Assert.Same(fused.FusedPool, fused.Last);

        // The workspace holds the 256x16x16 output, then one sum per row of each channel.
        var workspace = plan.Workspaces[s]!.Value;
        Assert.Equal(256 * 16 * 16 + 256 * 16, workspace.Length);
        Assert.Equal(workspace.Length, fused.WorkspaceLength);
        Assert.Equal(256, plan.Buffers[fused.Last.Index].Length);
        foreach (int node in fused.Inputs.Append(fused.Last.Index))
        {
            var slice = plan.Buffers[node];
            bool apart = slice.Kind != BufferKind.Scratch || slice.Offset + slice.Length <= workspace.Offset || workspace.Offset + workspace.Length <= slice.Offset;
            Assert.True(apart, $"The workspace [{workspace.Offset}, +{workspace.Length}) overlaps node {node}'s buffer [{slice.Offset}, +{slice.Length}).");
        }
        Assert.True(plan.ScratchLength >= workspace.Offset + workspace.Length);
        Assert.All(plan.Workspaces.Where((_, i) => i != s), other => Assert.Null(other));
    }

    [Fact]
    public void A_pool_after_something_other_than_a_conv_stays_its_own_step()
    {
        var network = Gnet.Network("""
            network PoolAfterNorm(input: 4x6x6) {
                norm = batchnorm(4)
                pool = avgpool
                forward(x) = pool(norm(x))
            }
            """);
        var plan = ExecutionPlan.Create(network);

        Assert.All(plan.Steps, step => Assert.Null(step.FusedPool));
        Assert.Contains(plan.Steps, step => step.Primary.Operation is GlobalAvgPoolOp);
    }

    [Fact]
    public void A_depthwise_conv_runs_with_the_1x1_conv_that_alone_reads_it()
    {
        var network = Gnet.Network("network Block(input: 32x64x64) = DepthwiseSeparableConv(32, 64)");
        var plan = ExecutionPlan.Create(network);

        // One step: the 1x1 conv (with its batchnorm and relu) carrying the depthwise conv, reading the input.
        var step = Assert.Single(plan.Steps);
        Assert.Equal("pw", step.Primary.Path);
        Assert.Equal("dw", step.Depthwise!.Primary.Path);
        Assert.Equal(0, step.Inputs[0]);
        Assert.Equal(new[] { "dw", "pw", "bn", "act" }, step.Nodes.Select(n => n.Path));
        // The depthwise output is never stored: no scratch at all.
        Assert.False(plan.Buffers.ContainsKey(step.Depthwise.Last.Index));
        Assert.Equal(0, plan.ScratchLength);
    }

    private const string InvertedResidual = """
        network Inverted(input: 24x{0}x{0}) {{
            expand = conv(24, 144, 1, bias: false)
            bn1 = batchnorm(144)
            dw = conv(144, 144, 3, padding: 1, groups: 144, bias: false)
            bn2 = batchnorm(144)
            project = conv(144, 24, 1, bias: false)
            bn3 = batchnorm(24)
            other = conv(144, 24, 1)
            {1}
        }}
        """;

    [Fact]
    public void An_inverted_residual_runs_its_three_convs_in_one_step_on_large_planes()
    {
        var network = Gnet.Network(string.Format(InvertedResidual, 56, "forward(x) = bn3(project(relu6(bn2(dw(relu6(bn1(expand(x)))))))) + x"));
        var plan = ExecutionPlan.Create(network);

        // One step reading the input: the expansion (batchnorm and relu6 fused), the depthwise conv, the projection and the add.
        var step = Assert.Single(plan.Steps);
        Assert.Equal("project", step.Primary.Path);
        Assert.Equal("expand", step.Expansion!.Primary.Path);
        Assert.Equal(ActivationKind.ReLU6, step.Expansion.Activation);
        Assert.Equal("dw", step.Depthwise!.Primary.Path);
        Assert.Equal(new[] { 0, 0 }, step.Inputs);
        Assert.Equal(new[] { "expand", "bn1", "relu6", "dw", "bn2", "relu6_1", "project", "bn3", "add" }, step.Nodes.Select(n => n.Path));
        // Neither the expanded tensor nor the depthwise output is stored.
        Assert.False(plan.Buffers.ContainsKey(step.Expansion.Last.Index));
        Assert.False(plan.Buffers.ContainsKey(step.Depthwise.Last.Index));
    }

    [Theory]
    [InlineData(14, "forward(x) = bn3(project(relu6(bn2(dw(relu6(bn1(expand(x))))))))")] // one band of all rows: the expansion runs alone
    [InlineData(56, "forward(x) {\n e = relu6(bn1(expand(x)))\n return project(relu6(bn2(dw(e)))) + other(e)\n }")] // the expanded tensor has a second reader
    public void The_expansion_keeps_its_own_step_where_it_cannot_run_in_bands(int size, string forward)
    {
        var network = Gnet.Network(string.Format(InvertedResidual, size, forward));
        var plan = ExecutionPlan.Create(network);

        Assert.All(plan.Steps, step => Assert.Null(step.Expansion));
        Assert.Contains(plan.Steps, step => step.Primary.Path == "expand");
    }

    [Fact]
    public void Only_a_plain_1x1_conv_is_taken_as_the_expansion()
    {
        var network = Gnet.Network("""
            network Wide(input: 24x56x56) {
                expand = conv(24, 144, 3, padding: 1)
                dw = conv(144, 144, 3, padding: 1, groups: 144)
                project = conv(144, 24, 1)
                forward(x) = project(dw(expand(x)))
            }
            """);
        var plan = ExecutionPlan.Create(network);

        Assert.All(plan.Steps, step => Assert.Null(step.Expansion));
        Assert.Equal(new[] { "expand", "project" }, plan.Steps.Select(step => step.Primary.Path));
    }

    [Fact]
    public void A_depthwise_conv_read_twice_keeps_its_own_step()
    {
        var network = Gnet.Network("""
            block Mix(c) {
                pw = conv(c, c, 1)
                forward(y) = pw(y) + y
            }
            network TwoReaders(input: 8x10x10) {
                dw  = conv(8, 8, 3, padding: 1, groups: 8)
                mix = Mix(8)
                forward(x) = mix(dw(x))
            }
            """);
        var plan = ExecutionPlan.Create(network);

        Assert.All(plan.Steps, step => Assert.Null(step.Depthwise));
        Assert.Contains(plan.Steps, step => step.Primary.Path == "dw");
    }

    [Theory]
    [InlineData("proj(sigmoid(excite(relu(squeeze(avgpool(x))))) * x)")]
    [InlineData("proj(x * sigmoid(excite(relu(squeeze(avgpool(x))))))")]
    public void A_channel_scale_runs_in_the_1x1_conv_that_alone_reads_it(string forward)
    {
        var network = Gnet.Network($$"""
            network Excite(input: 8x6x6) {
                squeeze = conv(8, 2, 1)
                excite = conv(2, 8, 1)
                proj = conv(8, 4, 1)
                forward(x) = {{forward}}
            }
            """);
        var plan = ExecutionPlan.Create(network);

        // The multiply has no step of its own: the 1x1 conv takes the image and the scales, and the product has no buffer.
        Assert.DoesNotContain(plan.Steps, step => step.Primary.Operation.Descriptor is Multiply);
        var step = Assert.Single(plan.Steps, step => step.InputScale is not null);
        Assert.Equal("proj", step.Primary.Path);
        var scale = step.InputScale!;
        Assert.Equal(scale.Index, step.Primary.Inputs[0]);
        Assert.False(plan.Buffers.ContainsKey(scale.Index));
        var (image, scales) = ExecutionPlan.ScaleOperands(scale, network.Nodes);
        Assert.Equal(0, image);
        Assert.Equal(8, network.Nodes[scales].Output.Length);
        Assert.Equal(new[] { image, scales }, step.Inputs.ToArray());
        Assert.Equal(scale.Path, step.Nodes.First().Path);
    }

    [Theory]
    [InlineData("twice(sigmoid(excite(relu(squeeze(avgpool(x))))) * x)")]  // the product read twice
    [InlineData("wide(sigmoid(excite(relu(squeeze(avgpool(x))))) * x)")]   // a 3x3 conv reads it
    [InlineData("proj(relu(sigmoid(excite(relu(squeeze(avgpool(x))))) * x))")]   // an activation after the multiply
    [InlineData("proj(x * x)")]   // two tensors of one shape: not a channel scale
    public void A_channel_scale_that_a_1x1_conv_does_not_read_alone_keeps_its_own_step(string forward)
    {
        var network = Gnet.Network($$"""
            block Twice(c) {
                proj = conv(c, 4, 1)
                wide = conv(c, 4, 3, padding: 1)
                forward(y) = proj(y) + wide(y)
            }
            network Excite(input: 8x6x6) {
                squeeze = conv(8, 2, 1)
                excite = conv(2, 8, 1)
                proj = conv(8, 4, 1)
                wide = conv(8, 4, 3, padding: 1)
                twice = Twice(8)
                forward(x) = {{forward}}
            }
            """);
        var plan = ExecutionPlan.Create(network);

        Assert.All(plan.Steps, step => Assert.Null(step.InputScale));
        Assert.Contains(plan.Steps, step => step.Primary.Operation.Descriptor is Multiply);
    }

    [Theory]
    [InlineData("relu(bn(c(x)) + skip(x))")]
    [InlineData("relu(skip(x) + bn(c(x)))")]
    [InlineData("relu(drop(bn(c(x))) + skip(x))")]   // torchvision's MBConv: stochastic_depth(block(x)) + x
    [InlineData("relu(skip(drop(bn(c(x)))) + x)")]
    public void A_residual_add_through_views_of_its_operands_runs_in_the_convs_epilogue(string forward)
    {
        var network = Gnet.Network($$"""
            network Shortcut(input: 4x6x6) {
                c = conv(4, 4, 3, padding: 1)
                bn = batchnorm(4)
                skip = identity
                drop = stochastic_depth(0.2)
                forward(x) = {{forward}}
            }
            """);
        var plan = ExecutionPlan.Create(network);

        // One step: the conv, its batchnorm, the add of the input (the identity shortcut is a view of it) and the relu.
        var step = Assert.Single(plan.Steps);
        Assert.Equal("c", step.Primary.Path);
        Assert.NotNull(step.FusedAdd);
        Assert.Equal(ActivationKind.ReLU, step.Activation);
        Assert.Equal(plan.Buffers[0], plan.Buffers[step.ResidualNode]);
        Assert.Contains(step.ResidualNode, step.Inputs.ToArray());
    }

    [Fact]
    public void A_residual_add_behind_a_view_that_changes_the_shape_keeps_its_own_step()
    {
        // narrow keeps 4 of the conv's 8 channels: the add does not cover the conv's whole output.
        var network = Gnet.Network("""
            network Part(input: 4x6x6) {
                c = conv(4, 8, 3, padding: 1)
                forward(x) = narrow(c(x), 0, 4) + x
            }
            """);
        var plan = ExecutionPlan.Create(network);

        Assert.All(plan.Steps, step => Assert.Null(step.FusedAdd));
        Assert.Contains(plan.Steps, step => step.Primary.Operation.Descriptor is Add);
    }

    [Theory]
    [InlineData("sigmoid(excite(relu(squeeze(avgpool(y))))) * y", true)]
    [InlineData("y * sigmoid(excite(relu(squeeze(avgpool(y)))))", true)]
    [InlineData("sigmoid(excite(relu(squeeze(avgpool(y))))) * y + y", false)]   // a third reader: a pool of its own
    public void A_squeeze_and_excitation_pool_is_taken_by_the_conv_that_writes_its_input(string excitation, bool side)
    {
        var network = Gnet.Network($$"""
            block Excite(c, s) {
                squeeze = conv(c, s, 1)
                excite = conv(s, c, 1)
                forward(y) = {{excitation}}
            }
            network SE(input: 8x6x6) {
                dw = [conv(8, 8, 3, padding: 1, groups: 8), silu]
                se = Excite(8, 2)
                proj = conv(8, 4, 1)
                forward(x) = proj(se(dw(x)))
            }
            """);
        var plan = ExecutionPlan.Create(network);

        var dw = plan.Steps.Single(step => step.Primary.Path == "dw.0");
        if (!side)
        {
            Assert.Null(dw.SidePool);
            Assert.Contains(plan.Steps, step => step.Primary.Operation is GlobalAvgPoolOp);
            return;
        }
        // The depthwise step writes its output and the pool's means; no step pools on its own, and none needs a workspace.
        var pool = dw.SidePool!;
        Assert.IsType<GlobalAvgPoolOp>(pool.Operation);
        Assert.Equal(dw.Last.Index, pool.Inputs[0]);
        Assert.DoesNotContain(plan.Steps, step => step.Primary.Operation is GlobalAvgPoolOp);
        Assert.Contains(pool, dw.Nodes);
        Assert.All(plan.Workspaces, workspace => Assert.Null(workspace));
        // The means have their own buffer, apart from the output, and the squeeze conv reads them.
        BufferSlice means = plan.Buffers[pool.Index], output = plan.Buffers[dw.Last.Index];
        Assert.Equal(8, means.Length);
        Assert.True(means.Offset + means.Length <= output.Offset || output.Offset + output.Length <= means.Offset, "The means overlap the output.");
        Assert.Contains(plan.Steps, step => step.Primary.Path.EndsWith("squeeze", StringComparison.Ordinal) && step.Inputs.Contains(pool.Index));
    }
}
