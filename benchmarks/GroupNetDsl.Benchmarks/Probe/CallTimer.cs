using System.Diagnostics;

namespace GroupNetDsl.Benchmarks.Probe;

/// <summary>The probes' Stopwatch timing: a mean over a short run of calls, and the median of such means.</summary>
public static class CallTimer
{
    /// <summary>Mean microseconds per call of <paramref name="action"/>, called until <paramref name="budgetTicks"/> have passed and at least <paramref name="minimumCalls"/> times.</summary>
    public static double MeanMicroseconds(Action action, long budgetTicks, int minimumCalls = 1)
    {
        int calls = 0;
        long start = Stopwatch.GetTimestamp();
        do
        {
            action();
            calls++;
        }
        while (calls < minimumCalls || Stopwatch.GetTimestamp() - start < budgetTicks);
        return (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / calls;
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
