using System.Text.Json;

namespace GroupNetDsl.Benchmarks.Report;

/// <summary>One benchmark case's result, read from BenchmarkDotNet's full JSON export.</summary>
/// <param name="Suite">The benchmark class (SeedNetworkBenchmarks, LayerSuiteBenchmarks, NaiveReferenceBenchmarks).</param>
/// <param name="Method">The benchmark method (Ours, OnnxRuntime, Naive).</param>
/// <param name="Network">The Network parameter.</param>
/// <param name="Batch">The Batch parameter (1 where the suite has none).</param>
/// <param name="Threads">The Threads parameter (1 where the suite has none).</param>
/// <param name="MeanNanoseconds">Mean time per operation.</param>
/// <param name="StandardErrorNanoseconds">Standard error of the mean.</param>
/// <param name="AllocatedBytes">Bytes allocated per operation (memory diagnoser), or null if not measured.</param>
/// <param name="Contention">The Contention parameter: a busy thread spun on one core (false where the suite has none).</param>
public sealed record Measurement(
    string Suite, string Method, string Network, int Batch, int Threads,
    double MeanNanoseconds, double StandardErrorNanoseconds, long? AllocatedBytes, bool Contention = false);

/// <summary>Everything the report needs from BenchmarkDotNet's output.</summary>
/// <param name="Measurements">Every case that produced a result.</param>
/// <param name="Failed">Cases without a result (their setup failed, or they did not run), as "Suite.Method(params)".</param>
/// <param name="Host">BenchmarkDotNet's HostEnvironmentInfo of the last file read, as name/value pairs, plus the
/// benchmarks' HardwareIntrinsics (the instruction sets the JIT used).</param>
/// <param name="Files">The JSON files read.</param>
public sealed record BenchmarkResults(
    IReadOnlyList<Measurement> Measurements,
    IReadOnlyList<string> Failed,
    IReadOnlyDictionary<string, string> Host,
    IReadOnlyList<string> Files)
{
    /// <summary>Reads every <c>*-report-full.json</c> in <paramref name="directory"/> written at or after <paramref name="since"/>.</summary>
    public static BenchmarkResults Read(string directory, DateTime since)
    {
        var measurements = new List<Measurement>();
        var failed = new List<string>();
        var host = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*-report-full.json").Where(f => File.GetLastWriteTimeUtc(f) >= since).Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (string file in files)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("HostEnvironmentInfo", out JsonElement hostInfo))
            {
                foreach (JsonProperty property in hostInfo.EnumerateObject())
                {
                    host[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }
            foreach (JsonElement benchmark in root.GetProperty("Benchmarks").EnumerateArray())
            {
                if (benchmark.TryGetProperty("HardwareIntrinsics", out JsonElement intrinsics) && intrinsics.ValueKind == JsonValueKind.String)
                {
                    host["HardwareIntrinsics"] = intrinsics.GetString()!;
                }
                string suite = benchmark.GetProperty("Type").GetString()!;
                string method = benchmark.GetProperty("Method").GetString()!;
                var parameters = ParseParameters(benchmark.GetProperty("Parameters").GetString() ?? "");
                string network = FullNetworkName(benchmark) ?? parameters.GetValueOrDefault("Network", "");
                int batch = int.Parse(parameters.GetValueOrDefault("Batch", "1"), System.Globalization.CultureInfo.InvariantCulture);
                int threads = int.Parse(parameters.GetValueOrDefault("Threads", "1"), System.Globalization.CultureInfo.InvariantCulture);
                bool contention = bool.Parse(parameters.GetValueOrDefault("Contention", "False"));
                if (!benchmark.TryGetProperty("Statistics", out JsonElement statistics) || statistics.ValueKind != JsonValueKind.Object)
                {
                    failed.Add($"{suite}.{method}({benchmark.GetProperty("Parameters").GetString()})");
                    continue;
                }
                long? allocated = benchmark.TryGetProperty("Memory", out JsonElement memory) && memory.ValueKind == JsonValueKind.Object
                    && memory.TryGetProperty("BytesAllocatedPerOperation", out JsonElement bytes) && bytes.ValueKind == JsonValueKind.Number
                    ? bytes.GetInt64() : null;
                measurements.Add(new Measurement(suite, method, network, batch, threads,
                    statistics.GetProperty("Mean").GetDouble(), statistics.GetProperty("StandardError").GetDouble(), allocated, contention));
            }
        }
        return new BenchmarkResults(measurements, failed, host, files);
    }

    /// <summary>The measurement of one case, if it ran.</summary>
    public Measurement? Find(string method, string network, int batch, int threads) =>
        Measurements.LastOrDefault(m => m.Method == method && m.Network == network && m.Batch == batch && m.Threads == threads && !m.Contention);

    /// <summary>The measurement of one case of a suite whose rows differ in threads and contention only, if it ran.</summary>
    public Measurement? Find(string suite, string method, int threads, bool contention) =>
        Measurements.LastOrDefault(m => m.Suite == suite && m.Method == method && m.Threads == threads && m.Contention == contention);

    // "Parameters" shortens values longer than 20 characters ("Torch(...)NetB0 [25]" for TorchvisionEfficientNetB0);
    // "FullName" keeps them whole: ...Ours(Batch: 1, Threads: 1, Network: "TorchvisionEfficientNetB0").
    private const string NetworkKey = "Network: \"";

    private static string? FullNetworkName(JsonElement benchmark)
    {
        if (!benchmark.TryGetProperty("FullName", out JsonElement fullName) || fullName.GetString() is not { } text) return null;
        int start = text.IndexOf(NetworkKey, StringComparison.Ordinal);
        if (start < 0) return null;
        start += NetworkKey.Length;
        int end = text.IndexOf('"', start);
        return end > start ? text[start..end] : null;
    }

    // BenchmarkDotNet writes the parameters as "Network=SeparableBlock&Batch=1&Threads=2".
    private static Dictionary<string, string> ParseParameters(string text) =>
        text.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
}
