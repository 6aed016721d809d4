using GroupNetDsl.Language.Emit;

namespace GroupNetDsl.Generator.Tests.Features;

/// <summary>A batchnorm after a conv is folded into the conv's weights: no step of its own, the same output.</summary>
[Collection(FeatureNetworksCollection.Name)]
public sealed class BatchNormFoldTests(FeatureNetworksFixture fixture)
{
    private static readonly ExecutionPlan Plan = FeatureNetworks.Plan(FeatureNetworks.BatchNormFold);

    [Fact]
    public void The_batchnorm_joins_the_convs_step()
    {
        var step = Assert.Single(Plan.Steps);
        Assert.Equal("c.0", step.Primary.Path);
        Assert.Equal("c.1", step.FoldedBatchNorm?.Path);
        Assert.Same(step.FoldedBatchNorm, step.Last);
        Assert.Null(step.FusedAdd);
        Assert.Null(step.Activation);
        // The conv writes straight into the caller's output: no scratch.
        Assert.Equal(BufferKind.Output, Plan.Buffers[step.Last.Index].Kind);
        Assert.Equal(0, Plan.ScratchLength);
    }

    [Fact]
    public void The_folded_network_computes_the_unfolded_batchnorm() =>
        fixture.AssertAgreesWithTheNaiveReference(FeatureNetworks.BatchNormFold, Plan);
}
