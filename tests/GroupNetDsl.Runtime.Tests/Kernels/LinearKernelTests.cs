using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// The linear layer's kernel: the sums written as plain loops here, the bits of one <see cref="VectorKernels.Dot"/>
/// per row (what the generated code computed before) on 1, 2 and 3 threads, and nothing written past the output.
/// </summary>
public class LinearKernelTests
{
    [Theory]
    [InlineData(1280, 1000, true)]  // MobileNetV2's classifier: runs of rows on a team
    [InlineData(2048, 130, true)]   // rows not a multiple of four; too few rows for a team
    [InlineData(37, 517, false)]    // a row tail past the vectors, no bias
    [InlineData(3, 6, true)]        // rows shorter than any vector
    [InlineData(8, 1, false)]       // one row
    public void GivesEachRowsDotProductOnAnyThreads(int inFeatures, int outFeatures, bool withBias)
    {
        var random = new Random(inFeatures * 31 + outFeatures);
        float[] weight = Values(random, inFeatures * outFeatures), input = Values(random, inFeatures), bias = withBias ? Values(random, outFeatures) : [];
        var oneDotPerRow = new float[outFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            float sum = VectorKernels.Dot(weight.AsSpan(o * inFeatures, inFeatures), input);
            oneDotPerRow[o] = withBias ? bias[o] + sum : sum;
        }
        for (int o = 0; o < outFeatures; o++)
        {
            double expected = withBias ? bias[o] : 0;
            for (int i = 0; i < inFeatures; i++) expected += (double)weight[o * inFeatures + i] * input[i];
            Assert.True(Math.Abs(expected - oneDotPerRow[o]) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"out[{o}]: {oneDotPerRow[o]} vs {expected}");
        }
        const int guard = 9;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var guarded = new float[outFeatures + guard];
            guarded.AsSpan().Fill(float.NaN);
            LinearKernel.Multiply(weight, input, bias, guarded.AsSpan(0, outFeatures), inFeatures, outFeatures, team);
            Assert.Equal(oneDotPerRow, guarded.AsSpan(0, outFeatures).ToArray());
            Assert.All(guarded.AsSpan(outFeatures).ToArray(), value => Assert.True(float.IsNaN(value), $"a float past the output was written ({threads} threads)"));
        }
    }

    [Fact]
    public void RejectsShortSpans()
    {
        Assert.Throws<ArgumentException>(() => LinearKernel.Multiply(new float[11], new float[4], default, new float[3], 4, 3, null));
        Assert.Throws<ArgumentException>(() => LinearKernel.Multiply(new float[12], new float[3], default, new float[3], 4, 3, null));
        Assert.Throws<ArgumentException>(() => LinearKernel.Multiply(new float[12], new float[4], new float[2], new float[3], 4, 3, null));
        Assert.Throws<ArgumentException>(() => LinearKernel.Multiply(new float[12], new float[4], default, new float[2], 4, 3, null));
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 6 - 3);
        return values;
    }
}
