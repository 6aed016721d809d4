using System.Text;
using GroupNetDsl.Benchmarks.Cases;

namespace GroupNetDsl.Benchmarks.Report;

/// <summary>The section of torchvision's networks, whose files are outside the repository.</summary>
public static partial class MarkdownReport
{
    private static void WriteTorchvision(StringBuilder page, BenchmarkResults results, Peak peak)
    {
        page.AppendLine("## torchvision networks at 3x224x224");
        page.AppendLine();
        bool measured = TorchvisionNetworks.Benchmarked.Any(c => results.Find(OursMethod, c.Name, 1, 1) is not null || results.Find(OnnxRuntimeMethod, c.Name, 1, 1) is not null);
        if (!measured)
        {
            page.AppendLine($"Not measured in this run: their weight and ONNX files were not in `artifacts/zoo/` (run `{TorchvisionNetworks.ExportCommand}`, then the command above).");
            page.AppendLine();
            return;
        }
        page.AppendLine("Declared from the model zoo in one line each (`network TorchvisionMobileNetV2(input: 3x224x224) = mobilenet_v2(num_classes: 1000)`),");
        page.AppendLine($"with the builders' random weights and random batchnorm statistics (`{TorchvisionNetworks.ExportCommand}`); parameters and the");
        page.AppendLine("error against PyTorch are in [zoo.md](zoo.md).");
        page.AppendLine();
        WriteComparisonTable(page, results, TorchvisionNetworks.Benchmarked, peak);
    }
}
