using BenchmarkDotNet.Running;
using GroupNetDsl.Benchmarks;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Probe;
using GroupNetDsl.Benchmarks.Report;
using GroupNetDsl.Benchmarks.Suites;

// dotnet run -c Release --project benchmarks/GroupNetDsl.Benchmarks [-- options]
//   (no options)          every suite, then docs/benchmarks.md
//   --filter <pattern>    BenchmarkDotNet's filter (any other BenchmarkDotNet option passes through too)
//   --report-only         no benchmarks: rewrite the report from the JSON results already in BenchmarkDotNet.Artifacts
//   --output <file>       where the report goes (default: <repository>/docs/benchmarks.md)
//   --commit <text>       the kernels' commit for the report (default: git rev-parse --short HEAD)
//   --wait-for-cores <minutes>  before running, wait up to that long for two threads to get two cores' throughput
//   --quick [name] [--batch8] [--threads 1,2,4] [--contention]  a rough Stopwatch comparison for development; no BenchmarkDotNet, no report
//   --steps <name> [step] each convolution step of a network alone, 1 and 2 threads, against its whole Forward
//                         (with [step]: only the steps whose names contain it)
//   --loop <name> [seconds] [threads]  only the whole Forward of one network in a loop (for a profiler such as perf)
//   --ort-profile <name> [threads]  ONNX Runtime's own per-node times for one network (its profiler)
//   --alloc [name] [calls]  bytes the process allocates over 2,000 (or calls) Forward calls of each case (whose name contains name)
//   --cores               whether two threads at once get two cores' FMA throughput now (about a second)
//   --zoo-parity          torchvision's networks at 3x224x224 against PyTorch's outputs (files of export_zoo.py --full)
//   --blocked-1x1 [rounds]  1x1 convs in NCHW16c (a probe kernel) against the engine's NCHW product, and the reorders
//   --paired [name] [--threads 1,2] [--rounds 11]  ORT/ours in alternating rounds (the full run's "paired rounds" table;
//                         with a name, any case, layers too)
if (args.Length > 0 && args[0] == "--blocked-1x1")
{
    BlockedLayoutProbe.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 9);
    return 0;
}
if (args.Length > 0 && args[0] == "--cores")
{
    var check = CoreCheck.Measure();
    Console.WriteLine(check);
    return check.Scaling >= CoreCheck.TwoCores ? 0 : 1;
}
if (args.Length > 1 && args[0] == "--steps")
{
    StepProbe.Run(args[1], args.Length > 2 ? args[2] : null);
    return 0;
}
if (args.Length > 1 && args[0] == "--loop")
{
    StepProbe.Loop(args[1], args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1);
    return 0;
}
if (args.Length > 1 && args[0] == "--ort-profile")
{
    OrtProfile.Run(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1);
    return 0;
}
if (args.Length > 0 && args[0] == "--alloc")
{
    GroupNetDsl.Benchmarks.Probe.AllocationProbe.Run(args.Length > 1 ? args[1] : "",
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2000);
    return 0;
}
if (args.Length > 0 && args[0] == "--zoo-parity")
{
    return ZooParity.Run() ? 0 : 1;
}
if (args.Length > 0 && args[0] == "--paired")
{
    int roundsAt = Array.IndexOf(args, "--rounds");
    int rounds = roundsAt >= 0 && roundsAt + 1 < args.Length ? int.Parse(args[roundsAt + 1], System.Globalization.CultureInfo.InvariantCulture) : PairedRounds.DefaultRounds;
    string pairedFilter = args.Length > 1 && !args[1].StartsWith("--") ? args[1] : "";
    // Named, any case (a layer too); unnamed, the networks the targets are set on.
    PairedRounds.Run(pairedFilter.Length > 0 ? NetworkCatalog.All : PairedRounds.Networks, pairedFilter, ThreadCounts(args), rounds);
    return 0;
}
if (args.Length > 0 && args[0] == "--quick")
{
    GroupNetDsl.Benchmarks.Probe.QuickProbe.Run(args.Length > 1 && !args[1].StartsWith("--") ? args[1] : "", args.Contains("--batch8") ? [1, 8] : [1], ThreadCounts(args),
        args.Contains("--contention"));
    return 0;
}

var options = ReportOptions.Parse(args, out string[] benchmarkArgs);
string resultsDirectory = Path.Combine(BenchmarkConfig.ArtifactsDirectory, "results");
DateTime started = DateTime.UtcNow;

if (!options.ReportOnly)
{
    if (!benchmarkArgs.Any(a => a is "--filter" or "-f")) benchmarkArgs = [.. benchmarkArgs, "--filter", "*"];
    var coresBefore = CoreCheck.WaitForTwoCores(options.WaitForCores);
    double? loadBefore = RunInfo.LoadAverage();
    Type[] torchvision = TorchvisionNetworks.Available.Count > 0 ? [typeof(TorchvisionBenchmarks)] : [];
    foreach (var network in TorchvisionNetworks.Benchmarked.Except(TorchvisionNetworks.Available)) Console.WriteLine(TorchvisionNetworks.Skipped(network.Name));
    foreach (var network in NetworkCatalog.Layers.Except(NetworkCatalog.AvailableLayers)) Console.WriteLine(NetworkCatalog.Skipped(network));
    BenchmarkSwitcher
        .FromTypes([typeof(FmaPeakBenchmarks), typeof(SeedNetworkBenchmarks), typeof(LayerSuiteBenchmarks), .. torchvision, typeof(ThreadingBenchmarks), typeof(NaiveReferenceBenchmarks)])
        .Run(benchmarkArgs, new BenchmarkConfig());
    // A full run also times the networks in alternating rounds (see PairedRounds); a filtered run keeps the last ones.
    if (benchmarkArgs.SequenceEqual(["--filter", "*"])) PairedRounds.Save(resultsDirectory, PairedRounds.Run(PairedRounds.Networks, "", [1, 2], PairedRounds.DefaultRounds));
    double? loadAfter = RunInfo.LoadAverage();
    var coresAfter = CoreCheck.Measure();
    Console.WriteLine($"Two threads after the run: {coresAfter}");
    new RunInfo(started, DateTime.UtcNow, loadBefore, loadAfter, string.Join(' ', benchmarkArgs), coresBefore, coresAfter).Save(resultsDirectory);
}

var results = BenchmarkResults.Read(resultsDirectory, options.ReportOnly ? DateTime.MinValue : started);
if (results.Measurements.Count == 0)
{
    Console.Error.WriteLine($"No results in {resultsDirectory}: nothing to report.");
    return 1;
}
string markdown = MarkdownReport.Write(results, MachineInfo.Collect(results, options.Commit), RunInfo.Load(resultsDirectory), PairedRounds.Load(resultsDirectory));
Directory.CreateDirectory(Path.GetDirectoryName(options.OutputPath)!);
File.WriteAllText(options.OutputPath, markdown);
Console.WriteLine($"Report: {options.OutputPath}");
return 0;

// The thread counts after --threads (comma-separated), else 1 and 2.
static int[] ThreadCounts(string[] args)
{
    int at = Array.IndexOf(args, "--threads");
    return at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',').Select(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [1, 2];
}
