using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Depthwise convolutions on planes narrower and wider than a vector, at strides 1 and 2, with 3x3, 5x5 and 7x7
/// filters and every padding from none to "same": the naive reference's sums, on 1 and 3 threads with the same bits,
/// and nothing written outside the output (it lies between guards of NaNs in a larger array).
/// </summary>
public class DepthwiseNarrowPlaneTests
{
    /// <summary>channels, height, width, kernel, stride, padding.</summary>
    public static TheoryData<int, int, int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int, int, int>();
        foreach (int kernel in new[] { 3, 5, 7 })
        {
            foreach (int padding in new[] { 0, 1, kernel / 2 }.Distinct())
            {
                // MobileNet's and EfficientNet's stride-2 planes (output 4 to 56 wide), at stride 2 and 1.
                foreach (int size in new[] { 7, 14, 28, 56, 112 })
                {
                    if (size + 2 * padding < kernel) continue;
                    data.Add(size == 112 ? 1 : 3, size, size, kernel, 2, padding);
                    if (size <= 28) data.Add(2, size, size, kernel, 1, padding);
                }
                // Widths around 8 and 16 (the output one below, at and above a vector of either width), short and one-row planes.
                foreach (int width in new[] { 1, 2, 3, 8, 9, 15, 16, 17, 31, 32, 33, 35 })
                {
                    foreach (int height in new[] { 1, 2, 5, 11 })
                    {
                        if (width + 2 * padding < kernel || height + 2 * padding < kernel) continue;
                        data.Add(2, height, width, kernel, 2, padding);
                        if (height != 1) data.Add(1, height, width, kernel, 1, padding);
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheNaiveReferenceOnAnyThreadsAndWritesOnlyTheOutput(int channels, int height, int width, int kernel, int stride, int padding)
    {
        int outHeight = (height + 2 * padding - kernel) / stride + 1, outWidth = (width + 2 * padding - kernel) / stride + 1;
        var shape = new ConvolutionShape(channels, height, width, channels, outHeight, outWidth, kernel, stride, padding, 1, channels);
        var plan = ConvolutionPlanner.PlanDepthwise(shape);
        var random = new Random(((height * 131 + width) * 17 + kernel) * 7 + stride * 3 + padding);
        int outputLength = channels * outHeight * outWidth, guard = 40;
        float[] input = Values(random, channels * height * width), weight = Values(random, channels * kernel * kernel);
        float[] bias = Values(random, channels), residual = Values(random, outputLength);
        double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, residual, Activation.Relu6);
        float[]? first = null;
        foreach (int threads in new[] { 1, 3 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var guarded = new float[guard + outputLength + guard];
            guarded.AsSpan().Fill(float.NaN);
            DepthwiseKernel.Convolve(shape, plan, input, weight, bias, residual, Activation.Relu6, guarded.AsSpan(guard, outputLength), team);
            for (int at = 0; at < guard; at++)
            {
                Assert.True(float.IsNaN(guarded[at]) && float.IsNaN(guarded[guard + outputLength + at]), $"a guard float was written ({plan}, {threads} threads)");
            }
            var actual = guarded.AsSpan(guard, outputLength).ToArray();
            for (int at = 0; at < outputLength; at++)
            {
                Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-5 * Math.Max(1, Math.Abs(expected[at])), $"out[{at}]: {actual[at]} vs {expected[at]} ({plan}, {threads} threads)");
            }
            first ??= actual;
            Assert.Equal(first, actual);
        }
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 6 - 3);
        return values;
    }
}
