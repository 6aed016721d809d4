using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using GroupNetDsl.Cli.Input;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Cli.Running;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Weights;
using Spectre.Console;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// <c>gnet compare FILE WEIGHTS INPUT EXPECTED [--tolerance T] [--network NAME] [--include FILE]... [--format text|json]</c>:
/// runs the network (the generator's code, compiled in memory) with its weights on the images of INPUT and compares
/// its outputs with EXPECTED, as saved from PyTorch. Prints the largest absolute difference and that difference
/// relative to the output's scale (the largest |expected|); exit 1 when the relative one is above the tolerance.
/// </summary>
/// <remarks>
/// INPUT and EXPECTED are safetensors files (python/gnet_safetensors.py's <c>save_file</c>, as the reference scripts
/// write them): the file's only tensor, or else its tensor named <c>input</c> (INPUT) or <c>output</c> (EXPECTED), so
/// one file with both serves as both. The input holds one or more NCHW images one after another (a leading batch
/// dimension), the expected outputs as many results.
/// </remarks>
public static class CompareCommand
{
    public const double DefaultTolerance = 1e-4;

    public static Command Create(Terminal terminal)
    {
        var weights = new Argument<string>("WEIGHTS") { Description = "The .safetensors weights of the network (model.state_dict())." };
        var input = new Argument<string>("INPUT") { Description = "A .safetensors file whose only tensor, or tensor 'input', is the input: one or more NCHW images." };
        var expected = new Argument<string>("EXPECTED") { Description = "A .safetensors file whose only tensor, or tensor 'output', is PyTorch's output for INPUT." };
        var tolerance = new Option<double>("--tolerance", "-t")
        {
            Description = "The largest difference accepted, relative to the output's scale (the largest |expected|).",
            HelpName = "T",
            DefaultValueFactory = _ => DefaultTolerance,
        };
        var format = NetworkCommand.FormatOption();
        return NetworkCommand.Create(terminal, "compare", "Run a network with its weights on an input and compare its output with PyTorch's.", "The network to run; required when the file declares several.", [weights, input, expected, tolerance, format],
            (source, parseResult) => Run(terminal, source, parseResult.GetRequiredValue(weights), parseResult.GetRequiredValue(input), parseResult.GetRequiredValue(expected), parseResult.GetValue(tolerance), parseResult.GetRequiredValue(format)));
    }

    public static int Run(Terminal terminal, NetworkSource source, string weightsPath, string inputPath, string expectedPath, double tolerance = DefaultTolerance, string format = JsonOutput.Text)
    {
        if (!(tolerance >= 0) || double.IsInfinity(tolerance)) throw new CommandFailedException($"--tolerance {tolerance.ToString(CultureInfo.InvariantCulture)}: give a finite number, 0 or more.");
        var network = NetworkLoader.LoadOne(terminal, source);
        if (CodeTargets.IsNamedLikeItsMember(network))
        {
            throw new CommandFailedException($"network {network.Name} is named like a member of its own generated class, so the generator writes no code for it and it cannot run; rename the network.", ExitCodes.ProblemsFound);
        }

        var (input, inputShape) = ReadTensor(inputPath, "input");
        float[] expected = ReadTensor(expectedPath, "output").Values;
        int inputLength = network.Input.Length, outputLength = network.Output.Length;
        if (input.Length == 0 || input.Length % inputLength != 0)
        {
            throw new CommandFailedException($"{inputPath}: the input has {input.Length} values; network {network.Name} takes images of {network.Input} = {inputLength} values each.");
        }
        // An image of another size can still divide the input's length (3x224x224 is 98 images of 3x32x32).
        var image = network.Input;
        if (!image.IsFlat && inputShape.Count >= 3 && (inputShape[^3] != image.Channels || inputShape[^2] != image.Height || inputShape[^1] != image.Width))
        {
            throw new CommandFailedException($"{inputPath}: the input has shape [{string.Join(", ", inputShape)}]; network {network.Name} takes images of {image} (N x {image.Channels} x {image.Height} x {image.Width}): declare the network with input: {inputShape[^3]}x{inputShape[^2]}x{inputShape[^1]}, or save an input of its size.");
        }
        int images = input.Length / inputLength;
        if (expected.Length != (long)images * outputLength)
        {
            throw new CommandFailedException($"{expectedPath}: the expected output has {expected.Length} values; {Wording.Count(images, "image")} of network {network.Name} give {images} x {outputLength} = {(long)images * outputLength}.");
        }

        var output = new float[expected.Length];
        using (var compiled = CompiledNetwork.Load(network, weightsPath))
        {
            for (int i = 0; i < images; i++) compiled.ForwardImageOfBatch(input.AsSpan(i * inputLength, inputLength), output.AsSpan(i * outputLength, outputLength));
        }
        var comparison = OutputComparison.Of(output, expected, outputLength, tolerance);

        if (format == JsonOutput.Json)
        {
            terminal.Output.Write(JsonOutput.Compare(network, weightsPath, inputPath, expectedPath, images, comparison));
            return comparison.Passed ? ExitCodes.Success : ExitCodes.ProblemsFound;
        }
        terminal.Output.WriteLine(Invariant($"network {network.Name} on {inputPath} ({Wording.Count(images, "image")}), compared with {expectedPath}:"));
        terminal.Output.WriteLine(Invariant($"  max abs diff {comparison.MaxAbsoluteDifference:G4}, max rel diff {comparison.MaxRelativeDifference:G4} (of the output scale {comparison.Scale:G6}), tolerance {tolerance:G4}"));
        terminal.Output.WriteLine(Invariant($"  largest at image {comparison.WorstImage}, output {comparison.WorstIndex}: {comparison.WorstOutput:G9}, expected {comparison.WorstExpected:G9}"));
        if (comparison.Passed)
        {
            terminal.Write("OK: the outputs agree within the tolerance.", new Style(Color.Green));
            terminal.Output.WriteLine();
            return ExitCodes.Success;
        }
        terminal.Write("FAILED: the outputs differ by more than the tolerance.", new Style(Color.Red));
        terminal.Output.WriteLine();
        return ExitCodes.ProblemsFound;
    }

    /// <summary>The file's only tensor, or its tensor named <paramref name="name"/>, as floats.</summary>
    private static (float[] Values, IReadOnlyList<long> Shape) ReadTensor(string path, string name)
    {
        var file = SafeTensorsFile.Open(path);
        if (file.Tensors.Count == 1) return (file.ReadFloat32(file.Tensors[0].Name), file.Tensors[0].Shape);
        if (file.TryGet(name, out var tensor)) return (file.ReadFloat32(name), tensor.Shape);
        throw new CommandFailedException($"{path}: {Wording.Count(file.Tensors.Count, "tensor")} and none named '{name}'; save one tensor per file, or name it '{name}' (save_file({{\"{name}\": x}}, ...)).");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>How far a network's outputs are from the expected ones, and where they are farthest.</summary>
public sealed record OutputComparison(double MaxAbsoluteDifference, double MaxRelativeDifference, double Scale, double Tolerance, int WorstImage, int WorstIndex, float WorstOutput, float WorstExpected)
{
    /// <summary>Within the tolerance; a NaN or infinite output never is.</summary>
    public bool Passed => MaxRelativeDifference <= Tolerance;

    /// <summary>
    /// Compares element by element: the difference is |output - expected|, NaN counted as infinite; the relative one
    /// divides the largest by the output's scale, the largest |expected| (0 when both are 0).
    /// </summary>
    public static OutputComparison Of(float[] output, float[] expected, int outputLength, double tolerance)
    {
        double largest = -1, scale = 0;
        int worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)output[i] - expected[i]);
            if (double.IsNaN(difference)) difference = double.PositiveInfinity;
            if (difference > largest)
            {
                largest = difference;
                worst = i;
            }
            scale = Math.Max(scale, Math.Abs((double)expected[i]));
        }
        double relative = largest == 0 ? 0 : scale == 0 ? double.PositiveInfinity : largest / scale;
        return new OutputComparison(largest, relative, scale, tolerance, worst / outputLength, worst % outputLength, output[worst], expected[worst]);
    }
}
