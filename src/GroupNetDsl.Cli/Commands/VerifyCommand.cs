using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using GroupNetDsl.Cli.Input;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Cli.Weights;
using GroupNetDsl.Language.Reporting;
using GroupNetDsl.Weights;
using Spectre.Console;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// <c>gnet verify FILE [WEIGHTS] [--network NAME] [--include FILE]... [--format text|json]</c>: checks that a safetensors file holds every tensor the
/// network expects, with the right shape and a float dtype, and nothing the network would not use. Without WEIGHTS it
/// checks the file the network declares (<c>weights: "net.safetensors"</c>, relative to FILE's folder). Prints
/// every problem (<c>WEIGHTS: problem</c>, one a line) and exits 1 on any; prints one success line otherwise.
/// </summary>
public static class VerifyCommand
{
    public static Command Create(Terminal terminal)
    {
        var weights = new Argument<string?>("WEIGHTS")
        {
            Description = "The .safetensors file exported from PyTorch (model.state_dict()); by default the file the network declares (weights: \"...\").",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var format = NetworkCommand.FormatOption();
        return NetworkCommand.Create(terminal, "verify", "Check that a safetensors file has every weight a network expects, with the right shapes, and nothing else.", "The network the weights belong to; required when the file declares several.", [weights, format],
            (source, parseResult) => Run(terminal, source, parseResult.GetValue(weights), parseResult.GetRequiredValue(format)));
    }

    /// <param name="weightsPath">The file to check; null for the one the network declares.</param>
    public static int Run(Terminal terminal, NetworkSource source, string? weightsPath, string format = JsonOutput.Text)
    {
        var (network, declared) = NetworkLoader.LoadOneWithWeights(terminal, source);
        weightsPath ??= declared?.FullPath ?? throw new CommandFailedException(
            $"network {network.Name} declares no weight file: give WEIGHTS (gnet verify {source.Path} net.safetensors), or declare it, network {network.Name}(input: ..., weights: \"net.safetensors\").");
        var file = SafeTensorsFile.Open(weightsPath);
        var result = WeightCheck.Run(network, file);
        if (format == JsonOutput.Json)
        {
            terminal.Output.Write(JsonOutput.Verify(weightsPath, network, result));
            return result.Passed ? ExitCodes.Success : ExitCodes.ProblemsFound;
        }
        var problems = result.Problems;
        if (WholeFilePrefix(file, problems) is { } prefix)
        {
            // Every name of the file carries a wrapper's prefix: one line says so instead of a missing and an
            // unexpected line for each tensor.
            var first = problems.First(p => p.Kind == WeightProblemKind.Missing);
            int missing = problems.Count(p => p.Kind == WeightProblemKind.Missing);
            terminal.Output.WriteLine(Printable.Of(
                $"{weightsPath}: every tensor's name starts with '{prefix}' ('{prefix}{first.Key}' for '{first.Key}'), so {Wording.Count(missing, "tensor")} of the network are missing and as many of the file unexpected. {SafeTensorsFile.StripPrefixFix(prefix)}"));
            problems = problems.Where(p => p.Kind is not (WeightProblemKind.Missing or WeightProblemKind.Unexpected)).ToList();
        }
        foreach (var problem in problems) terminal.Output.WriteLine($"{weightsPath}: {Printable.Of(problem.Description)}");

        if (result.Passed)
        {
            terminal.Write(
                $"OK: {weightsPath} matches network {network.Name}: {result.MatchedTensors} tensors, {SummaryTable.Number(result.MatchedParameters)} parameters.",
                new Style(Color.Green));
            terminal.Output.WriteLine();
            return ExitCodes.Success;
        }

        terminal.Write($"FAILED: {weightsPath} does not match network {network.Name} ({Wording.Count(result.Problems.Count, "problem")}).", new Style(Color.Red));
        terminal.Output.WriteLine();
        if (result.Problems.Any(p => p.Kind is WeightProblemKind.Missing or WeightProblemKind.Unexpected))
        {
            terminal.Output.WriteLine(
                "Missing or unexpected names mean the file comes from another architecture or names layers differently: compare the network with the PyTorch module, and strip prefixes such as 'module.' that DataParallel adds.");
        }
        if (result.Problems.Any(p => p.Kind == WeightProblemKind.WrongShape))
        {
            terminal.Output.WriteLine("Wrong shapes mean the declaration's channels, kernel sizes or groups differ from the exported model's.");
        }
        return ExitCodes.ProblemsFound;
    }

    /// <summary>
    /// The prefix that every tensor of the file has before a name the network expects, when the missing and the
    /// unexpected tensors are exactly those names with and without it; else null.
    /// </summary>
    private static string? WholeFilePrefix(SafeTensorsFile file, IReadOnlyList<WeightProblem> problems)
    {
        var missing = problems.Where(p => p.Kind == WeightProblemKind.Missing).Select(p => p.Key).ToList();
        if (missing.Count == 0 || file.FindKeyPrefix(missing[0]) is not { } prefix) return null;
        var unexpected = problems.Where(p => p.Kind == WeightProblemKind.Unexpected).Select(p => p.Key).ToList();
        var prefixed = new HashSet<string>(missing.Select(key => prefix + key), StringComparer.Ordinal);
        bool all = file.Tensors.All(t => t.Name.StartsWith(prefix, StringComparison.Ordinal))
            && unexpected.Count == missing.Count && unexpected.All(prefixed.Contains);
        return all ? prefix : null;
    }
}
