using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// The grouped product over phase planes agrees with a direct convolution written here (plain loops in double), on
/// every kind of geometry: padding wider than the kernel reach, strides with odd sizes, dilation, groups, widths
/// that fill no whole vector, and the same output on 1 and 3 threads.
/// </summary>
public class ConvolutionTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, int> Shapes => new()
    {
        // in, height, width, out, kernel, stride, padding, dilation, groups
        { 3, 9, 7, 5, 3, 1, 1, 1, 1 },
        { 8, 14, 14, 8, 3, 1, 1, 1, 2 },
        { 16, 13, 11, 16, 3, 2, 1, 1, 4 },    // stride 2, odd sizes
        { 6, 10, 9, 12, 5, 3, 3, 1, 3 },      // stride 3, padding 3
        { 4, 12, 12, 4, 3, 1, 2, 2, 1 },      // dilation 2
        { 8, 9, 9, 6, 3, 2, 2, 2, 2 },        // stride and dilation
        { 12, 7, 5, 12, 1, 2, 0, 1, 1 },      // a strided 1x1 conv: a subsampling, no dropped columns
        { 10, 6, 6, 20, 1, 1, 0, 1, 5 },      // a plain grouped 1x1 conv
        { 4, 5, 5, 8, 3, 1, 4, 1, 1 },        // padding wider than the kernel reach: whole rows of zeros
        { 32, 8, 8, 32, 3, 1, 1, 1, 8 },      // 4 channels per group, as in ResNeXt
        { 2, 1, 1, 3, 3, 1, 1, 1, 1 },        // a single pixel
        { 3, 40, 37, 7, 7, 2, 3, 1, 1 },      // a 7x7 stem: many panels and a column tail
        { 4, 48, 48, 8, 3, 1, 1, 1, 2 },      // tall enough for threads to take bands of rows
        { 24, 30, 30, 24, 3, 1, 1, 1, 6 },    // tall enough for bands, but groups of 4 channels: whole groups per thread
        { 3, 64, 64, 8, 3, 2, 1, 1, 1 },      // bands of a strided conv
        { 8, 10, 10, 64, 3, 1, 1, 1, 1 },     // many row blocks reading the planes' rows in place
        { 16, 9, 9, 96, 1, 2, 0, 1, 2 },      // the same for a strided grouped 1x1 conv
        { 4, 9, 33, 4, 3, 2, 0, 1, 2 },       // both column phases of stride 2 in one pass: no padding, an odd width
        { 2, 6, 50, 4, 5, 2, 2, 1, 1 },       // the same with padding 2, a width not a multiple of 32
        { 2, 1, 1, 2, 1, 2000, 0, 1, 1 },     // stride 2000: a phase table of stride^2 ints on the stack overflowed it
        { 1, 1, 1, 2, 1, 65536, 0, 1, 1 },    // stride 65536: stride^2 wraps to 0 in 32 bits
        { 2, 20, 19, 3, 17, 17, 8, 1, 1 },    // 17 phase offsets per axis (289 planes): more than the stack keeps
        { 2, 9, 9, 2, 3, 5, 4, 3, 1 },        // dilation 3 at stride 5: offsets 0, 3, 1 in order of first use
        { 3, 20, 50, 16, 3, 1, 1, 1, 1 },     // a stem: each output row a product of its own, 50 columns (a panel and a tail)
        { 3, 33, 97, 24, 3, 2, 1, 1, 1 },     // the same at stride 2 (49 columns a row), 24 channels (a block of 8 past two)
        { 4, 12, 60, 32, 3, 1, 1, 1, 2 },     // the same for two groups of 16 channels
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ConvolveMatchesDirectLoops(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        int outHeight = (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        var shape = new ConvolutionShape(inChannels, height, width, outChannels, outHeight, outWidth, kernel, stride, padding, dilation, groups);
        var random = new Random(inChannels * 31 + height * 7 + kernel);
        int depth = inChannels / groups * kernel * kernel;
        float[] input = Values(random, inChannels * height * width), weight = Values(random, outChannels * depth);
        float[] bias = Values(random, outChannels), residual = Values(random, outChannels * outHeight * outWidth);
        float[] packed = PackedGemm.Pack(weight, groups, outChannels / groups, depth);

        foreach (var activation in Enum.GetValues<Activation>())
        {
            foreach (bool withResidual in new[] { false, true })
            {
                var actual = new float[outChannels * outHeight * outWidth];
                actual.AsSpan().Fill(float.NaN); // every output must be written
                Convolution.Convolve(shape, ConvolutionPlanner.PlanProduct(shape), input, packed, bias, withResidual ? residual : default, activation, actual, null);
                double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, withResidual ? residual : null, activation);
                for (int at = 0; at < expected.Length; at++)
                {
                    Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-4 * Math.Max(1, Math.Abs(expected[at])), $"out[{at}] = {actual[at]}, expected {expected[at]} ({activation}, residual {withResidual})");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ConvolveAndPoolGivesEachChannelsMean(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        int outHeight = (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        var shape = new ConvolutionShape(inChannels, height, width, outChannels, outHeight, outWidth, kernel, stride, padding, dilation, groups);
        var random = new Random(inChannels * 13 + width);
        int depth = inChannels / groups * kernel * kernel, outPlane = outHeight * outWidth;
        float[] input = Values(random, inChannels * height * width), weight = Values(random, outChannels * depth);
        float[] bias = Values(random, outChannels), residual = Values(random, outChannels * outPlane);
        float[] packed = PackedGemm.Pack(weight, groups, outChannels / groups, depth);
        double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, residual, Activation.Relu);

        var pooled = new float[outChannels];
        var pooledByThreads = new float[outChannels];
        var plan = ConvolutionPlanner.PlanProduct(shape, pooled: true);
        Convolution.ConvolveAndPool(shape, plan, input, packed, bias, residual, Activation.Relu, new float[KernelLayout.PoolWorkspaceLength(outChannels, outHeight, outPlane / outHeight)], pooled, null);
        Convolution.ConvolveAndPool(shape, plan, input, packed, bias, residual, Activation.Relu, new float[KernelLayout.PoolWorkspaceLength(outChannels, outHeight, outPlane / outHeight)], pooledByThreads, new WorkerTeam(3));
        PooledMeans.Match(expected, pooled, outPlane, 1e-4);
        Assert.Equal(pooled, pooledByThreads);
    }

    /// <summary>
    /// A strided 1x1 conv with a residual and a fused pool, large enough for a team to split its output channels (MiniGroupNet's
    /// last conv): each thread sums the rows it wrote, and the means match plain loops and are the same bits on any threads.
    /// </summary>
    [Fact]
    public void ConvolveAndPoolSharedByOutputChannelsGivesTheSameMeansOnAnyThreads()
    {
        var shape = new ConvolutionShape(128, 32, 32, 256, 16, 16, 1, 2, 0, 1, 1);
        var plan = ConvolutionPlanner.PlanProduct(shape, pooled: true);
        Assert.Equal(ThreadSplit.OutputChannels, plan.Split);
        var random = new Random(29);
        int outPlane = 16 * 16;
        float[] input = Values(random, 128 * 32 * 32), weight = Values(random, 256 * 128), bias = Values(random, 256), residual = Values(random, 256 * outPlane);
        float[] packed = PackedGemm.Pack(weight, 1, 256, 128);
        double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, residual, Activation.Relu);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3, 2 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var workspace = new float[KernelLayout.PoolWorkspaceLength(256, 16, 16)];
            workspace.AsSpan().Fill(float.NaN);
            var pooled = new float[256];
            Convolution.ConvolveAndPool(shape, plan, input, packed, bias, residual, Activation.Relu, workspace, pooled, team);
            PooledMeans.Match(expected, pooled, outPlane, 1e-4);
            first ??= pooled;
            Assert.Equal(first, pooled);
        }
    }

    /// <summary>
    /// The fused pool's means are the output's row sums (<see cref="VectorKernels.Sum"/> of each row) added in row
    /// order, bit for bit, whatever the row width (the short rows' sums are inlined) and the threads.
    /// </summary>
    [Theory]
    [InlineData(160, 7, 7, 96)]      // MobileNetV3's last 1x1 conv on a 7x7 plane, in miniature: rows of 7
    [InlineData(24, 14, 14, 40)]     // rows of 14: one 8-float vector and a tail
    [InlineData(16, 4, 16, 24)]      // rows of 16: whole vectors
    [InlineData(8, 3, 70, 16)]       // rows of 70: four 512-bit running sums and a tail
    [InlineData(128, 16, 16, 256)]   // shared by output channels, each thread summing the rows it wrote
    [InlineData(96, 7, 7, 1280)]     // MobileNetV2's last 1x1 conv in miniature: 7x7, by output channels
    public void ConvolveAndPoolMeansAreTheRowSumsInRowOrder(int inChannels, int height, int width, int outChannels)
    {
        var shape = new ConvolutionShape(inChannels, height, width, outChannels, height, width, 1, 1, 0, 1, 1);
        var random = new Random(width);
        int plane = height * width;
        float[] input = Values(random, inChannels * plane), weight = Values(random, outChannels * inChannels), bias = Values(random, outChannels);
        float[] packed = PackedGemm.Pack(weight, 1, outChannels, inChannels);
        var output = new float[outChannels * plane];
        Convolution.Convolve(shape, ConvolutionPlanner.PlanProduct(shape), input, packed, bias, default, Activation.Relu, output, null);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var pooled = new float[outChannels];
            Convolution.ConvolveAndPool(shape, ConvolutionPlanner.PlanProduct(shape, pooled: true), input, packed, bias, default, Activation.Relu,
                new float[KernelLayout.PoolWorkspaceLength(outChannels, height, width)], pooled, team);
            for (int c = 0; c < outChannels; c++)
            {
                float total = 0f;
                for (int row = 0; row < height; row++) total += VectorKernels.Sum(output.AsSpan((c * height + row) * width, width));
                Assert.Equal(total / plane, pooled[c]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ThreadsGiveTheSameBits(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        int outHeight = (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        var shape = new ConvolutionShape(inChannels, height, width, outChannels, outHeight, outWidth, kernel, stride, padding, dilation, groups);
        var random = new Random(5);
        int depth = inChannels / groups * kernel * kernel;
        float[] input = Values(random, inChannels * height * width);
        float[] packed = PackedGemm.Pack(Values(random, outChannels * depth), groups, outChannels / groups, depth);
        var alone = new float[outChannels * outHeight * outWidth];
        var shared = new float[alone.Length];
        Convolution.Convolve(shape, ConvolutionPlanner.PlanProduct(shape), input, packed, default, default, Activation.Relu, alone, null);
        Convolution.Convolve(shape, ConvolutionPlanner.PlanProduct(shape), input, packed, default, default, Activation.Relu, shared, new WorkerTeam(3));
        Assert.Equal(alone, shared);
    }

    [Fact]
    public void ShapesPyTorchWouldNotGiveAreRejected()
    {
        var shape = new ConvolutionShape(4, 8, 8, 4, 7, 8, 3, 1, 1, 1, 1); // the output height should be 8
        var error = Assert.Throws<ArgumentException>(() => Convolution.Convolve(shape, default, new float[256], new float[1024], default, default, Activation.None, new float[256], null));
        Assert.Contains("does not describe a convolution", error.Message);
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
