using System.Text;
using GroupNetDsl.Benchmarks.Cases;

namespace GroupNetDsl.Benchmarks.Report;

/// <summary>The note on the large layers, whose files are outside the repository.</summary>
public static partial class MarkdownReport
{
    private static void WriteUnmeasuredLayers(StringBuilder page, BenchmarkResults results)
    {
        bool Measured(NetworkCase c) => results.Find(OursMethod, c.Name, 1, 1) is not null || results.Find(OnnxRuntimeMethod, c.Name, 1, 1) is not null;
        // When the suite did not run at all (a --filter), its empty table says so already.
        if (!NetworkCatalog.Layers.Any(Measured)) return;
        var missing = NetworkCatalog.LargeLayers.Where(c => !Measured(c)).Select(c => $"`{c.Name}`").ToList();
        if (missing.Count == 0) return;
        page.AppendLine(Invariant, $"Not measured in this run: {string.Join(", ", missing)}; their weight and ONNX files were not in `artifacts/layers/` (run `{NetworkCatalog.LargeLayersExportCommand}`, then the command above).");
        page.AppendLine();
    }
}
