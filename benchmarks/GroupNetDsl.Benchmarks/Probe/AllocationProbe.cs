using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Suites;

namespace GroupNetDsl.Benchmarks.Probe;

/// <summary>
/// Bytes the whole process allocates while each case's Forward runs 2,000 times (<c>--alloc</c>), counted exactly
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>). BenchmarkDotNet's memory diagnoser counts the same way over its
/// measured iterations, so this shows whether a few bytes on one of its rows come from Forward or from elsewhere in
/// the process (run it again with <c>DOTNET_TieredCompilation=0</c> to leave out the runtime's tier-up work).
/// </summary>
public static class AllocationProbe
{
    /// <summary>Prints the bytes per case (those whose names contain <paramref name="filter"/>), batch 1 and 8, on 1 and 2 threads.</summary>
    public static void Run(string filter)
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
                    for (int i = 0; i < 50; i++) forward(input, output, batch);
                    long before = GC.GetTotalAllocatedBytes(precise: true);
                    for (int i = 0; i < 2000; i++) forward(input, output, batch);
                    long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                    Console.WriteLine($"{network.Name,-16} batch {batch} threads {threads}: {allocated} B in 2,000 calls");
                }
            }
        }
    }
}
