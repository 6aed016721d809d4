namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>Checks a fused global average pool against the means of a plain-loop convolution's output.</summary>
internal static class PooledMeans
{
    /// <summary>Asserts pooled[c] = the mean of expected's channel c (planes of <paramref name="plane"/> values), within a relative tolerance.</summary>
    public static void Match(double[] expected, float[] pooled, int plane, double tolerance)
    {
        for (int c = 0; c < pooled.Length; c++)
        {
            double mean = 0;
            for (int i = 0; i < plane; i++) mean += expected[c * plane + i];
            mean /= plane;
            Assert.True(Math.Abs(mean - pooled[c]) <= tolerance * Math.Max(1, Math.Abs(mean)), $"pooled[{c}] = {pooled[c]}, expected {mean}");
        }
    }
}
