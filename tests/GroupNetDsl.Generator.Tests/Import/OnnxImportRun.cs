using GroupNetDsl.Cli;
using GroupNetDsl.Generator.Tests.Harness;
using Microsoft.ML.OnnxRuntime;

namespace GroupNetDsl.Generator.Tests.Import;

/// <summary>The steps of an import parity test: <c>gnet import</c>, build and run the result, run ONNX Runtime, compare.</summary>
internal static class OnnxImportRun
{
    /// <summary>Runs <c>gnet import</c> in-process and returns the .gnet text and the weight file it wrote.</summary>
    public static (string Gnet, byte[] Weights) Import(string onnx, string name = "Imported")
    {
        var directory = Directory.CreateTempSubdirectory("groupnetdsl-import-");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            int exitCode = GnetCommandLine.Run(["import", onnx, "--output-dir", directory.FullName, "--name", name], output, error);
            Assert.True(exitCode == ExitCodes.Success, error.ToString());
            return (File.ReadAllText(Path.Combine(directory.FullName, name + ".gnet")), File.ReadAllBytes(Path.Combine(directory.FullName, name + ".safetensors")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Generates and compiles the network as a user project would, loads the weights and runs a batch.</summary>
    public static float[] Run(string gnet, byte[] weights, float[] input, int batch)
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

    /// <summary>ONNX Runtime's output on a random input in [-4, 4) (seeded), with a dynamic batch axis taken as 2.</summary>
    public static (float[] Input, int Batch, float[] Output) OnnxRuntime(string onnx, int seed)
    {
        using var session = new InferenceSession(onnx);
        long[] shape = session.InputMetadata["input"].Dimensions.Select(d => d < 0 ? 2L : d).ToArray();
        var random = new Random(seed);
        float[] input = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new[] { "input" }, new[] { inputValue }, new[] { "output" });
        return (input, (int)shape[0], results[0].GetTensorDataAsSpan<float>().ToArray());
    }

    public static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = expected.Max(Math.Abs);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5f * scale, $"max abs error {worst:G4} exceeds 1e-5 x max abs output {scale:G4}");
    }
}
