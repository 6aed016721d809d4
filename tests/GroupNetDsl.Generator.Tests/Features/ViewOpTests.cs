using GroupNetDsl.Language.Emit;

namespace GroupNetDsl.Generator.Tests.Features;

/// <summary>Flatten and identity move no data: they have no step, and their value is their input's buffer.</summary>
[Collection(FeatureNetworksCollection.Name)]
public sealed class ViewOpTests(FeatureNetworksFixture fixture)
{
    [Fact]
    public void Flatten_and_identity_share_their_inputs_buffer()
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
    public void A_conv_whose_flatten_is_the_output_writes_the_output()
    {
        var network = FeatureNetworks.Model(FeatureNetworks.ViewIsTheOutput);
        var plan = ExecutionPlan.Create(network);

        Assert.Equal(new[] { "conv" }, plan.Steps.Select(step => step.Primary.Path));
        Assert.Equal(new BufferSlice(BufferKind.Output, 0, 3 * 3 * 4), plan.Buffers[FeatureNetworks.Node(network, "conv").Index]);
        Assert.False(plan.CopyToOutput);
        Assert.Equal(0, plan.ScratchLength);
    }

    [Fact]
    public void A_view_of_the_input_is_copied_to_the_output()
    {
        var plan = FeatureNetworks.Plan(FeatureNetworks.ViewOfTheInput);

        Assert.Empty(plan.Steps);
        Assert.True(plan.CopyToOutput);
        Assert.Equal(0, plan.ScratchLength);
    }

    [Theory]
    [InlineData(nameof(FeatureNetworks.ViewOps))]
    [InlineData(nameof(FeatureNetworks.ViewIsTheOutput))]
    [InlineData(nameof(FeatureNetworks.ViewOfTheInput))]
    public void Views_give_the_values_of_their_inputs(string name)
    {
        var spec = FeatureNetworks.All.Single(spec => spec.Name == name);
        fixture.AssertAgreesWithTheNaiveReference(spec, FeatureNetworks.Plan(spec));
    }
}
