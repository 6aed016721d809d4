using GroupNetDsl.Cli.Tests.Infrastructure;

namespace GroupNetDsl.Cli.Tests;

public sealed class SummaryCommandTests : CommandTests
{
    [Fact]
    public void Plain_summary_of_the_sample_shows_pytorchs_totals()
    {
        var run = Gnet.Run("summary", ReferenceData.MiniGroupNetSource, "--plain");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("132,170", ReferenceData.Number(ReferenceData.MiniGroupNetParameters));
        Assert.Equal("83,626,496", ReferenceData.Number(ReferenceData.MiniGroupNetMultiplyAccumulates));
        Assert.Contains("Total params: 132,170", run.OutputLines);
        Assert.Contains("Total MACs: 83,626,496", run.OutputLines);
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public void Plain_summary_has_a_row_per_pytorch_layer_with_its_shape_parameters_and_macs()
    {
        var run = Gnet.Run("summary", "--plain", ReferenceData.MiniGroupNetSource);

        foreach (var layer in ReferenceData.MiniGroupNetLayers)
        {
            // Indented two spaces per module around the layer.
            string indent = new(' ', 2 * layer.Path.Count(c => c == '.'));
            string row = Assert.Single(run.OutputLines, line => line.StartsWith(indent + layer.Path + " ", StringComparison.Ordinal));
            string[] cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(ReferenceData.Number(layer.MultiplyAccumulates), cells[^1]);
            Assert.Equal(ReferenceData.Number(layer.Parameters), cells[^2]);
            Assert.Equal(layer.ShapeText, cells[^3]);
        }
    }

    [Fact]
    public void Table_summary_right_aligns_numbers_with_thousands_separators_and_totals_in_the_footer()
    {
        var run = Gnet.Run("summary", ReferenceData.MiniGroupNetSource);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.DoesNotContain('\u001b', run.Output);
        string stem = Row(run, "stem.0");
        string fc = Row(run, "fc");
        string total = Row(run, "Total");

        // Right-aligned: the numbers of a column end at the same position in every row.
        int ParametersEnd(string row, long value) => row.IndexOf(" " + ReferenceData.Number(value) + " ", StringComparison.Ordinal) + ReferenceData.Number(value).Length + 1;
        Assert.Equal(ParametersEnd(stem, ReferenceData.Layer("stem.0").Parameters), ParametersEnd(fc, ReferenceData.Layer("fc").Parameters));
        Assert.Equal(ParametersEnd(stem, ReferenceData.Layer("stem.0").Parameters), ParametersEnd(total, ReferenceData.MiniGroupNetParameters));
        Assert.EndsWith(ReferenceData.Number(ReferenceData.MiniGroupNetMultiplyAccumulates) + " │", total, StringComparison.Ordinal);
        Assert.EndsWith(ReferenceData.Number(ReferenceData.Layer("fc").MultiplyAccumulates) + " │", fc, StringComparison.Ordinal);
        Assert.StartsWith("MiniGroupNet: input 3x64x64, output 10", run.OutputLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Without_network_every_network_of_the_file_is_summarized_and_with_it_only_the_one_named()
    {
        string path = Files.Write("two.gnet", TwoNetworks);

        var all = Gnet.Run("summary", path, "--plain");
        var second = Gnet.Run("summary", path, "--plain", "--network", "Second");

        Assert.Equal(ExitCodes.Success, all.ExitCode);
        Assert.Contains("Network First, input 4x8x8, output 8x8x8", all.OutputLines);
        Assert.Contains("Network Second, input 4x8x8, output 16x8x8", all.OutputLines);
        Assert.Equal(ExitCodes.Success, second.ExitCode);
        Assert.DoesNotContain("Network First, input 4x8x8, output 8x8x8", second.OutputLines);

        // conv(4, 16, 1, bias: false): 16 * 4 weights; 16 * 8 * 8 outputs, each 4 multiply-accumulates.
        Assert.Contains($"Total params: {16 * 4}", second.OutputLines);
        Assert.Contains($"Total MACs: {ReferenceData.Number(16 * 8 * 8 * 4)}", second.OutputLines);
    }

    [Fact]
    public void An_unknown_network_name_exits_2_and_lists_the_networks_there_are()
    {
        string path = Files.Write("two.gnet", TwoNetworks);

        var run = Gnet.Run("summary", path, "--network", "Third");

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Equal(new[] { $"error: '{path}' declares no network named 'Third'; it declares First, Second." }, run.ErrorLines);
    }

    [Fact]
    public void A_network_with_errors_prints_its_diagnostics_and_exits_1()
    {
        string path = Files.Write("broken.gnet", "network Broken(input: 3x8x8) {\n    a = conv(3, 8, 3, groups: 2)\n}\n");

        var run = Gnet.Run("summary", path, "--plain");

        run.AssertFailed(ExitCodes.ProblemsFound);
        Assert.StartsWith($"{path}(2,", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("error GNET0201", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Equal("error: network Broken has errors (listed above); fix them and run again.", run.ErrorLines[^1]);
    }

    [Fact]
    public void Another_networks_syntax_error_leaves_the_chosen_network_usable_and_only_the_broken_one_is_named()
    {
        string path = Files.Write("two.gnet", "network Broken(input: 3x8x8) {\n    a = conv(3, 8, 3,\n}\nnetwork Fine(input: 3x8x8) = conv(3, 4, 3)\n");

        var fine = Gnet.Run("summary", path, "--network", "Fine", "--plain");
        var both = Gnet.Run("summary", path, "--plain");

        Assert.Equal(0, fine.ExitCode);
        Assert.Empty(fine.ErrorLines);
        Assert.Contains("Network Fine, input 3x8x8, output 4x6x6", fine.Output, StringComparison.Ordinal);
        both.AssertFailed(ExitCodes.ProblemsFound);
        Assert.Equal(new[] { $"{path}(2,22): error GNET0102: Expected an expression but found '}}'", "error: network Broken has errors (listed above); fix them and run again." }, both.ErrorLines);
    }

    [Fact]
    public void An_error_in_a_block_no_chosen_network_uses_fails_naming_the_file()
    {
        string path = Files.Write("block.gnet", "block Pair(c) {\n    a = conv(c, c, 1\n}\nnetwork Fine(input: 3x8x8) = conv(3, 4, 3)\n");

        var run = Gnet.Run("summary", path, "--plain");

        run.AssertFailed(ExitCodes.ProblemsFound);
        Assert.Equal($"error: '{path}' has errors (listed above); fix them and run again.", run.ErrorLines[^1]);
    }

    [Fact]
    public void Blocks_can_come_from_an_included_file()
    {
        string library = Files.Write("library.gnet", "block Pointwise(c) {\n    mix = conv(c, c, 1, bias: false)\n}\n");
        string path = Files.Write("network.gnet", "import \"library.gnet\"\nnetwork UsesLibrary(input: 4x8x8) {\n    a = Pointwise(4)\n}\n");

        var run = Gnet.Run("summary", path, "--include", library, "--plain");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains($"Total params: {4 * 4}", run.OutputLines);
        Assert.Single(run.OutputLines, line => line.StartsWith("  a.mix ", StringComparison.Ordinal));
    }

    [Fact]
    public void Depth_limits_the_nesting_and_a_negative_depth_is_a_usage_error()
    {
        var run = Gnet.Run("summary", ReferenceData.MiniGroupNetSource, "--plain", "--depth", "0");
        var negative = Gnet.Run("summary", ReferenceData.MiniGroupNetSource, "--depth", "-1");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains(run.OutputLines, line => line.StartsWith("stage1 ", StringComparison.Ordinal));
        Assert.DoesNotContain(run.OutputLines, line => line.TrimStart().StartsWith("stage1.", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.CannotRun, negative.ExitCode);
        Assert.Contains("--depth must be 0 or more.", negative.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_with_only_blocks_exits_2()
    {
        string path = Files.Write("library.gnet", "block Pointwise(c) {\n    mix = conv(c, c, 1)\n}\n");

        var run = Gnet.Run("summary", path);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Contains($"'{path}' declares no network", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named_and_exits_2()
    {
        string missing = Files.File("nowhere.gnet");

        var run = Gnet.Run("summary", missing);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Equal(new[] { $"error: cannot read '{missing}': the file does not exist." }, run.ErrorLines);
    }

    private static string Row(GnetRun run, string path) =>
        Assert.Single(run.OutputLines, line => line.TrimStart('│', ' ').StartsWith(path + " ", StringComparison.Ordinal));
}
