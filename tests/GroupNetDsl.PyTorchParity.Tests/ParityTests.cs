using GroupNetDsl.Weights;
using MiniGroupNetAttributes = MiniGroupNetSample.MiniGroupNet;

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
    public void SeparableBlock_matches_PyTorch()
    {
        var (input, expected) = InputOutput("dsconv_32_64.io.safetensors");
        var network = SeparableBlock.Load(Reference("dsconv_32_64.safetensors"));
        var output = new float[expected.Length];
        network.Forward(input, output, batchSize: 2);
        AssertClose(expected, output);
    }

    [Fact]
    public void Bottleneck_matches_PyTorch()
    {
        var (input, expected) = InputOutput("bottleneck_64_128_g8_s2.io.safetensors");
        var network = Bottleneck.Load(Reference("bottleneck_64_128_g8_s2.safetensors"));
        var output = new float[expected.Length];
        network.Forward(input, output, batchSize: 2);
        AssertClose(expected, output);
    }

    [Fact]
    public void MiniGroupNet_attribute_form_matches_PyTorch()
    {
        var (input, expected) = InputOutput("minigroupnet_g8.io.safetensors");
        var network = MiniGroupNetAttributes.Load(Reference("minigroupnet_g8.safetensors"));
        var output = new float[expected.Length];
        network.Forward(input, output, batchSize: 2);
        AssertClose(expected, output);
    }

    [Fact]
    public void MiniGroupNet_gnet_form_matches_PyTorch()
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
    public void Half_precision_weights_are_converted_at_load(string name)
    {
        // PyTorch's expected output was computed with the weights rounded to f16/bf16 and widened back.
        var (input, expected) = InputOutput(name + ".io.safetensors");
        var network = MiniGroupNetAttributes.Load(Reference(name + ".safetensors"));
        var output = new float[expected.Length];
        network.Forward(input, output, batchSize: 2);
        AssertClose(expected, output);
    }

    [Fact]
    public void Load_from_stream_and_bytes_give_the_same_network()
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
    public void Weights_of_another_network_are_rejected_with_the_key()
    {
        var error = Assert.Throws<WeightFileException>(() => Bottleneck.Load(Reference("dsconv_32_64.safetensors")));
        Assert.Contains("dsconv_32_64.safetensors", error.Message);
        Assert.Equal("reduce.0.weight", error.Key);
    }

    [Fact]
    public void Constants_match_the_seed_arithmetic()
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
    public void Wrong_span_lengths_are_rejected()
    {
        var network = SeparableBlock.Load(Reference("dsconv_32_64.safetensors"));
        var error = Assert.Throws<ArgumentException>(() => network.Forward(new float[10], new float[SeparableBlock.OutputLength]));
        Assert.Equal("input", error.ParamName);
        Assert.Throws<ArgumentException>(() => network.Forward(new float[SeparableBlock.InputLength], new float[3]));
        Assert.Throws<ArgumentException>(() => network.Forward(new float[SeparableBlock.InputLength * 2], new float[SeparableBlock.OutputLength * 2], batchSize: 3));
    }
}

/// <summary>Threads change who computes an output, never how: results are bit-identical to one thread.</summary>
public class ThreadingTests
{
    private static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "reference", name);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(16)]     // more threads than processors: a thread per processor
    [InlineData(1024)]
    public void Threaded_forward_is_bit_identical(int threads)
    {
        var file = SafeTensorsFile.Open(Reference("minigroupnet_g8.io.safetensors"));
        float[] input = file.ReadFloat32("input");
        var single = MiniGroupNetAttributes.Load(Reference("minigroupnet_g8.safetensors"));
        using var threaded = MiniGroupNetAttributes.Load(Reference("minigroupnet_g8.safetensors"), threads);
        Assert.Equal(Math.Min(threads, Environment.ProcessorCount), threaded.Threads);

        float[] expected = new float[2 * MiniGroupNetAttributes.OutputLength], batch = new float[expected.Length], oneByOne = new float[expected.Length];
        single.Forward(input, expected, batchSize: 2);
        threaded.Forward(input, batch, batchSize: 2);   // images on different threads
        for (int image = 0; image < 2; image++)           // each image's products split among threads
        {
            threaded.Forward(input.AsSpan(image * MiniGroupNetAttributes.InputLength, MiniGroupNetAttributes.InputLength),
                oneByOne.AsSpan(image * MiniGroupNetAttributes.OutputLength, MiniGroupNetAttributes.OutputLength));
        }
        Assert.Equal(expected, batch);
        Assert.Equal(expected, oneByOne);
    }

    [Fact]
    public void Threaded_instance_serves_concurrent_callers()
    {
        // Callers that find the team busy compute alone; every caller still gets the exact result.
        var file = SafeTensorsFile.Open(Reference("minigroupnet_g8.io.safetensors"));
        float[] input = file.ReadFloat32("input").AsSpan(0, MiniGroupNetAttributes.InputLength).ToArray();
        using var network = MiniGroupNetAttributes.Load(Reference("minigroupnet_g8.safetensors"), threads: 2);
        var expected = new float[MiniGroupNetAttributes.OutputLength];
        MiniGroupNetAttributes.Load(Reference("minigroupnet_g8.safetensors")).Forward(input, expected);
        var results = new float[4][];
        Parallel.For(0, 4, i =>
        {
            var output = new float[MiniGroupNetAttributes.OutputLength];
            for (int repeat = 0; repeat < 10; repeat++) network.Forward(input, output);
            results[i] = output;
        });
        Assert.All(results, result => Assert.Equal(expected, result));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1025)]
    [InlineData(100000)]
    public void Thread_counts_outside_1_to_1024_are_rejected_at_load(int threads)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => MiniGroupNetAttributes.Load(Reference("minigroupnet_g8.safetensors"), threads));
        Assert.Equal("threads", error.ParamName);
        Assert.Contains("Use 1 to 1024 threads", error.Message);
    }
}
