using GroupNetDsl.Weights;

namespace GroupNetDsl.PyTorchParity.Tests;

/// <summary>
/// cat, chunk and channel_shuffle, and a forward block that names the tensors of chunk, reproduce torchvision 0.14's
/// ShuffleNetV2 units: the .gnet block (ChannelOps.gnet) uses torchvision's state_dict names, and the expected output
/// was computed by PyTorch (tests/reference/export_channel_ops.py) on a batch of two.
/// </summary>
public class ChannelOpsParityTests
{
    private static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "reference", "ops", name);

    private static (float[] Input, float[] Expected) InputOutput()
    {
        var file = SafeTensorsFile.Open(Reference("chan_shufflenet_pair.io.safetensors"));
        Assert.Equal(new long[] { 2, 8, 16, 16 }, file.Get("input").Shape.ToArray());
        Assert.Equal(new long[] { 2, 16, 8, 8 }, file.Get("output").Shape.ToArray());
        return (file.ReadFloat32("input"), file.ReadFloat32("output"));
    }

    [Fact]
    public void ShuffleNetV2_units_match_PyTorch_within_1e_5_of_the_output_scale()
    {
        var (input, expected) = InputOutput();
        using var network = ShuffleNetV2Pair.Load(Reference("chan_shufflenet_pair.safetensors"));
        var output = new float[expected.Length];
        network.Forward(input, output, batchSize: 2);

        float scale = expected.Max(Math.Abs);
        float worst = expected.Zip(output, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5f * scale, $"max abs error {worst:G4} exceeds 1e-5 x max abs output {scale:G4}");
    }

    [Fact]
    public void Two_threads_and_one_image_at_a_time_give_the_same_bits()
    {
        var (input, _) = InputOutput();
        using var alone = ShuffleNetV2Pair.Load(Reference("chan_shufflenet_pair.safetensors"));
        using var shared = ShuffleNetV2Pair.Load(Reference("chan_shufflenet_pair.safetensors"), threads: 2);
        var expected = new float[2 * ShuffleNetV2Pair.OutputLength];
        var batch = new float[expected.Length];
        var oneByOne = new float[expected.Length];
        alone.Forward(input, expected, batchSize: 2);
        shared.Forward(input, batch, batchSize: 2);
        for (int image = 0; image < 2; image++)
        {
            shared.Forward(input.AsSpan(image * ShuffleNetV2Pair.InputLength, ShuffleNetV2Pair.InputLength),
                oneByOne.AsSpan(image * ShuffleNetV2Pair.OutputLength, ShuffleNetV2Pair.OutputLength));
        }
        Assert.Equal(expected, batch);
        Assert.Equal(expected, oneByOne);
    }

    [Fact]
    public void Forward_allocates_nothing_after_warm_up()
    {
        var (input, expected) = InputOutput();
        using var network = ShuffleNetV2Pair.Load(Reference("chan_shufflenet_pair.safetensors"));
        var output = new float[expected.Length];
        for (int i = 0; i < 3; i++) network.Forward(input, output, batchSize: 2);

        // A Forward that allocates does so in every window; the runtime (tiering up methods while other tests run)
        // once charged 1,536 bytes to one window under load. So the best of three windows must be 0 B.
        long fewest = long.MaxValue;
        for (int window = 0; window < 3 && fewest != 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) network.Forward(input, output, batchSize: 2);
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
    }

    [Fact]
    public void The_parameter_count_is_torchvisions()
    {
        // sum(p.numel() for p in model.parameters()), printed by export_channel_ops.py.
        Assert.Equal(664, ShuffleNetV2Pair.ParameterCount);
    }
}
