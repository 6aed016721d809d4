using GroupNetDsl.Kernels;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// An inverted residual's three convs band by band (<see cref="SeparableKernel.ConvolveExpanded"/>): the same as the
/// three written as plain loops here, and bit for bit the same as the 1x1 conv's kernel followed by the separable
/// kernel, on 1, 2 and 3 threads.
/// </summary>
public class ExpandedSeparableTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Shapes => new()
    {
        // input channels, expanded channels, multiplier, height, width, kernel, stride, padding, dilation, output channels
        { 24, 144, 1, 56, 56, 3, 1, 1, 1, 24 },  // MobileNetV2's 56x56 block: bands of 12 rows, rows kept between bands
        { 16, 96, 1, 40, 40, 3, 2, 1, 1, 24 },   // stride 2: the cut starts a row above the band's first input row
        { 24, 72, 1, 33, 37, 5, 2, 2, 1, 40 },   // 5x5 at stride 2 on odd sizes
        { 8, 48, 1, 29, 33, 5, 1, 2, 1, 16 },    // 5x5 at stride 1, read in place with 512-bit vectors
        { 5, 21, 1, 23, 19, 3, 1, 1, 1, 7 },     // odd channel counts, rows narrower than a 512-bit vector
        { 6, 12, 2, 41, 33, 3, 2, 1, 1, 10 },    // two depthwise outputs per expanded channel
        { 8, 32, 1, 24, 24, 3, 1, 0, 1, 8 },     // no padding
        { 8, 32, 1, 30, 30, 3, 1, 2, 2, 12 },    // dilation 2
        { 4, 40, 1, 40, 90, 3, 3, 1, 1, 8 },     // stride 3: the cut starts a row above, or at the input's top
        { 16, 320, 1, 17, 300, 3, 1, 1, 1, 16 }, // rows so wide that each band is one row
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesPlainLoops(int inChannels, int expanded, int multiplier, int height, int width, int kernel, int stride, int padding, int dilation, int outChannels)
    {
        var (depthwise, random) = Setup(expanded, multiplier, height, width, kernel, stride, padding, dilation);
        var values = Values.Of(random, inChannels, depthwise, outChannels);
        foreach (var (expandActivation, withResidual) in new[] { (Activation.Relu6, true), (Activation.None, false) })
        {
            var actual = new float[outChannels * depthwise.OutputHeight * depthwise.OutputWidth];
            actual.AsSpan().Fill(float.NaN); // every output must be written
            Run(depthwise, inChannels, values, expandActivation, withResidual, actual, null);
            var expected = Direct(depthwise, inChannels, values, expandActivation, withResidual);
            for (int at = 0; at < expected.Length; at++)
            {
                Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-4 * Math.Max(1, Math.Abs(expected[at])),
                    $"out[{at}]: {actual[at]} vs {expected[at]} (expansion {expandActivation}, residual {withResidual})");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GivesTheBitsOfTheKernelsApartOnAnyThreads(int inChannels, int expanded, int multiplier, int height, int width, int kernel, int stride, int padding, int dilation, int outChannels)
    {
        var (depthwise, random) = Setup(expanded, multiplier, height, width, kernel, stride, padding, dilation);
        var values = Values.Of(random, inChannels, depthwise, outChannels);
        var apart = Apart(depthwise, inChannels, values);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var fused = new float[apart.Length];
            fused.AsSpan().Fill(float.NaN); // every output must be written
            Scribble(depthwise, inChannels, outChannels);
            Run(depthwise, inChannels, values, Activation.Relu6, true, fused, team);
            Assert.Equal(apart, fused);
        }
    }

    /// <summary>With the output channels two or three planes apart: the packed output's bits, nothing else written, on 1, 2 and 3 threads.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void WritesChannelsApartWhereTold(int inChannels, int expanded, int multiplier, int height, int width, int kernel, int stride, int padding, int dilation, int outChannels)
    {
        var (depthwise, random) = Setup(expanded, multiplier, height, width, kernel, stride, padding, dilation);
        var values = Values.Of(random, inChannels, depthwise, outChannels);
        int pixels = depthwise.OutputHeight * depthwise.OutputWidth;
        var packedOutput = new float[outChannels * pixels];
        Run(depthwise, inChannels, values, Activation.Relu6, false, packedOutput, null);
        foreach (int planes in new[] { 2, 3 })
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                using var team = threads > 1 ? new WorkerTeam(threads) : null;
                var apart = new float[((outChannels - 1) * planes + 1) * pixels + 16];
                apart.AsSpan().Fill(float.NaN);
                Scribble(depthwise, inChannels, outChannels);
                SeparableKernel.ConvolveExpanded(depthwise, ConvolutionPlanner.PlanExpandedSeparable(depthwise)!.Value, inChannels, values.Input,
                    PackedGemm.Pack(values.ExpandWeight, 1, depthwise.InChannels, inChannels), values.ExpandBias, Activation.Relu6, values.DwWeight, values.DwBias, Activation.Relu6,
                    outChannels, PackedGemm.Pack(values.Weight, 1, outChannels, depthwise.OutChannels), values.Bias, default, Activation.Relu, apart.AsSpan(0, apart.Length - 16), team,
                    outputChannelStride: planes * pixels);
                SeparableKernelTests.AssertApart(packedOutput, apart, outChannels, pixels, planes, $"{depthwise}, {threads} threads");
            }
        }
    }

    /// <summary>Random shapes above one band of all rows: every output written, the plain loops' values, the bits of the kernels apart on 1, 2 and 3 threads.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomShapesMatchOnAnyThreads(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 8; round++)
        {
            int inChannels = random.Next(1, 40), expanded = random.Next(1, 120), kernel = random.Next(2) == 0 ? 3 : 5, stride = random.Next(1, 3);
            int height = random.Next(17, 48), width = random.Next(17, 48), outChannels = random.Next(1, 40);
            var (depthwise, _) = Setup(expanded, 1, height, width, kernel, stride, kernel / 2, 1);
            if (ConvolutionPlanner.PlanExpandedSeparable(depthwise) is null) continue;
            var values = Values.Of(random, inChannels, depthwise, outChannels);
            var expected = Direct(depthwise, inChannels, values, Activation.Relu6, true);
            var apart = Apart(depthwise, inChannels, values);
            foreach (int threads in new[] { 1, 2, 3 })
            {
                using var team = threads > 1 ? new WorkerTeam(threads) : null;
                var actual = new float[apart.Length];
                actual.AsSpan().Fill(float.NaN);
                Scribble(depthwise, inChannels, outChannels);
                Run(depthwise, inChannels, values, Activation.Relu6, true, actual, team);
                for (int at = 0; at < expected.Length; at++)
                {
                    Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-4 * Math.Max(1, Math.Abs(expected[at])),
                        $"out[{at}]: {actual[at]} vs {expected[at]} ({depthwise}, {inChannels} in, {outChannels} out, {threads} threads)");
                }
                Assert.Equal(apart, actual);
            }
        }
    }

    /// <summary>The cut's rows: every output row of the band reads, through the cut's padding, exactly the rows and zeros the whole conv reads.</summary>
    [Theory]
    [InlineData(56, 3, 1, 1, 1)]
    [InlineData(112, 3, 2, 1, 1)]
    [InlineData(33, 5, 2, 2, 1)]
    [InlineData(30, 3, 1, 2, 2)]
    [InlineData(20, 3, 3, 1, 1)]
    [InlineData(24, 3, 1, 0, 1)]
    public void CutsReadTheRowsOfTheWholeConv(int height, int kernel, int stride, int padding, int dilation)
    {
        var (depthwise, _) = Setup(4, 1, height, 20, kernel, stride, padding, dilation);
        for (int first = 0; first < depthwise.OutputHeight; first++)
        {
            for (int last = first + 1; last <= depthwise.OutputHeight; last++)
            {
                var cut = SeparableKernel.Cut(depthwise, first, last, out int start, out int firstCutRow, out int needed);
                Assert.True(cut.IsValid, $"rows {first}..{last}: {cut}");
                Assert.True(firstCutRow + last - first <= cut.OutputHeight);
                Assert.True(cut.Height <= SeparableKernel.ExpandedRows(depthwise, last - first));
                Assert.Equal(Math.Max(0, first * stride - padding), needed);
                for (int row = first; row < last; row++)
                {
                    for (int tap = 0; tap < kernel; tap++)
                    {
                        int whole = row * stride - padding + tap * dilation;
                        int inCut = (firstCutRow + row - first) * stride - padding + tap * dilation;
                        bool wholeReads = whole >= 0 && whole < height, cutReads = inCut >= 0 && inCut < cut.Height;
                        Assert.Equal(wholeReads, cutReads);
                        if (wholeReads)
                        {
                            Assert.Equal(whole, start + inCut);
                            Assert.True(start + inCut >= needed);
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void RejectsWhatItCannotRun()
    {
        var small = new ConvolutionShape(8, 14, 14, 8, 14, 14, 3, 1, 1, 1, 8); // one band of all rows: the expansion runs on its own
        Assert.Null(ConvolutionPlanner.PlanExpandedSeparable(small));
        var error = Assert.Throws<ArgumentException>(() => SeparableKernel.ConvolveExpanded(small, ConvolutionPlanner.PlanSeparable(small), 4, new float[4 * 196], new float[64], default, Activation.None,
            new float[72], default, Activation.None, 4, new float[64], default, default, Activation.None, new float[4 * 196], null));
        Assert.Contains("does not take its expansion band by band", error.Message);

        var (depthwise, _) = Setup(8, 1, 20, 20, 3, 1, 1, 1);
        var plan = ConvolutionPlanner.PlanExpandedSeparable(depthwise)!.Value;
        var expand = PackedGemm.Pack(new float[32], 1, 8, 4);
        var pointwise = PackedGemm.Pack(new float[32], 1, 4, 8);
        Assert.Throws<ArgumentException>(() => SeparableKernel.ConvolveExpanded(depthwise, plan, 4, new float[4 * 400 - 1], expand, default, Activation.None,
            new float[72], default, Activation.None, 4, pointwise, default, default, Activation.None, new float[4 * 400], null));
        Assert.Throws<ArgumentException>(() => SeparableKernel.ConvolveExpanded(depthwise, plan, 4, new float[4 * 400], expand, default, Activation.None,
            new float[72], default, Activation.None, 4, pointwise, default, default, Activation.None, new float[4 * 400 - 1], null));
        Assert.Throws<ArgumentException>(() => SeparableKernel.ConvolveExpanded(depthwise, plan, 5, new float[5 * 400], expand, default, Activation.None,
            new float[72], default, Activation.None, 4, pointwise, default, default, Activation.None, new float[4 * 400], null));
        Assert.Throws<ArgumentException>(() => SeparableKernel.ConvolveExpanded(depthwise, plan, 4, new float[4 * 400], expand, default, Activation.None,
            new float[72], default, Activation.None, 0, pointwise, default, default, Activation.None, new float[4 * 400], null));
    }

    private sealed record Values(float[] Input, float[] ExpandWeight, float[] ExpandBias, float[] DwWeight, float[] DwBias, float[] Weight, float[] Bias, float[] Residual)
    {
        public static Values Of(Random random, int inChannels, ConvolutionShape depthwise, int outChannels)
        {
            int expanded = depthwise.InChannels, middle = depthwise.OutChannels, taps = depthwise.Kernel * depthwise.Kernel;
            return new Values(Floats(random, inChannels * depthwise.Height * depthwise.Width), Floats(random, expanded * inChannels), Floats(random, expanded),
                Floats(random, middle * taps), Floats(random, middle), Floats(random, outChannels * middle), Floats(random, outChannels),
                Floats(random, outChannels * depthwise.OutputHeight * depthwise.OutputWidth));
        }
    }

    private static void Run(ConvolutionShape depthwise, int inChannels, Values v, Activation expandActivation, bool withResidual, float[] output, WorkerTeam? team)
    {
        int outChannels = v.Bias.Length;
        SeparableKernel.ConvolveExpanded(depthwise, ConvolutionPlanner.PlanExpandedSeparable(depthwise)!.Value, inChannels, v.Input,
            PackedGemm.Pack(v.ExpandWeight, 1, depthwise.InChannels, inChannels), v.ExpandBias, expandActivation, v.DwWeight, v.DwBias, Activation.Relu6,
            outChannels, PackedGemm.Pack(v.Weight, 1, outChannels, depthwise.OutChannels), v.Bias, withResidual ? v.Residual : default, Activation.Relu, output, team);
    }

    /// <summary>The 1x1 conv's kernel, then the separable kernel, on one thread.</summary>
    private static float[] Apart(ConvolutionShape depthwise, int inChannels, Values v)
    {
        int outChannels = v.Bias.Length;
        var expansion = new ConvolutionShape(inChannels, depthwise.Height, depthwise.Width, depthwise.InChannels, depthwise.Height, depthwise.Width, 1, 1, 0, 1, 1);
        var expandedTensor = new float[depthwise.InChannels * depthwise.Height * depthwise.Width];
        Convolution.Convolve(expansion, ConvolutionPlanner.PlanProduct(expansion), v.Input, PackedGemm.Pack(v.ExpandWeight, 1, depthwise.InChannels, inChannels), v.ExpandBias, default,
            Activation.Relu6, expandedTensor, null);
        var output = new float[outChannels * depthwise.OutputHeight * depthwise.OutputWidth];
        SeparableKernel.Convolve(depthwise, ConvolutionPlanner.PlanSeparable(depthwise), expandedTensor, v.DwWeight, v.DwBias, Activation.Relu6, outChannels,
            PackedGemm.Pack(v.Weight, 1, outChannels, depthwise.OutChannels), v.Bias, v.Residual, Activation.Relu, output, null);
        return output;
    }

    /// <summary>The three convs in double: 1x1 with bias and the activation, depthwise with bias and ReLU6, 1x1 with bias, residual and ReLU.</summary>
    private static double[] Direct(ConvolutionShape depthwise, int inChannels, Values v, Activation expandActivation, bool withResidual)
    {
        var expansion = new ConvolutionShape(inChannels, depthwise.Height, depthwise.Width, depthwise.InChannels, depthwise.Height, depthwise.Width, 1, 1, 0, 1, 1);
        var expandedTensor = ExpectedConvolution.Of(expansion, Tensor.FromFloats(v.Input, 1, inChannels, depthwise.Height, depthwise.Width), v.ExpandWeight, v.ExpandBias, null, expandActivation);
        var middle = ExpectedConvolution.Of(depthwise, expandedTensor, v.DwWeight, v.DwBias, null, Activation.Relu6);
        var pointwise = new ConvolutionShape(depthwise.OutChannels, depthwise.OutputHeight, depthwise.OutputWidth, v.Bias.Length, depthwise.OutputHeight, depthwise.OutputWidth, 1, 1, 0, 1, 1);
        return ExpectedConvolution.Of(pointwise, middle, v.Weight, v.Bias, withResidual ? v.Residual : null, Activation.Relu).Data;
    }

    /// <summary>
    /// A call on other values, so that the calling thread's buffers do not hold the expanded rows of the call under test
    /// (a kernel that skipped some would otherwise read the right values left over from an earlier call).
    /// </summary>
    private static void Scribble(ConvolutionShape depthwise, int inChannels, int outChannels)
    {
        var values = Values.Of(new Random(7), inChannels, depthwise, outChannels);
        Run(depthwise, inChannels, values, Activation.None, false, new float[outChannels * depthwise.OutputHeight * depthwise.OutputWidth], null);
    }

    private static (ConvolutionShape Depthwise, Random Random) Setup(int channels, int multiplier, int height, int width, int kernel, int stride, int padding, int dilation)
    {
        int reach = dilation * (kernel - 1) + 1;
        int outHeight = (height + 2 * padding - reach) / stride + 1, outWidth = (width + 2 * padding - reach) / stride + 1;
        return (new ConvolutionShape(channels, height, width, channels * multiplier, outHeight, outWidth, kernel, stride, padding, dilation, channels), new Random(height * 31 + width));
    }

    private static float[] Floats(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
