namespace GroupNetDsl.Benchmarks.Engines;

/// <summary>Checks, before timing, that two engines computed the same thing from the same weights.</summary>
public static class Agreement
{
    /// <summary>
    /// Throws unless every value of <paramref name="actual"/> is within 1e-4 + 1e-3 * max|expected| of
    /// <paramref name="expected"/> (float sums in another order differ in the last bits, wrong weights by far more).
    /// </summary>
    public static void Check(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length != actual.Length) throw new InvalidOperationException($"{what}: {actual.Length} values, expected {expected.Length}.");
        double scale = 0, worst = 0;
        int worstIndex = 0;
        for (int i = 0; i < expected.Length; i++) scale = Math.Max(scale, Math.Abs(expected[i]));
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)expected[i] - actual[i]);
            if (!(difference <= worst)) (worst, worstIndex) = (difference, i);
        }
        double tolerance = 1e-4 + 1e-3 * scale;
        if (!(worst <= tolerance))
        {
            throw new InvalidOperationException(
                $"{what}: outputs differ by {worst:G3} at {worstIndex} ({expected[worstIndex]} vs {actual[worstIndex]}), tolerance {tolerance:G3}.");
        }
    }
}
