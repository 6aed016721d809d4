using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Properties = GroupNetDsl.Language.Diagnostics.DiagnosticProperties;

namespace GroupNetDsl.CodeFixes;

/// <summary>One groups value a fix can set, with its title and its Fix All key.</summary>
public sealed record GroupsFix(string Title, int Groups, string Key);

/// <summary>
/// Which groups values a groups divisibility error (GNET0201, GNET0202) offers, whether the network is
/// declared with attributes or in a .gnet file: the valid values nearest the current one, and depthwise when
/// in_channels == out_channels. The two providers differ only in how they write the value.
/// </summary>
public static class GroupsFixes
{
    /// <summary>How many nearest valid values are offered.</summary>
    private const int Offered = 3;

    /// <summary>
    /// Fix All applies the action of the same kind to every diagnostic: "the nearest valid value" (or the
    /// second, third nearest) of each convolution, or "depthwise". Each convolution gets its own number.
    /// </summary>
    public static string NearestKey(int rank) => "GNET0201.NearestGroups." + rank.ToString(CultureInfo.InvariantCulture);

    public const string DepthwiseKey = "GNET0201.Depthwise";

    /// <summary>The first diagnostic that carries the values the fixes need, or null.</summary>
    public static Diagnostic? Fixable(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.FirstOrDefault(d => d.Properties.ContainsKey(Properties.ChannelDivisor));

    /// <summary>The fixes of one diagnostic, nearest valid values first, depthwise last; none when its properties are missing.</summary>
    public static IReadOnlyList<GroupsFix> For(Diagnostic diagnostic)
    {
        var fixes = new List<GroupsFix>();
        if (!TryGetInt(diagnostic, Properties.Groups, out int groups) || !TryGetInt(diagnostic, Properties.ChannelDivisor, out int divisor)) return fixes;
        int? depthwise = TryGetInt(diagnostic, Properties.DepthwiseGroups, out int channels) ? channels : null;

        var nearest = NearestValidGroups(groups, divisor).Where(d => d != depthwise).Take(Offered).ToList();
        for (int rank = 0; rank < nearest.Count; rank++)
        {
            fixes.Add(new GroupsFix("Use groups: " + nearest[rank].ToString(CultureInfo.InvariantCulture), nearest[rank], NearestKey(rank)));
        }
        if (depthwise is { } depthwiseGroups) fixes.Add(new GroupsFix("Make it depthwise (groups = in_channels)", depthwiseGroups, DepthwiseKey));
        return fixes;
    }

    /// <summary>
    /// The divisors of gcd(in, out), nearest first. Nearness is by ratio (4 is nearer to 3 than 2 is), since
    /// groups scale cost and channels per group multiplicatively; on a tie the larger value comes first.
    /// </summary>
    public static IEnumerable<int> NearestValidGroups(int groups, int divisor) =>
        Enumerable.Range(1, Math.Max(divisor, 1))
            .Where(d => divisor % d == 0 && d != groups)
            .OrderBy(d => Math.Abs(Math.Log((double)d / Math.Max(groups, 1))))
            .ThenByDescending(d => d);

    private static bool TryGetInt(Diagnostic diagnostic, string key, out int value)
    {
        value = 0;
        return diagnostic.Properties.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
