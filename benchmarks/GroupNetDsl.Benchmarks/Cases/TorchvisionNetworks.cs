namespace GroupNetDsl.Benchmarks.Cases;

/// <summary>
/// torchvision's networks at 3x224x224, declared from the model zoo (Networks/Torchvision.gnet). Their files are too large
/// for the repository: `export_zoo.py --full` writes them into artifacts/zoo/, and every use skips a network whose files
/// are absent, saying so.
/// </summary>
public static class TorchvisionNetworks
{
    /// <summary>The command that writes the files.</summary>
    public const string ExportCommand = "/usr/bin/python3 tests/reference/export_zoo.py --full";

    /// <summary>The networks timed against ONNX Runtime.</summary>
    public static IReadOnlyList<NetworkCase> Benchmarked { get; } =
    [
        Case(nameof(TorchvisionMobileNetV2), "mobilenet_v2", "torchvision mobilenet_v2() on 3x224x224", TorchvisionMobileNetV2.OutputLength, TorchvisionMobileNetV2.MultiplyAccumulates, typeof(TorchvisionMobileNetV2)),
        Case(nameof(TorchvisionResNeXt50), "resnext50_32x4d", "torchvision resnext50_32x4d() on 3x224x224", TorchvisionResNeXt50.OutputLength, TorchvisionResNeXt50.MultiplyAccumulates, typeof(TorchvisionResNeXt50)),
    ];

    /// <summary>The networks of the full-size parity run (<c>--zoo-parity</c>): the benchmarked ones and ResNeXt-101 (no ONNX file).</summary>
    public static IReadOnlyList<(NetworkCase Case, string IoFile, long Parameters)> Checked { get; } =
    [
        (Benchmarked[0], "zoo/mobilenet_v2.224.io.safetensors", TorchvisionMobileNetV2.ParameterCount),
        (Benchmarked[1], "zoo/resnext50_32x4d.224.io.safetensors", TorchvisionResNeXt50.ParameterCount),
        (Case(nameof(TorchvisionResNeXt101), "resnext101_32x8d", "torchvision resnext101_32x8d() on 3x224x224", TorchvisionResNeXt101.OutputLength, TorchvisionResNeXt101.MultiplyAccumulates, typeof(TorchvisionResNeXt101)),
            "zoo/resnext101_32x8d.224.io.safetensors", TorchvisionResNeXt101.ParameterCount),
    ];

    /// <summary>The benchmarked networks whose weight and ONNX files exist.</summary>
    public static IReadOnlyList<NetworkCase> Available => Benchmarked.Where(c => DataFiles.Exists(c.WeightsFile) && DataFiles.Exists(c.OnnxFile)).ToList();

    /// <summary>The line printed (and written in the report) for a network whose files are absent.</summary>
    public static string Skipped(string name) => $"{name} skipped: its files are not in artifacts/zoo/; run `{ExportCommand}` first.";

    private static NetworkCase Case(string name, string file, string description, int outputLength, long macs, Type generatedClass) =>
        new(name, CaseSuite.Torchvision, description, 3, 224, 224, outputLength, macs, "zoo/" + file + ".224.safetensors", "zoo/" + file + ".224.onnx", generatedClass);
}
