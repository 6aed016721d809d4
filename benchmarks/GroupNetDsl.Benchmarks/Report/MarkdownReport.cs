using System.Globalization;
using System.Text;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Engines;
using GroupNetDsl.Benchmarks.Suites;

namespace GroupNetDsl.Benchmarks.Report;

/// <summary>Writes docs/benchmarks.md from the results: tables, a chart, the issue's targets, the command and the machine.</summary>
public static class MarkdownReport
{
    /// <summary>The command that runs every suite and rewrites the report.</summary>
    public const string Command = "dotnet run -c Release --project benchmarks/GroupNetDsl.Benchmarks";

    /// <summary>
    /// The assumed peak of one core in multiply-accumulates per second: 2 FMA units x 8 fp32 lanes (AVX2) x ~3.1 GHz,
    /// i.e. 100 GFLOP/s, as issue 5 states it for this kind of machine.
    /// </summary>
    public const double PeakGmacPerCore = 50.0;

    private const string OursMethod = "Ours";
    private const string OnnxRuntimeMethod = "OnnxRuntime";
    private const string NaiveMethod = "Naive";
    private static readonly int[] Batches = [1, 8];
    private static readonly int[] ThreadCounts = [1, 2];
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The whole page.</summary>
    public static string Write(BenchmarkResults results, MachineInfo machine, RunInfo? run)
    {
        var page = new StringBuilder();
        page.AppendLine("# Benchmarks");
        page.AppendLine();
        page.AppendLine(Invariant, $"> **Results of {machine.Date:yyyy-MM-dd}, kernels as of commit {machine.KernelsCommit}.** They are rewritten by every run of the");
        page.AppendLine("> command below; re-run it after changing the kernels (issue 5). Written by `benchmarks/GroupNetDsl.Benchmarks` from");
        page.AppendLine("> BenchmarkDotNet's JSON results; do not edit by hand.");
        page.AppendLine();
        // Only the load before the run tells of other processes: the benchmark's own threads (two in the 2-thread rows)
        // raise the load average that is read after it.
        if (run?.LoadBefore > 0.5 * machine.LogicalCores)
        {
            page.AppendLine(Invariant, $"> **Warning: the machine was busy when this run began** (1-minute load average {Format(run!.LoadBefore, "0.0")} on");
            page.AppendLine(Invariant, $"> {machine.LogicalCores} cores): other processes competed for the cores, so every time is slower");
            page.AppendLine("> and noisier than on a quiet machine, the 2-thread rows most. Read these numbers as a check that the benchmark");
            page.AppendLine("> runs, not as the kernels' speed; re-run on a quiet machine before drawing conclusions.");
            page.AppendLine();
        }
        if (run is not null && (Shared(run.CoresBefore) || Shared(run.CoresAfter)))
        {
            page.AppendLine(Invariant, $"> **Warning: two threads did not get two cores** (an FMA loop on two threads at once made {Scaling(run.CoresBefore)} before");
            page.AppendLine(Invariant, $"> the run and {Scaling(run.CoresAfter)} after it of one thread's throughput, against about 2 on two real cores): the host ran the");
            page.AppendLine("> two vCPUs on less than two cores for at least part of the run, so the 2-thread rows measure that, for both engines.");
            page.AppendLine("> Re-run when `-- --cores` reports two cores (`--wait-for-cores <minutes>` waits for it).");
            page.AppendLine();
        }
        page.AppendLine("The generated code (\"ours\") against ONNX Runtime (\"ORT\") on the same networks, weights and input, side by side in");
        page.AppendLine("one BenchmarkDotNet run, plus the naive nested-loop reference on the seed networks. The weights (`.safetensors`)");
        page.AppendLine("and the ONNX files are exported from the same PyTorch modules by `tests/reference/export.py` and");
        page.AppendLine("`tests/reference/export_layers.py`; before timing, each case checks that ours and ORT (and the naive reference)");
        page.AppendLine("give the same output.");
        page.AppendLine();
        page.AppendLine("## Reproduce");
        page.AppendLine();
        page.AppendLine("```bash");
        page.AppendLine(Command);
        page.AppendLine("```");
        page.AppendLine();
        string duration = run is null ? "" : $"The run below took {(run.Ended - run.Started).TotalMinutes:0} minutes for {results.Measurements.Count} cases. ";
        page.AppendLine(Invariant, $"{duration}`-- --report-only` rewrites this page from the last results without running;");
        page.AppendLine("see [benchmarks/README.md](../benchmarks/README.md).");
        page.AppendLine();
        WriteMachine(page, machine, run);
        WriteMethod(page);
        WritePeak(page, results);

        page.AppendLine("## Seed networks");
        page.AppendLine();
        WriteComparisonTable(page, results, NetworkCatalog.SeedNetworks);
        WriteNaiveTable(page, results);
        page.AppendLine("## Layer suite");
        page.AppendLine();
        WriteComparisonTable(page, results, NetworkCatalog.Layers);

        page.AppendLine("## Chart");
        page.AppendLine();
        WriteChart(page, results, batch: 1, threads: 1);
        WriteChart(page, results, batch: 8, threads: 2);

        WriteTargets(page, results);
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
            page.AppendLine(Invariant, $"| 1-minute load average before / after | {Format(run.LoadBefore, "0.00")} / {Format(run.LoadAfter, "0.00")} (before: above ~0.3 something else was running, and numbers are slower and noisier; after: raised by the benchmark's own threads) |");
            page.AppendLine(Invariant, $"| two threads at once, FMA loop, before / after | {Scaling(run.CoresBefore)} / {Scaling(run.CoresAfter)} of one thread's throughput (about 2 when the two vCPUs are two cores; this VM's host at times runs them on one) |");
        }
        page.AppendLine();
    }

    private static void WriteMethod(StringBuilder page)
    {
        page.AppendLine("## How to read it");
        page.AppendLine();
        page.AppendLine(Invariant, $"- **Peak** (an assumption, not a measurement): {PeakGmacPerCore:0} GMAC/s per core, i.e. 100 GFLOP/s fp32 (2 FMA units x 8 lanes");
        page.AppendLine("  of AVX2 at about 3.1 GHz), as issue 5 states it for this kind of machine (2 cores, AVX2 + FMA). \"% peak\" is relative to");
        page.AppendLine("  that per-core figure times the threads the engine really used. This CPU also has AVX-512 (see the instruction");
        page.AppendLine("  sets above), which both ONNX Runtime's kernels and ours (`Vector512` where it is accelerated) use: the measured");
        page.AppendLine("  FMA peak below shows what one core sustains at 256 and at 512 bits, so a figure above 100% is possible.");
        page.AppendLine("- **GMAC/s** = the generated class's `MultiplyAccumulates` constant (per image) x batch / mean time. Both engines are");
        page.AppendLine("  credited with the same MACs (convolutions and linear layers, as PyTorch-style counters count them).");
        page.AppendLine("- **ORT/ours** = ORT's mean time / ours: above 1.0 the generated code is faster.");
        page.AppendLine("- **B/op** = bytes allocated on the managed heap per call (BenchmarkDotNet's memory diagnoser). ORT's native allocations");
        page.AppendLine("  are not visible to it; ORT runs with its input and output bound once through `OrtIoBinding` to pinned arrays.");
        page.AppendLine("- **ORT settings**: `IntraOpNumThreads` = threads, `InterOpNumThreads` = 1, sequential execution, `GraphOptimizationLevel`");
        page.AppendLine("  `ORT_ENABLE_ALL`, CPU execution provider, default (spinning) thread pool.");
        page.AppendLine("- **Threads**: " + (GeneratedThreads.Supported
            ? "the generated code ran with the same thread count as ORT."
            : "the generated classes have no thread option yet, so ours ran on one thread in every row; rows asking for 2 threads say \"ours: 1 thread\" (ORT used 2)."));
        page.AppendLine("- **Processes**: each row runs in its own process (BenchmarkDotNet's default). Both engines run once there to check");
        page.AppendLine("  that they agree; before ours is timed, the ONNX Runtime session is closed, since its pool's spinning threads took");
        page.AppendLine("  our second core (before ORT is timed, our threads have long stopped spinning: they block 2 ms after their last work).");
        page.AppendLine("- **Job**: one launch, 3 warmup and 5 measured iterations of about 250 ms each (a short job, so means can move by a few");
        page.AppendLine("  percent between runs). Times are means; the input is uniform random in [-1, 1). Tiered compilation is off");
        page.AppendLine("  (`DOTNET_TieredCompilation=0`) in the benchmark processes: with it on, the runtime's background recompilation");
        page.AppendLine("  allocated a few bytes during some rows' memory measurement, which the diagnoser counts against the row (the");
        page.AppendLine("  kernels are compiled fully optimized either way; ONNX Runtime is native code).");
        page.AppendLine();
    }

    private static void WritePeak(StringBuilder page, BenchmarkResults results)
    {
        Measurement? v256 = results.Find("Vector256Fma", "", 1, 1);
        Measurement? v512 = results.Find("Vector512Fma", "", 1, 1);
        if (v256 is null && v512 is null) return;
        page.AppendLine("## Measured FMA peak (one core)");
        page.AppendLine();
        page.AppendLine("`FmaPeakBenchmarks`: 12 independent accumulators, nothing but fp32 fused multiply-adds in registers. What one core");
        page.AppendLine("really sustains, beside the assumed peak that the percentages below use:");
        page.AppendLine();
        page.AppendLine("| loop | GMAC/s | of the assumed peak |");
        page.AppendLine("| --- | ---: | ---: |");
        foreach (var (name, m, macs) in new[] { ("256-bit (`Vector256.FusedMultiplyAdd`)", v256, FmaPeakBenchmarks.Vector256MultiplyAccumulates), ("512-bit (`Vector512.FusedMultiplyAdd`)", v512, FmaPeakBenchmarks.Vector512MultiplyAccumulates) })
        {
            double? gmacs = m is null ? null : macs / m.MeanNanoseconds;
            page.AppendLine(Invariant, $"| {name} | {Format(gmacs, "0.0")} | {Format(gmacs / PeakGmacPerCore * 100, "0")}% |");
        }
        page.AppendLine();
    }

    private static void WriteComparisonTable(StringBuilder page, BenchmarkResults results, IReadOnlyList<NetworkCase> cases)
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
                        $"| {network.Name} | {batch} | {threadText} | {Time(ours)} | {Gmacs(network, ours)} | {PercentOfPeak(network, ours, oursThreads)} | {Time(onnx)} | {Gmacs(network, onnx)} | {PercentOfPeak(network, onnx, threads)} | {Ratio(onnx, ours)} | {Bytes(ours)} | {Bytes(onnx)} |");
                }
            }
        }
        page.AppendLine();
        page.AppendLine("| network | what | MACs per image |");
        page.AppendLine("| --- | --- | ---: |");
        foreach (NetworkCase network in cases) page.AppendLine(Invariant, $"| {network.Name} | {network.Description} | {network.MultiplyAccumulates:N0} |");
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

    private static void WriteChart(StringBuilder page, BenchmarkResults results, int batch, int threads)
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
        double scale = Math.Max(rows.Max(r => r.Gmacs ?? 0), PeakGmacPerCore * threads);
        int labelWidth = rows.Max(r => r.Label.Length);
        page.AppendLine(Invariant, $"GMAC/s at batch {batch}, {threads} thread{(threads == 1 ? "" : "s")}{oursNote} (`|` marks the assumed peak, {PeakGmacPerCore * threads:0} GMAC/s; `#` ours, `=` ORT):");
        page.AppendLine();
        page.AppendLine("```text");
        int peakColumn = (int)Math.Round(PeakGmacPerCore * threads / scale * width);
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

    private static void WriteTargets(StringBuilder page, BenchmarkResults results)
    {
        page.AppendLine("## Targets of issue 5");
        page.AppendLine();
        page.AppendLine("Checked from the tables above by the report writer. A missed target needs its reason found by measurement (kernel");
        page.AppendLine("by kernel), not guessed.");
        page.AppendLine();
        page.AppendLine("| target | case | value | |");
        page.AppendLine("| --- | --- | ---: | --- |");
        foreach (NetworkCase network in NetworkCatalog.SeedNetworks)
        {
            double required = network.Name == nameof(SeparableBlock) ? 1.5 : 1.0;
            foreach (int threads in ThreadCounts)
            {
                double? ratio = RatioValue(results.Find(OnnxRuntimeMethod, network.Name, 1, threads), results.Find(OursMethod, network.Name, 1, threads));
                int oursThreads = GeneratedThreads.Effective(threads);
                string threadText = oursThreads == threads ? $"{threads} thread{(threads == 1 ? "" : "s")}" : $"{threads} threads (ours: {oursThreads} thread)";
                page.AppendLine(Invariant, $"| ORT/ours >= {required:0.0} | {network.Name}, batch 1, {threadText} | {Format(ratio, "0.00")} | {Verdict(ratio, required)} |");
            }
        }
        foreach (NetworkCase network in NetworkCatalog.Layers.Where(l => l.Name.StartsWith("PW", StringComparison.Ordinal) || l.Name.StartsWith("GC", StringComparison.Ordinal)))
        {
            foreach (int batch in Batches)
            {
                Measurement? ours = results.Find(OursMethod, network.Name, batch, 1);
                double? fraction = GmacsValue(network, ours) / PeakGmacPerCore;
                page.AppendLine(Invariant, $"| ours >= 60% of peak, 1 thread | {network.Name}, batch {batch} | {Format(fraction * 100, "0")}{(fraction is null ? "" : "%")} | {Verdict(fraction, 0.6)} |");
            }
        }
        var oursRows = results.Measurements.Where(m => m.Method == OursMethod).ToList();
        long? worst = oursRows.Count == 0 ? null : oursRows.Max(m => m.AllocatedBytes ?? long.MaxValue);
        string allocationVerdict = worst is null ? "not measured" : worst == 0 ? "met" : "**missed**";
        page.AppendLine(Invariant, $"| 0 B allocated per Forward | all {oursRows.Count} rows of ours | {(worst is null or long.MaxValue ? "n/a" : worst.Value.ToString("N0", Invariant) + " B max")} | {allocationVerdict} |");
        page.AppendLine();
    }

    /// <summary>
    /// The hand-written account of where the time goes (benchmarks/ANALYSIS.md): profiles and experiments that explain
    /// the targets above. It names the commit it was measured at; the tables above are this run's.
    /// </summary>
    private static void WriteAnalysis(StringBuilder page)
    {
        string? root = RepositoryPaths.FindRoot();
        string path = root is null ? "" : Path.Combine(root, "benchmarks", "ANALYSIS.md");
        if (!File.Exists(path)) return;
        page.AppendLine(File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd());
        page.AppendLine();
    }

    private static string Verdict(double? value, double required) => value is null ? "not measured" : value >= required ? "met" : "**missed**";

    private static string Time(Measurement? m)
    {
        if (m is null) return "n/a";
        double microseconds = m.MeanNanoseconds / 1000;
        return microseconds >= 10_000
            ? (microseconds / 1000).ToString("N1", Invariant) + " ms"
            : microseconds.ToString(microseconds >= 100 ? "N0" : "N1", Invariant) + " µs";
    }

    private static double? GmacsValue(NetworkCase network, Measurement? m) =>
        m is null ? null : network.MultiplyAccumulates * (double)m.Batch / m.MeanNanoseconds;

    private static string Gmacs(NetworkCase network, Measurement? m) =>
        GmacsValue(network, m) is double value && value < 1 ? Format(value, "0.00") : Format(GmacsValue(network, m), "0.0");

    private static string PercentOfPeak(NetworkCase network, Measurement? m, int threads) =>
        Format(GmacsValue(network, m) / (PeakGmacPerCore * threads) * 100, "0") + (m is null ? "" : "%");

    private static double? RatioValue(Measurement? numerator, Measurement? denominator) =>
        numerator is null || denominator is null ? null : numerator.MeanNanoseconds / denominator.MeanNanoseconds;

    private static string Ratio(Measurement? numerator, Measurement? denominator) =>
        Format(RatioValue(numerator, denominator), RatioValue(numerator, denominator) >= 10 ? "0" : "0.00");

    private static string Bytes(Measurement? m) => m?.AllocatedBytes is long bytes ? bytes.ToString("N0", Invariant) : "n/a";

    private static string Format(double? value, string format) => value is null ? "n/a" : value.Value.ToString(format, Invariant);
}
