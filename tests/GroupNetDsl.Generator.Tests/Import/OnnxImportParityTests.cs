using System.Text.RegularExpressions;
using GroupNetDsl.Cli;
using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.TestSupport.Samples;
using GroupNetDsl.Weights;
using Microsoft.ML.OnnxRuntime;

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
        float[] actual = Run(gnet, weights, io.ReadFloat32("input"), (int)shape[0]);

        AssertClose(io.ReadFloat32("output"), actual);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void The_imported_network_computes_onnx_runtimes_output_on_the_same_file(string model)
    {
        string onnx = RepositoryFiles.PathOf($"tests/reference/data/{model}.onnx");
        using var session = new InferenceSession(onnx);
        long[] shape = session.InputMetadata["input"].Dimensions.Select(d => d < 0 ? 2L : d).ToArray();
        var random = new Random(model.Length);
        float[] input = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new[] { "input" }, new[] { inputValue }, new[] { "output" });
        float[] expected = results[0].GetTensorDataAsSpan<float>().ToArray();

        var (gnet, weights) = Import(model);
        float[] actual = Run(gnet, weights, input, (int)shape[0]);

        AssertClose(expected, actual);
    }

    /// <summary>Runs <c>gnet import</c> in-process and returns the .gnet text and the weight file it wrote.</summary>
    private static (string Gnet, byte[] Weights) Import(string model)
    {
        var directory = Directory.CreateTempSubdirectory("groupnetdsl-import-");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            string onnx = RepositoryFiles.PathOf($"tests/reference/data/{model}.onnx");
            int exitCode = GnetCommandLine.Run(["import", onnx, "--output-dir", directory.FullName, "--name", "Imported"], output, error);
            Assert.True(exitCode == ExitCodes.Success, error.ToString());
            return (File.ReadAllText(Path.Combine(directory.FullName, "Imported.gnet")), File.ReadAllBytes(Path.Combine(directory.FullName, "Imported.safetensors")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static float[] Run(string gnet, byte[] weights, float[] input, int batch)
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace("OnnxImport")
            .WithGnet("/project/Imported.gnet", gnet)
            .WithAdapterFor("OnnxImport.Imported")
            .Run();
        run.AssertCompilesCleanly();
        using var assembly = run.Load();
        using var network = assembly.Network("OnnxImport.Imported").Load(weights);
        return network.ForwardBatch(input, batch);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = expected.Max(Math.Abs);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5f * scale, $"max abs error {worst:G4} exceeds 1e-5 x max abs output {scale:G4}");
    }
}
