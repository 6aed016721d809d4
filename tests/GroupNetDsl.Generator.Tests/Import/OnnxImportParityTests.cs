using GroupNetDsl.Cli;
using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.TestSupport.Samples;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Generator.Tests.Import;

/// <summary>
/// <c>gnet import</c> end to end: each ONNX file tests/reference/export.py wrote from PyTorch 1.13 is imported, the
/// .gnet it wrote is generated and compiled as a user project would, loaded with the .safetensors it wrote, and run on
/// PyTorch's input; the output must be PyTorch's (the *.io.safetensors beside the model, a batch of two).
/// </summary>
public sealed class OnnxImportParityTests
{
    [Theory]
    [InlineData("minigroupnet_g8")]
    [InlineData("dsconv_32_64")]
    [InlineData("bottleneck_64_128_g8_s2")]
    public void The_imported_network_computes_pytorchs_output_within_1e_5_of_its_scale(string model)
    {
        var directory = Directory.CreateTempSubdirectory("groupnetdsl-import-");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            string onnx = RepositoryFiles.PathOf($"tests/reference/data/{model}.onnx");
            int exitCode = GnetCommandLine.Run(["import", onnx, "--output-dir", directory.FullName, "--name", "Imported"], output, error);
            Assert.True(exitCode == ExitCodes.Success, error.ToString());

            // export.py traced dsconv's ONNX file at 64x64 but ran PyTorch's pair at 24x24: the weights of a network of
            // convolutions do not depend on the image size, so the declared input takes the pair's.
            var io = SafeTensorsFile.Open(RepositoryFiles.PathOf($"tests/reference/data/{model}.io.safetensors"));
            var shape = io.Get("input").Shape.ToArray();
            string gnet = File.ReadAllText(Path.Combine(directory.FullName, "Imported.gnet"));
            gnet = System.Text.RegularExpressions.Regex.Replace(gnet, @"\(input: \d+x\d+x\d+\)", $"(input: {shape[1]}x{shape[2]}x{shape[3]})");

            var run = GeneratorHarness.Create()
                .WithRootNamespace("OnnxImport")
                .WithGnet("/project/Imported.gnet", gnet)
                .WithAdapterFor("OnnxImport.Imported")
                .Run();
            run.AssertCompilesCleanly();
            using var assembly = run.Load();
            using var network = assembly.Network("OnnxImport.Imported").Load(File.ReadAllBytes(Path.Combine(directory.FullName, "Imported.safetensors")));

            int batch = (int)shape[0];
            float[] expected = io.ReadFloat32("output");
            float[] actual = network.ForwardBatch(io.ReadFloat32("input"), batch);

            Assert.Equal(expected.Length, actual.Length);
            float scale = expected.Max(Math.Abs);
            float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= 1e-5f * scale, $"max abs error {worst:G4} exceeds 1e-5 x max abs output {scale:G4}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
