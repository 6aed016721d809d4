using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Generator.Tests.Features;

/// <summary>A residual add and the activation after it run in the epilogue of the conv that computes the other operand.</summary>
[Collection(FeatureNetworksCollection.Name)]
public sealed class ResidualEpilogueTests(FeatureNetworksFixture fixture)
{
    private static readonly ExecutionPlan Plan = FeatureNetworks.Plan(FeatureNetworks.ResidualEpilogue);

    [Fact]
    public void The_add_and_the_relu_join_the_convs_step()
    {
        var step = Assert.Single(Plan.Steps);
        Assert.Equal("res.main0.0", step.Primary.Path);
        Assert.Equal("res.main0.1", step.FoldedBatchNorm?.Path);
        Assert.NotNull(step.FusedAdd);
        Assert.Equal(ActivationKind.ReLU, step.Activation);
        Assert.Equal("res.act", step.Last.Path);
        // The residual is the identity skip, whose value is the caller's input: read in place, never copied.
        Assert.Equal(BufferKind.Input, Plan.Buffers[step.ResidualNode].Kind);
        Assert.Contains(step.ResidualNode, step.Inputs);
        Assert.Equal(0, Plan.ScratchLength);
    }

    [Fact]
    public void The_epilogue_computes_conv_plus_skip_then_relu() =>
        fixture.AssertAgreesWithTheNaiveReference(FeatureNetworks.ResidualEpilogue, Plan);
}
