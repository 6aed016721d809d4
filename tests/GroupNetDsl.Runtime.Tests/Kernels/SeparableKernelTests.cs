using GroupNetDsl.Kernels;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// A depthwise conv and the 1x1 conv after it, band by band: the same as the two written as plain loops here, and
/// bit for bit the same as the two kernels run one after the other, on 1 and 3 threads.
/// </summary>
public class SeparableKernelTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Shapes => new()
    {
        // channels, multiplier, height, width, kernel, stride, padding, pointwise output channels
        { 32, 1, 64, 64, 3, 1, 1, 64 },   // the seed's block: bands of 12 rows, the last one of 4
        { 5, 1, 13, 21, 3, 1, 1, 7 },     // one band; odd channel counts; a column tail in the product
        { 6, 2, 17, 19, 3, 2, 1, 10 },    // stride 2 on odd sizes, two depthwise outputs per input channel
        { 3, 1, 12, 9, 5, 1, 2, 4 },      // a 5x5 filter, padding 2
        { 48, 1, 30, 40, 3, 1, 1, 24 },   // bands of 12, 12 and 6 rows
        { 64, 1, 7, 400, 3, 1, 1, 8 },    // rows so wide that each band is one row
        { 144, 1, 9, 56, 3, 1, 1, 24 },   // bands of four rows where three fit the budget: 4, 4 and 1 rows
        { 160, 1, 30, 15, 3, 1, 1, 20 },  // blocks of 16 channels in bands of 10 rows (6 in a team)
        { 40, 1, 20, 13, 5, 2, 2, 12 },   // and at stride 2, 5x5, in one band, with a partial block of 8 channels
        { 2, 1, 3, 3, 3, 2000, 1, 3 },    // stride 2000: a phase table of stride^2 ints on the stack overflowed it
        // Stride 2 on output rows of 16 or more, read in place with 512-bit vectors: 3x3 and 5x5, odd widths, padding 0 to 2.
        { 24, 1, 57, 63, 3, 2, 1, 16 },
        { 16, 1, 40, 67, 5, 2, 2, 24 },
        { 8, 2, 23, 33, 3, 2, 0, 12 },
        { 160, 1, 20, 68, 3, 2, 1, 16 },  // bands of 4, 4 and 2 rows; a team's bands of 3 or fewer
        { 48, 1, 29, 33, 5, 1, 2, 16 },   // 5x5 at stride 1, padding 2 on rows of 16 or more, read in place, band by band
        // Up to 256 output pixels: one band of every row. With fewer than 64 pixels per thread of two, each thread
        // computes the whole depthwise output and its run of the 1x1 conv's output channels (row blocks of 8, 6 and
        // 4), unless the runs' blocks would differ in height or be fewer than two per thread: then the threads share
        // the depthwise channels, then the 1x1 conv's output channels.
        { 96, 1, 14, 14, 3, 2, 1, 160 },  // stride 2 to 7x7
        { 40, 1, 7, 7, 3, 1, 1, 72 },     // flat runs at 7x7
        { 40, 1, 7, 7, 3, 1, 1, 54 },     // 9 blocks of 6: runs of 4 blocks on two threads would be blocks of 8
        { 40, 1, 7, 7, 5, 1, 2, 78 },     // 13 blocks of 6, 5x5
        { 12, 1, 9, 5, 5, 1, 2, 28 },     // 5x5 on 9x5
        { 7, 1, 6, 6, 3, 2, 1, 9 },       // 3x3 outputs, two row blocks: the team runs it on one thread
        // ... otherwise each thread takes one share of the rows: its depthwise rows of every channel, then the product
        // over its pixels.
        { 24, 1, 16, 16, 3, 1, 1, 36 },   // 16 wide, read in place with 512-bit vectors
        { 64, 1, 14, 14, 3, 1, 1, 40 },   // blocks of 16 channels at 14x14
        { 37, 1, 28, 28, 3, 2, 1, 20 },   // stride 2 to 14x14, a partial block of channels
        { 48, 1, 14, 14, 5, 1, 2, 24 },   // 5x5
        { 20, 1, 10, 13, 3, 1, 1, 12 },   // 65 pixels per thread of two; 3 rows on some threads of a larger team
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesPlainLoops(int channels, int multiplier, int height, int width, int kernel, int stride, int padding, int outChannels)
    {
        var (depthwise, random) = Setup(channels, multiplier, height, width, kernel, stride, padding);
        int middle = depthwise.OutChannels, pixels = depthwise.OutputHeight * depthwise.OutputWidth;
        float[] input = Values(random, channels * height * width), dwWeight = Values(random, middle * kernel * kernel), dwBias = Values(random, middle);
        float[] weight = Values(random, outChannels * middle), bias = Values(random, outChannels), residual = Values(random, outChannels * pixels);
        var packed = PackedGemm.Pack(weight, 1, outChannels, middle);
        foreach (var dwActivation in new[] { Activation.None, Activation.Relu6 })
        {
            foreach (bool withResidual in new[] { false, true })
            {
                var actual = new float[outChannels * pixels];
                actual.AsSpan().Fill(float.NaN); // every output must be written
                SeparableKernel.Convolve(depthwise, ConvolutionPlanner.PlanSeparable(depthwise), input, dwWeight, dwBias, dwActivation, outChannels, packed, bias, withResidual ? residual : default, Activation.Relu, actual, null);
                var expected = Direct(depthwise, input, dwWeight, dwBias, dwActivation, outChannels, weight, bias, withResidual ? residual : null);
                for (int at = 0; at < expected.Length; at++)
                {
                    Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-4 * Math.Max(1, Math.Abs(expected[at])),
                        $"out[{at}]: {actual[at]} vs {expected[at]} (depthwise {dwActivation}, residual {withResidual})");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GivesTheBitsOfTheTwoKernelsOnAnyThreads(int channels, int multiplier, int height, int width, int kernel, int stride, int padding, int outChannels)
    {
        var (depthwise, random) = Setup(channels, multiplier, height, width, kernel, stride, padding);
        int middle = depthwise.OutChannels, pixels = depthwise.OutputHeight * depthwise.OutputWidth;
        float[] input = Values(random, channels * height * width), dwWeight = Values(random, middle * kernel * kernel), dwBias = Values(random, middle);
        float[] bias = Values(random, outChannels), residual = Values(random, outChannels * pixels);
        var packed = PackedGemm.Pack(Values(random, outChannels * middle), 1, outChannels, middle);

        var between = new float[middle * pixels];
        var apart = new float[outChannels * pixels];
        DepthwiseKernel.Convolve(depthwise, ConvolutionPlanner.PlanDepthwise(depthwise), input, dwWeight, dwBias, default, Activation.Relu, between, null);
        var pointwise = new ConvolutionShape(middle, depthwise.OutputHeight, depthwise.OutputWidth, outChannels, depthwise.OutputHeight, depthwise.OutputWidth, 1, 1, 0, 1, 1);
        Convolution.Convolve(pointwise, ConvolutionPlanner.PlanProduct(pointwise), between, packed, bias, residual, Activation.Relu6, apart, null);

        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var fused = new float[apart.Length];
            fused.AsSpan().Fill(float.NaN); // every output must be written
            Scribble(depthwise, outChannels, packed);
            SeparableKernel.Convolve(depthwise, ConvolutionPlanner.PlanSeparable(depthwise), input, dwWeight, dwBias, Activation.Relu, outChannels, packed, bias, residual, Activation.Relu6, fused, team);
            Assert.Equal(apart, fused);
        }
    }

    /// <summary>
    /// With the output channels a stride apart (a shuffled cat's every other or third plane), each channel holds the
    /// bits of the packed output, on 1, 2 and 3 threads, and nothing between the channels or past the last is written.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void WritesChannelsApartWhereTold(int channels, int multiplier, int height, int width, int kernel, int stride, int padding, int outChannels)
    {
        var (depthwise, random) = Setup(channels, multiplier, height, width, kernel, stride, padding);
        int middle = depthwise.OutChannels, pixels = depthwise.OutputHeight * depthwise.OutputWidth;
        float[] input = Values(random, channels * height * width), dwWeight = Values(random, middle * kernel * kernel), dwBias = Values(random, middle);
        float[] bias = Values(random, outChannels);
        var packed = PackedGemm.Pack(Values(random, outChannels * middle), 1, outChannels, middle);
        var plan = ConvolutionPlanner.PlanSeparable(depthwise);
        var packedOutput = new float[outChannels * pixels];
        SeparableKernel.Convolve(depthwise, plan, input, dwWeight, dwBias, Activation.Relu, outChannels, packed, bias, default, Activation.Relu6, packedOutput, null);
        foreach (int planes in new[] { 2, 3 })
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                using var team = threads > 1 ? new WorkerTeam(threads) : null;
                // The span ends at the last channel's plane, as a cat's operand slice does; the guard past it must stay.
                var apart = new float[((outChannels - 1) * planes + 1) * pixels + 16];
                apart.AsSpan().Fill(float.NaN);
                Scribble(depthwise, outChannels, packed);
                SeparableKernel.Convolve(depthwise, plan, input, dwWeight, dwBias, Activation.Relu, outChannels, packed, bias, default, Activation.Relu6,
                    apart.AsSpan(0, apart.Length - 16), team, outputChannelStride: planes * pixels);
                AssertApart(packedOutput, apart, outChannels, pixels, planes, $"{depthwise}, {plan}, {threads} threads");
            }
        }
    }

    [Fact]
    public void RejectsChannelsApartThatOverlapOrTakeAResidual()
    {
        var depthwise = new ConvolutionShape(4, 8, 8, 4, 8, 8, 3, 1, 1, 1, 4);
        var plan = ConvolutionPlanner.PlanSeparable(depthwise);
        var packed = PackedGemm.Pack(new float[16], 1, 4, 4);
        var overlap = Assert.Throws<ArgumentOutOfRangeException>(() => SeparableKernel.Convolve(depthwise, plan, new float[256], new float[36], default, Activation.None, 4, packed, default, default,
            Activation.None, new float[256], null, outputChannelStride: 63));
        Assert.Contains("overlap planes of 64", overlap.Message);
        var residual = Assert.Throws<ArgumentException>(() => SeparableKernel.Convolve(depthwise, plan, new float[256], new float[36], default, Activation.None, 4, packed, default, new float[256],
            Activation.None, new float[448], null, outputChannelStride: 128));
        Assert.Contains("packed channels", residual.Message);
        // Three strides and a plane: 448 floats, one short.
        Assert.Throws<ArgumentException>(() => SeparableKernel.Convolve(depthwise, plan, new float[256], new float[36], default, Activation.None, 4, packed, default, default,
            Activation.None, new float[447], null, outputChannelStride: 128));
    }

    /// <summary>Channel c of <paramref name="packed"/> in plane c x planes of <paramref name="apart"/>, and NaN everywhere else.</summary>
    internal static void AssertApart(float[] packed, float[] apart, int outChannels, int pixels, int planes, string context)
    {
        for (int at = 0; at < apart.Length; at++)
        {
            int plane = at / pixels;
            bool written = plane % planes == 0 && plane / planes < outChannels;
            float expected = written ? packed[(plane / planes * pixels) + (at % pixels)] : float.NaN;
            Assert.True(written ? BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(apart[at]) : float.IsNaN(apart[at]),
                $"apart[{at}] (plane {plane}): {apart[at]}, expected {expected} ({context})");
        }
    }

    /// <summary>
    /// Random small planes (up to 256 output pixels), each with a team too: every output written, the plain loops'
    /// values, the same bits on 1, 2 and 3 threads.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void SmallPlanesMatchPlainLoopsOnAnyThreads(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 6; round++)
        {
            int channels = random.Next(1, 200), kernel = random.Next(2) == 0 ? 3 : 5, stride = random.Next(1, 3), padding = kernel / 2;
            int height = random.Next(3, 17) * stride, width = random.Next(3, 17) * stride, outChannels = random.Next(1, 170);
            var (depthwise, _) = Setup(channels, 1, height, width, kernel, stride, padding);
            if (depthwise.OutputHeight * depthwise.OutputWidth > 256) continue;
            int pixels = depthwise.OutputHeight * depthwise.OutputWidth;
            float[] input = Values(random, channels * height * width), dwWeight = Values(random, channels * kernel * kernel), dwBias = Values(random, channels);
            float[] weight = Values(random, outChannels * channels), bias = Values(random, outChannels), residual = Values(random, outChannels * pixels);
            var packed = PackedGemm.Pack(weight, 1, outChannels, channels);
            var plan = ConvolutionPlanner.PlanSeparable(depthwise);
            var expected = Direct(depthwise, input, dwWeight, dwBias, Activation.Relu6, outChannels, weight, bias, residual);
            float[]? first = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                using var team = threads > 1 ? new WorkerTeam(threads) : null;
                var actual = new float[outChannels * pixels];
                actual.AsSpan().Fill(float.NaN); // every output must be written
                Scribble(depthwise, outChannels, packed);
                SeparableKernel.Convolve(depthwise, plan, input, dwWeight, dwBias, Activation.Relu6, outChannels, packed, bias, residual, Activation.Relu, actual, team);
                for (int at = 0; at < expected.Length; at++)
                {
                    Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-4 * Math.Max(1, Math.Abs(expected[at])),
                        $"out[{at}]: {actual[at]} vs {expected[at]} ({depthwise}, {outChannels} out, {plan}, {threads} threads)");
                }
                first ??= actual;
                Assert.Equal(first, actual);
            }
        }
    }

    [Fact]
    public void RejectsWhatItCannotRun()
    {
        var grouped = new ConvolutionShape(4, 8, 8, 4, 8, 8, 3, 1, 1, 1, 2); // 2 channels per group: not depthwise
        var error = Assert.Throws<ArgumentException>(() => SeparableKernel.Convolve(grouped, default, new float[256], new float[72], default, Activation.None, 4, new float[64], default, default, Activation.None, new float[256], null));
        Assert.Contains("does not describe a depthwise convolution", error.Message);
        var depthwise = new ConvolutionShape(4, 8, 8, 4, 8, 8, 3, 1, 1, 1, 4);
        var packed = PackedGemm.Pack(new float[16], 1, 4, 4);
        Assert.Throws<ArgumentException>(() => SeparableKernel.Convolve(depthwise, ConvolutionPlanner.PlanSeparable(depthwise), new float[256], new float[36], default, Activation.None, 4, packed, default, default, Activation.None, new float[255], null));
        Assert.Throws<ArgumentException>(() => SeparableKernel.Convolve(depthwise, ConvolutionPlanner.PlanSeparable(depthwise), new float[255], new float[36], default, Activation.None, 4, packed, default, default, Activation.None, new float[256], null));
    }

    /// <summary>
    /// A call on other values, so that the calling thread's buffers do not hold the depthwise output of the call under
    /// test (a kernel that skipped part of it would otherwise read the right values left over from an earlier call).
    /// </summary>
    private static void Scribble(ConvolutionShape depthwise, int outChannels, float[] packed)
    {
        var random = new Random(7);
        int pixels = depthwise.OutputHeight * depthwise.OutputWidth;
        SeparableKernel.Convolve(depthwise, ConvolutionPlanner.PlanSeparable(depthwise), Values(random, depthwise.InChannels * depthwise.Height * depthwise.Width),
            Values(random, depthwise.OutChannels * depthwise.Kernel * depthwise.Kernel), default, Activation.None, outChannels, packed, default, default, Activation.None,
            new float[outChannels * pixels], null);
    }

    private static (ConvolutionShape Depthwise, Random Random) Setup(int channels, int multiplier, int height, int width, int kernel, int stride, int padding)
    {
        int outHeight = (height + 2 * padding - kernel) / stride + 1, outWidth = (width + 2 * padding - kernel) / stride + 1;
        return (new ConvolutionShape(channels, height, width, channels * multiplier, outHeight, outWidth, kernel, stride, padding, 1, channels), new Random(height * 31 + width));
    }

    /// <summary>The depthwise conv and its activation, then the 1x1 conv with bias, residual (unless null) and ReLU, in double.</summary>
    private static double[] Direct(ConvolutionShape dw, float[] input, float[] dwWeight, float[] dwBias, Activation dwActivation,
        int outChannels, float[] weight, float[] bias, float[]? residual)
    {
        var middle = ExpectedConvolution.Of(dw, Tensor.FromFloats(input, 1, dw.InChannels, dw.Height, dw.Width), dwWeight, dwBias, null, dwActivation);
        var pointwise = new ConvolutionShape(dw.OutChannels, dw.OutputHeight, dw.OutputWidth, outChannels, dw.OutputHeight, dw.OutputWidth, 1, 1, 0, 1, 1);
        return ExpectedConvolution.Of(pointwise, middle, weight, bias, residual, Activation.Relu).Data;
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
