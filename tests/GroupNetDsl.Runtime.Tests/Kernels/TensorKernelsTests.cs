using GroupNetDsl.Kernels;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// The tensor kernels against the naive reference at every length around the vector widths (so each vector path
/// and its scalar tail run), a pixel computed in a vector lane and the same pixel in the scalar tail give the same
/// bits, and spans of the wrong length are rejected before anything is read.
/// </summary>
public class TensorKernelsTests
{
    private static float[] RandomValues(Random random, int count, double low = -2, double high = 2) =>
        Enumerable.Range(0, count).Select(_ => (float)(low + (high - low) * random.NextDouble())).ToArray();

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"at {i}: {actual[i]} vs {expected[i]}");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(2, 8)]
    [InlineData(5, 13)]
    [InlineData(4, 35)]
    [InlineData(1, 64)]
    public void Scale_channels_and_multiply_match_the_reference(int channels, int plane)
    {
        var random = new Random(channels * 100 + plane);
        float[] image = RandomValues(random, channels * plane), scales = RandomValues(random, channels), other = RandomValues(random, channels * plane);
        var imageTensor = Tensor.FromFloats(image, 1, channels, plane, 1);

        var scaled = new float[image.Length];
        TensorKernels.ScaleChannels(image, scales, scaled, channels, plane);
        AssertClose(NaiveReference.Multiply(Tensor.FromFloats(scales, 1, channels, 1, 1), imageTensor).Data, scaled);

        var product = new float[image.Length];
        TensorKernels.Multiply(image, other, product);
        AssertClose(NaiveReference.Multiply(imageTensor, Tensor.FromFloats(other, 1, channels, plane, 1)).Data, product);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(4, 8)]
    [InlineData(7, 13)]
    [InlineData(16, 35)]
    [InlineData(96, 9)]
    public void Layer_norm_matches_the_reference(int channels, int plane)
    {
        var random = new Random(channels * 1000 + plane);
        float[] input = RandomValues(random, channels * plane, -3, 5), weight = RandomValues(random, channels, 0.5, 1.5), bias = RandomValues(random, channels);
        var output = new float[input.Length];
        TensorKernels.LayerNorm2d(input, weight, bias, output, channels, plane, 1e-6f);
        AssertClose(NaiveReference.LayerNorm2d(Tensor.FromFloats(input, 1, channels, plane, 1), weight, bias, 1e-6).Data, output);
    }

    [Theory]
    [InlineData(1, 1, 1, true)]
    [InlineData(3, 5, 7, true)]
    [InlineData(8, 24, 35, true)]
    [InlineData(24, 8, 16, false)]
    [InlineData(5, 3, 9, false)]
    public void A_linear_at_each_pixel_is_a_1x1_conv(int inFeatures, int outFeatures, int plane, bool bias)
    {
        var random = new Random(inFeatures * 100 + outFeatures * 10 + plane);
        float[] input = RandomValues(random, inFeatures * plane), weight = RandomValues(random, outFeatures * inFeatures), biases = bias ? RandomValues(random, outFeatures) : [];
        var output = new float[outFeatures * plane];
        TensorKernels.PixelLinear(input, weight, biases, output, inFeatures, outFeatures, plane);
        var expected = NaiveReference.Conv2d(Tensor.FromFloats(input, 1, inFeatures, plane, 1), weight, bias ? biases : null, outFeatures, 1, 1, 0, 1, 1);
        AssertClose(expected.Data, output);
    }

    [Fact]
    public void A_pixel_in_a_vector_lane_and_in_the_scalar_tail_gives_the_same_bits()
    {
        // 17 pixels: 0..15 run in vectors of 4 or 8, pixel 16 in the scalar loop; pixel 3 and pixel 16 hold the same values.
        const int channels = 11, plane = 17;
        var random = new Random(5);
        float[] input = RandomValues(random, channels * plane, -3, 5), weight = RandomValues(random, channels, 0.5, 1.5), bias = RandomValues(random, channels), scales = RandomValues(random, channels);
        for (int c = 0; c < channels; c++) input[c * plane + 16] = input[c * plane + 3];

        var normalized = new float[input.Length];
        TensorKernels.LayerNorm2d(input, weight, bias, normalized, channels, plane, 1e-5f);
        var scaled = new float[input.Length];
        TensorKernels.ScaleChannels(input, scales, scaled, channels, plane);
        var squared = new float[input.Length];
        TensorKernels.Multiply(input, input, squared);
        var linear = new float[5 * plane];
        TensorKernels.PixelLinear(input, RandomValues(random, 5 * channels), RandomValues(random, 5), linear, channels, 5, plane);
        for (int o = 0; o < 5; o++) Assert.Equal(linear[o * plane + 3], linear[o * plane + 16]);
        for (int c = 0; c < channels; c++)
        {
            Assert.Equal(normalized[c * plane + 3], normalized[c * plane + 16]);
            Assert.Equal(scaled[c * plane + 3], scaled[c * plane + 16]);
            Assert.Equal(squared[c * plane + 3], squared[c * plane + 16]);
        }
    }

    [Fact]
    public void Channel_means_are_the_planes_means()
    {
        float[] input = [1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6];
        var output = new float[2];
        TensorKernels.ChannelMeans(input, output, channels: 2, plane: 6);
        Assert.Equal(new[] { 3.5f, -3.5f }, output);
    }

    // Large enough for the team (64 x 1024 values and more), with planes that end between vectors.
    [Theory]
    [InlineData(96, 3136)]
    [InlineData(7, 9999)]
    [InlineData(1, 70001)]
    [InlineData(1152, 57)]
    public void Per_channel_passes_on_a_team_match_the_reference_with_the_same_bits_on_any_threads(int channels, int plane)
    {
        var random = new Random(channels * 7 + plane);
        float[] image = RandomValues(random, channels * plane, -3, 5), scales = RandomValues(random, channels), other = RandomValues(random, channels * plane);
        var imageTensor = Tensor.FromFloats(image, 1, channels, plane, 1);
        double[] expectedScaled = NaiveReference.Multiply(Tensor.FromFloats(scales, 1, channels, 1, 1), imageTensor).Data;
        double[] expectedProduct = NaiveReference.Multiply(imageTensor, Tensor.FromFloats(other, 1, channels, plane, 1)).Data;
        var expectedMeans = new double[channels];
        for (int c = 0; c < channels; c++) expectedMeans[c] = image.Skip(c * plane).Take(plane).Sum(x => (double)x) / plane;

        float[]? firstScaled = null, firstProduct = null, firstMeans = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            // A guard past each output: nothing is written outside it.
            float[] scaled = new float[image.Length + 16], product = new float[image.Length + 16], means = new float[channels + 16];
            foreach (var output in new[] { scaled, product, means }) output.AsSpan().Fill(float.NaN);
            TensorKernels.ScaleChannels(image, scales, scaled.AsSpan(0, image.Length), channels, plane, team);
            TensorKernels.Multiply(image, other, product.AsSpan(0, image.Length), team);
            TensorKernels.ChannelMeans(image, means.AsSpan(0, channels), channels, plane, team);
            foreach (var output in new[] { scaled, product, means }) Assert.All(output[^16..], value => Assert.True(float.IsNaN(value)));

            AssertClose(expectedScaled, scaled[..image.Length]);
            AssertClose(expectedProduct, product[..image.Length]);
            AssertClose(expectedMeans, means[..channels]);
            firstScaled ??= scaled;
            firstProduct ??= product;
            firstMeans ??= means;
            Assert.Equal(firstScaled, scaled);
            Assert.Equal(firstProduct, product);
            Assert.Equal(firstMeans, means);
        }
    }

    [Fact]
    public void A_row_sum_adds_every_value_once_at_every_length()
    {
        var random = new Random(5);
        float[] values = RandomValues(random, 300);
        for (int length = 0; length <= values.Length; length++)
        {
            double expected = values.Take(length).Sum(x => (double)x);
            float actual = VectorKernels.Sum(values.AsSpan(0, length));
            Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, length), $"length {length}: {actual} vs {expected}");
        }
    }

    [Fact]
    public void Spans_of_the_wrong_length_are_rejected()
    {
        float[] six = new float[6], two = new float[2], five = new float[5];
        Assert.Throws<ArgumentException>(() => TensorKernels.Multiply(six, five, six));
        Assert.Throws<ArgumentException>(() => TensorKernels.Multiply(six, six, five));
        Assert.Throws<ArgumentException>(() => TensorKernels.ScaleChannels(six, two, five, 2, 3));
        Assert.Throws<ArgumentException>(() => TensorKernels.ScaleChannels(six, five, six, 2, 3));
        Assert.Throws<ArgumentException>(() => TensorKernels.ScaleChannels(five, two, five, 2, 3));
        Assert.Throws<ArgumentException>(() => TensorKernels.LayerNorm2d(six, two, two, six, 2, 4, 1e-5f));
        Assert.Throws<ArgumentException>(() => TensorKernels.LayerNorm2d(six, two, five, six, 2, 3, 1e-5f));
        Assert.Throws<ArgumentException>(() => TensorKernels.LayerNorm2d(six, two, two, six, 0, 3, 1e-5f));
        Assert.Throws<ArgumentException>(() => TensorKernels.ChannelMeans(six, five, 2, 3));
        Assert.Throws<ArgumentException>(() => TensorKernels.ChannelMeans(six, two, 2, 4));
        Assert.Throws<ArgumentException>(() => TensorKernels.PixelLinear(six, two, two, six, 2, 2, 3));
        Assert.Throws<ArgumentException>(() => TensorKernels.PixelLinear(six, new float[4], five, six, 2, 2, 3));
        Assert.Throws<ArgumentException>(() => TensorKernels.PixelLinear(six, new float[4], two, five, 2, 2, 3));
    }
}
