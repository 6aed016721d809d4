using System;
using System.Collections.Generic;

namespace GroupNetDsl.Language.Binding;

/// <summary>
/// "Did you mean" for a name that is not declared: the known name nearest in edits (insert, delete, replace, or swap
/// two neighbours, case ignored), if near enough to be a typo. Near enough: at most one edit per three characters of
/// the longer name (at least one), and fewer edits than the shorter name has characters, so no name is suggested
/// that shares almost nothing with what was written ('mx' is not a typo of 'x'). Among equally near names, one with
/// the same first letter wins ('mx' suggests 'mix').
/// </summary>
internal static class Suggestion
{
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        bool bestSameStart = false;
        foreach (var candidate in candidates)
        {
            int tolerance = Math.Min(Math.Max(1, Math.Max(candidate.Length, name.Length) / 3), Math.Min(candidate.Length, name.Length) - 1);
            // The distance is at least the difference in length: skipping those first keeps a name of a million
            // characters from costing a million-cell table per candidate.
            if (tolerance < 1 || Math.Abs(candidate.Length - name.Length) > tolerance || candidate == name) continue;
            int distance = Distance(name, candidate);
            if (distance > tolerance) continue;
            bool sameStart = char.ToLowerInvariant(candidate[0]) == char.ToLowerInvariant(name[0]);
            if (distance < bestDistance || (distance == bestDistance && sameStart && !bestSameStart))
            {
                best = candidate;
                bestDistance = distance;
                bestSameStart = sameStart;
            }
        }
        return best;
    }

    /// <summary>Edits from <paramref name="a"/> to <paramref name="b"/>: insertions, deletions, replacements and swaps of neighbours (optimal string alignment), case ignored.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = Same(a[i - 1], b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && Same(a[i - 1], b[j - 2]) && Same(a[i - 2], b[j - 1])) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    private static bool Same(char a, char b) => char.ToLowerInvariant(a) == char.ToLowerInvariant(b);
}
