using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Generator.Tests.Features;

/// <summary>A global average pool after a conv joins the conv's step: the conv output lives only in the step's workspace.</summary>
[Collection(FeatureNetworksCollection.Name)]
public sealed class GlobalPoolFusionTests(FeatureNetworksFixture fixture)
{
    private static readonly ExecutionPlan Plan = FeatureNetworks.Plan(FeatureNetworks.GlobalPoolFusion);

    [Fact]
    public void The_pool_joins_the_convs_step()
    {
        var step = Assert.Single(Plan.Steps);
        Assert.Equal("conv.0", step.Primary.Path);
        Assert.Equal(ActivationKind.ReLU, step.Activation);
        Assert.Equal("pool", step.FusedPool?.Path);
        Assert.Same(step.FusedPool, step.Last);

        // The conv's 5x7x6 output goes to the workspace, never to a tensor buffer; the pool writes the 5 means out.
        var workspace = Assert.Single(Plan.Workspaces)!.Value;
        Assert.Equal(BufferKind.Scratch, workspace.Kind);
        Assert.True(workspace.Length >= 5 * 7 * 6, $"The workspace holds {workspace.Length} floats, less than the conv's output.");
        Assert.Equal(workspace.Offset + workspace.Length, Plan.ScratchLength);
        Assert.Equal(new BufferSlice(BufferKind.Output, 0, 5), Plan.Buffers[step.Last.Index]);
        Assert.False(Plan.Buffers.ContainsKey(step.Primary.Index));
    }

    [Fact]
    public void The_fused_pool_computes_the_means_of_the_conv_output() =>
        fixture.AssertAgreesWithTheNaiveReference(FeatureNetworks.GlobalPoolFusion, Plan);
}
