using System.Globalization;
using System.Text;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Engines;
using GroupNetDsl.Benchmarks.Suites;

namespace GroupNetDsl.Benchmarks.Report;

/// <summary>
/// Writes docs/benchmarks.md from the results: the command, the machine, the tables and a chart, then the hand-written
/// benchmarks/ANALYSIS.md (how to read the tables, the targets, where the time goes).
/// </summary>
public static partial class MarkdownReport
{
    /// <summary>The command that runs every suite and rewrites the report.</summary>
    public const string Command = "dotnet run -c Release --project benchmarks/GroupNetDsl.Benchmarks";

    /// <summary>
    /// Issue 5's assumed peak of one core, in GMAC/s (2 FMA units x 8 fp32 lanes of AVX2 x about 3.1 GHz): behind "% peak"
    /// only when the run did not measure the FMA loop (a filtered run).
    /// </summary>
    public const double AssumedPeakGmacPerCore = 50.0;

    private const string OursMethod = "Ours";
    private const string OnnxRuntimeMethod = "OnnxRuntime";
    private const string NaiveMethod = "Naive";
    private static readonly int[] Batches = [1, 8];
    private static readonly int[] ThreadCounts = [1, 2];
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The whole page.</summary>
    public static string Write(BenchmarkResults results, MachineInfo machine, RunInfo? run, IReadOnlyList<Probe.PairedResult> paired)
    {
        var page = new StringBuilder();
        page.AppendLine("# Benchmarks");
        page.AppendLine();
        page.AppendLine(Invariant, $"> **Results of {machine.Date:yyyy-MM-dd}, kernels as of commit {machine.KernelsCommit}.** Written by `benchmarks/GroupNetDsl.Benchmarks`");
        page.AppendLine("> from BenchmarkDotNet's JSON results by the command below; do not edit by hand.");
        page.AppendLine();
        // Only the load before the run tells of other processes: the benchmark's own threads (two in the 2-thread rows)
        // raise the load average that is read after it.
        if (run?.LoadBefore > 0.5 * machine.LogicalCores)
        {
            page.AppendLine(Invariant, $"> **Warning: the machine was busy when this run began** (1-minute load average {Format(run!.LoadBefore, "0.0")} on {machine.LogicalCores} cores).");
            page.AppendLine();
        }
        if (run is not null && (Shared(run.CoresBefore) || Shared(run.CoresAfter)))
        {
            page.AppendLine(Invariant, $"> **Warning: two threads did not get two cores** ({Scaling(run.CoresBefore)} before the run, {Scaling(run.CoresAfter)} after it).");
            page.AppendLine();
        }
        page.AppendLine("## Reproduce");
        page.AppendLine();
        page.AppendLine("```bash");
        page.AppendLine(Command);
        page.AppendLine("```");
        page.AppendLine();
        if (run is not null)
        {
            // A filtered run rewrites only its suites' results; the others' rows are from their own last runs.
            if (run.Arguments == "--filter *")
            {
                page.AppendLine(Invariant, $"The run below took {(run.Ended - run.Started).TotalMinutes:0} minutes for {results.Measurements.Count} cases.");
            }
            else
            {
                page.AppendLine(Invariant, $"The last run (arguments `{run.Arguments}`) took {(run.Ended - run.Started).TotalMinutes:0} minutes; the machine table and the warnings describe it. Rows of suites it did not run come from their own last runs (dates in benchmarks/ANALYSIS.md).");
            }
            page.AppendLine();
        }
        WriteMachine(page, machine, run);
        var peak = Peak.Of(results, machine);
        WritePeak(page, results, peak);

        page.AppendLine("## Seed networks");
        page.AppendLine();
        WriteComparisonTable(page, results, NetworkCatalog.SeedNetworks, peak);
        WriteNaiveTable(page, results);
        page.AppendLine("## Layer suite");
        page.AppendLine();
        WriteUnmeasuredLayers(page, results);
        WriteComparisonTable(page, results, NetworkCatalog.Layers, peak);
        WriteTorchvision(page, results, peak);
        WritePaired(page, paired);
        WriteThreadingTable(page, results);

        page.AppendLine("## Chart");
        page.AppendLine();
        WriteChart(page, results, batch: 1, threads: 1, peak);
        WriteChart(page, results, batch: 8, threads: 2, peak);

        WriteAnalysis(page);

        if (results.Failed.Count > 0)
        {
            page.AppendLine("## Cases without a result");
            page.AppendLine();
            foreach (string failed in results.Failed) page.AppendLine(Invariant, $"- `{failed}`: see the BenchmarkDotNet log in `benchmarks/GroupNetDsl.Benchmarks/BenchmarkDotNet.Artifacts/`.");
            page.AppendLine();
        }
        return page.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";
    }

    private static bool Shared(Probe.CoreCheck? check) => check is not null && check.Scaling < Probe.CoreCheck.TwoCores;

    private static string Scaling(Probe.CoreCheck? check) => check is null ? "not measured" : check.Scaling.ToString("0.00x", CultureInfo.InvariantCulture);

    private static void WriteMachine(StringBuilder page, MachineInfo machine, RunInfo? run)
    {
        page.AppendLine("## Machine");
        page.AppendLine();
        page.AppendLine("| | |");
        page.AppendLine("| --- | --- |");
        page.AppendLine(Invariant, $"| CPU (`lscpu` model name) | {machine.Processor} |");
        page.AppendLine(Invariant, $"| cores | {machine.LogicalCores} |");
        page.AppendLine(Invariant, $"| instruction sets (.NET) | {machine.HardwareIntrinsics} |");
        page.AppendLine(Invariant, $"| OS | {machine.OperatingSystem} |");
        page.AppendLine(Invariant, $"| .NET | {machine.Runtime} |");
        page.AppendLine(Invariant, $"| ONNX Runtime | {machine.OnnxRuntimeVersion} (Microsoft.ML.OnnxRuntime package) |");
        page.AppendLine(Invariant, $"| BenchmarkDotNet | {machine.BenchmarkDotNetVersion} |");
        if (run is not null)
        {
            page.AppendLine(Invariant, $"| run | {run.Started:yyyy-MM-dd HH:mm} to {run.Ended:HH:mm} UTC, arguments `{run.Arguments}` |");
            page.AppendLine(Invariant, $"| 1-minute load average before / after | {Format(run.LoadBefore, "0.00")} / {Format(run.LoadAfter, "0.00")} |");
            page.AppendLine(Invariant, $"| two threads at once, FMA loop, before / after | {Scaling(run.CoresBefore)} / {Scaling(run.CoresAfter)} of one thread's throughput |");
        }
        page.AppendLine();
    }

    /// <summary>
    /// The peak behind "% peak", per core: the measured FMA loop at the vector width the kernels use (512-bit where the
    /// machine has AVX-512, else 256-bit), or issue 5's assumption when the run did not measure it.
    /// </summary>
    private sealed record Peak(double GmacPerCore, string Source)
    {
        public static Peak Of(BenchmarkResults results, MachineInfo machine)
        {
            bool wide = machine.HardwareIntrinsics.Contains("AVX512", StringComparison.Ordinal);
            Measurement? loop = results.Find(wide ? "Vector512Fma" : "Vector256Fma", "", 1, 1);
            long macs = wide ? FmaPeakBenchmarks.Vector512MultiplyAccumulates : FmaPeakBenchmarks.Vector256MultiplyAccumulates;
            return loop is null
                ? new Peak(AssumedPeakGmacPerCore, "issue 5's assumed peak (the FMA loop was not measured in this run)")
                : new Peak(macs / loop.MeanNanoseconds, $"the measured {(wide ? 512 : 256)}-bit FMA loop below, the width the kernels use here");
        }
    }

    private static void WritePeak(StringBuilder page, BenchmarkResults results, Peak peak)
    {
        Measurement? v256 = results.Find("Vector256Fma", "", 1, 1);
        Measurement? v512 = results.Find("Vector512Fma", "", 1, 1);
        if (v256 is null && v512 is null) return;
        page.AppendLine("## Measured FMA peak (one core)");
        page.AppendLine();
        page.AppendLine("`FmaPeakBenchmarks`: 12 independent accumulators, nothing but fp32 fused multiply-adds in registers.");
        page.AppendLine(Invariant, $"\"% peak\" in the tables below is relative to {Format(peak.GmacPerCore, "0.0")} GMAC/s per core, {peak.Source}, times the threads the engine used.");
        page.AppendLine();
        page.AppendLine("| loop | GMAC/s |");
        page.AppendLine("| --- | ---: |");
        foreach (var (name, m, macs) in new[] { ("256-bit (`Vector256.FusedMultiplyAdd`)", v256, FmaPeakBenchmarks.Vector256MultiplyAccumulates), ("512-bit (`Vector512.FusedMultiplyAdd`)", v512, FmaPeakBenchmarks.Vector512MultiplyAccumulates) })
        {
            double? gmacs = m is null ? null : macs / m.MeanNanoseconds;
            page.AppendLine(Invariant, $"| {name} | {Format(gmacs, "0.0")} |");
        }
        page.AppendLine();
    }

    private static void WriteComparisonTable(StringBuilder page, BenchmarkResults results, IReadOnlyList<NetworkCase> cases, Peak peak)
    {
        page.AppendLine("| network | batch | threads | ours | ours GMAC/s | ours % peak | ORT | ORT GMAC/s | ORT % peak | ORT/ours | ours B/op | ORT B/op |");
        page.AppendLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (NetworkCase network in cases)
        {
            foreach (int batch in Batches)
            {
                foreach (int threads in ThreadCounts)
                {
                    Measurement? ours = results.Find(OursMethod, network.Name, batch, threads);
                    Measurement? onnx = results.Find(OnnxRuntimeMethod, network.Name, batch, threads);
                    if (ours is null && onnx is null) continue;
                    int oursThreads = GeneratedThreads.Effective(threads);
                    string threadText = oursThreads == threads ? threads.ToString(Invariant) : $"{threads} (ours: {oursThreads} thread)";
                    page.AppendLine(Invariant,
                        $"| {network.Name} | {batch} | {threadText} | {Time(ours)} | {Gmacs(network, ours)} | {PercentOfPeak(network, ours, oursThreads, peak)} | {Time(onnx)} | {Gmacs(network, onnx)} | {PercentOfPeak(network, onnx, threads, peak)} | {Ratio(onnx, ours)} | {Bytes(ours)} | {Bytes(onnx)} |");
                }
            }
        }
        page.AppendLine();
        page.AppendLine("| network | what | MACs per image |");
        page.AppendLine("| --- | --- | ---: |");
        foreach (NetworkCase network in cases) page.AppendLine(Invariant, $"| {network.Name} | {network.Description} | {network.MultiplyAccumulates:N0} |");
        page.AppendLine();
    }

    private static void WriteThreadingTable(StringBuilder page, BenchmarkResults results)
    {
        const string suite = nameof(ThreadingBenchmarks);
        if (!results.Measurements.Any(m => m.Suite == suite)) return;
        int cores = Environment.ProcessorCount, oversubscribed = ThreadingBenchmarks.Oversubscribed;
        page.AppendLine("## Threads under load");
        page.AppendLine();
        page.AppendLine(Invariant, $"`ThreadingBenchmarks`: {ThreadingBenchmarks.NetworkName} at batch 1 with 1, 2 and {oversubscribed} threads ({oversubscribed} = 2 x the {cores} cores: oversubscribed),");
        page.AppendLine("on a quiet machine and with a busy thread spinning on one core during the run (contention). \"ours / 1 thread\" is ours");
        page.AppendLine("against ours on 1 thread under the same load. Targets (issue 16): oversubscribed, at most 1.5x the 1-thread time;");
        page.AppendLine("under contention, ours on 2 threads no slower than ONNX Runtime on 2 threads (ORT/ours at least 1).");
        page.AppendLine();
        page.AppendLine("| load | threads | ours | ours / 1 thread | ORT | ORT / 1 thread | ORT/ours | ours B/op |");
        page.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (bool contention in new[] { false, true })
        {
            Measurement? oursAlone = results.Find(suite, OursMethod, 1, contention);
            Measurement? onnxAlone = results.Find(suite, OnnxRuntimeMethod, 1, contention);
            foreach (int threads in ThreadingBenchmarks.ThreadCounts)
            {
                Measurement? ours = results.Find(suite, OursMethod, threads, contention);
                Measurement? onnx = results.Find(suite, OnnxRuntimeMethod, threads, contention);
                if (ours is null && onnx is null) continue;
                string load = contention ? "one core busy" : "quiet";
                string threadText = threads == oversubscribed ? $"{threads} (2 x cores)" : threads.ToString(Invariant);
                page.AppendLine(Invariant,
                    $"| {load} | {threadText} | {Time(ours)} | {Ratio(ours, oursAlone)} | {Time(onnx)} | {Ratio(onnx, onnxAlone)} | {Ratio(onnx, ours)} | {Bytes(ours)} |");
            }
        }
        page.AppendLine();
    }

    private static void WriteNaiveTable(StringBuilder page, BenchmarkResults results)
    {
        page.AppendLine("Naive reference (nested loops in double, batchnorm unfolded; batch 1, one thread):");
        page.AppendLine();
        page.AppendLine("| network | naive | naive GMAC/s | ours (batch 1, 1 thread) | naive/ours | naive B/op |");
        page.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (NetworkCase network in NetworkCatalog.SeedNetworks)
        {
            Measurement? naive = results.Find(NaiveMethod, network.Name, 1, 1);
            Measurement? ours = results.Find(OursMethod, network.Name, 1, 1);
            if (naive is null) continue;
            page.AppendLine(Invariant, $"| {network.Name} | {Time(naive)} | {Gmacs(network, naive)} | {Time(ours)} | {Ratio(naive, ours)} | {Bytes(naive)} |");
        }
        page.AppendLine();
    }

    private static void WriteChart(StringBuilder page, BenchmarkResults results, int batch, int threads, Peak peak)
    {
        const int width = 50;
        var rows = new List<(string Label, string Engine, double? Gmacs)>();
        foreach (NetworkCase network in NetworkCatalog.All)
        {
            Measurement? ours = results.Find(OursMethod, network.Name, batch, threads);
            Measurement? onnx = results.Find(OnnxRuntimeMethod, network.Name, batch, threads);
            if (ours is null && onnx is null) continue;
            rows.Add((network.Name, "ours", GmacsValue(network, ours)));
            rows.Add(("", "ORT", GmacsValue(network, onnx)));
        }
        if (rows.Count == 0) return;
        int oursThreads = GeneratedThreads.Effective(threads);
        string oursNote = oursThreads == threads ? "" : $", ours on {oursThreads} thread";
        double scale = Math.Max(rows.Max(r => r.Gmacs ?? 0), peak.GmacPerCore * threads);
        int labelWidth = rows.Max(r => r.Label.Length);
        page.AppendLine(Invariant, $"GMAC/s at batch {batch}, {threads} thread{(threads == 1 ? "" : "s")}{oursNote} (`|` marks the peak, {peak.GmacPerCore * threads:0} GMAC/s; `#` ours, `=` ORT):");
        page.AppendLine();
        page.AppendLine("```text");
        int peakColumn = (int)Math.Round(peak.GmacPerCore * threads / scale * width);
        foreach (var (label, engine, gmacs) in rows)
        {
            int length = gmacs is null ? 0 : (int)Math.Round(gmacs.Value / scale * width);
            var bar = new StringBuilder(new string(engine == "ours" ? '#' : '=', length).PadRight(width + 1));
            if (bar[peakColumn] == ' ') bar[peakColumn] = '|';
            string value = gmacs is null ? "n/a" : gmacs.Value.ToString("0.0", Invariant);
            page.AppendLine(Invariant, $"{label.PadRight(labelWidth)}  {engine,-4} {bar} {value}");
        }
        page.AppendLine("```");
        page.AppendLine();
    }

    /// <summary>The hand-written benchmarks/ANALYSIS.md, as it is.</summary>
    private static void WriteAnalysis(StringBuilder page)
    {
        string? root = RepositoryPaths.FindRoot();
        string path = root is null ? "" : Path.Combine(root, "benchmarks", "ANALYSIS.md");
        if (!File.Exists(path)) return;
        page.AppendLine(File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd());
        page.AppendLine();
    }

    private static string Time(Measurement? m) => m is null ? "n/a" : Time(m.MeanNanoseconds / 1000);

    private static string Time(double microseconds) =>
        microseconds >= 10_000
            ? (microseconds / 1000).ToString("N1", Invariant) + " ms"
            : microseconds.ToString(microseconds >= 100 ? "N0" : "N1", Invariant) + " µs";

    private static double? GmacsValue(NetworkCase network, Measurement? m) =>
        m is null ? null : network.MultiplyAccumulates * (double)m.Batch / m.MeanNanoseconds;

    private static string Gmacs(NetworkCase network, Measurement? m) =>
        GmacsValue(network, m) is double value && value < 1 ? Format(value, "0.00") : Format(GmacsValue(network, m), "0.0");

    private static string PercentOfPeak(NetworkCase network, Measurement? m, int threads, Peak peak) =>
        Format(GmacsValue(network, m) / (peak.GmacPerCore * threads) * 100, "0") + (m is null ? "" : "%");

    private static double? RatioValue(Measurement? numerator, Measurement? denominator) =>
        numerator is null || denominator is null ? null : numerator.MeanNanoseconds / denominator.MeanNanoseconds;

    private static string Ratio(Measurement? numerator, Measurement? denominator) =>
        Format(RatioValue(numerator, denominator), RatioValue(numerator, denominator) >= 10 ? "0" : "0.00");

    private static string Bytes(Measurement? m) => m?.AllocatedBytes is long bytes ? bytes.ToString("N0", Invariant) : "n/a";

    private static string Format(double? value, string format) => value is null ? "n/a" : value.Value.ToString(format, Invariant);
}
