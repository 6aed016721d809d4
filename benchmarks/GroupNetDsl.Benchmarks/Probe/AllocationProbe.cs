using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Suites;

namespace GroupNetDsl.Benchmarks.Probe;

/// <summary>
/// Bytes the whole process allocates while each case's Forward runs 2,000 times, or as often as asked (<c>--alloc</c>), counted exactly
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>). BenchmarkDotNet's memory diagnoser counts the same way over its
/// measured iterations, so this shows whether a few bytes on one of its rows come from Forward or from elsewhere in
/// the process (run it again with <c>DOTNET_TieredCompilation=0</c> to leave out the runtime's tier-up work).
/// </summary>
public static class AllocationProbe
{
    /// <summary>Prints the bytes per case (those whose names contain <paramref name="filter"/>), batch 1 and 8, on 1 and 2 threads.</summary>
    /// <param name="filter">Part of the cases' names.</param>
    /// <param name="calls">Timed Forward calls per configuration (fewer for the large networks, whose 2,000 calls take minutes).</param>
    public static void Run(string filter, int calls = 2000)
    {
        foreach (NetworkCase network in NetworkCatalog.All)
        {
            if (!network.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            if (NetworkCatalog.Skipped(network) is string skipped)
            {
                Console.WriteLine(skipped);
                continue;
            }
            foreach (int batch in new[] { 1, 8 })
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    var forward = network.Load(threads);
                    float[] input = RandomInput.Create(batch * network.InputLength), output = new float[batch * network.OutputLength];
                    Calls(forward, input, output, batch, 50);
                    long before = GC.GetTotalAllocatedBytes(precise: true);
                    long callerBefore = GC.GetAllocatedBytesForCurrentThread();
                    Calls(forward, input, output, batch, calls);
                    long callerAllocated = GC.GetAllocatedBytesForCurrentThread() - callerBefore;
                    long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                    // With one thread only the caller runs Forward, so bytes in the process but not on the caller came from
                    // other threads of the runtime (tier-up compilation: 0 B with DOTNET_TieredCompilation=0).
                    Console.WriteLine($"{network.Name,-16} batch {batch} threads {threads}: {allocated} B in {calls:N0} calls, {callerAllocated} B of them on the calling thread");
                }
            }
        }
    }

    // Compiled optimized at once: a loop in code that tiered compilation replaces on the stack while it runs allocated
    // 24 B on the calling thread, once, in some configurations (0 B with DOTNET_TieredCompilation=0).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Calls(BatchForward forward, float[] input, float[] output, int batch, int calls)
    {
        for (int i = 0; i < calls; i++) forward(input, output, batch);
    }
}
