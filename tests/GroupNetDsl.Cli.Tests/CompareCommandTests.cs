using System.Globalization;
using System.Text.RegularExpressions;
using GroupNetDsl.Cli.Tests.Infrastructure;
using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Cli.Tests;

/// <summary>
/// gnet compare runs the generator's code for a network on PyTorch's input and compares with PyTorch's output
/// (tests/reference: minigroupnet_g8.io.safetensors holds a batch of 2 inputs and the module's outputs).
/// </summary>
public sealed partial class CompareCommandTests : CommandTests
{
    private static string InputAndOutput => ReferenceData.MiniGroupNetInputAndOutput;

    [Fact]
    public void Pytorchs_output_for_the_sample_agrees_and_exits_0()
    {
        var run = Gnet.Run("compare", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights, InputAndOutput, InputAndOutput);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal($"network MiniGroupNet on {InputAndOutput} (2 images), compared with {InputAndOutput}:", run.OutputLines[0]);
        var numbers = Differences().Match(run.OutputLines[1]);
        Assert.True(numbers.Success, run.OutputLines[1]);
        // The sums run in another order and batchnorm is folded: about 1e-6 of the output's scale.
        Assert.InRange(double.Parse(numbers.Groups["relative"].Value, CultureInfo.InvariantCulture), 0, 1e-5);
        Assert.Equal("OK: the outputs agree within the tolerance.", run.OutputLines[^1]);
    }

    [Fact]
    public void A_changed_expected_value_is_found_at_its_image_and_index_and_exits_1()
    {
        // PyTorch's outputs with 0.5 added to image 1's class 7, in a file of its own with one tensor of any name.
        var pytorch = SafeTensorsFile.Open(InputAndOutput).ReadFloat32("output");
        var changed = pytorch.ToArray();
        changed[10 + 7] += 0.5f;
        string expected = Files.File("changed.safetensors");
        new SafeTensorsWriter().AddFloat32("logits", [2, 10], changed).WriteTo(expected);

        var run = Gnet.Run("compare", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights, InputAndOutput, expected, "--format", "json");

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        var document = System.Text.Json.JsonDocument.Parse(run.Output).RootElement;
        Assert.False(document.GetProperty("passed").GetBoolean());
        Assert.Equal(2, document.GetProperty("images").GetInt32());
        Assert.Equal((1, 7), (document.GetProperty("largest").GetProperty("image").GetInt32(), document.GetProperty("largest").GetProperty("index").GetInt32()));
        // The network's output is PyTorch's within about 1e-6, so the difference is the 0.5 added, relative to the new largest |value|.
        double scale = changed.Max(value => Math.Abs((double)value));
        Assert.Equal(scale, document.GetProperty("outputScale").GetDouble(), 9);
        Assert.Equal(0.5, document.GetProperty("maxAbsDiff").GetDouble(), 4);
        Assert.Equal(0.5 / scale, document.GetProperty("maxRelDiff").GetDouble(), 4);
    }

    [Fact]
    public void A_tolerance_below_the_difference_fails()
    {
        var run = Gnet.Run("compare", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights, InputAndOutput, InputAndOutput, "--tolerance", "1e-12");

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal("FAILED: the outputs differ by more than the tolerance.", run.OutputLines[^1]);
    }

    [Fact]
    public void An_input_that_is_no_whole_number_of_images_is_named_with_the_networks_size()
    {
        string input = Files.File("short.safetensors");
        new SafeTensorsWriter().AddZeros("input", "F32", [3, 64, 63]).WriteTo(input);

        var run = Gnet.Run("compare", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights, input, InputAndOutput);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Contains($"{input}: the input has {3 * 64 * 63} values; network MiniGroupNet takes images of 3x64x64 = {3 * 64 * 64} values each.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_of_another_image_size_is_named_with_its_shape_even_when_its_length_divides()
    {
        // 2 x 3x128x128 is 8 images of MiniGroupNet's 3x64x64 by length alone.
        string input = Files.File("large.safetensors");
        new SafeTensorsWriter().AddZeros("input", "F32", [2, 3, 128, 128]).WriteTo(input);

        var run = Gnet.Run("compare", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights, input, InputAndOutput);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Contains($"{input}: the input has shape [2, 3, 128, 128]; network MiniGroupNet takes images of 3x64x64 (N x 3 x 64 x 64): declare the network with input: 3x128x128, or save an input of its size.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Expected_outputs_for_another_number_of_images_are_refused()
    {
        // The reference file's input holds 2 images; an expected output of one image's 10 values does not match.
        string expected = Files.File("one.safetensors");
        new SafeTensorsWriter().AddZeros("output", "F32", [1, 10]).WriteTo(expected);

        var run = Gnet.Run("compare", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights, InputAndOutput, expected);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Contains($"{expected}: the expected output has 10 values; 2 images of network MiniGroupNet give 2 x 10 = 20.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_of_several_tensors_without_the_name_is_refused()
    {
        string input = Files.File("two.safetensors");
        new SafeTensorsWriter().AddZeros("a", "F32", [3, 64, 64]).AddZeros("b", "F32", [3, 64, 64]).WriteTo(input);

        var run = Gnet.Run("compare", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights, input, InputAndOutput);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Contains($"{input}: 2 tensors and none named 'input'", run.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^  max abs diff (?<absolute>\S+), max rel diff (?<relative>\S+) \(of the output scale \S+\), tolerance 0\.0001$")]
    private static partial Regex Differences();
}
