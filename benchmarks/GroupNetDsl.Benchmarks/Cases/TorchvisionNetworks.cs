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
        Case(nameof(TorchvisionShuffleNetV2X10), "shufflenet_v2_x1_0", "torchvision shufflenet_v2_x1_0() on 3x224x224", TorchvisionShuffleNetV2X10.OutputLength, TorchvisionShuffleNetV2X10.MultiplyAccumulates, typeof(TorchvisionShuffleNetV2X10)),
        Case(nameof(TorchvisionMobileNetV3Large), "mobilenet_v3_large", "torchvision mobilenet_v3_large() on 3x224x224", TorchvisionMobileNetV3Large.OutputLength, TorchvisionMobileNetV3Large.MultiplyAccumulates, typeof(TorchvisionMobileNetV3Large)),
        Case(nameof(TorchvisionEfficientNetB0), "efficientnet_b0", "torchvision efficientnet_b0() on 3x224x224", TorchvisionEfficientNetB0.OutputLength, TorchvisionEfficientNetB0.MultiplyAccumulates, typeof(TorchvisionEfficientNetB0)),
        Case(nameof(TorchvisionRegNetY400MF), "regnet_y_400mf", "torchvision regnet_y_400mf() on 3x224x224", TorchvisionRegNetY400MF.OutputLength, TorchvisionRegNetY400MF.MultiplyAccumulates, typeof(TorchvisionRegNetY400MF)),
    ];

    /// <summary>The networks of the full-size parity run (<c>--zoo-parity</c>): the benchmarked ones, then ResNeXt-101, ShuffleNetV2, MNASNet, RegNetX, RegNetY, MobileNetV3, EfficientNet B0 to B3 and ConvNeXt-Tiny (no ONNX file).</summary>
    public static IReadOnlyList<(NetworkCase Case, string IoFile, long Parameters)> Checked { get; } =
    [
        (Benchmarked[0], "zoo/mobilenet_v2.224.io.safetensors", TorchvisionMobileNetV2.ParameterCount),
        (Benchmarked[1], "zoo/resnext50_32x4d.224.io.safetensors", TorchvisionResNeXt50.ParameterCount),
        (Case(nameof(TorchvisionResNeXt101), "resnext101_32x8d", "torchvision resnext101_32x8d() on 3x224x224", TorchvisionResNeXt101.OutputLength, TorchvisionResNeXt101.MultiplyAccumulates, typeof(TorchvisionResNeXt101)),
            "zoo/resnext101_32x8d.224.io.safetensors", TorchvisionResNeXt101.ParameterCount),
        CheckedCase(nameof(TorchvisionShuffleNetV2X05), "shufflenet_v2_x0_5", TorchvisionShuffleNetV2X05.OutputLength, TorchvisionShuffleNetV2X05.MultiplyAccumulates, TorchvisionShuffleNetV2X05.ParameterCount, typeof(TorchvisionShuffleNetV2X05)),
        (Benchmarked[2], "zoo/shufflenet_v2_x1_0.224.io.safetensors", TorchvisionShuffleNetV2X10.ParameterCount),
        CheckedCase(nameof(TorchvisionShuffleNetV2X15), "shufflenet_v2_x1_5", TorchvisionShuffleNetV2X15.OutputLength, TorchvisionShuffleNetV2X15.MultiplyAccumulates, TorchvisionShuffleNetV2X15.ParameterCount, typeof(TorchvisionShuffleNetV2X15)),
        CheckedCase(nameof(TorchvisionShuffleNetV2X20), "shufflenet_v2_x2_0", TorchvisionShuffleNetV2X20.OutputLength, TorchvisionShuffleNetV2X20.MultiplyAccumulates, TorchvisionShuffleNetV2X20.ParameterCount, typeof(TorchvisionShuffleNetV2X20)),
        CheckedCase(nameof(TorchvisionMnasNet05), "mnasnet0_5", TorchvisionMnasNet05.OutputLength, TorchvisionMnasNet05.MultiplyAccumulates, TorchvisionMnasNet05.ParameterCount, typeof(TorchvisionMnasNet05)),
        CheckedCase(nameof(TorchvisionMnasNet075), "mnasnet0_75", TorchvisionMnasNet075.OutputLength, TorchvisionMnasNet075.MultiplyAccumulates, TorchvisionMnasNet075.ParameterCount, typeof(TorchvisionMnasNet075)),
        CheckedCase(nameof(TorchvisionMnasNet10), "mnasnet1_0", TorchvisionMnasNet10.OutputLength, TorchvisionMnasNet10.MultiplyAccumulates, TorchvisionMnasNet10.ParameterCount, typeof(TorchvisionMnasNet10)),
        CheckedCase(nameof(TorchvisionMnasNet13), "mnasnet1_3", TorchvisionMnasNet13.OutputLength, TorchvisionMnasNet13.MultiplyAccumulates, TorchvisionMnasNet13.ParameterCount, typeof(TorchvisionMnasNet13)),
        CheckedCase(nameof(TorchvisionRegNetX400MF), "regnet_x_400mf", TorchvisionRegNetX400MF.OutputLength, TorchvisionRegNetX400MF.MultiplyAccumulates, TorchvisionRegNetX400MF.ParameterCount, typeof(TorchvisionRegNetX400MF)),
        CheckedCase(nameof(TorchvisionRegNetX800MF), "regnet_x_800mf", TorchvisionRegNetX800MF.OutputLength, TorchvisionRegNetX800MF.MultiplyAccumulates, TorchvisionRegNetX800MF.ParameterCount, typeof(TorchvisionRegNetX800MF)),
        CheckedCase(nameof(TorchvisionRegNetX16GF), "regnet_x_1_6gf", TorchvisionRegNetX16GF.OutputLength, TorchvisionRegNetX16GF.MultiplyAccumulates, TorchvisionRegNetX16GF.ParameterCount, typeof(TorchvisionRegNetX16GF)),
        (Benchmarked[5], "zoo/regnet_y_400mf.224.io.safetensors", TorchvisionRegNetY400MF.ParameterCount),
        CheckedCase(nameof(TorchvisionRegNetY800MF), "regnet_y_800mf", TorchvisionRegNetY800MF.OutputLength, TorchvisionRegNetY800MF.MultiplyAccumulates, TorchvisionRegNetY800MF.ParameterCount, typeof(TorchvisionRegNetY800MF)),
        CheckedCase(nameof(TorchvisionRegNetY16GF), "regnet_y_1_6gf", TorchvisionRegNetY16GF.OutputLength, TorchvisionRegNetY16GF.MultiplyAccumulates, TorchvisionRegNetY16GF.ParameterCount, typeof(TorchvisionRegNetY16GF)),
        (Benchmarked[3], "zoo/mobilenet_v3_large.224.io.safetensors", TorchvisionMobileNetV3Large.ParameterCount),
        CheckedCase(nameof(TorchvisionMobileNetV3Small), "mobilenet_v3_small", TorchvisionMobileNetV3Small.OutputLength, TorchvisionMobileNetV3Small.MultiplyAccumulates, TorchvisionMobileNetV3Small.ParameterCount, typeof(TorchvisionMobileNetV3Small)),
        (Benchmarked[4], "zoo/efficientnet_b0.224.io.safetensors", TorchvisionEfficientNetB0.ParameterCount),
        CheckedCase(nameof(TorchvisionEfficientNetB1), "efficientnet_b1", TorchvisionEfficientNetB1.OutputLength, TorchvisionEfficientNetB1.MultiplyAccumulates, TorchvisionEfficientNetB1.ParameterCount, typeof(TorchvisionEfficientNetB1)),
        CheckedCase(nameof(TorchvisionEfficientNetB2), "efficientnet_b2", TorchvisionEfficientNetB2.OutputLength, TorchvisionEfficientNetB2.MultiplyAccumulates, TorchvisionEfficientNetB2.ParameterCount, typeof(TorchvisionEfficientNetB2)),
        CheckedCase(nameof(TorchvisionEfficientNetB3), "efficientnet_b3", TorchvisionEfficientNetB3.OutputLength, TorchvisionEfficientNetB3.MultiplyAccumulates, TorchvisionEfficientNetB3.ParameterCount, typeof(TorchvisionEfficientNetB3)),
        CheckedCase(nameof(TorchvisionConvNeXtTiny), "convnext_tiny", TorchvisionConvNeXtTiny.OutputLength, TorchvisionConvNeXtTiny.MultiplyAccumulates, TorchvisionConvNeXtTiny.ParameterCount, typeof(TorchvisionConvNeXtTiny)),
    ];

    /// <summary>The benchmarked networks whose weight and ONNX files exist.</summary>
    public static IReadOnlyList<NetworkCase> Available => Benchmarked.Where(c => DataFiles.Exists(c.WeightsFile) && DataFiles.Exists(c.OnnxFile)).ToList();

    /// <summary>The line printed (and written in the report) for a network whose files are absent.</summary>
    public static string Skipped(string name) => $"{name} skipped: its files are not in artifacts/zoo/; run `{ExportCommand}` first.";

    private static (NetworkCase, string, long) CheckedCase(string name, string file, int outputLength, long macs, long parameters, Type generatedClass) =>
        (Case(name, file, $"torchvision {file}() on 3x224x224", outputLength, macs, generatedClass), "zoo/" + file + ".224.io.safetensors", parameters);

    private static NetworkCase Case(string name, string file, string description, int outputLength, long macs, Type generatedClass) =>
        new(name, CaseSuite.Torchvision, description, 3, 224, 224, outputLength, macs, "zoo/" + file + ".224.safetensors", "zoo/" + file + ".224.onnx", generatedClass);
}
