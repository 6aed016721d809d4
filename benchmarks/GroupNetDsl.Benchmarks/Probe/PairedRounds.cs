using System.Diagnostics;
using System.Text.Json;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Engines;
using GroupNetDsl.Benchmarks.Suites;

namespace GroupNetDsl.Benchmarks.Probe;

/// <summary>
/// One network's ORT/ours from <see cref="PairedRounds"/>: the median of the rounds' ratios and the lowest and highest.
/// </summary>
/// <param name="Network">The case's name.</param>
/// <param name="Threads">Threads given to both engines.</param>
/// <param name="Rounds">Rounds measured.</param>
/// <param name="OursMicroseconds">Ours per image, the median of the rounds.</param>
/// <param name="OrtMicroseconds">ONNX Runtime per image, the median of the rounds.</param>
/// <param name="Ratio">The median of the rounds' ORT/ours.</param>
/// <param name="LowestRatio">The lowest round's ORT/ours.</param>
/// <param name="HighestRatio">The highest round's ORT/ours.</param>
public sealed record PairedResult(string Network, int Threads, int Rounds, double OursMicroseconds, double OrtMicroseconds, double Ratio, double LowestRatio, double HighestRatio);

/// <summary>
/// ORT/ours measured in alternating rounds in one process, batch 1. On a shared host the load changes from minute to
/// minute, and BenchmarkDotNet runs its cases one after another, minutes apart: a ratio of two of its means can compare
/// one engine on a quiet host with the other on a busy one (MobileNetV2's 1-thread ratio was 1.07, 1.27 and 0.82 in
/// three runs of session 30). Here each round times both engines back to back, a fraction of a second each, so the
/// two numbers of a round share the host's state; the median of the rounds' ratios is the comparison, and their
/// spread shows how much the host moved it.
/// </summary>
public static class PairedRounds
{
    /// <summary>Rounds per network and thread count in the full run.</summary>
    public const int DefaultRounds = 11;

    private const string FileName = "paired-rounds.json";

    /// <summary>The cases the ratio targets are set on: the seed networks, torchvision's, and the layer cliffs.</summary>
    public static IReadOnlyList<NetworkCase> Networks { get; } = [.. NetworkCatalog.SeedNetworks, .. TorchvisionNetworks.Benchmarked, .. NetworkCatalog.TargetLayers];

    // Each engine's share of a round: at least this long, and at least MinimumCalls calls.
    private static readonly long SegmentTicks = Stopwatch.Frequency / 10; // 100 ms
    private const int MinimumCalls = 3;

    // Between the two engines' shares: long enough for both teams' idle threads to stop spinning (ours spin 200 µs,
    // ONNX Runtime's a few milliseconds), so that neither engine's share begins with the other's threads on a core.
    private const int PauseMilliseconds = 30;

    /// <summary>Measures every case whose name contains <paramref name="filter"/> and whose files exist, printing each line.</summary>
    public static IReadOnlyList<PairedResult> Run(IEnumerable<NetworkCase> cases, string filter, int[] threadCounts, int rounds)
    {
        var results = new List<PairedResult>();
        Console.WriteLine($"{"case",-28} {"thr",3} {"rounds",6} {"ours µs",10} {"ORT µs",10} {"ORT/ours",8} {"lowest",7} {"highest",7}");
        foreach (NetworkCase network in cases.Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            if (NetworkCatalog.Skipped(network) is string skipped)
            {
                Console.WriteLine(skipped);
                continue;
            }
            foreach (int threads in threadCounts)
            {
                var result = Measure(network, threads, rounds);
                results.Add(result);
                Console.WriteLine($"{network.Name,-28} {threads,3} {rounds,6} {result.OursMicroseconds,10:F1} {result.OrtMicroseconds,10:F1} {result.Ratio,8:F2} {result.LowestRatio,7:F2} {result.HighestRatio,7:F2}");
            }
        }
        return results;
    }

    private static PairedResult Measure(NetworkCase network, int threads, int rounds)
    {
        float[] input = RandomInput.Create(network.InputLength);
        float[] ours = new float[network.OutputLength], theirs = new float[network.OutputLength];
        BatchForward forward = network.Load(threads);
        using var ort = new OnnxRuntimeEngine(network.OnnxPath, threads, [1, network.InputChannels, network.InputHeight, network.InputWidth], input, theirs);
        Action oursRun = () => forward(input, ours, 1);
        Action ortRun = ort.Run;
        var oursTimes = new double[rounds];
        var ortTimes = new double[rounds];
        var ratios = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            // The engines take turns going first, so that neither always follows the other.
            if (round % 2 == 0)
            {
                oursTimes[round] = Segment(oursRun);
                ortTimes[round] = Segment(ortRun);
            }
            else
            {
                ortTimes[round] = Segment(ortRun);
                oursTimes[round] = Segment(oursRun);
            }
            ratios[round] = ortTimes[round] / oursTimes[round];
        }
        Agreement.Check(network.Name, theirs, ours);
        return new PairedResult(network.Name, threads, rounds, CallTimer.Median(oursTimes), CallTimer.Median(ortTimes), CallTimer.Median(ratios), ratios.Min(), ratios.Max());
    }

    // Mean microseconds per call over one engine's share of a round, after a pause and a call that is not timed.
    private static double Segment(Action run)
    {
        Thread.Sleep(PauseMilliseconds);
        run();
        return CallTimer.MeanMicroseconds(run, SegmentTicks, MinimumCalls);
    }

    /// <summary>Writes the results into the results folder, beside BenchmarkDotNet's.</summary>
    public static void Save(string resultsDirectory, IReadOnlyList<PairedResult> results)
    {
        Directory.CreateDirectory(resultsDirectory);
        File.WriteAllText(Path.Combine(resultsDirectory, FileName), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The results of the last full run, or none.</summary>
    public static IReadOnlyList<PairedResult> Load(string resultsDirectory)
    {
        string path = Path.Combine(resultsDirectory, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<List<PairedResult>>(File.ReadAllText(path)) ?? [] : [];
    }
}
