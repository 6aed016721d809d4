using System.Diagnostics;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Engines;
using GroupNetDsl.Benchmarks.Suites;

namespace GroupNetDsl.Benchmarks.Probe;

/// <summary>
/// A rough side-by-side timing for development (<c>--quick</c>): ours and ONNX Runtime alternate, and the best of several
/// short rounds is printed. It takes seconds instead of minutes and writes no report; the numbers quoted anywhere come
/// from the BenchmarkDotNet run.
/// </summary>
public static class QuickProbe
{
    /// <summary>
    /// Times every case whose name contains <paramref name="filter"/> at each batch size and thread count, with a busy
    /// thread spinning on one core throughout when <paramref name="contention"/> is set.
    /// </summary>
    public static void Run(string filter, int[] batches, int[] threadCounts, bool contention)
    {
        using var busyCore = contention ? BusyCore.Start() : null;
        if (contention) Console.WriteLine("A busy thread spins on one core throughout.");
        Console.WriteLine($"{"case",-16} {"batch",5} {"thr",3} {"ours µs",10} {"ORT µs",10} {"ORT/ours",8} {"ours GMAC/s",11}");
        foreach (NetworkCase network in NetworkCatalog.All.Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            if (NetworkCatalog.Skipped(network) is string skipped)
            {
                Console.WriteLine(skipped);
                continue;
            }
            foreach (int batch in batches)
            {
                foreach (int threads in threadCounts)
                {
                    float[] input = RandomInput.Create(batch * network.InputLength);
                    float[] ours = new float[batch * network.OutputLength], theirs = new float[batch * network.OutputLength];
                    // One engine at a time: ONNX Runtime's pool keeps spinning after a run and would steal our cores.
                    BatchForward forward = network.Load(threads);
                    double oursBest = Best(() => forward(input, ours, batch));
                    double ortBest;
                    using (var ort = new OnnxRuntimeEngine(network.OnnxPath, threads, [batch, network.InputChannels, network.InputHeight, network.InputWidth], input, theirs))
                    {
                        ortBest = Best(ort.Run);
                    }
                    Agreement.Check(network.Name, theirs, ours);
                    double gmacs = network.MultiplyAccumulates * batch / (oursBest * 1e3);
                    Console.WriteLine($"{network.Name,-16} {batch,5} {threads,3} {oursBest,10:F1} {ortBest,10:F1} {ortBest / oursBest,8:F2} {gmacs,11:F1}");
                }
            }
        }
    }

    private static double Best(Action action)
    {
        action();
        double best = double.MaxValue;
        for (int round = 0; round < 7; round++) best = Math.Min(best, Time(action));
        return best;
    }

    // Mean microseconds per call over about 40 ms.
    private static double Time(Action action) => CallTimer.MeanMicroseconds(action, Stopwatch.Frequency / 25);
}
