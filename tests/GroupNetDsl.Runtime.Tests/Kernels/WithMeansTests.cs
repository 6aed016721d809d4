using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// A conv that also writes the mean of each output channel (squeeze-and-excitation's pool, beside the scale that reads
/// the same output): the output is the naive conv's and the means its channels' means; both are the same bits as the
/// steps it replaces (the conv, then <see cref="TensorKernels.ChannelMeans"/>) on 1 and 3 threads, and nothing is
/// written outside the output and the means.
/// </summary>
public class WithMeansTests
{
    private const int Guard = 17;

    [Theory]
    [InlineData(32, 56, 56, 3, 1, 1, Activation.Silu)]        // four rows in place, runs of channels
    [InlineData(24, 40, 40, 3, 2, 1, Activation.Hardswish)]   // stride 2 in place
    [InlineData(40, 28, 28, 5, 1, 2, Activation.Silu)]        // 5x5 taps
    [InlineData(48, 14, 14, 3, 1, 1, Activation.Relu)]        // blocks of 16 channels
    [InlineData(40, 7, 7, 5, 2, 2, Activation.Silu)]          // blocks, stride 2, a partial last block
    [InlineData(3, 64, 64, 3, 1, 1, Activation.Relu6)]        // few channels: bands of rows, the means a pass of their own
    [InlineData(1, 5, 5, 3, 1, 1, Activation.None)]           // one channel, on the calling thread
    public void A_depthwise_conv_with_means_is_the_conv_then_the_channel_means(int channels, int height, int width, int kernel, int stride, int padding, Activation activation)
    {
        int outHeight = (height + 2 * padding - kernel) / stride + 1, outWidth = (width + 2 * padding - kernel) / stride + 1;
        var shape = new ConvolutionShape(channels, height, width, channels, outHeight, outWidth, kernel, stride, padding, 1, channels);
        var plan = ConvolutionPlanner.PlanDepthwise(shape);
        var random = new Random(channels * 13 + height);
        float[] input = Values(random, channels * height * width), weight = Values(random, channels * kernel * kernel), bias = Values(random, channels);
        float[] residual = Values(random, channels * outHeight * outWidth);

        Check(shape, input, weight, bias, residual, activation,
            (team, output, means) => DepthwiseKernel.ConvolveWithMeans(shape, plan, input, weight, bias, residual, activation, output, means, team),
            (team, output) => DepthwiseKernel.Convolve(shape, plan, input, weight, bias, residual, activation, output, team));
    }

    [Theory]
    [InlineData(48, 28, 28, 48, 3, 1, 1, 6)]       // RegNetY's 6 groups of 8: threads take whole groups
    [InlineData(104, 14, 14, 104, 3, 2, 1, 13)]    // 13 groups of 8, stride 2: whole groups
    [InlineData(8, 20, 20, 16, 1, 1, 0, 1)]        // a small product: the calling thread
    [InlineData(64, 32, 32, 64, 1, 1, 0, 1)]       // bands of rows: the means a pass of their own
    [InlineData(96, 7, 7, 384, 1, 1, 0, 1)]        // runs of output channels
    [InlineData(24, 56, 56, 24, 3, 1, 1, 3)]       // 3 groups: bands of rows
    public void A_grouped_or_dense_conv_with_means_is_the_conv_then_the_channel_means(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int groups)
    {
        int outHeight = (height + 2 * padding - kernel) / stride + 1, outWidth = (width + 2 * padding - kernel) / stride + 1;
        var shape = new ConvolutionShape(inChannels, height, width, outChannels, outHeight, outWidth, kernel, stride, padding, 1, groups);
        var plan = ConvolutionPlanner.PlanProduct(shape);
        var random = new Random(inChannels * 7 + outChannels + groups);
        int depth = inChannels / groups * kernel * kernel;
        float[] input = Values(random, inChannels * height * width), weight = Values(random, outChannels * depth), bias = Values(random, outChannels);
        float[] residual = Values(random, outChannels * outHeight * outWidth);
        var packed = PackedGemm.Pack(weight, groups, outChannels / groups, depth);

        Check(shape, input, weight, bias, residual, Activation.Silu,
            (team, output, means) => Convolution.ConvolveWithMeans(shape, plan, input, packed, bias, residual, Activation.Silu, output, means, team),
            (team, output) => Convolution.Convolve(shape, plan, input, packed, bias, residual, Activation.Silu, output, team));
    }

    [Fact]
    public void Means_of_the_wrong_length_are_rejected()
    {
        var depthwise = new ConvolutionShape(4, 6, 6, 4, 6, 6, 3, 1, 1, 1, 4);
        var dense = new ConvolutionShape(4, 6, 6, 8, 6, 6, 1, 1, 0, 1, 1);
        float[] input = new float[144], output = new float[288];
        Assert.Throws<ArgumentException>(() => DepthwiseKernel.ConvolveWithMeans(depthwise, ConvolutionPlanner.PlanDepthwise(depthwise), input, new float[36], default, default,
            Activation.None, output.AsSpan(0, 144), new float[3], null));
        Assert.Throws<ArgumentException>(() => Convolution.ConvolveWithMeans(dense, ConvolutionPlanner.PlanProduct(dense), input, PackedGemm.Pack(new float[32], 1, 8, 4), default, default,
            Activation.None, output, new float[9], null));
    }

    private delegate void WithMeans(WorkerTeam? team, Span<float> output, Span<float> means);

    private delegate void Plain(WorkerTeam? team, Span<float> output);

    private static void Check(ConvolutionShape shape, float[] input, float[] weight, float[] bias, float[] residual, Activation activation, WithMeans withMeans, Plain plain)
    {
        int plane = shape.OutputHeight * shape.OutputWidth, outputLength = shape.OutChannels * plane;
        double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, residual, activation);
        foreach (int threads in new[] { 1, 3 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var output = Guarded(outputLength);
            var means = Guarded(shape.OutChannels);
            withMeans(team, output.AsSpan(Guard, outputLength), means.AsSpan(Guard, shape.OutChannels));
            AssertGuards(output);
            AssertGuards(means);
            float[] actual = output[Guard..^Guard], actualMeans = means[Guard..^Guard];

            for (int i = 0; i < outputLength; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"output {i} = {actual[i]}, expected {expected[i]} ({threads} threads)");
            }
            PooledMeans.Match(expected, actualMeans, plane, 1e-4);

            // The steps it replaces, on the same threads: the same bits.
            var separate = new float[outputLength];
            plain(team, separate);
            var separateMeans = new float[shape.OutChannels];
            TensorKernels.ChannelMeans(separate, separateMeans, shape.OutChannels, plane, team);
            Assert.Equal(separate, actual);
            Assert.Equal(separateMeans, actualMeans);
        }
    }

    private static float[] Guarded(int length)
    {
        var values = new float[Guard + length + Guard];
        values.AsSpan().Fill(float.NaN);
        return values;
    }

    private static void AssertGuards(float[] values)
    {
        Assert.All(values[..Guard], value => Assert.True(float.IsNaN(value)));
        Assert.All(values[^Guard..], value => Assert.True(float.IsNaN(value)));
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
