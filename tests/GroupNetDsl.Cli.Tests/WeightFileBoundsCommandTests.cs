using GroupNetDsl.Cli.Output;
using GroupNetDsl.Cli.Tests.Infrastructure;
using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Cli.Tests;

/// <summary>gnet inspect and verify on directories, damaged statistics and headers with many tensors.</summary>
public sealed class WeightFileBoundsCommandTests : CommandTests
{
    [Fact]
    public void Inspect_on_a_directory_says_it_is_a_directory()
    {
        string directory = Files.File("weights-dir");
        Directory.CreateDirectory(directory);

        var run = Gnet.Run("inspect", directory);

        run.AssertCannotRun(directory);
        Assert.Contains("is a directory, not a file", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1f, "running_var")]
    [InlineData(float.NaN, "running_var")]
    [InlineData(float.NaN, "weight")]
    public void Verify_rejects_damaged_batchnorm_statistics_as_load_does(float value, string field)
    {
        string key = "stem.1." + field;
        string path = Files.File("damaged.safetensors");
        File.WriteAllBytes(path, MiniGroupNetWeightsWith(key, channel: 3, value));

        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, path);
        var load = Assert.Throws<WeightFileException>(() => LoadLikeTheGeneratedCode(path));

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal(key, load.Key);
        Assert.Equal(load.Message, run.OutputLines[0]);
        Assert.Contains($"tensor '{key}' has ", run.OutputLines[0], StringComparison.Ordinal);
        Assert.Contains("at channel 3", run.OutputLines[0], StringComparison.Ordinal);
        Assert.Equal($"FAILED: {path} does not match network MiniGroupNet (1 problem).", run.OutputLines[1]);
    }

    [Fact]
    public void Inspect_of_many_tensors_streams_the_same_table_within_bounded_memory()
    {
        // Past the Spectre layout limit: the rows are written one at a time, in the same rounded layout.
        int count = WeightsView.LargestLaidOutTable + 1;
        string path = Files.File("many.safetensors");
        var writer = new SafeTensorsWriter();
        for (int i = 0; i < count; i++) writer.AddFloat32($"t{i:D5}", [1], i);
        writer.WriteTo(path);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var run = Gnet.Run("inspect", path);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var lines = run.OutputLines;
        Assert.Equal($"{path}: {count} tensors", lines[0]);
        // The heading, the table (rules, header, rows, total) and the line saying which tensors load as weights.
        Assert.Equal(count + 8, lines.Length);
        Assert.Equal("│ t00000 │ F32   │ [1]   │        1 │      4 │", lines[4]);
        Assert.Equal($"│ Total  │       │       │   {count:N0} │ {4 * count:N0} │", lines[^3]);
        Assert.Equal(SpectreTable(path), lines[1..^1]);
        Assert.Equal($"Weights: {count} tensors F32, F16, BF16 or F64 (read as F32).", lines[^1]);
        // A Spectre table of this size allocates over 200 MB while it lays out.
        Assert.InRange(allocated, 0, 64L * 1024 * 1024);
    }

    /// <summary>The same table laid out by Spectre.Console, as inspect prints small files.</summary>
    private static string[] SpectreTable(string path)
    {
        using var output = new StringWriter { NewLine = "\n" };
        Terminal.Plain(output, TextWriter.Null).Render(WeightsView.Create(SafeTensorsFile.Open(path)));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static void LoadLikeTheGeneratedCode(string path)
    {
        var weights = WeightLoader.Open(path);
        ConvolutionWeights.Load(weights, "stem.0.weight", null, 64, 3, 3, 1,
            new BatchNormKeys("stem.1.weight", "stem.1.bias", "stem.1.running_mean", "stem.1.running_var", "stem.1.num_batches_tracked", 1e-5));
    }

    private static byte[] MiniGroupNetWeightsWith(string key, int channel, float value)
    {
        var source = SafeTensorsFile.Open(ReferenceData.MiniGroupNetWeights);
        var writer = new SafeTensorsWriter();
        foreach (var tensor in source.Tensors)
        {
            byte[] data = source.GetData(tensor.Name).ToArray();
            if (tensor.Name == key) BitConverter.TryWriteBytes(data.AsSpan(channel * sizeof(float)), value);
            writer.Add(tensor.Name, tensor.DataType.GetFormatName(), tensor.Shape.ToArray(), data);
        }
        return writer.ToBytes();
    }
}
