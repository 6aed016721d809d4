using System.Diagnostics;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Generator.Tests.Import;

/// <summary>
/// <c>gnet import</c> on the model zoo's networks as PyTorch 1.13 exports them to ONNX at opsets 11 and 17
/// (tests/reference/export_onnx_zoo.py, run here: the files are MBs, so they are written at test time, 3x64x64,
/// 10 classes), and on four more networks: three whose activations PyTorch exports as several nodes, and ConvNeXt
/// (channels-last layer norms and linears, layer scale): each imports (its
/// repeated modules folded into blocks), builds, and computes ONNX Runtime's output on the same file within 1e-5 of
/// the output's scale. Skipped where /usr/bin/python3 has no torchvision.
/// </summary>
public sealed class ZooOnnxImportTests : IClassFixture<ZooOnnxFiles>
{
    private readonly ZooOnnxFiles _files;

    public ZooOnnxImportTests(ZooOnnxFiles files) => _files = files;

    public static TheoryData<string, int> Networks
    {
        get
        {
            var data = new TheoryData<string, int>();
            // The zoo's networks, then EfficientNet-B0 (SiLU), MobileNetV3-Small (Hardswish) and a module with GELU.
            foreach (string network in new[] { "mobilenet_v2", "resnext50_32x4d", "shufflenet_v2_x0_5", "mnasnet0_5", "regnet_x_400mf", "regnet_y_400mf", "efficientnet_b0", "mobilenet_v3_small", "gelu_mix" })
            {
                foreach (int opset in new[] { 11, 17 }) data.Add(network, opset);
            }
            // ConvNeXt-Tiny: channels-last layer norms (LayerNormalization at 17, ReduceMean, Sub, Pow, Sqrt, Div at 11),
            // MatMul, layer scale.
            data.Add("convnext_tiny", 11);
            data.Add("convnext_tiny", 17);
            return data;
        }
    }

    [PythonWithTorchvisionTheory]
    [MemberData(nameof(Networks))]
    public void The_imported_zoo_network_computes_onnx_runtimes_output(string network, int opset)
    {
        string onnx = _files.PathOf(network, opset);
        var (input, batch, expected) = OnnxImportRun.OnnxRuntime(onnx, seed: opset);

        var (gnet, weights) = OnnxImportRun.Import(onnx);
        float[] actual = OnnxImportRun.Run(gnet, weights, input, batch);

        OnnxImportRun.AssertClose(expected, actual);
    }

    [PythonWithTorchvisionTheory]
    [InlineData(11)]
    [InlineData(17)]
    public void The_mobilenet_v2_excerpt_of_the_from_pytorch_page_is_what_gnet_import_writes(int opset)
    {
        string excerpt = Assert.Single(FencedBlocks.Of("docs/from-pytorch.md", info => info == "text"), block => block.Contains("block FeaturesBlock(", StringComparison.Ordinal));
        var (gnet, _) = OnnxImportRun.Import(_files.PathOf("mobilenet_v2", opset), "MobilenetV2");
        string[] written = gnet.Split('\n');

        // Each line of the excerpt, in order; a line "..." stands for lines left out.
        int next = 0;
        foreach (string line in excerpt.Split('\n').Where(l => l.Trim() != "..."))
        {
            int found = Array.IndexOf(written, line, next);
            Assert.True(found >= 0, $"'{line}' is not written after line {next} of:\n{gnet}");
            next = found + 1;
        }
    }
}

/// <summary>The ONNX files of export_onnx_zoo.py, written once for the test class into a temporary folder, on first use.</summary>
public sealed class ZooOnnxFiles : IDisposable
{
    private readonly Lazy<string> _directory = new(Export);

    public string PathOf(string network, int opset) => Path.Combine(_directory.Value, $"{network}_opset{opset}.onnx");

    private static string Export()
    {
        string directory = Directory.CreateTempSubdirectory("groupnetdsl-zoo-onnx-").FullName;
        var start = new ProcessStartInfo(PythonWithTorchvisionTheoryAttribute.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepositoryFiles.PathOf("tests/reference/export_onnx_zoo.py"));
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "export_onnx_zoo.py did not finish");
        Assert.True(process.ExitCode == 0, $"export_onnx_zoo.py: exit {process.ExitCode}\n{output}\n{error.Result}");
        return directory;
    }

    public void Dispose()
    {
        if (_directory.IsValueCreated) Directory.Delete(_directory.Value, recursive: true);
    }
}

/// <summary>A theory that runs only where <c>/usr/bin/python3</c> imports torchvision (Debian's python3-torchvision); skipped, visibly, elsewhere.</summary>
public sealed class PythonWithTorchvisionTheoryAttribute : TheoryAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import torch, torchvision"]) { RedirectStandardError = true });
            return process is not null && process.WaitForExit(TimeSpan.FromMinutes(1)) && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public PythonWithTorchvisionTheoryAttribute()
    {
        if (!Available.Value) Skip = $"{Python} with torch and torchvision is not installed (apt-get install python3-torchvision).";
    }
}
