using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Ops;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Cli.Weights;

/// <summary>One way a weight file differs from what a network expects.</summary>
public enum WeightProblemKind
{
    Missing,
    WrongShape,
    WrongDataType,
    Unexpected,
    DamagedValues,
}

/// <summary>A difference between a weight file and a network, about one tensor.</summary>
public sealed record WeightProblem(WeightProblemKind Kind, string Key, string Description);

/// <summary>What <see cref="WeightCheck.Run"/> found: every problem, and the size of what matched.</summary>
public sealed record WeightCheckResult(IReadOnlyList<WeightProblem> Problems, int MatchedTensors, long MatchedParameters)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// Checks a weight file against the state_dict a network expects, with the rules the generated code's
/// <see cref="WeightLoader"/> applies when it loads: every tensor present (num_batches_tracked may be absent),
/// with exactly the expected shape (<see cref="SafeTensorInfo.HasShape"/>) and a dtype it can read as float
/// (<see cref="SafeTensorDataTypeExtensions.CanReadAsFloat32"/>), and no other tensor except those the loader
/// ignores by itself (<see cref="WeightLoader.IsIgnoredAutomatically"/>). Unlike loading, it goes on after
/// a problem and reports them all, one short line each. The values of batchnorm statistics are checked by the
/// loader's own <see cref="BatchNormFolding.Take"/>, so verify rejects exactly the statistics loading rejects.
/// </summary>
public static class WeightCheck
{
    public static WeightCheckResult Run(Network network, SafeTensorsFile file)
    {
        var problems = new List<WeightProblem>();
        int matched = 0;
        long parameters = 0;
        foreach (var weight in network.Weights)
        {
            string expected = WeightsView.FormatShape(weight.Shape);
            if (!file.TryGet(weight.Key, out var tensor))
            {
                // num_batches_tracked is in every BatchNorm state_dict but unused by inference: it may be absent.
                if (weight.Role != WeightRole.Ignored)
                {
                    string? prefix = file.FindKeyPrefix(weight.Key);
                    string hint = prefix is null ? string.Empty : $"; the file has it as '{prefix}{weight.Key}'. {SafeTensorsFile.StripPrefixFix(prefix)}";
                    problems.Add(new(WeightProblemKind.Missing, weight.Key, $"missing tensor '{weight.Key}', expected shape {expected}{hint}"));
                }
                continue;
            }
            if (weight.Role == WeightRole.Ignored) continue;
            if (!tensor.HasShape(weight.Shape.ToArray()))
            {
                problems.Add(new(WeightProblemKind.WrongShape, weight.Key, $"tensor '{weight.Key}' has shape {WeightsView.FormatShape(tensor.Shape)}, expected {expected}"));
            }
            else if (!tensor.DataType.CanReadAsFloat32())
            {
                problems.Add(new(WeightProblemKind.WrongDataType, weight.Key, $"tensor '{weight.Key}' has dtype {tensor.DataType.GetFormatName()}; weights must be F32, F16, BF16 or F64"));
            }
            else
            {
                matched++;
                if (weight.Role == WeightRole.Parameter) parameters += weight.ElementCount;
            }
        }

        CheckBatchNormStatistics(network, file, problems);

        var expectedKeys = new HashSet<string>(network.Weights.Select(w => w.Key), System.StringComparer.Ordinal);
        foreach (var tensor in file.Tensors)
        {
            if (expectedKeys.Contains(tensor.Name) || WeightLoader.IsIgnoredAutomatically(tensor.Name)) continue;
            problems.Add(new(WeightProblemKind.Unexpected, tensor.Name, $"unexpected tensor '{tensor.Name}' {WeightsView.FormatShape(tensor.Shape)}: network {network.Name} has no such weight"));
        }
        return new WeightCheckResult(problems, matched, parameters);
    }

    /// <summary>Runs the loader's batchnorm path on every batchnorm whose tensors have no other problem.</summary>
    private static void CheckBatchNormStatistics(Network network, SafeTensorsFile file, List<WeightProblem> problems)
    {
        var reported = new HashSet<string>(problems.Select(p => p.Key), System.StringComparer.Ordinal);
        foreach (var node in network.Nodes)
        {
            if (node.Operation is not BatchNorm2dOp norm) continue;
            var keys = new BatchNormKeys(
                OpDescriptor.WeightKey(node.Path, "weight"), OpDescriptor.WeightKey(node.Path, "bias"),
                OpDescriptor.WeightKey(node.Path, "running_mean"), OpDescriptor.WeightKey(node.Path, "running_var"),
                OpDescriptor.WeightKey(node.Path, "num_batches_tracked"), norm.Epsilon);
            if (reported.Contains(keys.WeightKey) || reported.Contains(keys.BiasKey)
                || reported.Contains(keys.RunningMeanKey) || reported.Contains(keys.RunningVarianceKey))
            {
                continue;
            }
            try
            {
                BatchNormFolding.Take(new WeightLoader(file), keys, norm.NumFeatures);
            }
            catch (WeightFileException e)
            {
                // The message starts with the file name, which verify prints in front of every problem already.
                string prefix = file.SourceName + ": ";
                string description = e.Message.StartsWith(prefix, System.StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
                problems.Add(new(WeightProblemKind.DamagedValues, e.Key ?? keys.RunningVarianceKey, description));
            }
        }
    }
}
