using System.Reflection;
using GroupNetDsl.Generator.Tests.Networks;
using TeamWork = GroupNetDsl.Kernels.TeamWork;
using WorkerTeam = GroupNetDsl.Kernels.WorkerTeam;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// Layers small enough that the calling thread can finish every part of them before a woken worker starts. Before the
/// first call primed the team, a worker met such a layer, and allocated its buffers for it, only at some later call:
/// 164,800 B in 2,000 calls after 50 warm-up calls on the benchmarks' DW3_384_14 (`--alloc`).
/// </summary>
public sealed class TeamAllocationNetworks() : CompiledNetworks("TeamAllocationNets", [Depthwise, Separable])
{
    /// <summary>The benchmarks' DW3_384_14: 3x3 depthwise, 384 channels at 14x14, threads taking runs of channels.</summary>
    public static readonly NetworkSpec Depthwise = new("SmallDepthwise", new Shape(384, 14, 14),
    [
        ("dw", new ConvUnit(new ConvConfig(384, 384, 3, Padding: 1, Groups: 384, Bias: false), batchNorm: false, Activation.None)),
    ]);

    /// <summary>An inverted residual at 7x7 (MobileNetV2's last blocks): its expansion, then the separable step split by output channels.</summary>
    public static readonly NetworkSpec Separable = new("SmallSeparable", new Shape(160, 7, 7),
    [
        ("expand", new ConvUnit(new ConvConfig(160, 960, 1, Bias: false), batchNorm: true, Activation.Relu6)),
        ("dw", new ConvUnit(new ConvConfig(960, 960, 3, Padding: 1, Groups: 960, Bias: false), batchNorm: true, Activation.Relu6)),
        ("project", new ConvUnit(new ConvConfig(960, 160, 1, Bias: false), batchNorm: true, Activation.None)),
    ]);
}

/// <summary>
/// "0 B per Forward" on a team: after the first call of each kind (one image, a batch), no thread of the team allocates.
/// Each thread's own count is read on that thread (a probe run on the network's team), so the test host's other
/// threads cannot disturb it.
/// </summary>
public sealed class TeamAllocationTests(TeamAllocationNetworks fixture) : IClassFixture<TeamAllocationNetworks>
{
    // A kernel's per-thread buffer is over 32 KB (16 KB clear on each side). With tiered compilation, the runtime's
    // on-stack replacement and profile-guided recompilation allocated up to 9 KB on these threads within the first few
    // hundred calls (none with DOTNET_TieredPGO=0 or DOTNET_TC_OnStackReplacement=0): below this bound.
    private const long RuntimeNoise = 16 * 1024;

    [Theory]
    [InlineData("SmallDepthwise", false)]
    [InlineData("SmallDepthwise", true)]
    [InlineData("SmallSeparable", false)]
    public void No_thread_of_the_team_allocates_after_the_first_call_of_each_kind(string name, bool batchOfOneFirst)
    {
        var spec = new[] { TeamAllocationNetworks.Depthwise, TeamAllocationNetworks.Separable }.Single(s => s.Name == name);
        var random = new Random(name.Length);
        using var network = fixture.Network(name).Load(spec.CreateWeights(random).File.ToBytes(), threads: 2);
        var team = (WorkerTeam?)network.Instance.GetType().GetField("_groupNetTeam", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(network.Instance);
        if (team is null || team.Threads < 2) return;   // one processor: no team to test

        var input = new float[spec.Input.Length];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
        var output = new float[spec.Output.Length];
        var batchInput = input.Concat(input).Concat(input).ToArray();
        var batchOutput = new float[3 * spec.Output.Length];
        // The first one-image call primes the team, through either overload.
        if (batchOfOneFirst) network.Handle.ForwardBatch(network.Instance, input, output, 1);
        else network.Forward(input, output);
        Assert.False(team.BeginPriming());
        network.Handle.ForwardBatch(network.Instance, batchInput, batchOutput, 3);

        // Both probes exist before the first reads, so that the test allocates nothing between the two readings.
        var before = new ThreadAllocations(team.Threads);
        var after = new ThreadAllocations(team.Threads);
        before.Read(team);
        for (int call = 0; call < 300; call++)
        {
            network.Forward(input, output);
            if (call % 10 == 0) network.Handle.ForwardBatch(network.Instance, batchInput, batchOutput, 3);
        }
        after.Read(team);

        var start = before.ByThread();
        var end = after.ByThread();
        Assert.Equal(start.Keys.Order(), end.Keys.Order());
        Assert.All(start, thread => Assert.True(end[thread.Key] - thread.Value < RuntimeNoise,
            $"Thread {thread.Key} allocated {end[thread.Key] - thread.Value} B in 300 calls after the first."));
        Assert.Equal(output, batchOutput.AsSpan(2 * output.Length).ToArray());
    }

    /// <summary>Each team thread's <see cref="GC.GetAllocatedBytesForCurrentThread"/>, read on that thread.</summary>
    private sealed class ThreadAllocations(int threads) : TeamWork
    {
        private readonly int[] _threadIds = new int[threads];
        private readonly long[] _bytes = new long[threads];
        private int _seen;

        /// <summary>Runs the probe on the team: every thread records its count.</summary>
        public void Read(WorkerTeam team)
        {
            Assert.True(team.TryAcquire());
            try
            {
                team.Run(this);
            }
            finally
            {
                team.Release();
            }
            Assert.Equal(team.Threads, _seen);
        }

        public Dictionary<int, long> ByThread() => _threadIds.Zip(_bytes).ToDictionary(pair => pair.First, pair => pair.Second);

        public override void Execute(int part, int parts)
        {
            int id = Environment.CurrentManagedThreadId;
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            lock (_threadIds)
            {
                if (Array.IndexOf(_threadIds, id, 0, _seen) < 0)
                {
                    _threadIds[_seen] = id;
                    _bytes[_seen++] = bytes;
                }
            }
            // Hold this part until every thread has one, so that the caller does not take them all (at most 5 s).
            long deadline = Environment.TickCount64 + 5000;
            while (Volatile.Read(ref _seen) < _threadIds.Length && Environment.TickCount64 < deadline) Thread.SpinWait(100);
        }
    }
}
