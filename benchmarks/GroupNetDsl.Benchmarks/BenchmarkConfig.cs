using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using GroupNetDsl.Benchmarks.Cases;
using Perfolizer.Horology;

namespace GroupNetDsl.Benchmarks;

/// <summary>
/// One short job for every suite, so the whole run fits in about a quarter of an hour on a 2-core machine: one launch,
/// 3 warmup and 5 measured iterations of about 250 ms each, tiered compilation off; allocations per operation from the
/// memory diagnoser; the full JSON export that the report is written from.
/// </summary>
public sealed class BenchmarkConfig : ManualConfig
{
    /// <summary>Where BenchmarkDotNet writes its logs and results.</summary>
    public static string ArtifactsDirectory { get; } = Path.Combine(
        RepositoryPaths.FindRoot() is { } root ? Path.Combine(root, "benchmarks", "GroupNetDsl.Benchmarks") : Environment.CurrentDirectory,
        "BenchmarkDotNet.Artifacts");

    public BenchmarkConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithId("Short")
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            // The memory diagnoser counts every byte the process allocates; with tiered compilation on, the runtime's
            // background recompilation allocated a few bytes during some rows' measurement (3-55 B/op on a changing row
            // in 5 of 6 runs; `--alloc` counts 0 B per Forward everywhere without it). The kernels are compiled fully
            // optimized either way (AggressiveOptimization); ONNX Runtime is native code.
            .WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TieredCompilation", "0")));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(JsonExporter.Full);
        WithArtifactsPath(ArtifactsDirectory);
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Value));
    }
}
