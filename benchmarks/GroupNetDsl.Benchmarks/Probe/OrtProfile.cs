using System.Globalization;
using System.Text.Json;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Engines;
using GroupNetDsl.Benchmarks.Suites;

namespace GroupNetDsl.Benchmarks.Probe;

/// <summary>
/// ONNX Runtime's own per-node times for one network (<c>--ort-profile</c>): its profiler on, 50 runs on one thread
/// after 10 unprofiled ones, then the mean time of every node, largest first, beside its operator and output shape.
/// Read against a profile of the generated code (perf with <c>--loop</c>) to see which layers ONNX Runtime runs faster.
/// </summary>
public static class OrtProfile
{
    private const int Runs = 60, Skipped = 10;

    public static void Run(string filter, int threads)
    {
        NetworkCase network = NetworkCatalog.All.First(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase));
        float[] input = RandomInput.Create(network.InputLength), output = new float[network.OutputLength];
        string prefix = Path.Combine(Path.GetTempPath(), "ort-profile-" + network.Name);
        using var ort = new OnnxRuntimeEngine(network.OnnxPath, threads, [1, network.InputChannels, network.InputHeight, network.InputWidth], input, output, prefix);
        for (int i = 0; i < Runs; i++) ort.Run();
        string file = ort.EndProfiling();
        var nodes = new Dictionary<string, (string Op, string Shape, List<double> Times)>();
        var runs = new List<double>();
        using (var json = JsonDocument.Parse(File.ReadAllText(file)))
        {
            foreach (var e in json.RootElement.EnumerateArray())
            {
                string name = e.GetProperty("name").GetString() ?? "";
                double duration = e.TryGetProperty("dur", out var d) ? d.GetDouble() : 0;
                if (name == "model_run") runs.Add(duration);
                if (e.GetProperty("cat").GetString() != "Node" || !name.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
                var args = e.GetProperty("args");
                string op = args.TryGetProperty("op_name", out var o) ? o.GetString() ?? "" : "";
                string shape = args.TryGetProperty("output_type_shape", out var s) ? s.ToString() : "";
                string node = name[..^"_kernel_time".Length];
                if (!nodes.TryGetValue(node, out var entry)) nodes[node] = entry = (op, shape, []);
                entry.Times.Add(duration);
            }
        }
        File.Delete(file);
        double Mean(List<double> times) => times.Skip(Skipped).DefaultIfEmpty(0).Average();
        var rows = nodes.Select(n => (Node: n.Key, n.Value.Op, n.Value.Shape, Mean: Mean(n.Value.Times))).OrderByDescending(r => r.Mean).ToList();
        Console.WriteLine($"{network.Name} in ONNX Runtime {OnnxRuntimeEngine.Version}, {threads} thread(s): mean of runs {Skipped + 1}-{Runs}, µs");
        Console.WriteLine($"model_run {Mean(runs),9:F1}   sum of nodes {rows.Sum(r => r.Mean),9:F1}");
        foreach (var group in rows.GroupBy(r => r.Op).OrderByDescending(g => g.Sum(r => r.Mean)))
        {
            Console.WriteLine($"  {group.Key,-24} {group.Sum(r => r.Mean),9:F1} ({group.Count()} nodes)");
        }
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row.Mean,9:F1}  {row.Op,-20} {row.Node,-50} {row.Shape}"));
        }
    }
}
