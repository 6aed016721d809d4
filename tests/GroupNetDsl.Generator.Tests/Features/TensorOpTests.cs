using GroupNetDsl.Language.Ops;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Generator.Tests.Features;

/// <summary>
/// The generated code of the tensor ops computes what the naive reference does (every op as its formula, in
/// double), for one image and a batch, with one thread and with several; the model counts what PyTorch counts.
/// </summary>
public sealed class TensorOpTests(TensorOpNetworksFixture fixture) : IClassFixture<TensorOpNetworksFixture>
{
    public static TheoryData<string> Names => new(TensorOpNetworks.All.Select(spec => spec.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Output_matches_the_naive_reference(string name)
    {
        var spec = TensorOpNetworks.All.Single(spec => spec.Name == name);
        var random = new Random(name.Length * 7919 + 17);
        var weights = spec.CreateWeights(random);
        using var network = fixture.Network(name).Load(weights.File.ToBytes());
        const int batch = 3;
        var input = new float[batch * spec.Input.Length];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 4 - 2);
        var expected = spec.Run(Tensor.FromFloats(input, batch, spec.Input.Channels, spec.Input.Height, spec.Input.Width), weights).Data;

        RandomAgreementTests.AssertClose(expected, network.ForwardBatch(input, batch), $"Network {name}:\n{spec.GnetText()}");
        RandomAgreementTests.AssertClose(expected.Take(spec.Output.Length).ToArray(), network.Forward(input.Take(spec.Input.Length).ToArray()), $"Network {name}, one image");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Threads_give_the_same_bits_as_one(string name)
    {
        var spec = TensorOpNetworks.All.Single(spec => spec.Name == name);
        var random = new Random(name.Length * 31 + 5);
        byte[] bytes = spec.CreateWeights(random).File.ToBytes();
        var input = new float[2 * spec.Input.Length];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 4 - 2);
        using var single = fixture.Network(name).Load(bytes);
        using var threaded = fixture.Network(name).Load(bytes, threads: 2);
        Assert.Equal(single.ForwardBatch(input, 2), threaded.ForwardBatch(input, 2));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Counts_are_PyTorchs(string name)
    {
        var spec = TensorOpNetworks.All.Single(spec => spec.Name == name);
        var handle = fixture.Network(name);
        Assert.Equal(spec.Parameters, handle.ParameterCount);
        Assert.Equal(spec.MultiplyAccumulates, handle.MultiplyAccumulates);
        Assert.Equal(spec.Parameters, FeatureNetworks.Model(spec).Weights.Where(w => w.Role == Language.Model.WeightRole.Parameter).Sum(w => w.ElementCount));
    }

    [Fact]
    public void Layer_scale_is_a_node_at_its_member_path_and_its_key_has_no_suffix()
    {
        var network = FeatureNetworks.Model(TensorOpNetworks.LayerNormAndScale);

        var node = FeatureNetworks.Node(network, "block.layer_scale");
        Assert.Equal(new ParameterOp(5, 1, 1), node.Operation);
        Assert.Equal("block.inner", network.Nodes[Assert.Single(node.Inputs)].Path);
        var weight = Assert.Single(network.Weights, w => w.Key.EndsWith("layer_scale", StringComparison.Ordinal) && w.Key.StartsWith("block.", StringComparison.Ordinal));
        Assert.Equal("block.layer_scale", weight.Key);
        Assert.Equal(new[] { 5, 1, 1 }, weight.Shape.ToArray());
    }

    [Fact]
    public void Squeeze_excitation_multiplies_the_image_by_the_Cx1x1_scale()
    {
        var network = FeatureNetworks.Model(TensorOpNetworks.SqueezeExcitation);

        var first = FeatureNetworks.Node(network, "se.mul");
        Assert.Equal(new[] { "se.fc2", "stem.1" }, first.Inputs.Select(i => network.Nodes[i].Path));
        Assert.Equal("6x7x5", first.Output.ToString());
        var second = FeatureNetworks.Node(network, "se2.mul");
        Assert.Equal(new[] { "se.mul", "se2.fc2" }, second.Inputs.Select(i => network.Nodes[i].Path));
        Assert.Equal("6", FeatureNetworks.Node(network, "pool").Output.ToString());
    }

    /// <summary>
    /// In a squeeze-and-excitation block the depthwise output is read twice (the pool, the scale), so the expansion keeps
    /// its own step: taking it into the depthwise step was measured no faster (benchmarks/ANALYSIS.md).
    /// </summary>
    [Fact]
    public void The_expansion_before_a_squeeze_excitation_block_keeps_its_own_step()
    {
        var plan = Language.Emit.ExecutionPlan.Create(FeatureNetworks.Model(TensorOpNetworks.SqueezeExcitationAfterExpansion));

        Assert.All(plan.Steps, step => Assert.Null(step.Expansion));
        Assert.Equal(new[] { "dw.0", "dw2.0" }, plan.Steps.Where(step => step.SidePool is not null).Select(step => step.Primary.Path));
        Assert.Contains(plan.Steps, step => step.Primary.Path == "expand.0");
    }
}
