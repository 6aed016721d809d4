using GroupNetDsl.Weights;

namespace GroupNetDsl.PyTorchParity.Tests;

/// <summary>
/// sigmoid, hardsigmoid, hardswish, silu and gelu in a conv's, a depthwise conv's and a residual add's epilogue, then
/// dropout or stochastic depth, against PyTorch 1.13 (tests/reference/export_activations.py) on a batch of two.
/// </summary>
public class ActivationParityTests
{
    private static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "reference", "ops", name);

    public static TheoryData<string> Activations() => new("sigmoid", "hardsigmoid", "hardswish", "silu", "gelu");

    /// <summary>The network of Activations.gnet for <paramref name="name"/>, on a batch of <paramref name="batch"/>.</summary>
    private static float[] Run(string name, float[] input, int batch, int threads)
    {
        string weights = Reference($"act_{name}.safetensors");
        var output = new float[batch * 8 * 8 * 8];
        switch (name)
        {
            case "sigmoid": using (var n = ActSigmoid.Load(weights, threads)) n.Forward(input, output, batch); break;
            case "hardsigmoid": using (var n = ActHardsigmoid.Load(weights, threads)) n.Forward(input, output, batch); break;
            case "hardswish": using (var n = ActHardswish.Load(weights, threads)) n.Forward(input, output, batch); break;
            case "silu": using (var n = ActSilu.Load(weights, threads)) n.Forward(input, output, batch); break;
            case "gelu": using (var n = ActGelu.Load(weights, threads)) n.Forward(input, output, batch); break;
            default: throw new ArgumentOutOfRangeException(nameof(name));
        }
        return output;
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Activation_block_matches_PyTorch(string name)
    {
        var file = SafeTensorsFile.Open(Reference($"act_{name}.io.safetensors"));
        float[] input = file.ReadFloat32("input"), expected = file.ReadFloat32("output");
        float[] actual = Run(name, input, batch: 2, threads: 1);

        float scale = expected.Max(Math.Abs);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5f * scale, $"{name}: max abs error {worst:G4} exceeds 1e-5 x output scale {scale:G4}");
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Two_threads_and_one_image_at_a_time_give_the_same_bits(string name)
    {
        float[] input = SafeTensorsFile.Open(Reference($"act_{name}.io.safetensors")).ReadFloat32("input");
        float[] batch = Run(name, input, batch: 2, threads: 1);
        Assert.Equal(batch, Run(name, input, batch: 2, threads: 2));
        int image = input.Length / 2;
        Assert.Equal(batch, Run(name, input[..image], 1, 1).Concat(Run(name, input[image..], 1, 2)));
    }
}
