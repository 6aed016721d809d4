using System.Globalization;
using GroupNetDsl.Generator.Tests.Networks;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Generator.Tests;

/// <summary>All the random and corner-case test networks, compiled once.</summary>
public sealed class RandomNetworksFixture() : CompiledNetworks("RandomNets", RandomNetworks.All);

/// <summary>
/// Proves that the generated code computes what PyTorch's definitions say: for fixed corner cases and seeded random
/// networks, its output for batch 1 and batch 3 matches the naive reference (nested loops, batchnorm unfolded,
/// double precision) on the same random weights, within 1e-4 of the output's scale.
/// </summary>
public sealed class RandomAgreementTests(RandomNetworksFixture fixture) : IClassFixture<RandomNetworksFixture>
{
    public static TheoryData<string> Networks()
    {
        var data = new TheoryData<string>();
        foreach (var spec in RandomNetworks.All) data.Add(spec.Name);
        return data;
    }

    [Fact]
    public void Every_network_is_generated_and_compiles_without_warnings()
    {
        fixture.Run.AssertCompilesCleanly();
        // A hint name is the network's full name, a hash of it (CodeTargets.HintName) and ".g.cs".
        var expected = RandomNetworks.All.Select(s => $"{fixture.RootNamespace}.{s.Name}.gnet").Order(StringComparer.Ordinal);
        var named = fixture.Run.HintNames.Select(h => System.Text.RegularExpressions.Regex.Replace(h, @"\.[0-9a-f]{8}\.g\.cs$", string.Empty));
        Assert.Equal(expected, named.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Generated_code_agrees_with_the_naive_reference(string name)
    {
        var spec = RandomNetworks.All.Single(s => s.Name == name);
        string context = $"Network {name}:\n{spec.GnetText()}";
        var handle = fixture.Network(name);

        // Constants, from arithmetic on the declaration.
        Assert.True(spec.Input.Length == handle.InputLength, $"InputLength {handle.InputLength}, expected {spec.Input.Length}. {context}");
        Assert.True(spec.Output.Length == handle.OutputLength, $"OutputLength {handle.OutputLength}, expected {spec.Output.Length}. {context}");
        Assert.True(spec.Parameters == handle.ParameterCount, $"ParameterCount {handle.ParameterCount}, expected {spec.Parameters}. {context}");
        Assert.True(spec.MultiplyAccumulates == handle.MultiplyAccumulates, $"MultiplyAccumulates {handle.MultiplyAccumulates}, expected {spec.MultiplyAccumulates}. {context}");

        // Weights and inputs from a seed fixed per network (its position), so a failure replays exactly.
        var random = new Random(RandomNetworks.Seed + 1 + RandomNetworks.All.ToList().FindIndex(s => s.Name == name));
        var weights = spec.CreateWeights(random);
        var network = handle.Load(weights.File.ToBytes());

        foreach (int batch in new[] { 1, 3 })
        {
            var input = new float[batch * spec.Input.Length];
            for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 12 - 6);
            var expected = spec.Run(Tensor.FromFloats(input, batch, spec.Input.Channels, spec.Input.Height, spec.Input.Width), weights).Data;
            var actual = batch == 1 ? network.Forward(input) : network.ForwardBatch(input, batch);
            AssertClose(expected, actual, $"batch {batch}. {context}");
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Three_threads_give_the_same_bits_as_one(string name)
    {
        // Every way a layer is split among threads (bands of rows, groups, channels, column panels) and a batch among
        // images must compute each output with the same sum in the same order as one thread.
        var spec = RandomNetworks.All.Single(s => s.Name == name);
        var handle = fixture.Network(name);
        var random = new Random(RandomNetworks.Seed + 1000 + RandomNetworks.All.ToList().FindIndex(s => s.Name == name));
        byte[] weights = spec.CreateWeights(random).File.ToBytes();
        var alone = handle.Load(weights);
        using var shared = handle.Load(weights, threads: 3);
        foreach (int batch in new[] { 1, 3 })
        {
            var input = new float[batch * spec.Input.Length];
            for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 12 - 6);
            var expected = batch == 1 ? alone.Forward(input) : alone.ForwardBatch(input, batch);
            var actual = batch == 1 ? shared.Forward(input) : shared.ForwardBatch(input, batch);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"Network {name}, batch {batch}: 3 threads differ from 1.\n{spec.GnetText()}");
        }
    }

    /// <summary>max |actual - expected| &lt;= 1e-4 * max(1, max |expected|).</summary>
    internal static void AssertClose(double[] expected, float[] actual, string context)
    {
        Assert.True(expected.Length == actual.Length, $"Output length {actual.Length}, expected {expected.Length}; {context}");
        double scale = Math.Max(1.0, expected.Max(Math.Abs));
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(difference))
            {
                (worst, worstIndex) = (double.NaN, i);
                break;
            }
            if (difference > worst || worstIndex < 0) (worst, worstIndex) = (difference, i);
        }
        Assert.True(worst <= 1e-4 * scale, string.Create(CultureInfo.InvariantCulture,
            $"Max abs difference {worst:G6} at {worstIndex} (got {actual[worstIndex]:G9}, expected {expected[worstIndex]:G9}) exceeds {1e-4 * scale:G3}; {context}"));
    }
}
