using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Generator.Tests.Features;

/// <summary>A depthwise conv and the 1x1 conv that alone reads it run as one step, band by band, with no buffer between.</summary>
[Collection(FeatureNetworksCollection.Name)]
public sealed class SeparableStepTests(FeatureNetworksFixture fixture)
{
    private static readonly ExecutionPlan Plan = FeatureNetworks.Plan(FeatureNetworks.SeparableStep);

    [Fact]
    public void The_depthwise_conv_is_the_pointwise_steps_first_half()
    {
        var step = Assert.Single(Plan.Steps);
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
        Assert.False(Plan.Buffers.ContainsKey(depthwise.Last.Index));
        Assert.Equal(BufferKind.Output, Plan.Buffers[step.Last.Index].Kind);
        Assert.Equal(0, Plan.ScratchLength);
    }

    [Fact]
    public void The_separable_step_computes_both_convs() =>
        fixture.AssertAgreesWithTheNaiveReference(FeatureNetworks.SeparableStep, Plan);
}
