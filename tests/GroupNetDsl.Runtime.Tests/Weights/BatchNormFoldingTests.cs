using GroupNetDsl.TestSupport.Reference;
using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Runtime.Tests.Weights;

public sealed class BatchNormFoldingTests
{
    [Fact]
    public void A_batchnorm_loads_as_scale_and_shift_in_one_call()
    {
        // gamma 4, var 3, eps 1: scale = 2, shift = beta - mean * scale = -1 - 0.5 * 2; gamma 1, var 0, eps 1: scale 1, shift 3 - 1.
        var loader = new WeightLoader(SafeTensorsFile.Parse(new SafeTensorsWriter()
            .AddFloat32("bn.weight", [2], 4f, 1f)
            .AddFloat32("bn.bias", [2], -1f, 3f)
            .AddFloat32("bn.running_mean", [2], 0.5f, 1f)
            .AddFloat32("bn.running_var", [2], 3f, 0f)
            .AddInt64("bn.num_batches_tracked", [], 5)
            .ToBytes(), "bn.safetensors"));

        var (scale, shift) = BatchNormFolding.LoadScaleShift(loader, new BatchNormKeys("bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", 1), channels: 2);

        Assert.Equal([2f, 1f], scale);
        Assert.Equal([-2f, 2f], shift);
        Assert.Empty(loader.GetUnusedKeys());
    }

    [Fact]
    public void Folding_numbers_chosen_to_be_exact()
    {
        // gamma 4, var 3, eps 1: scale = 4 / sqrt(3 + 1) = 2.
        float[] weight = [1.5f, -0.25f];
        float[] bias = new float[1];

        BatchNormFolding.FoldIntoConvolution(weight, bias, 1, gamma: [4f], beta: [-1f], runningMean: [0.5f], runningVariance: [3f], epsilon: 1f, originalBias: [1f]);

        Assert.Equal([3f, -0.5f], weight);
        Assert.Equal([0f], bias); // (1 - 0.5) * 2 - 1
    }

    [Fact]
    public void Folding_without_an_original_bias_treats_it_as_zero()
    {
        float[] weight = [1f];
        float[] bias = [123f]; // Overwritten, not read.

        BatchNormFolding.FoldIntoConvolution(weight, bias, 1, [4f], [-1f], [0.5f], [3f], 1f, ReadOnlySpan<float>.Empty);

        Assert.Equal([-2f], bias); // (0 - 0.5) * 2 - 1
    }

    [Fact]
    public void The_folded_bias_may_overwrite_the_original_bias_in_place()
    {
        float[] weight = [1f, 1f];
        float[] bias = [1f, 3f];

        BatchNormFolding.FoldIntoConvolution(weight, bias, 2, [4f, 4f], [0f, 0f], [0f, 1f], [3f, 3f], 1f, bias);

        Assert.Equal([2f, 4f], bias);
    }

    [Theory]
    [InlineData(3, 4, 1, true)]
    [InlineData(3, 4, 1, false)]
    [InlineData(4, 4, 2, true)]
    [InlineData(6, 6, 6, false)]
    public void A_folded_convolution_computes_what_convolution_then_batch_norm_computes(int inputChannels, int outputChannels, int groups, bool hasBias)
    {
        const int kernel = 3;
        const int size = 5;
        const float epsilon = 1e-5f;
        var random = new Random(20240611 + inputChannels * 100 + outputChannels * 10 + groups);
        float[] input = Values(random, inputChannels * size * size, -2, 2);
        float[] weight = Values(random, outputChannels * (inputChannels / groups) * kernel * kernel, -1, 1);
        float[] bias = hasBias ? Values(random, outputChannels, -0.5, 0.5) : [];
        float[] gamma = Values(random, outputChannels, 0.5, 1.5);
        float[] beta = Values(random, outputChannels, -0.5, 0.5);
        float[] mean = Values(random, outputChannels, -0.3, 0.3);
        float[] variance = Values(random, outputChannels, 0.01, 2);

        // Reference: the convolution as written, then batch normalization as PyTorch defines it in eval mode.
        double[] convolved = Convolve(input, inputChannels, size, weight, bias, outputChannels, groups, kernel);
        int outputSize = size - kernel + 1;
        var expected = new double[convolved.Length];
        for (int c = 0; c < outputChannels; c++)
        {
            for (int p = 0; p < outputSize * outputSize; p++)
            {
                int i = c * outputSize * outputSize + p;
                expected[i] = gamma[c] * (convolved[i] - mean[c]) / Math.Sqrt(variance[c] + (double)epsilon) + beta[c];
            }
        }

        float[] foldedWeight = (float[])weight.Clone();
        float[] foldedBias = new float[outputChannels];
        BatchNormFolding.FoldIntoConvolution(foldedWeight, foldedBias, outputChannels, gamma, beta, mean, variance, epsilon, bias);
        double[] actual = Convolve(input, inputChannels, size, foldedWeight, foldedBias, outputChannels, groups, kernel);

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])),
                $"output {i}: expected {expected[i]}, folded convolution gave {actual[i]}");
        }
    }

    [Fact]
    public void Scale_and_shift_apply_batch_norm_as_one_multiply_add()
    {
        float[] gamma = [4f, 0.5f, -2f];
        float[] beta = [-1f, 0.25f, 3f];
        float[] mean = [0.5f, -1.5f, 0f];
        float[] variance = [3f, 0.0625f, 8f];
        var scale = new float[3];
        var shift = new float[3];

        BatchNormFolding.ToScaleShift(gamma, beta, mean, variance, 1e-5, scale, shift);

        foreach (float x in new[] { -3f, 0f, 0.7f, 10f })
        {
            for (int c = 0; c < 3; c++)
            {
                double batchNorm = gamma[c] * (x - mean[c]) / Math.Sqrt(variance[c] + 1e-5) + beta[c];
                double multiplyAdd = (double)scale[c] * x + shift[c];
                Assert.True(Math.Abs(batchNorm - multiplyAdd) <= 1e-5 * (1 + Math.Abs(batchNorm)), $"channel {c}, x {x}: {batchNorm} vs {multiplyAdd}");
            }
        }
    }

    [Fact]
    public void Scale_and_shift_with_exact_numbers()
    {
        var scale = new float[1];
        var shift = new float[1];

        BatchNormFolding.ToScaleShift([4f], [-1f], [0.5f], [3f], 1.0, scale, shift);

        Assert.Equal([2f], scale);
        Assert.Equal([-2f], shift); // -1 - 0.5 * 2
    }

    [Fact]
    public void Lengths_that_do_not_match_the_channel_count_are_argument_errors()
    {
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldIntoConvolution(new float[6], new float[2], 2, [1f], [0f, 0f], [0f, 0f], [1f, 1f], 1e-5, []));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldIntoConvolution(new float[5], new float[2], 2, [1f, 1f], [0f, 0f], [0f, 0f], [1f, 1f], 1e-5, []));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldIntoConvolution(new float[6], new float[2], 2, [1f, 1f], [0f, 0f], [0f, 0f], [1f, 1f], 1e-5, [1f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNormFolding.FoldIntoConvolution(new float[6], new float[2], 0, [1f, 1f], [0f, 0f], [0f, 0f], [1f, 1f], 1e-5, []));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.ToScaleShift([1f, 1f], [0f], [0f, 0f], [1f, 1f], 1e-5, new float[2], new float[2]));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.ToScaleShift([1f, 1f], [0f, 0f], [0f, 0f], [1f, 1f], 1e-5, new float[2], new float[3]));
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void A_variance_that_makes_the_denominator_non_positive_is_rejected(float variance)
    {
        var error = Assert.Throws<ArgumentException>(() => BatchNormFolding.ToScaleShift([1f, 1f], [0f, 0f], [0f, 0f], [1f, variance], 1e-5, new float[2], new float[2]));

        Assert.Contains("Channel 1", error.Message);
        Assert.Equal("runningVariance", error.ParamName);
    }

    private static float[] Values(Random random, int count, double low, double high)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
        return values;
    }

    /// <summary>
    /// The shared naive reference's grouped convolution, stride 1, no padding, accumulated in double: input
    /// [C_in, size, size], weight [C_out, C_in / groups, k, k], output [C_out, size - k + 1, size - k + 1].
    /// </summary>
    private static double[] Convolve(float[] input, int inputChannels, int size, float[] weight, float[] bias, int outputChannels, int groups, int kernel) =>
        NaiveReference.Conv2d(Tensor.FromFloats(input, 1, inputChannels, size, size), weight, bias.Length == 0 ? null : bias, outputChannels, kernel, 1, 0, 1, groups).Data;
}
