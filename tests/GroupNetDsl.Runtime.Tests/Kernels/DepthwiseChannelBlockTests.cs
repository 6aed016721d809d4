using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Depthwise convolutions on planes narrower than a vector with channels taken 16 at a time (whole blocks, a last
/// partial block, fewer channels than a block): the naive reference's sums for every activation, with and without
/// bias and residual, the fused pool's means, the same bits on 1 and 3 threads, and nothing written outside the
/// output (it lies between guards of NaNs).
/// </summary>
public class DepthwiseChannelBlockTests
{
    /// <summary>channels, height, width, kernel, stride, padding.</summary>
    public static TheoryData<int, int, int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int, int, int>();
        int[] channelCounts = [16, 17, 33, 1, 15, 32];
        int next = 0;
        foreach (int kernel in new[] { 3, 5, 7 })
        {
            foreach (int padding in new[] { 0, 1, kernel / 2 }.Distinct())
            {
                foreach (int stride in new[] { 1, 2 })
                {
                    foreach ((int height, int width) in new[] { (1, 1), (2, 3), (3, 3), (5, 5), (7, 7), (9, 9), (14, 14), (15, 15), (11, 6), (4, 13) })
                    {
                        if (width + 2 * padding < kernel || height + 2 * padding < kernel) continue;
                        data.Add(channelCounts[next++ % channelCounts.Length], height, width, kernel, stride, padding);
                    }
                }
            }
        }
        // EfficientNet's and MobileNet's layers, and channel counts a few short of a whole block.
        data.Add(672, 14, 14, 5, 2, 2);
        data.Add(670, 7, 7, 5, 1, 2);
        data.Add(100, 14, 14, 3, 1, 1);
        data.Add(94, 14, 14, 3, 2, 1);
        data.Add(40, 9, 13, 7, 2, 3);
        // Output rows of 8 to 15 pixels: two runs of up to eight, whose inputs slide along the row at stride 1 and 2.
        data.Add(32, 20, 30, 5, 2, 2);
        data.Add(16, 12, 29, 7, 2, 3);
        data.Add(48, 6, 15, 5, 1, 2);
        data.Add(17, 5, 12, 7, 1, 3);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheNaiveReferenceOnAnyThreadsAndWritesOnlyTheOutput(int channels, int height, int width, int kernel, int stride, int padding)
    {
        int outHeight = (height + 2 * padding - kernel) / stride + 1, outWidth = (width + 2 * padding - kernel) / stride + 1;
        var shape = new ConvolutionShape(channels, height, width, channels, outHeight, outWidth, kernel, stride, padding, 1, channels);
        var plan = ConvolutionPlanner.PlanDepthwise(shape);
        // Every shape here with a block's worth of channels runs on the channel blocks.
        Assert.Equal(channels >= 16, plan.Variant == ConvolutionVariant.DepthwiseChannelBlocks);
        var random = new Random(((channels * 31 + height) * 17 + width) * 13 + kernel * 7 + stride * 3 + padding);
        int outputLength = channels * outHeight * outWidth, guard = 40;
        float[] input = Values(random, channels * height * width), weight = Values(random, channels * kernel * kernel);
        float[] bias = Values(random, channels), residual = Values(random, outputLength);
        foreach (var activation in Enum.GetValues<Activation>())
        {
            // Bias and residual each with and without, across the activations.
            bool withBias = (int)activation % 2 == 0, withResidual = (int)activation / 2 % 2 == 0;
            double[] expected = ExpectedConvolution.Of(shape, input, weight, withBias ? bias : new float[channels], withResidual ? residual : null, activation);
            float[]? first = null;
            foreach (int threads in new[] { 1, 3 })
            {
                using var team = threads > 1 ? new WorkerTeam(threads) : null;
                var guarded = new float[guard + outputLength + guard];
                guarded.AsSpan().Fill(float.NaN);
                DepthwiseKernel.Convolve(shape, plan, input, weight, withBias ? bias : default, withResidual ? residual : default, activation, guarded.AsSpan(guard, outputLength), team);
                for (int at = 0; at < guard; at++)
                {
                    Assert.True(float.IsNaN(guarded[at]) && float.IsNaN(guarded[guard + outputLength + at]), $"a guard float was written ({plan}, {threads} threads)");
                }
                var actual = guarded.AsSpan(guard, outputLength).ToArray();
                for (int at = 0; at < outputLength; at++)
                {
                    Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-5 * Math.Max(1, Math.Abs(expected[at])),
                        $"out[{at}]: {actual[at]} vs {expected[at]} ({activation}, bias {withBias}, residual {withResidual}, {threads} threads)");
                }
                first ??= actual;
                Assert.Equal(first, actual);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ConvolveAndPoolGivesEachChannelsMeanOnAnyThreads(int channels, int height, int width, int kernel, int stride, int padding)
    {
        int outHeight = (height + 2 * padding - kernel) / stride + 1, outWidth = (width + 2 * padding - kernel) / stride + 1, outPlane = outHeight * outWidth;
        var shape = new ConvolutionShape(channels, height, width, channels, outHeight, outWidth, kernel, stride, padding, 1, channels);
        var random = new Random(channels * 7 + height * 5 + width);
        float[] input = Values(random, channels * height * width), weight = Values(random, channels * kernel * kernel);
        float[] bias = Values(random, channels), residual = Values(random, channels * outPlane);
        double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, residual, Activation.Hardswish);
        var pooled = new float[channels];
        var pooledByThreads = new float[channels];
        var workspace = new float[KernelLayout.PoolWorkspaceLength(channels, outHeight, outWidth)];
        DepthwiseKernel.ConvolveAndPool(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, residual, Activation.Hardswish, workspace, pooled, null);
        using var team = new WorkerTeam(3);
        DepthwiseKernel.ConvolveAndPool(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, residual, Activation.Hardswish, workspace, pooledByThreads, team);
        PooledMeans.Match(expected, pooled, outPlane, 1e-5);
        Assert.Equal(pooled, pooledByThreads);
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 6 - 3);
        return values;
    }
}
