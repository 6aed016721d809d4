using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.Generator.Tests.Networks;
using GroupNetDsl.TestSupport.SafeTensors;

namespace GroupNetDsl.Generator.Tests;

/// <summary>The seed MiniGroupNet (attribute form), generated, compiled and loaded with random weights, once for the class.</summary>
public sealed class MiniGroupNetFixture : SeedNetworkFixture
{
    public const string ClassName = "MiniGroupNetSample.MiniGroupNet";

    public MiniGroupNetFixture() : base(ClassName) => Network = Handle.Load(RandomWeights(new Random(42)));

    public LoadedNetwork Network { get; }

    public static float[] RandomInput(int seed, int length)
    {
        var random = new Random(seed);
        var input = new float[length];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
        return input;
    }

    /// <summary>The state_dict of the seed's MiniGroupNet(groups=8), written out from its PyTorch definition.</summary>
    private static byte[] RandomWeights(Random random)
    {
        var weights = new WeightSet(random, WeightDataType.F32);
        void Conv(string path, int cout, int cinPerGroup, int kernel) =>
            weights.Uniform(path + ".weight", [cout, cinPerGroup, kernel, kernel], -1 / Math.Sqrt(cinPerGroup * kernel * kernel), 1 / Math.Sqrt(cinPerGroup * kernel * kernel));

        Conv("stem.0", 64, 3, 3);
        weights.BatchNorm("stem.1", 64);
        foreach (var (stage, cin, cout) in new[] { ("stage1", 64, 128), ("stage2", 128, 256) })
        {
            int hidden = cout / 2;
            Conv(stage + ".reduce.0", hidden, cin, 1);
            weights.BatchNorm(stage + ".reduce.1", hidden);
            Conv(stage + ".group_conv.0", hidden, hidden / 8, 3);
            weights.BatchNorm(stage + ".group_conv.1", hidden);
            Conv(stage + ".expand.0", cout, hidden, 1);
            weights.BatchNorm(stage + ".expand.1", cout);
            Conv(stage + ".skip.0", cout, cin, 1);
            weights.BatchNorm(stage + ".skip.1", cout);
        }
        weights.Uniform("fc.weight", [10, 256], -1 / 16.0, 1 / 16.0);
        weights.Uniform("fc.bias", [10], -0.5, 0.5);
        return weights.File.ToBytes();
    }
}

/// <summary>
/// Proves the two run-time promises of the generated class on the seed MiniGroupNet: Forward allocates nothing
/// once warm, and one instance serves several threads at once with exactly the single-threaded results.
/// </summary>
public sealed class AllocationAndThreadingTests(MiniGroupNetFixture fixture) : IClassFixture<MiniGroupNetFixture>
{
    private const int InputLength = 3 * 64 * 64;

    [Fact]
    public void Forward_allocates_nothing_after_warm_up()
    {
        var network = fixture.Network;
        var input = MiniGroupNetFixture.RandomInput(1, InputLength);
        var output = new float[10];
        var batchInput = input.Concat(input).ToArray();
        var batchOutput = new float[20];
        var scratch = new float[network.Handle.ScratchLength];

        // Warm up every overload, the control's too (first calls JIT and create this thread's scratch buffer; a CI run
        // once counted 99,312 B in the control's first call).
        for (int i = 0; i < 3; i++)
        {
            _ = network.Forward(input);
            network.Forward(input, output);
            network.Handle.ForwardBatch(network.Instance, batchInput, batchOutput, 2);
            network.ForwardWithScratch(input, output, scratch);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) network.Forward(input, output);
        long single = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) network.Handle.ForwardBatch(network.Instance, batchInput, batchOutput, 2);
        for (int i = 0; i < 5; i++) network.ForwardWithScratch(input, output, scratch);
        long others = GC.GetAllocatedBytesForCurrentThread() - before;

        // The control: the same measurement sees a call that allocates (this overload of the test wrapper news up the output).
        before = GC.GetAllocatedBytesForCurrentThread();
        _ = network.Forward(input);
        long control = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, single);
        Assert.Equal(0, others);
        Assert.InRange(control, 1, 1024);
        Assert.All(output, value => Assert.True(float.IsFinite(value)));
    }

    [Fact]
    public void Concurrent_calls_on_one_instance_give_the_single_threaded_results()
    {
        const int threads = 4;
        const int callsPerThread = 3;
        var network = fixture.Network;
        var inputs = Enumerable.Range(0, threads).Select(t => MiniGroupNetFixture.RandomInput(100 + t, InputLength)).ToArray();
        var expected = inputs.Select(network.Forward).ToArray();
        Assert.True(expected.Distinct(new FloatArrayComparer()).Count() == threads, "The inputs should give different outputs.");

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                var output = new float[10];
                start.SignalAndWait();
                for (int call = 0; call < callsPerThread; call++)
                {
                    network.Forward(inputs[t], output);
                    if (!output.AsSpan().SequenceEqual(expected[t])) failures.Add($"thread {t}, call {call}: [{string.Join(", ", output)}] != [{string.Join(", ", expected[t])}]");
                    // The batched overload shares the thread's scratch the same way.
                    var batch = network.ForwardBatch(inputs[t].Concat(inputs[(t + 1) % threads]).ToArray(), 2);
                    if (!batch.AsSpan(0, 10).SequenceEqual(expected[t]) || !batch.AsSpan(10, 10).SequenceEqual(expected[(t + 1) % threads]))
                    {
                        failures.Add($"thread {t}, call {call}: batched results differ");
                    }
                }
            }
            catch (Exception e)
            {
                failures.Add($"thread {t}: {e}");
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.True(failures.IsEmpty, string.Join("\n", failures));
    }

    [Fact]
    public void Forward_does_not_depend_on_what_scratch_holds()
    {
        var network = fixture.Network;
        var input = MiniGroupNetFixture.RandomInput(7, InputLength);
        var expected = network.Forward(input);
        var scratch = Enumerable.Repeat(float.NaN, network.Handle.ScratchLength + 13).ToArray();
        var output = Enumerable.Repeat(float.NaN, 10).ToArray();
        network.ForwardWithScratch(input, output, scratch);
        Assert.Equal(expected, output);
    }

    private sealed class FloatArrayComparer : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? x, float[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(float[] obj) => obj.Length == 0 ? 0 : obj[0].GetHashCode();
    }
}
