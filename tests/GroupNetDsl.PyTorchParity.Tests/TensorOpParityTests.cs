using GroupNetDsl.Weights;

namespace GroupNetDsl.PyTorchParity.Tests;

/// <summary>
/// The tensor ops (per-channel multiply, mean, layernorm2d, a block's learned tensor, and ConvNeXt's permute, layernorm
/// and linear on channels-last tensors) against PyTorch 1.13 and torchvision 0.14, on the modules of
/// tests/reference/export_tensor_ops.py declared in TensorOps.gnet, batch of two.
/// </summary>
public class TensorOpParityTests
{
    private static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "reference", "ops", name);

    public static TheoryData<string> Names => new() { "tensor_se", "tensor_layernorm2d", "tensor_layer_scale", "tensor_cnblock" };

    private static (float[] Input, float[] Expected) InputOutput(string name)
    {
        var file = SafeTensorsFile.Open(Reference(name + ".io.safetensors"));
        Assert.Equal(2, file.Get("input").Shape[0]);
        return (file.ReadFloat32("input"), file.ReadFloat32("output"));
    }

    /// <summary>The network's output for the batch of two, loaded with <paramref name="threads"/>.</summary>
    private static float[] Run(string name, float[] input, int outputLength, int threads = 1)
    {
        var output = new float[outputLength];
        string weights = Reference(name + ".safetensors");
        switch (name)
        {
            case "tensor_se":
                using (var network = TensorSE.Load(weights, threads)) network.Forward(input, output, batchSize: 2);
                break;
            case "tensor_layernorm2d":
                using (var network = TensorLayerNorm2d.Load(weights, threads)) network.Forward(input, output, batchSize: 2);
                break;
            case "tensor_layer_scale":
                using (var network = TensorLayerScale.Load(weights, threads)) network.Forward(input, output, batchSize: 2);
                break;
            default:
                using (var network = TensorCNBlock.Load(weights, threads)) network.Forward(input, output, batchSize: 2);
                break;
        }
        return output;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Output_matches_PyTorch_within_1e_5_of_its_scale(string name)
    {
        var (input, expected) = InputOutput(name);
        var actual = Run(name, input, expected.Length);
        float scale = expected.Max(Math.Abs);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5f * scale, $"{name}: max abs error {worst:G4} exceeds 1e-5 x max abs output {scale:G4}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Two_threads_give_the_same_bits(string name)
    {
        var (input, expected) = InputOutput(name);
        Assert.Equal(Run(name, input, expected.Length), Run(name, input, expected.Length, threads: 2));
    }

    [Fact]
    public void Parameter_counts_are_PyTorchs()
    {
        // sum(p.numel() for p in model.parameters()), printed by export_tensor_ops.py.
        Assert.Equal(961, TensorSE.ParameterCount);
        Assert.Equal(480, TensorLayerNorm2d.ParameterCount);
        Assert.Equal(2176, TensorLayerScale.ParameterCount);
        Assert.Equal(2360, TensorCNBlock.ParameterCount);
    }

    [Fact]
    public void Layer_scale_is_read_at_the_members_path_with_no_suffix()
    {
        // Loading takes every key of the file, so a missing or renamed layer_scale fails to load.
        using var network = TensorLayerScale.Load(Reference("tensor_layer_scale.safetensors"));
        Assert.Contains("features.1.0.layer_scale", TensorLayerScale.Summary);
        var file = SafeTensorsFile.Open(Reference("tensor_layer_scale.safetensors"));
        Assert.Equal(new long[] { 8, 1, 1 }, file.Get("features.1.0.layer_scale").Shape);
    }
}
