using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Cli.Weights;

/// <summary>One way a weight file differs from what a network expects.</summary>
public enum WeightProblemKind
{
    Missing,
    WrongShape,
    WrongDataType,
    Unexpected,
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
/// a problem and reports them all, one short line each.
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
                    problems.Add(new(WeightProblemKind.Missing, weight.Key, $"missing tensor '{weight.Key}', expected shape {expected}"));
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

        var expectedKeys = new HashSet<string>(network.Weights.Select(w => w.Key), System.StringComparer.Ordinal);
        foreach (var tensor in file.Tensors)
        {
            if (expectedKeys.Contains(tensor.Name) || WeightLoader.IsIgnoredAutomatically(tensor.Name)) continue;
            problems.Add(new(WeightProblemKind.Unexpected, tensor.Name, $"unexpected tensor '{tensor.Name}' {WeightsView.FormatShape(tensor.Shape)}: network {network.Name} has no such weight"));
        }
        return new WeightCheckResult(problems, matched, parameters);
    }
}
