using System.Numerics;
using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Stride-1 depthwise 5x5 convolutions at padding 2 on rows of 16 or more, which read the input in place with AVX-512
/// (over phase planes without it): the naive reference's values with every epilogue, the same bits on 1 and 3 threads,
/// nothing written outside the output (it lies between guards of NaNs), and each output's bits those of the loop
/// written here (bias, then taps in row-major order), which are the phase-plane kernels' sums.
/// </summary>
public class DepthwiseInPlace5x5Tests
{
    private const int Guard = 40;

    /// <summary>height, width, channels, channel multiplier, seed (picks the epilogue).</summary>
    public static TheoryData<int, int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int, int>();
        int seed = 0;
        // Widths with one vector, one and two columns past it, and several vectors with each overlap; heights of one
        // to nine rows (four-row blocks, then two, then one) and 28.
        foreach (int width in new[] { 16, 17, 18, 31, 33, 34, 40, 56 })
        {
            foreach (int height in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 28 })
            {
                data.Add(height, width, 1 + seed % 3, seed % 4 == 3 ? 2 : 1, seed);
                seed++;
            }
        }
        // Few channels and many rows: threads take bands of rows.
        data.Add(130, 71, 2, 1, seed++);
        // MobileNetV3's and EfficientNet's shapes, at fewer channels.
        data.Add(28, 28, 5, 1, seed++);
        data.Add(56, 56, 3, 1, seed++);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheNaiveReferenceOnAnyThreadsAndWritesOnlyTheOutput(int height, int width, int channels, int multiplier, int seed)
    {
        var shape = Shape(height, width, channels, multiplier);
        var plan = ConvolutionPlanner.PlanDepthwise(shape);
        Assert.Equal(ConvolutionVariant.DepthwiseTaps5x5, plan.Variant);
        var random = new Random(seed);
        int plane = height * width, outputLength = shape.OutChannels * plane;
        float[] input = Values(random, channels * plane), weight = Values(random, shape.OutChannels * 25);
        // Every epilogue: each activation, with and without bias and residual, and some with a fused pool.
        var activation = (Activation)(seed % 8);
        bool withBias = seed % 3 != 0, withResidual = seed % 2 == 0, pool = seed % 5 == 0;
        float[] bias = withBias ? Values(random, shape.OutChannels) : new float[shape.OutChannels], residual = Values(random, outputLength);
        double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, withResidual ? residual : null, activation);
        string what = $"{shape}, {activation}, bias {withBias}, residual {withResidual}, pool {pool}";

        float[]? first = null;
        float[]? firstPooled = null;
        foreach (int threads in new[] { 1, 3 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            int length = pool ? KernelLayout.PoolWorkspaceLength(shape.OutChannels, height, width) : outputLength;
            var guarded = new float[Guard + length + Guard];
            guarded.AsSpan().Fill(float.NaN);
            var output = guarded.AsSpan(Guard, length);
            var pooled = new float[shape.OutChannels];
            if (pool)
            {
                DepthwiseKernel.ConvolveAndPool(shape, plan, input, weight, withBias ? bias : default, withResidual ? residual : default, activation, output, pooled, team);
            }
            else
            {
                DepthwiseKernel.Convolve(shape, plan, input, weight, withBias ? bias : default, withResidual ? residual : default, activation, output, team);
            }
            for (int at = 0; at < Guard; at++)
            {
                Assert.True(float.IsNaN(guarded[at]) && float.IsNaN(guarded[Guard + length + at]), $"a guard float was written ({what}, {threads} threads)");
            }
            var actual = guarded.AsSpan(Guard, outputLength).ToArray();
            for (int at = 0; at < outputLength; at++)
            {
                Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-5 * Math.Max(1, Math.Abs(expected[at])), $"out[{at}]: {actual[at]} vs {expected[at]} ({what}, {threads} threads)");
            }
            first ??= actual;
            Assert.Equal(first, actual);
            if (pool)
            {
                PooledMeans.Match(expected, pooled, plane, 1e-5);
                firstPooled ??= pooled;
                Assert.Equal(firstPooled, pooled);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SumsTheBiasThenTheTapsInRowMajorOrder(int height, int width, int channels, int multiplier, int seed)
    {
        var shape = Shape(height, width, channels, multiplier);
        var random = new Random(seed);
        int outputLength = shape.OutChannels * height * width;
        float[] input = Values(random, channels * height * width), weight = Values(random, shape.OutChannels * 25);
        float[] bias = Values(random, shape.OutChannels), residual = Values(random, outputLength);
        var actual = new float[outputLength];
        DepthwiseKernel.Convolve(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, residual, Activation.None, actual, null);

        // The phase-plane kernels' sums: zeros in the padding, fused where their vectors fuse; the residual added last.
        bool fused = Vector.IsHardwareAccelerated && (System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);
        var expected = new float[outputLength];
        for (int oc = 0; oc < shape.OutChannels; oc++)
        {
            int c = oc / multiplier;
            for (int oy = 0; oy < height; oy++)
            {
                for (int ox = 0; ox < width; ox++)
                {
                    float sum = bias[oc];
                    for (int ky = 0; ky < 5; ky++)
                    {
                        for (int kx = 0; kx < 5; kx++)
                        {
                            int y = oy - 2 + ky, x = ox - 2 + kx;
                            float value = y >= 0 && y < height && x >= 0 && x < width ? input[(c * height + y) * width + x] : 0f;
                            float w = weight[(oc * 5 + ky) * 5 + kx];
                            sum = fused ? MathF.FusedMultiplyAdd(w, value, sum) : w * value + sum;
                        }
                    }
                    int at = (oc * height + oy) * width + ox;
                    expected[at] = sum + residual[at];
                }
            }
        }
        Assert.Equal(expected, actual);
    }

    private static ConvolutionShape Shape(int height, int width, int channels, int multiplier) =>
        new(channels, height, width, channels * multiplier, height, width, 5, 1, 2, 1, channels);

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 6 - 3);
        return values;
    }
}
