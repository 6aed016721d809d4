using System.Text.RegularExpressions;
using GroupNetDsl.TestSupport.Samples;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Generator.Tests.Import;

/// <summary>
/// <c>gnet import</c> end to end: each ONNX file tests/reference/export.py wrote from PyTorch 1.13 is imported, the
/// .gnet it wrote is generated and compiled as a user project would, loaded with the .safetensors it wrote, and run;
/// its output must be PyTorch's (the *.io.safetensors beside the model, a batch of two) and ONNX Runtime's on the
/// same file and input.
/// </summary>
public sealed class OnnxImportParityTests
{
    // ops_mix (tests/reference/export_onnx_import.py) adds ReLU6, a padded MaxPool, Concat, an unfolded BatchNormalization,
    // a per-channel Mul, a functional relu and a padded AvgPool2d (a Pad and an AveragePool), at opsets 11 and 17.
    public static TheoryData<string> Models => new("minigroupnet_g8", "dsconv_32_64", "bottleneck_64_128_g8_s2", "onnx/ops_mix_opset11", "onnx/ops_mix_opset17");

    [Theory]
    [MemberData(nameof(Models))]
    public void The_imported_network_computes_pytorchs_output_within_1e_5_of_its_scale(string model)
    {
        string pair = model.StartsWith("onnx/ops_mix", StringComparison.Ordinal) ? "onnx/ops_mix" : model;
        var io = SafeTensorsFile.Open(RepositoryFiles.PathOf($"tests/reference/data/{pair}.io.safetensors"));
        var shape = io.Get("input").Shape.ToArray();

        // export.py traced dsconv's ONNX file at 64x64 but ran PyTorch's pair at 24x24: the weights of a network of
        // convolutions do not depend on the image size, so the declared input takes the pair's.
        var (gnet, weights) = Import(model);
        gnet = Regex.Replace(gnet, @"\(input: \d+x\d+x\d+\)", $"(input: {shape[1]}x{shape[2]}x{shape[3]})");
        float[] actual = OnnxImportRun.Run(gnet, weights, io.ReadFloat32("input"), (int)shape[0]);

        OnnxImportRun.AssertClose(io.ReadFloat32("output"), actual);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void The_imported_network_computes_onnx_runtimes_output_on_the_same_file(string model)
    {
        string onnx = RepositoryFiles.PathOf($"tests/reference/data/{model}.onnx");
        var (input, batch, expected) = OnnxImportRun.OnnxRuntime(onnx, model.Length);

        var (gnet, weights) = Import(model);
        float[] actual = OnnxImportRun.Run(gnet, weights, input, batch);

        OnnxImportRun.AssertClose(expected, actual);
    }

    private static (string Gnet, byte[] Weights) Import(string model) => OnnxImportRun.Import(RepositoryFiles.PathOf($"tests/reference/data/{model}.onnx"));
}
