using GroupNetDsl.Kernels;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// A 1x1 conv of its input scaled channel by channel (squeeze-and-excitation's scale, then the projection), with the
/// scales folded into the weights (fewer output channels than pixels) or into a scaled copy of the input: against the
/// naive reference (the multiply, then the conv, in double), with the same bits on any number of threads, and nothing
/// written outside the output.
/// </summary>
public class ScaledInputTests
{
    [Theory]
    [InlineData(16, 8, 8, 24)]      // 24 < 64 pixels: scales in the weights
    [InlineData(24, 7, 7, 64)]      // 64 >= 49 pixels: the input scaled first
    [InlineData(96, 14, 14, 112)]   // scales in the weights, threads take runs of the product's column panels
    [InlineData(32, 56, 56, 24)]    // scales in the weights, bands of rows
    [InlineData(40, 1, 1, 10)]      // one pixel: the input scaled first, on the calling thread
    [InlineData(13, 5, 9, 7)]       // partial row blocks
    public void A_scaled_input_conv_matches_the_multiply_then_the_conv(int channels, int height, int width, int outChannels)
    {
        var shape = new ConvolutionShape(channels, height, width, outChannels, height, width, 1, 1, 0, 1, 1);
        var plan = ConvolutionPlanner.PlanProduct(shape);
        var random = new Random(channels * 31 + height * 7 + outChannels);
        int pixels = height * width, outputLength = outChannels * pixels, guard = 19;
        float[] input = Values(random, channels * pixels), scales = Values(random, channels), weight = Values(random, outChannels * channels);
        float[] bias = Values(random, outChannels), residual = Values(random, outputLength);
        var scaled = NaiveReference.Multiply(Tensor.FromFloats(scales, 1, channels, 1, 1), Tensor.FromFloats(input, 1, channels, height, width));
        double[] expected = ExpectedConvolution.Of(shape, scaled, weight, bias, residual, Activation.Silu).Data;
        var packed = PackedGemm.Pack(weight, 1, outChannels, channels);

        float[]? first = null;
        foreach (int threads in new[] { 1, 3 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var guarded = new float[guard + outputLength + guard];
            guarded.AsSpan().Fill(float.NaN);
            Convolution.ConvolveScaledInput(shape, plan, input, scales, packed, bias, residual, Activation.Silu, guarded.AsSpan(guard, outputLength), team);
            Assert.All(guarded[..guard], value => Assert.True(float.IsNaN(value)));
            Assert.All(guarded[^guard..], value => Assert.True(float.IsNaN(value)));
            var actual = guarded[guard..^guard];
            for (int i = 0; i < outputLength; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"output {i} = {actual[i]}, expected {expected[i]} ({threads} threads)");
            }
            first ??= actual;
            Assert.Equal(first, actual);
        }
    }

    [Fact]
    public void A_team_scales_the_weights_with_each_call_s_own_scales()
    {
        // 672 x 112 weights (past 64 K) and 112 < 196 pixels: the scales go into the weights, which the team scales.
        var shape = new ConvolutionShape(672, 14, 14, 112, 14, 14, 1, 1, 0, 1, 1);
        var plan = ConvolutionPlanner.PlanProduct(shape);
        var random = new Random(5);
        float[] input = Values(random, 672 * 196), weight = Values(random, 112 * 672), bias = Values(random, 112);
        var packed = PackedGemm.Pack(weight, 1, 112, 672);
        foreach (int threads in new[] { 2, 3, 2 })
        {
            // New scales every call: weights an earlier call left scaled in a thread's buffer must not stand in for these.
            float[] scales = Values(random, 672);
            var scaled = NaiveReference.Multiply(Tensor.FromFloats(scales, 1, 672, 1, 1), Tensor.FromFloats(input, 1, 672, 14, 14));
            double[] expected = ExpectedConvolution.Of(shape, scaled, weight, bias, null, Activation.None).Data;
            using var team = new WorkerTeam(threads);
            var actual = new float[112 * 196];
            Convolution.ConvolveScaledInput(shape, plan, input, scales, packed, bias, default, Activation.None, actual, team);
            for (int i = 0; i < actual.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"output {i} = {actual[i]}, expected {expected[i]} ({threads} threads)");
            }
        }
    }

    [Fact]
    public void Scaling_the_packed_weights_is_packing_the_scaled_weights()
    {
        var random = new Random(3);
        foreach (var (rows, depth) in new[] { (24, 16), (13, 5), (6, 7), (64, 33) })
        {
            float[] weight = Values(random, rows * depth), scales = Values(random, depth);
            var scaledWeight = new float[weight.Length];
            for (int m = 0; m < rows; m++)
            {
                for (int k = 0; k < depth; k++) scaledWeight[m * depth + k] = weight[m * depth + k] * scales[k];
            }
            var target = new float[PackedGemm.PackedLength(1, rows, depth)];
            PackedGemm.ScaleDepth(PackedGemm.Pack(weight, 1, rows, depth), rows, depth, scales, target);
            Assert.Equal(PackedGemm.Pack(scaledWeight, 1, rows, depth), target);
        }
    }

    [Fact]
    public void Shapes_and_spans_it_cannot_take_are_rejected()
    {
        var pointwise = new ConvolutionShape(4, 3, 3, 2, 3, 3, 1, 1, 0, 1, 1);
        var plan = ConvolutionPlanner.PlanProduct(pointwise);
        float[] input = new float[36], scales = new float[4], packed = PackedGemm.Pack(new float[8], 1, 2, 4), output = new float[18];
        Assert.Throws<ArgumentException>(() => Convolution.ConvolveScaledInput(pointwise, plan, input, new float[3], packed, default, default, Activation.None, output, null));
        Assert.Throws<ArgumentException>(() => Convolution.ConvolveScaledInput(pointwise, plan, new float[35], scales, packed, default, default, Activation.None, output, null));
        Assert.Throws<ArgumentException>(() => Convolution.ConvolveScaledInput(pointwise, plan, input, scales, packed, default, default, Activation.None, new float[17], null));
        var wide = new ConvolutionShape(4, 3, 3, 2, 3, 3, 3, 1, 1, 1, 1);
        Assert.Throws<ArgumentException>(() => Convolution.ConvolveScaledInput(wide, ConvolutionPlanner.PlanProduct(wide), input, scales, PackedGemm.Pack(new float[72], 1, 2, 36), default, default, Activation.None, output, null));
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
