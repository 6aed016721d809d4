using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Language.Weights;

/// <summary>
/// Checks a declared weight file's header against the state_dict a network expects, with the loader's rules
/// (<see cref="WeightKeyRules"/>): every tensor present under its key (a wrapper's prefix such as <c>model.</c> named
/// once for all keys), of the expected shape and a dtype the loader reads as float, and no tensor the network does not
/// use. Each problem is a diagnostic at the declaration; the values themselves are checked when <c>Load</c> reads them.
/// </summary>
public static class DeclaredWeightsCheck
{
    /// <summary>The problems of <paramref name="network"/>'s declared file; <paramref name="header"/> is null when the build has no header for it.</summary>
    public static IReadOnlyList<GnetDiagnostic> Run(Network network, DeclaredWeights declared, WeightHeader? header)
    {
        var bag = new DiagnosticBag();
        var location = declared.Location;
        string file = declared.Path;
        if (header is null)
        {
            bag.Report(DiagnosticDescriptors.WeightFileNotFound, location, declared.Path, network.Name, declared.FullPath);
            return bag.Items.ToList();
        }
        if (header.Error is { } error)
        {
            bag.Report(DiagnosticDescriptors.WeightHeaderInvalid, location, file, error);
            return bag.Items.ToList();
        }

        var tensors = new Dictionary<string, HeaderTensor>(StringComparer.Ordinal);
        foreach (var tensor in header.Tensors) tensors[tensor.Name] = tensor;
        var names = header.Tensors.Select(t => t.Name).ToList();

        var prefixed = new List<string>();
        string? prefix = null;
        foreach (var weight in network.Weights)
        {
            string expected = Format(weight.Shape.Select(d => (long)d));
            if (!tensors.TryGetValue(weight.Key, out var tensor))
            {
                if (weight.Role == WeightRole.Ignored) continue;
                string? found = WeightKeyRules.FindKeyPrefix(weight.Key, names);
                if (found is not null && (prefix is null || prefix == found))
                {
                    prefix = found;
                    prefixed.Add(weight.Key);
                }
                else
                {
                    bag.Report(DiagnosticDescriptors.WeightMissing, location, file, weight.Key, expected, network.Name);
                }
                continue;
            }
            if (weight.Role == WeightRole.Ignored) continue;
            if (!tensor.Shape.SequenceEqual(weight.Shape.Select(d => (long)d)))
            {
                bag.Report(DiagnosticDescriptors.WeightShapeMismatch, location, file, weight.Key, Format(tensor.Shape), network.Name, expected);
            }
            else if (!WeightKeyRules.CanReadAsFloat32(tensor.DataType))
            {
                bag.Report(DiagnosticDescriptors.WeightDataTypeUnsupported, location, file, weight.Key, tensor.DataType, string.Join(", ", WeightKeyRules.FloatFormatNames));
            }
        }
        if (prefix is not null)
        {
            bag.Report(DiagnosticDescriptors.WeightKeysPrefixed, location, file, prefix, prefixed[0], (prefixed.Count - 1).ToString(CultureInfo.InvariantCulture), WeightKeyRules.StripPrefixFix(prefix));
        }

        var expectedKeys = new HashSet<string>(network.Weights.Select(w => w.Key), StringComparer.Ordinal);
        foreach (var tensor in header.Tensors)
        {
            if (expectedKeys.Contains(tensor.Name) || WeightKeyRules.IsIgnoredAutomatically(tensor.Name)) continue;
            // A prefixed key is reported once, with the prefix, not again as unexpected.
            if (prefix is not null && tensor.Name.StartsWith(prefix, StringComparison.Ordinal) && expectedKeys.Contains(tensor.Name.Substring(prefix.Length))) continue;
            bag.Report(DiagnosticDescriptors.WeightUnexpected, location, file, tensor.Name, Format(tensor.Shape), network.Name);
        }
        return bag.Items.ToList();
    }

    /// <summary>A shape as the runtime's messages write it: [64, 3, 3, 3].</summary>
    private static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
