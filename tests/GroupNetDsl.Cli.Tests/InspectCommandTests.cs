using GroupNetDsl.Cli.Tests.Infrastructure;

namespace GroupNetDsl.Cli.Tests;

public sealed class InspectCommandTests : CommandTests
{
    [Fact]
    public void Lists_every_tensor_of_pytorchs_state_dict_with_dtype_and_shape()
    {
        var run = Gnet.Run("inspect", ReferenceData.MiniGroupNetWeights);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);

        // stem.0 is nn.Conv2d(3, 64, 3): weight [out, in / groups, k, k], 64 * 3 * 3 * 3 floats of 4 bytes.
        string stem = Row(run, "stem.0.weight");
        Assert.Equal(new[] { "stem.0.weight", "F32", "[64, 3, 3, 3]", ReferenceData.Number(64 * 3 * 3 * 3), ReferenceData.Number(64 * 3 * 3 * 3 * 4) }, Cells(stem));

        // The grouped conv of stage 1: 64 -> 64 with 8 groups, so 64 / 8 = 8 input channels per filter.
        Assert.Equal("[64, 8, 3, 3]", Cells(Row(run, "stage1.group_conv.0.weight"))[2]);

        // BatchNorm's step counter is a 64-bit integer scalar.
        Assert.Equal(new[] { "stem.1.num_batches_tracked", "I64", "[]", "1", "8" }, Cells(Row(run, "stem.1.num_batches_tracked")));
    }

    [Fact]
    public void Totals_count_parameters_and_buffers_as_pytorch_does()
    {
        var run = Gnet.Run("inspect", ReferenceData.MiniGroupNetWeights);

        // Every element of the state_dict: parameters plus buffers (running stats and step counters).
        long elements = ReferenceData.MiniGroupNetParameters + ReferenceData.MiniGroupNetBufferElements;

        // All F32 (4 bytes) except one I64 (8 bytes) step counter per BatchNorm2d.
        int batchNorms = ReferenceData.MiniGroupNetLayers.Count(l => l.Type == "BatchNorm2d");
        long bytes = (elements - batchNorms) * 4 + batchNorms * 8;

        Assert.Equal(new[] { "Total", ReferenceData.Number(elements), ReferenceData.Number(bytes) }, Cells(Row(run, "Total")));

        // Tensors: weight, bias, running_mean, running_var, num_batches_tracked per BatchNorm2d; the convs
        // have no bias, so one each; the Linear has weight and bias.
        int convolutions = ReferenceData.MiniGroupNetLayers.Count(l => l.Type == "Conv2d");
        Assert.Equal($"{ReferenceData.MiniGroupNetWeights}: {batchNorms * 5 + convolutions + 2} tensors", run.OutputLines[0]);
    }

    [Fact]
    public void Says_which_tensors_load_as_weights()
    {
        var run = Gnet.Run("inspect", ReferenceData.MiniGroupNetWeights);

        // Every tensor is F32 except one I64 step counter per BatchNorm2d.
        int batchNorms = ReferenceData.MiniGroupNetLayers.Count(l => l.Type == "BatchNorm2d");
        int convolutions = ReferenceData.MiniGroupNetLayers.Count(l => l.Type == "Conv2d");
        int floats = (batchNorms * 4) + convolutions + 2;
        Assert.Contains(
            $"Weights: {floats} tensors F32, F16, BF16 or F64 (read as F32); {batchNorms} tensors of other dtypes (I64), which no network reads as weights.",
            run.OutputLines);
    }

    [Fact]
    public void An_all_float_file_says_every_tensor_loads()
    {
        string path = Files.File("floats.safetensors");
        TensorSpec.Write(path, new[] { new TensorSpec("a", "F64", new long[] { 2 }), new TensorSpec("b", "BF16", new long[] { 2 }) });

        var run = Gnet.Run("inspect", path);

        Assert.Contains("Weights: 2 tensors F32, F16, BF16 or F64 (read as F32).", run.OutputLines);
    }

    [Fact]
    public void Prints_the_header_metadata()
    {
        var run = Gnet.Run("inspect", ReferenceData.MiniGroupNetWeights);

        Assert.Equal(new[] { "Metadata:", "  format: pt" }, run.OutputLines[^2..]);
    }

    [Fact]
    public void Shapes_with_brackets_and_odd_names_are_printed_literally()
    {
        string path = Files.File("odd.safetensors");
        TensorSpec.Write(path, new[] { new TensorSpec("[bold]x[/]", "F16", new long[] { 2, 3 }), new TensorSpec("scalar", "F64", Array.Empty<long>()) });

        var run = Gnet.Run("inspect", path);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(new[] { "[bold]x[/]", "F16", "[2, 3]", "6", "12" }, Cells(Row(run, "[bold]x[/]")));
        Assert.Equal(new[] { "scalar", "F64", "[]", "1", "8" }, Cells(Row(run, "scalar")));
    }

    [Fact]
    public void A_missing_file_exits_2_with_one_line_naming_it()
    {
        string missing = Files.File("missing.safetensors");

        var run = Gnet.Run("inspect", missing);

        run.AssertCannotRun(missing);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(31)]
    public void A_file_that_is_not_safetensors_exits_2_with_one_line_naming_it(int length)
    {
        string path = Files.File("broken.safetensors");
        File.WriteAllBytes(path, TensorSpec.NotSafeTensors.Take(length).ToArray());

        var run = Gnet.Run("inspect", path);

        run.AssertCannotRun(path);
    }

    [Fact]
    public void A_truncated_weight_file_exits_2()
    {
        string path = Files.File("truncated.safetensors");
        byte[] whole = File.ReadAllBytes(ReferenceData.MiniGroupNetWeights);
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);

        var run = Gnet.Run("inspect", path);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Contains(path, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    private static string Row(GnetRun run, string name) =>
        Assert.Single(run.OutputLines, line => line.StartsWith("│ " + name + " ", StringComparison.Ordinal));

    /// <summary>The cells of a table row, trimmed: "│ a │ b │" gives a, b.</summary>
    private static string[] Cells(string row) =>
        row.Split('│', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).Where(c => c.Length > 0).ToArray();
}
