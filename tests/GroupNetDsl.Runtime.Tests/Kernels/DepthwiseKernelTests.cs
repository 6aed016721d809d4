using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>Depthwise convolutions agree with the convolution written as plain loops here, on 1 and 3 threads.</summary>
public class DepthwiseKernelTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Shapes => new()
    {
        // channels, multiplier (output channels per input channel), height, width, kernel, stride, padding, dilation
        { 3, 1, 8, 8, 3, 1, 1, 1 },
        { 2, 1, 13, 21, 3, 1, 1, 1 },    // widths that leave a vector tail
        { 3, 1, 9, 7, 3, 2, 1, 1 },      // stride 2, odd sizes, rows narrower than a vector
        { 2, 1, 6, 6, 5, 1, 3, 1 },      // padding larger than 1
        { 2, 1, 11, 12, 3, 1, 2, 2 },    // dilation
        { 2, 1, 14, 14, 7, 3, 3, 1 },
        { 3, 1, 9, 70, 3, 2, 1, 1 },     // strided rows wide enough for every vector width
        { 2, 1, 7, 101, 5, 3, 2, 2 },    // stride 3 with dilation, a tail
        { 4, 2, 10, 40, 3, 1, 1, 1 },    // two output channels per input channel
        { 5, 1, 33, 33, 3, 2, 1, 1 },    // stride 2 on odd sizes with 16-wide rows
        { 1, 1, 1, 1, 3, 1, 1, 1 },      // a single pixel
        { 2, 1, 40, 40, 3, 1, 1, 1 },    // tall enough for threads to take bands of rows
        { 16, 1, 40, 40, 3, 1, 1, 1 },   // the same with channels enough for threads to take runs of channels
        { 3, 1, 72, 72, 3, 2, 1, 1 },    // bands of a strided conv, rows ending on an overlapping vector
        { 2, 1, 6, 600, 3, 1, 1, 1 },    // bands of two rows (one-row kernel) against four-row blocks on one thread
        { 2, 1, 7, 19, 3, 1, 1, 1 },     // four-row blocks, the last overlapping, over a row tail
        { 2, 1, 7, 45, 3, 2, 1, 1 },     // both column phases of stride 2 in one pass, an odd width
        { 1, 1, 8, 64, 5, 2, 2, 1 },     // the same with padding 2
        { 1, 1, 5, 33, 3, 2, 0, 1 },     // and with none
        { 2, 1, 9, 16, 3, 1, 1, 1 },     // stride 1 read in place: one vector, padding shifted in on both sides
        { 2, 1, 4, 48, 3, 1, 1, 1 },     // the same with a middle vector and exactly four rows
        { 1, 1, 6, 17, 3, 1, 1, 1 },     // and two vectors overlapping by all but one column
        { 2, 1, 5, 64, 3, 1, 1, 1 },     // and four vectors a row, the last four-row block overlapping
        { 2, 1, 9, 20, 3, 1, 0, 1 },     // four-row blocks over padded planes: no padding
        { 2, 1, 8, 18, 3, 1, 2, 1 },     // and padding 2
        { 2, 1, 1, 1, 1, 2000, 0, 1 },   // stride 2000: a phase table of stride^2 ints on the stack overflowed it
        { 1, 1, 1, 1, 1, 65536, 0, 1 },  // stride 65536: stride^2 wraps to 0 in 32 bits
        { 2, 1, 20, 19, 17, 17, 8, 1 },  // 17 phase offsets per axis (289 planes): more than the stack keeps
        { 2, 1, 9, 9, 3, 5, 4, 3 },      // dilation 3 at stride 5: offsets 0, 3, 1 in order of first use
        { 6, 1, 7, 7, 3, 1, 1, 1 },      // flat runs: several rows a vector, the last overlapping
        { 3, 1, 14, 14, 3, 1, 1, 1 },    // the same, 14 wide (a start column per vector)
        { 5, 1, 7, 7, 5, 1, 2, 1 },      // and 5x5, and 7x7, with wraps at both ends of a row
        { 2, 1, 9, 10, 7, 1, 3, 1 },
        { 2, 1, 9, 11, 3, 1, 2, 2 },     // and dilation 2 ("same" padding 2)
        { 2, 1, 11, 6, 5, 1, 4, 2 },
        { 4, 2, 5, 5, 3, 1, 1, 1 },      // and two output channels per input channel
        { 2, 1, 3, 3, 3, 1, 1, 1 },      // a run shorter than a 512-bit vector
        { 2, 1, 2, 3, 3, 1, 1, 1 },      // and shorter than any vector
        { 2, 1, 20, 1, 3, 1, 1, 1 },     // one column: every side tap masked
        { 2, 1, 200, 15, 3, 1, 1, 1 },   // bands of rows: runs that start at a later row
        { 16, 1, 9, 13, 5, 1, 2, 1 },    // runs of channels
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ConvolveMatchesPlainLoops(int channels, int multiplier, int height, int width, int kernel, int stride, int padding, int dilation)
    {
        int outHeight = (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outChannels = channels * multiplier, outPlane = outHeight * outWidth;
        var shape = new ConvolutionShape(channels, height, width, outChannels, outHeight, outWidth, kernel, stride, padding, dilation, channels);
        var random = new Random(height * 31 + width);
        float[] input = Values(random, channels * height * width), weight = Values(random, outChannels * kernel * kernel);
        float[] bias = Values(random, outChannels), residual = Values(random, outChannels * outPlane);
        foreach (var activation in Enum.GetValues<Activation>())
        {
            foreach (bool withResidual in new[] { false, true })
            {
                var actual = new float[outChannels * outPlane];
                actual.AsSpan().Fill(float.NaN); // every output must be written
                DepthwiseKernel.Convolve(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, withResidual ? residual : default, activation, actual, null);
                double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, withResidual ? residual : null, activation);
                for (int at = 0; at < expected.Length; at++)
                {
                    Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-5 * Math.Max(1, Math.Abs(expected[at])), $"out[{at}]: {actual[at]} vs {expected[at]} ({activation}, residual {withResidual})");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ConvolveAndPoolGivesEachChannelsMean(int channels, int multiplier, int height, int width, int kernel, int stride, int padding, int dilation)
    {
        int outHeight = (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outChannels = channels * multiplier, outPlane = outHeight * outWidth;
        var shape = new ConvolutionShape(channels, height, width, outChannels, outHeight, outWidth, kernel, stride, padding, dilation, channels);
        var random = new Random(height * 17 + width);
        float[] input = Values(random, channels * height * width), weight = Values(random, outChannels * kernel * kernel);
        float[] bias = Values(random, outChannels), residual = Values(random, outChannels * outPlane);
        double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, residual, Activation.Relu6);

        var pooled = new float[outChannels];
        var pooledByThreads = new float[outChannels];
        DepthwiseKernel.ConvolveAndPool(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, residual, Activation.Relu6, new float[KernelLayout.PoolWorkspaceLength(outChannels, outHeight, outPlane / outHeight)], pooled, null);
        DepthwiseKernel.ConvolveAndPool(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, residual, Activation.Relu6, new float[KernelLayout.PoolWorkspaceLength(outChannels, outHeight, outPlane / outHeight)], pooledByThreads, new WorkerTeam(3));
        PooledMeans.Match(expected, pooled, outPlane, 1e-5);
        Assert.Equal(pooled, pooledByThreads);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ThreadsGiveTheSameBits(int channels, int multiplier, int height, int width, int kernel, int stride, int padding, int dilation)
    {
        int outHeight = (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outChannels = channels * multiplier;
        var shape = new ConvolutionShape(channels, height, width, outChannels, outHeight, outWidth, kernel, stride, padding, dilation, channels);
        var random = new Random(11);
        float[] input = Values(random, channels * height * width), weight = Values(random, outChannels * kernel * kernel);
        var alone = new float[outChannels * outHeight * outWidth];
        var shared = new float[alone.Length];
        DepthwiseKernel.Convolve(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, default, default, Activation.Relu6, alone, null);
        DepthwiseKernel.Convolve(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, default, default, Activation.Relu6, shared, new WorkerTeam(3));
        Assert.Equal(alone, shared);
    }

    [Fact]
    public void OnlyDepthwiseShapesAreAccepted()
    {
        var grouped = new ConvolutionShape(4, 6, 6, 4, 6, 6, 3, 1, 1, 1, 2);
        var error = Assert.Throws<ArgumentException>(() => DepthwiseKernel.Convolve(grouped, default, new float[144], new float[72], default, default, Activation.None, new float[144], null));
        Assert.Contains("depthwise", error.Message);
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 6 - 3);
        return values;
    }
}
