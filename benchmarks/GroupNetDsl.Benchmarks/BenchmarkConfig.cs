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
/// 3 warmup and 5 measured iterations of about 250 ms each; allocations per operation from the memory diagnoser; the
/// full JSON export that the report is written from.
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
            .WithIterationTime(TimeInterval.FromMilliseconds(250)));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(JsonExporter.Full);
        WithArtifactsPath(ArtifactsDirectory);
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Value));
    }
}
