namespace GroupNetDsl.Benchmarks.Cases;

/// <summary>
/// Every benchmarked network. The numbers come from the generated classes' constants (declared in Networks/*.gnet), so
/// a case cannot disagree with the code it runs.
/// </summary>
public static class NetworkCatalog
{
    /// <summary>The three networks of the seed notebook.</summary>
    public static IReadOnlyList<NetworkCase> SeedNetworks { get; } =
    [
        new(nameof(SeparableBlock), CaseSuite.SeedNetwork, "DepthwiseSeparableConv(32, 64) on 32x64x64",
            SeparableBlock.InputChannels, SeparableBlock.InputHeight, SeparableBlock.InputWidth, SeparableBlock.OutputLength,
            SeparableBlock.MultiplyAccumulates, "dsconv_32_64.safetensors", "dsconv_32_64.onnx", typeof(SeparableBlock)),
        new(nameof(Bottleneck), CaseSuite.SeedNetwork, "GroupedBottleneck(64, 128, groups 8, stride 2) on 64x32x32",
            Bottleneck.InputChannels, Bottleneck.InputHeight, Bottleneck.InputWidth, Bottleneck.OutputLength,
            Bottleneck.MultiplyAccumulates, "bottleneck_64_128_g8_s2.safetensors", "bottleneck_64_128_g8_s2.onnx", typeof(Bottleneck)),
        new(nameof(MiniGroupNet), CaseSuite.SeedNetwork, "MiniGroupNet(groups 8) on 3x64x64",
            MiniGroupNet.InputChannels, MiniGroupNet.InputHeight, MiniGroupNet.InputWidth, MiniGroupNet.OutputLength,
            MiniGroupNet.MultiplyAccumulates, "minigroupnet_g8.safetensors", "minigroupnet_g8.onnx", typeof(MiniGroupNet)),
    ];

    /// <summary>The command that writes the large layers' files into artifacts/layers/.</summary>
    public const string LargeLayersExportCommand = "/usr/bin/python3 tests/reference/export_layers.py --large";

    /// <summary>
    /// The layers whose files are too large for the repository (`export_layers.py --large` writes them into
    /// artifacts/layers/): every use skips one whose files are absent, saying so.
    /// </summary>
    public static IReadOnlyList<NetworkCase> LargeLayers { get; } =
    [
        Layer(nameof(PW_1024_2048_7), "pointwise 1x1, 1024 -> 2048, 7x7 (ResNeXt-50's last stage)",
            PW_1024_2048_7.InputChannels, PW_1024_2048_7.InputHeight, PW_1024_2048_7.InputWidth, PW_1024_2048_7.OutputLength, PW_1024_2048_7.MultiplyAccumulates, typeof(PW_1024_2048_7)),
        Layer(nameof(PW_320_1280_7), "pointwise 1x1, 320 -> 1280, 7x7 (MobileNetV2's last conv)",
            PW_320_1280_7.InputChannels, PW_320_1280_7.InputHeight, PW_320_1280_7.InputWidth, PW_320_1280_7.OutputLength, PW_320_1280_7.MultiplyAccumulates, typeof(PW_320_1280_7)),
    ];

    /// <summary>The layer suite of issue 5: one convolution per network (Networks/LayerSuite.gnet).</summary>
    public static IReadOnlyList<NetworkCase> Layers { get; } =
    [
        Layer(nameof(DW3_32_112), "depthwise 3x3, 32 ch, 112x112",
            DW3_32_112.InputChannels, DW3_32_112.InputHeight, DW3_32_112.InputWidth, DW3_32_112.OutputLength, DW3_32_112.MultiplyAccumulates, typeof(DW3_32_112)),
        Layer(nameof(DW3_144_56_S2), "depthwise 3x3, 144 ch, 56x56, stride 2",
            DW3_144_56_S2.InputChannels, DW3_144_56_S2.InputHeight, DW3_144_56_S2.InputWidth, DW3_144_56_S2.OutputLength, DW3_144_56_S2.MultiplyAccumulates, typeof(DW3_144_56_S2)),
        Layer(nameof(DW3_384_14), "depthwise 3x3, 384 ch, 14x14",
            DW3_384_14.InputChannels, DW3_384_14.InputHeight, DW3_384_14.InputWidth, DW3_384_14.OutputLength, DW3_384_14.MultiplyAccumulates, typeof(DW3_384_14)),
        Layer(nameof(DW3_576_14), "depthwise 3x3, 576 ch, 14x14",
            DW3_576_14.InputChannels, DW3_576_14.InputHeight, DW3_576_14.InputWidth, DW3_576_14.OutputLength, DW3_576_14.MultiplyAccumulates, typeof(DW3_576_14)),
        Layer(nameof(DW3_576_14_S2), "depthwise 3x3, 576 ch, 14x14, stride 2",
            DW3_576_14_S2.InputChannels, DW3_576_14_S2.InputHeight, DW3_576_14_S2.InputWidth, DW3_576_14_S2.OutputLength, DW3_576_14_S2.MultiplyAccumulates, typeof(DW3_576_14_S2)),
        Layer(nameof(DW3_960_7), "depthwise 3x3, 960 ch, 7x7",
            DW3_960_7.InputChannels, DW3_960_7.InputHeight, DW3_960_7.InputWidth, DW3_960_7.OutputLength, DW3_960_7.MultiplyAccumulates, typeof(DW3_960_7)),
        Layer(nameof(DW5_960_7), "depthwise 5x5, 960 ch, 7x7",
            DW5_960_7.InputChannels, DW5_960_7.InputHeight, DW5_960_7.InputWidth, DW5_960_7.OutputLength, DW5_960_7.MultiplyAccumulates, typeof(DW5_960_7)),
        Layer(nameof(GC3_128_G32_28), "grouped 3x3, 128 ch, 32 groups (4 ch/group), 28x28",
            GC3_128_G32_28.InputChannels, GC3_128_G32_28.InputHeight, GC3_128_G32_28.InputWidth, GC3_128_G32_28.OutputLength, GC3_128_G32_28.MultiplyAccumulates, typeof(GC3_128_G32_28)),
        Layer(nameof(GC3_256_G8_14), "grouped 3x3, 256 ch, 8 groups (32 ch/group), 14x14",
            GC3_256_G8_14.InputChannels, GC3_256_G8_14.InputHeight, GC3_256_G8_14.InputWidth, GC3_256_G8_14.OutputLength, GC3_256_G8_14.MultiplyAccumulates, typeof(GC3_256_G8_14)),
        Layer(nameof(PW_64_256_28), "pointwise 1x1, 64 -> 256, 28x28",
            PW_64_256_28.InputChannels, PW_64_256_28.InputHeight, PW_64_256_28.InputWidth, PW_64_256_28.OutputLength, PW_64_256_28.MultiplyAccumulates, typeof(PW_64_256_28)),
        LargeLayers[0],
        LargeLayers[1],
        Layer(nameof(MP3_64_112_S2), "max pool 3x3, stride 2, pad 1, 64 ch, 112x112",
            MP3_64_112_S2.InputChannels, MP3_64_112_S2.InputHeight, MP3_64_112_S2.InputWidth, MP3_64_112_S2.OutputLength, MP3_64_112_S2.MultiplyAccumulates, typeof(MP3_64_112_S2)),
    ];

    /// <summary>
    /// The layer rows issue 16 sets a target on (at least 1.0 against ONNX Runtime): the cliffs it names, 3x3 depthwise at
    /// 14x14 and 7x7, max pool 3/2/1 at 112x112 and 1x1 convs at 7x7.
    /// </summary>
    public static IReadOnlyList<NetworkCase> TargetLayers { get; } =
        Layers.Where(c => c.Name is nameof(DW3_384_14) or nameof(DW3_576_14) or nameof(DW3_576_14_S2) or nameof(DW3_960_7)
            or nameof(MP3_64_112_S2) or nameof(PW_1024_2048_7) or nameof(PW_320_1280_7)).ToList();

    /// <summary>Seed networks, then layers, then torchvision's networks (whose files may be absent).</summary>
    public static IReadOnlyList<NetworkCase> All { get; } = [.. SeedNetworks, .. Layers, .. TorchvisionNetworks.Benchmarked];

    /// <summary>The layers whose files exist: all but the large ones whose files are absent.</summary>
    public static IReadOnlyList<NetworkCase> AvailableLayers => Layers.Where(c => !LargeLayers.Contains(c) || HasFiles(c)).ToList();

    /// <summary>
    /// The line to print instead of running a case whose files are outside the repository and absent (the large layers,
    /// torchvision's networks); null when the case can run.
    /// </summary>
    public static string? Skipped(NetworkCase network)
    {
        if (HasFiles(network)) return null;
        if (LargeLayers.Contains(network)) return $"{network.Name} skipped: its files are not in artifacts/layers/; run `{LargeLayersExportCommand}` first.";
        return network.Suite == CaseSuite.Torchvision ? TorchvisionNetworks.Skipped(network.Name) : null;
    }

    /// <summary>The case of that name.</summary>
    public static NetworkCase Find(string name) =>
        All.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"No benchmarked network is named '{name}'.", nameof(name));

    private static bool HasFiles(NetworkCase network) => DataFiles.Exists(network.WeightsFile) && DataFiles.Exists(network.OnnxFile);

    private static NetworkCase Layer(string name, string description, int channels, int height, int width, int outputLength, long macs, Type generatedClass) =>
        new(name, CaseSuite.Layer, description, channels, height, width, outputLength, macs,
            Path.Combine("layers", name + ".safetensors"), Path.Combine("layers", name + ".onnx"), generatedClass);
}
