using System.Text.Json;
using GroupNetDsl.Weights;
using Xunit.Abstractions;

namespace GroupNetDsl.PyTorchParity.Tests.Zoo;

/// <summary>
/// The model zoo (src/GroupNetDsl.Language/StandardLibrary/Zoo) against torchvision 0.14: each network declared in one
/// line (Zoo/Zoo.gnet) loads torchvision's state_dict keys, has torchvision's parameter count and MACs, and computes
/// torchvision's output. Expected numbers come from tests/reference/export_zoo.py (data/zoo).
/// </summary>
public sealed class ZooTests(ITestOutputHelper output)
{
    /// <summary>Runs <c>batchSize</c> images.</summary>
    private delegate void BatchForward(ReadOnlySpan<float> input, Span<float> output, int batchSize);

    /// <summary>A network of Zoo.gnet checked against PyTorch: its data files' name, its class's Load and sizes.</summary>
    private sealed record Case(string Name, Func<byte[], int, (BatchForward Forward, IDisposable Instance)> Load, int InputLength, int OutputLength, long Parameters, long Macs);

    private static readonly Dictionary<string, Case> Cases = new[]
    {
        new Case("mobilenet_v2", (bytes, threads) => Open(ZooMobileNetV2.Load(bytes, "mobilenet_v2", threads)),
            ZooMobileNetV2.InputLength, ZooMobileNetV2.OutputLength, ZooMobileNetV2.ParameterCount, ZooMobileNetV2.MultiplyAccumulates),
        new Case("mobilenet_v2_w0_7", (bytes, threads) => Open(ZooMobileNetV2Width07.Load(bytes, "mobilenet_v2_w0_7", threads)),
            ZooMobileNetV2Width07.InputLength, ZooMobileNetV2Width07.OutputLength, ZooMobileNetV2Width07.ParameterCount, ZooMobileNetV2Width07.MultiplyAccumulates),
        new Case("resnext50_32x4d", (bytes, threads) => Open(ZooResNeXt50.Load(bytes, "resnext50_32x4d", threads)),
            ZooResNeXt50.InputLength, ZooResNeXt50.OutputLength, ZooResNeXt50.ParameterCount, ZooResNeXt50.MultiplyAccumulates),
        new Case("shufflenet_v2_x0_5", (bytes, threads) => Open(ZooShuffleNetV2X05.Load(bytes, "shufflenet_v2_x0_5", threads)),
            ZooShuffleNetV2X05.InputLength, ZooShuffleNetV2X05.OutputLength, ZooShuffleNetV2X05.ParameterCount, ZooShuffleNetV2X05.MultiplyAccumulates),
        new Case("shufflenet_v2_x1_0_c10", (bytes, threads) => Open(ZooShuffleNetV2X10Classes10.Load(bytes, "shufflenet_v2_x1_0_c10", threads)),
            ZooShuffleNetV2X10Classes10.InputLength, ZooShuffleNetV2X10Classes10.OutputLength, ZooShuffleNetV2X10Classes10.ParameterCount, ZooShuffleNetV2X10Classes10.MultiplyAccumulates),
        new Case("mnasnet0_75_c10", (bytes, threads) => Open(ZooMnasNet075Classes10.Load(bytes, "mnasnet0_75_c10", threads)),
            ZooMnasNet075Classes10.InputLength, ZooMnasNet075Classes10.OutputLength, ZooMnasNet075Classes10.ParameterCount, ZooMnasNet075Classes10.MultiplyAccumulates),
        new Case("mnasnet1_0", (bytes, threads) => Open(ZooMnasNet10.Load(bytes, "mnasnet1_0", threads)),
            ZooMnasNet10.InputLength, ZooMnasNet10.OutputLength, ZooMnasNet10.ParameterCount, ZooMnasNet10.MultiplyAccumulates),
        new Case("regnet_x_400mf_c10", (bytes, threads) => Open(ZooRegNetX400MFClasses10.Load(bytes, "regnet_x_400mf_c10", threads)),
            ZooRegNetX400MFClasses10.InputLength, ZooRegNetX400MFClasses10.OutputLength, ZooRegNetX400MFClasses10.ParameterCount, ZooRegNetX400MFClasses10.MultiplyAccumulates),
        new Case("regnet_x_1_6gf", (bytes, threads) => Open(ZooRegNetX16GF.Load(bytes, "regnet_x_1_6gf", threads)),
            ZooRegNetX16GF.InputLength, ZooRegNetX16GF.OutputLength, ZooRegNetX16GF.ParameterCount, ZooRegNetX16GF.MultiplyAccumulates),
        new Case("regnet_y_400mf_c10", (bytes, threads) => Open(ZooRegNetY400MFClasses10.Load(bytes, "regnet_y_400mf_c10", threads)),
            ZooRegNetY400MFClasses10.InputLength, ZooRegNetY400MFClasses10.OutputLength, ZooRegNetY400MFClasses10.ParameterCount, ZooRegNetY400MFClasses10.MultiplyAccumulates),
        new Case("regnet_y_1_6gf", (bytes, threads) => Open(ZooRegNetY16GF.Load(bytes, "regnet_y_1_6gf", threads)),
            ZooRegNetY16GF.InputLength, ZooRegNetY16GF.OutputLength, ZooRegNetY16GF.ParameterCount, ZooRegNetY16GF.MultiplyAccumulates),
        new Case("mobilenet_v3_large", (bytes, threads) => Open(ZooMobileNetV3Large.Load(bytes, "mobilenet_v3_large", threads)),
            ZooMobileNetV3Large.InputLength, ZooMobileNetV3Large.OutputLength, ZooMobileNetV3Large.ParameterCount, ZooMobileNetV3Large.MultiplyAccumulates),
        new Case("mobilenet_v3_small_c10", (bytes, threads) => Open(ZooMobileNetV3SmallClasses10.Load(bytes, "mobilenet_v3_small_c10", threads)),
            ZooMobileNetV3SmallClasses10.InputLength, ZooMobileNetV3SmallClasses10.OutputLength, ZooMobileNetV3SmallClasses10.ParameterCount, ZooMobileNetV3SmallClasses10.MultiplyAccumulates),
        new Case("mobilenet_v3_large_w0_75_dilated", (bytes, threads) => Open(ZooMobileNetV3LargeWidth075Dilated.Load(bytes, "mobilenet_v3_large_w0_75_dilated", threads)),
            ZooMobileNetV3LargeWidth075Dilated.InputLength, ZooMobileNetV3LargeWidth075Dilated.OutputLength, ZooMobileNetV3LargeWidth075Dilated.ParameterCount, ZooMobileNetV3LargeWidth075Dilated.MultiplyAccumulates),
        new Case("efficientnet_b0", (bytes, threads) => Open(ZooEfficientNetB0.Load(bytes, "efficientnet_b0", threads)),
            ZooEfficientNetB0.InputLength, ZooEfficientNetB0.OutputLength, ZooEfficientNetB0.ParameterCount, ZooEfficientNetB0.MultiplyAccumulates),
        new Case("efficientnet_b1_c10", (bytes, threads) => Open(ZooEfficientNetB1Classes10.Load(bytes, "efficientnet_b1_c10", threads)),
            ZooEfficientNetB1Classes10.InputLength, ZooEfficientNetB1Classes10.OutputLength, ZooEfficientNetB1Classes10.ParameterCount, ZooEfficientNetB1Classes10.MultiplyAccumulates),
        new Case("efficientnet_b2_c10", (bytes, threads) => Open(ZooEfficientNetB2Classes10.Load(bytes, "efficientnet_b2_c10", threads)),
            ZooEfficientNetB2Classes10.InputLength, ZooEfficientNetB2Classes10.OutputLength, ZooEfficientNetB2Classes10.ParameterCount, ZooEfficientNetB2Classes10.MultiplyAccumulates),
        new Case("efficientnet_b3_c10", (bytes, threads) => Open(ZooEfficientNetB3Classes10.Load(bytes, "efficientnet_b3_c10", threads)),
            ZooEfficientNetB3Classes10.InputLength, ZooEfficientNetB3Classes10.OutputLength, ZooEfficientNetB3Classes10.ParameterCount, ZooEfficientNetB3Classes10.MultiplyAccumulates),
        new Case("convnext_tiny", (bytes, threads) => Open(ZooConvNeXtTiny.Load(bytes, "convnext_tiny", threads)),
            ZooConvNeXtTiny.InputLength, ZooConvNeXtTiny.OutputLength, ZooConvNeXtTiny.ParameterCount, ZooConvNeXtTiny.MultiplyAccumulates),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string> CheckedNetworks() => new(Cases.Keys);

    /// <summary>The 3x224x224 declarations of Zoo.gnet by their name in counts.json: (parameters, MACs) of the generated class.</summary>
    public static TheoryData<string, long, long> CountedNetworks() => new()
    {
        { "mobilenet_v2", MobileNetV2At224.ParameterCount, MobileNetV2At224.MultiplyAccumulates },
        { "mobilenet_v2_w0_35", MobileNetV2Width035.ParameterCount, MobileNetV2Width035.MultiplyAccumulates },
        { "mobilenet_v2_w0_5", MobileNetV2Width05.ParameterCount, MobileNetV2Width05.MultiplyAccumulates },
        { "mobilenet_v2_w0_7_c10", MobileNetV2Width07Classes10.ParameterCount, MobileNetV2Width07Classes10.MultiplyAccumulates },
        { "mobilenet_v2_w0_75", MobileNetV2Width075.ParameterCount, MobileNetV2Width075.MultiplyAccumulates },
        { "mobilenet_v2_w1_3", MobileNetV2Width13.ParameterCount, MobileNetV2Width13.MultiplyAccumulates },
        { "mobilenet_v2_w1_4", MobileNetV2Width14.ParameterCount, MobileNetV2Width14.MultiplyAccumulates },
        { "mobilenet_v2_r4", MobileNetV2Round4.ParameterCount, MobileNetV2Round4.MultiplyAccumulates },
        { "resnext50_32x4d", ResNeXt50At224.ParameterCount, ResNeXt50At224.MultiplyAccumulates },
        { "resnext50_32x4d_c10", ResNeXt50Classes10.ParameterCount, ResNeXt50Classes10.MultiplyAccumulates },
        { "resnext101_32x8d", ResNeXt101At224.ParameterCount, ResNeXt101At224.MultiplyAccumulates },
        { "shufflenet_v2_x0_5", ShuffleNetV2X05At224.ParameterCount, ShuffleNetV2X05At224.MultiplyAccumulates },
        { "shufflenet_v2_x1_0", ShuffleNetV2X10At224.ParameterCount, ShuffleNetV2X10At224.MultiplyAccumulates },
        { "shufflenet_v2_x1_5", ShuffleNetV2X15At224.ParameterCount, ShuffleNetV2X15At224.MultiplyAccumulates },
        { "shufflenet_v2_x2_0", ShuffleNetV2X20At224.ParameterCount, ShuffleNetV2X20At224.MultiplyAccumulates },
        { "shufflenet_v2_x1_0_c10", ShuffleNetV2X10Classes10.ParameterCount, ShuffleNetV2X10Classes10.MultiplyAccumulates },
        { "mnasnet0_5", MnasNet05At224.ParameterCount, MnasNet05At224.MultiplyAccumulates },
        { "mnasnet0_75", MnasNet075At224.ParameterCount, MnasNet075At224.MultiplyAccumulates },
        { "mnasnet1_0", MnasNet10At224.ParameterCount, MnasNet10At224.MultiplyAccumulates },
        { "mnasnet1_3", MnasNet13At224.ParameterCount, MnasNet13At224.MultiplyAccumulates },
        { "mnasnet1_3_c10", MnasNet13Classes10.ParameterCount, MnasNet13Classes10.MultiplyAccumulates },
        { "regnet_x_400mf", RegNetX400MFAt224.ParameterCount, RegNetX400MFAt224.MultiplyAccumulates },
        { "regnet_x_800mf", RegNetX800MFAt224.ParameterCount, RegNetX800MFAt224.MultiplyAccumulates },
        { "regnet_x_1_6gf", RegNetX16GFAt224.ParameterCount, RegNetX16GFAt224.MultiplyAccumulates },
        { "regnet_x_800mf_c10", RegNetX800MFClasses10.ParameterCount, RegNetX800MFClasses10.MultiplyAccumulates },
        { "regnet_y_400mf", RegNetY400MFAt224.ParameterCount, RegNetY400MFAt224.MultiplyAccumulates },
        { "regnet_y_800mf", RegNetY800MFAt224.ParameterCount, RegNetY800MFAt224.MultiplyAccumulates },
        { "regnet_y_1_6gf", RegNetY16GFAt224.ParameterCount, RegNetY16GFAt224.MultiplyAccumulates },
        { "regnet_y_800mf_c10", RegNetY800MFClasses10.ParameterCount, RegNetY800MFClasses10.MultiplyAccumulates },
        { "mobilenet_v3_large", MobileNetV3LargeAt224.ParameterCount, MobileNetV3LargeAt224.MultiplyAccumulates },
        { "mobilenet_v3_small", MobileNetV3SmallAt224.ParameterCount, MobileNetV3SmallAt224.MultiplyAccumulates },
        { "mobilenet_v3_large_w0_75_rt_c10", MobileNetV3LargeWidth075ReducedTailClasses10.ParameterCount, MobileNetV3LargeWidth075ReducedTailClasses10.MultiplyAccumulates },
        { "mobilenet_v3_small_w1_25_dilated", MobileNetV3SmallWidth125Dilated.ParameterCount, MobileNetV3SmallWidth125Dilated.MultiplyAccumulates },
        { "efficientnet_b0", EfficientNetB0At224.ParameterCount, EfficientNetB0At224.MultiplyAccumulates },
        { "efficientnet_b1", EfficientNetB1At224.ParameterCount, EfficientNetB1At224.MultiplyAccumulates },
        { "efficientnet_b2", EfficientNetB2At224.ParameterCount, EfficientNetB2At224.MultiplyAccumulates },
        { "efficientnet_b3", EfficientNetB3At224.ParameterCount, EfficientNetB3At224.MultiplyAccumulates },
        { "efficientnet_b0_c10", EfficientNetB0Classes10.ParameterCount, EfficientNetB0Classes10.MultiplyAccumulates },
        { "convnext_tiny", ConvNeXtTinyAt224.ParameterCount, ConvNeXtTinyAt224.MultiplyAccumulates },
        { "convnext_small", ConvNeXtSmallAt224.ParameterCount, ConvNeXtSmallAt224.MultiplyAccumulates },
        { "convnext_tiny_c10", ConvNeXtTinyClasses10.ParameterCount, ConvNeXtTinyClasses10.MultiplyAccumulates },
    };

    [Theory]
    [MemberData(nameof(CountedNetworks))]
    public void Parameters_and_MACs_at_224_are_torchvisions(string name, long parameters, long macs)
    {
        using var counts = JsonDocument.Parse(File.ReadAllText(Reference("counts.json")));
        var expected = counts.RootElement.GetProperty(name);
        Assert.Equal(expected.GetProperty("parameters").GetInt64(), parameters);
        Assert.Equal(expected.GetProperty("macs_per_image_224").GetInt64(), macs);
    }

    [Fact]
    public void Every_counted_network_is_declared()
    {
        using var counts = JsonDocument.Parse(File.ReadAllText(Reference("counts.json")));
        Assert.Equal(counts.RootElement.EnumerateObject().Select(p => p.Name).Order(), CountedNetworks().Select(row => (string)row[0]).Order());
    }

    [Theory]
    [MemberData(nameof(CheckedNetworks))]
    public void Output_matches_torchvision(string name)
    {
        var network = Cases[name];
        using var manifest = Manifest(name);
        Assert.Equal(manifest.RootElement.GetProperty("parameters").GetInt64(), network.Parameters);
        Assert.Equal(manifest.RootElement.GetProperty("macs_per_image").GetInt64(), network.Macs);

        var (input, expected) = InputOutput(name);
        var (forward, instance) = network.Load(CountedWeights.Create(manifest.RootElement), 1);
        using (instance)
        {
            var actual = new float[expected.Length];
            forward(input, actual, expected.Length / network.OutputLength);
            float scale = expected.Max(Math.Abs);
            float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            output.WriteLine($"{name}: params {network.Parameters:N0}, MACs {network.Macs:N0}, max |output| {scale:G4}, max abs error {worst:G3} = {worst / scale:G3} x max |output|");
            Assert.True(worst <= 1e-5f * scale, $"{name}: max abs error {worst:G4} exceeds 1e-5 x max |output| {scale:G4}");
        }
    }

    [Theory]
    [InlineData("mobilenet_v2")]
    [InlineData("resnext50_32x4d")]
    [InlineData("shufflenet_v2_x0_5")]
    [InlineData("mnasnet1_0")]
    [InlineData("regnet_x_1_6gf")]
    [InlineData("regnet_y_1_6gf")]
    [InlineData("mobilenet_v3_large")]
    [InlineData("efficientnet_b0")]
    [InlineData("convnext_tiny")]
    public void Batch_of_8_on_2_threads_equals_one_image_at_a_time_on_1(string name)
    {
        var network = Cases[name];
        using var manifest = Manifest(name);
        byte[] weights = CountedWeights.Create(manifest.RootElement);
        var (pair, _) = InputOutput(name);
        // Eight images: the two of PyTorch's input, then each scaled and shifted, so no two are alike.
        var input = new float[8 * network.InputLength];
        for (int image = 0; image < 8; image++)
        {
            var source = pair.AsSpan(image % 2 * network.InputLength, network.InputLength);
            for (int i = 0; i < source.Length; i++) input[image * network.InputLength + i] = source[i] * (1 + image / 8f) + image / 16f;
        }

        var expected = new float[8 * network.OutputLength];
        var (single, singleInstance) = network.Load(weights, 1);
        using (singleInstance)
        {
            for (int image = 0; image < 8; image++)
            {
                single(input.AsSpan(image * network.InputLength, network.InputLength), expected.AsSpan(image * network.OutputLength, network.OutputLength), 1);
            }
        }
        var actual = new float[expected.Length];
        var (threaded, threadedInstance) = network.Load(weights, 2);
        using (threadedInstance) threaded(input, actual, 8);
        Assert.Equal(expected, actual);
    }

    private static (BatchForward, IDisposable) Open(ZooMobileNetV2 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooMobileNetV2Width07 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooResNeXt50 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooShuffleNetV2X05 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooShuffleNetV2X10Classes10 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooMnasNet075Classes10 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooMnasNet10 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooRegNetX400MFClasses10 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooRegNetX16GF network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooRegNetY400MFClasses10 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooRegNetY16GF network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooMobileNetV3Large network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooMobileNetV3SmallClasses10 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooMobileNetV3LargeWidth075Dilated network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooEfficientNetB0 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooEfficientNetB1Classes10 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooEfficientNetB2Classes10 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooEfficientNetB3Classes10 network) => (network.Forward, network);

    private static (BatchForward, IDisposable) Open(ZooConvNeXtTiny network) => (network.Forward, network);

    private static JsonDocument Manifest(string name) => JsonDocument.Parse(File.ReadAllText(Reference(name + ".json")));

    private static (float[] Input, float[] Expected) InputOutput(string name)
    {
        var file = SafeTensorsFile.Open(Reference(name + ".io.safetensors"));
        return (file.ReadFloat32("input"), file.ReadFloat32("output"));
    }

    private static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "reference", "zoo", name);
}
