namespace GroupNetDsl.Benchmarks.Suites;

/// <summary>The benchmark input: uniform in [-1, 1), the same for every engine and every run.</summary>
public static class RandomInput
{
    /// <summary><paramref name="length"/> values from a fixed seed.</summary>
    public static float[] Create(int length)
    {
        var random = new Random(20240905);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
