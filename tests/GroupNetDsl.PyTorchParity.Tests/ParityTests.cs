using GroupNetDsl.Weights;

namespace GroupNetDsl.PyTorchParity.Tests;

/// <summary>
/// The generated code reproduces PyTorch 1.13's output on the seed's modules, with non-trivial batchnorm
/// statistics, on a batch of two. Expected outputs were computed by PyTorch (tests/reference/export.py).
/// </summary>
public class ParityTests
{
    private static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "reference", name);

    private static (float[] Input, float[] Expected) InputOutput(string name)
    {
        var file = SafeTensorsFile.Open(Reference(name));
        Assert.Equal(2, file.Get("input").Shape[0]);
        return (file.ReadFloat32("input"), file.ReadFloat32("output"));
    }

    /// <summary>Max abs error within 1e-4 of the output's scale (its largest magnitude, at least 1e-2).</summary>
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(expected.Max(Math.Abs), 1e-2f);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-4f * scale, $"max abs error {worst:G4} exceeds 1e-4 x output scale {scale:G4}");
    }

    [Fact]
    public void SeparableBlockMatchesPyTorch()
    {
        var (input, expected) = InputOutput("dsconv_32_64.io.safetensors");
        var network = SeparableBlock.Load(Reference("dsconv_32_64.safetensors"));
        var output = new float[expected.Length];
        network.Forward(input, output, batchSize: 2);
        AssertClose(expected, output);
    }

    [Fact]
    public void BottleneckMatchesPyTorch()
    {
        var (input, expected) = InputOutput("bottleneck_64_128_g8_s2.io.safetensors");
        var network = Bottleneck.Load(Reference("bottleneck_64_128_g8_s2.safetensors"));
        var output = new float[expected.Length];
        network.Forward(input, output, batchSize: 2);
        AssertClose(expected, output);
    }

    [Fact]
    public void MiniGroupNetAttributeFormMatchesPyTorch()
    {
        var (input, expected) = InputOutput("minigroupnet_g8.io.safetensors");
        var network = MiniGroupNetAttributes.Load(Reference("minigroupnet_g8.safetensors"));
        var output = new float[expected.Length];
        network.Forward(input, output, batchSize: 2);
        AssertClose(expected, output);
    }

    [Fact]
    public void MiniGroupNetGnetFormMatchesPyTorch()
    {
        var (input, expected) = InputOutput("minigroupnet_g8.io.safetensors");
        var network = MiniGroupNetFromFile.Load(Reference("minigroupnet_g8.safetensors"));
        var output = new float[expected.Length];
        network.Forward(input, output, batchSize: 2);
        AssertClose(expected, output);
    }

    [Theory]
    [InlineData("minigroupnet_g8.f16")]
    [InlineData("minigroupnet_g8.bf16")]
    public void HalfPrecisionWeightsAreConvertedAtLoad(string name)
    {
        // PyTorch's expected output was computed with the weights rounded to f16/bf16 and widened back.
        var (input, expected) = InputOutput(name + ".io.safetensors");
        var network = MiniGroupNetAttributes.Load(Reference(name + ".safetensors"));
        var output = new float[expected.Length];
        network.Forward(input, output, batchSize: 2);
        AssertClose(expected, output);
    }

    [Fact]
    public void LoadFromStreamAndBytesGiveTheSameNetwork()
    {
        var (input, expected) = InputOutput("minigroupnet_g8.io.safetensors");
        byte[] bytes = File.ReadAllBytes(Reference("minigroupnet_g8.safetensors"));
        using var stream = new MemoryStream(bytes);
        foreach (var network in new[] { MiniGroupNetAttributes.Load(stream, "stream"), MiniGroupNetAttributes.Load(bytes, "bytes") })
        {
            var output = new float[expected.Length];
            network.Forward(input, output, batchSize: 2);
            AssertClose(expected, output);
        }
    }

    [Fact]
    public void WeightsOfAnotherNetworkAreRejectedWithTheKey()
    {
        var error = Assert.Throws<WeightFileException>(() => Bottleneck.Load(Reference("dsconv_32_64.safetensors")));
        Assert.Contains("dsconv_32_64.safetensors", error.Message);
        Assert.Equal("reduce.0.weight", error.Key);
    }

    [Fact]
    public void ConstantsMatchTheSeedArithmetic()
    {
        // MiniGroupNet: 3x64x64 in, 10 logits out; totals from PyTorch (tests/reference/data/counts.json).
        Assert.Equal(3 * 64 * 64, MiniGroupNetAttributes.InputLength);
        Assert.Equal(10, MiniGroupNetAttributes.OutputLength);
        Assert.Equal(132_170, MiniGroupNetAttributes.ParameterCount);
        Assert.Equal(83_626_496, MiniGroupNetAttributes.MultiplyAccumulates);
        Assert.Equal(MiniGroupNetAttributes.ParameterCount, MiniGroupNetFromFile.ParameterCount);
        Assert.Equal(128 * 16 * 16, Bottleneck.OutputLength);
        Assert.Equal(2_464, SeparableBlock.ParameterCount);
        Assert.Contains("Total params: 132,170", MiniGroupNetAttributes.Summary);
    }

    [Fact]
    public void WrongSpanLengthsAreRejected()
    {
        var network = SeparableBlock.Load(Reference("dsconv_32_64.safetensors"));
        var error = Assert.Throws<ArgumentException>(() => network.Forward(new float[10], new float[SeparableBlock.OutputLength]));
        Assert.Equal("input", error.ParamName);
        Assert.Throws<ArgumentException>(() => network.Forward(new float[SeparableBlock.InputLength], new float[3]));
        Assert.Throws<ArgumentException>(() => network.Forward(new float[SeparableBlock.InputLength * 2], new float[SeparableBlock.OutputLength * 2], batchSize: 3));
    }
}
