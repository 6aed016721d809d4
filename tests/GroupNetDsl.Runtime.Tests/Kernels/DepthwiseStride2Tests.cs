using System.Numerics;
using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Stride-2 depthwise 3x3 and 5x5 convolutions on output rows of 16 or more, which read the input in place with
/// AVX-512 (over phase planes without it): the naive reference's values with every epilogue, the same bits on 1 and 3
/// threads, nothing written outside the output (it lies between guards of NaNs), and each output's bits those of the
/// loop written here (bias, then taps in row-major order), which are the phase-plane kernels' sums.
/// </summary>
public class DepthwiseStride2Tests
{
    private const int Guard = 40;

    /// <summary>kernel, padding, height, width, channels, channel multiplier, seed (picks the epilogue).</summary>
    public static TheoryData<int, int, int, int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int, int, int, int>();
        int seed = 0;
        foreach (int kernel in new[] { 3, 5 })
        {
            foreach (int padding in new[] { 0, 1, 2 })
            {
                // Outputs 16 and 17 wide from each input width that gives them; inputs of one to three rows, and
                // outputs of three to five rows (one row, two, two overlapping, four, four and one).
                foreach (int outWidth in new[] { 16, 17 })
                {
                    int narrowest = 2 * (outWidth - 1) + kernel - 2 * padding;
                    foreach (int width in new[] { narrowest, narrowest + 1 })
                    {
                        foreach (int height in new[] { 1, 2, 3, 4 + kernel - 2 * padding, 6 + kernel - 2 * padding, 8 + kernel - 2 * padding })
                        {
                            if (height + 2 * padding >= kernel) data.Add(kernel, padding, height, width, 2, 1, seed++);
                        }
                    }
                }
                // Random sizes: outputs 16 to 40 wide, inputs 1 to 40 rows, 1 to 20 channels.
                var random = new Random(kernel * 10 + padding);
                for (int i = 0; i < 8; i++)
                {
                    int width = 2 * (16 + random.Next(25) - 1) + kernel - 2 * padding + random.Next(2);
                    int height = Math.Max(kernel - 2 * padding, 1 + random.Next(40));
                    data.Add(kernel, padding, height, width, 1 + random.Next(20), random.Next(4) == 0 ? 2 : 1, seed++);
                }
                // Few channels and many rows: threads take bands of rows.
                data.Add(kernel, padding, 130, 71, 2, 1, seed++);
            }
        }
        // MobileNetV2's and EfficientNet's stride-2 shapes, at fewer channels.
        data.Add(3, 1, 112, 112, 3, 1, seed++);
        data.Add(3, 1, 56, 56, 3, 1, seed++);
        data.Add(5, 2, 56, 56, 3, 1, seed++);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheNaiveReferenceOnAnyThreadsAndWritesOnlyTheOutput(int kernel, int padding, int height, int width, int channels, int multiplier, int seed)
    {
        var shape = Shape(kernel, padding, height, width, channels, multiplier);
        var plan = ConvolutionPlanner.PlanDepthwise(shape);
        Assert.Equal(ConvolutionVariant.DepthwiseStride2InPlace, plan.Variant);
        var random = new Random(seed);
        int plane = shape.OutputHeight * shape.OutputWidth, outputLength = shape.OutChannels * plane;
        float[] input = Values(random, channels * height * width), weight = Values(random, shape.OutChannels * kernel * kernel);
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
            int length = pool ? KernelLayout.PoolWorkspaceLength(shape.OutChannels, shape.OutputHeight, shape.OutputWidth) : outputLength;
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
    public void SumsTheBiasThenTheTapsInRowMajorOrder(int kernel, int padding, int height, int width, int channels, int multiplier, int seed)
    {
        var shape = Shape(kernel, padding, height, width, channels, multiplier);
        var random = new Random(seed);
        int outHeight = shape.OutputHeight, outWidth = shape.OutputWidth, outputLength = shape.OutChannels * outHeight * outWidth;
        float[] input = Values(random, channels * height * width), weight = Values(random, shape.OutChannels * kernel * kernel);
        float[] bias = Values(random, shape.OutChannels), residual = Values(random, outputLength);
        var actual = new float[outputLength];
        DepthwiseKernel.Convolve(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, residual, Activation.None, actual, null);

        // The phase-plane kernels' sums: zeros in the padding, fused where their vectors fuse; the residual added last.
        bool fused = Vector.IsHardwareAccelerated && (System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);
        var expected = new float[outputLength];
        for (int oc = 0; oc < shape.OutChannels; oc++)
        {
            int c = oc / multiplier;
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    float sum = bias[oc];
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            int y = 2 * oy - padding + ky, x = 2 * ox - padding + kx;
                            float value = y >= 0 && y < height && x >= 0 && x < width ? input[(c * height + y) * width + x] : 0f;
                            float w = weight[(oc * kernel + ky) * kernel + kx];
                            sum = fused ? MathF.FusedMultiplyAdd(w, value, sum) : w * value + sum;
                        }
                    }
                    int at = (oc * outHeight + oy) * outWidth + ox;
                    expected[at] = sum + residual[at];
                }
            }
        }
        Assert.Equal(expected, actual);
    }

    private static ConvolutionShape Shape(int kernel, int padding, int height, int width, int channels, int multiplier) =>
        new(channels, height, width, channels * multiplier, (height + 2 * padding - kernel) / 2 + 1, (width + 2 * padding - kernel) / 2 + 1, kernel, 2, padding, 1, channels);

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 6 - 3);
        return values;
    }
}
