using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using Microsoft.CodeAnalysis;

namespace GroupNetDsl.Analyzers.Diagnostics;

/// <summary>Turns the network model's diagnostics into Roslyn diagnostics, with what the code fixes need.</summary>
public static class ModelDiagnostics
{
    /// <summary>The current groups value of a GNET0201/GNET0202 diagnostic.</summary>
    public const string GroupsProperty = "Groups";

    /// <summary>gcd(in_channels, out_channels): every divisor of it is a valid groups value.</summary>
    public const string ChannelDivisorProperty = "ChannelDivisor";

    /// <summary>in_channels, when it equals out_channels and the convolution can be made depthwise.</summary>
    public const string DepthwiseGroupsProperty = "DepthwiseGroups";

    /// <summary>The Roslyn diagnostic of one model diagnostic, placed at <paramref name="location"/>.</summary>
    /// <param name="diagnostic">The model's diagnostic.</param>
    /// <param name="location">Where it is, in the C# tree or the .gnet file.</param>
    /// <param name="all">Every diagnostic of the same compilation, to pair a GNET0201 with its GNET0202.</param>
    public static Diagnostic ToRoslyn(GnetDiagnostic diagnostic, Location location, IReadOnlyList<GnetDiagnostic> all) =>
        Diagnostic.Create(
            RoslynDescriptors.For(diagnostic.Descriptor),
            location,
            GroupsProperties(diagnostic, all),
            diagnostic.Arguments.Cast<object?>().ToArray());

    /// <summary>
    /// For a groups divisibility error: the groups value, gcd(in, out), and in_channels when in == out.
    /// The rule's last message argument lists the valid groups, the divisors of gcd(in, out) (possibly
    /// elided in the middle), so its largest number is the gcd itself. In == out exactly when both GNET0201
    /// and GNET0202 are reported for one convolution with the same channel count (a groups value divides
    /// both or neither).
    /// </summary>
    private static ImmutableDictionary<string, string?>? GroupsProperties(GnetDiagnostic diagnostic, IReadOnlyList<GnetDiagnostic> all)
    {
        var inRule = DiagnosticDescriptors.InChannelsNotDivisible;
        var outRule = DiagnosticDescriptors.OutChannelsNotDivisible;
        if (diagnostic.Descriptor != inRule && diagnostic.Descriptor != outRule) return null;
        if (diagnostic.Arguments.Count < 4) return null;
        if (LargestNumber(diagnostic.Arguments[3]) is not { } divisor) return null;

        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties[GroupsProperty] = diagnostic.Arguments[2];
        properties[ChannelDivisorProperty] = divisor.ToString(CultureInfo.InvariantCulture);
        var partner = all.FirstOrDefault(other =>
            other.Descriptor == (diagnostic.Descriptor == inRule ? outRule : inRule)
            && other.Location == diagnostic.Location
            && other.Arguments.Count >= 3
            && other.Arguments[0] == diagnostic.Arguments[0]
            && other.Arguments[2] == diagnostic.Arguments[2]);
        if (partner is not null && partner.Arguments[1] == diagnostic.Arguments[1])
        {
            properties[DepthwiseGroupsProperty] = diagnostic.Arguments[1];
        }
        return properties.ToImmutable();
    }

    private static int? LargestNumber(string text)
    {
        int? largest = null;
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsDigit(text[i]) || (i > 0 && char.IsDigit(text[i - 1]))) continue;
            int end = i;
            while (end < text.Length && char.IsDigit(text[end])) end++;
            if (int.TryParse(text.Substring(i, end - i), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > (largest ?? 0)) largest = value;
        }
        return largest;
    }
}
