using CsCheck;
using GroupNetDsl.Generator.Tests.Networks;
using GroupNetDsl.TestSupport.Fuzzing;
using GroupNetDsl.TestSupport.Reference;
using Xunit.Abstractions;

namespace GroupNetDsl.Generator.Tests.Fuzzing;

/// <summary>
/// The whole pipeline on random valid networks (<see cref="RandomNetworks.CreateRandom"/>, seeded by the fuzz run, half
/// of them with every activation and the tensor ops):
/// .gnet text, the generator, a Roslyn compile of the emitted classes, Load of random weights and Forward on random
/// input, compared with the naive reference. One case is a batch of networks in one project, since the C# compile is
/// the cost. Runs in this process: a crash in a kernel fails the test run rather than one case.
/// </summary>
public sealed class ForwardFuzzTests(ITestOutputHelper output)
{
    private const int NetworksPerBatch = 16;

    private static readonly Gen<int[]> Batches = Gen.Int.Array[NetworksPerBatch];

    [Fact]
    public void Random_valid_networks_compile_and_agree_with_the_naive_reference()
    {
        var statistics = FuzzRun.Check(Batches, 3, AssertBatchAgrees, seeds => string.Join(", ", seeds));
        output.WriteLine($"forward: {statistics} of {NetworksPerBatch} networks each");
    }

    private static void AssertBatchAgrees(int[] seeds)
    {
        // Odd seeds also draw every activation and the tensor ops; even ones the seed networks' ops only.
        var specs = seeds.Select((seed, i) => RandomNetworks.CreateRandom($"Fuzz{i:00}", new Random(seed), everyActivation: (seed & 1) != 0, tensorOps: (seed & 1) != 0)).ToList();
        using var batch = new Batch(specs);
        batch.Run.AssertCompilesCleanly();
        for (int i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            string context = $"network seed {seeds[i]}:\n{spec.GnetText()}";
            var random = new Random(seeds[i] ^ 0x5EED);
            var weights = spec.CreateWeights(random);
            var network = batch.Network(spec.Name).Load(weights.File.ToBytes());
            var input = new float[spec.Input.Length];
            for (int j = 0; j < input.Length; j++) input[j] = (float)((random.NextDouble() * 12) - 6);
            var expected = spec.Run(Tensor.FromFloats(input, 1, spec.Input.Channels, spec.Input.Height, spec.Input.Width), weights).Data;
            RandomAgreementTests.AssertClose(expected, network.Forward(input), context);
        }
    }

    private sealed class Batch(IEnumerable<NetworkSpec> specs) : CompiledNetworks("FuzzNets", specs);
}
