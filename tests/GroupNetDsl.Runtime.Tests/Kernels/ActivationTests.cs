using GroupNetDsl.Kernels;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// sigmoid, hardsigmoid, hardswish, SiLU and GELU: the runtime's values against the naive reference's formulas in
/// double, and one value's result the same bits whichever path (vector lane, scalar tail, thread) computes it.
/// </summary>
public class ActivationTests
{
    public static TheoryData<Activation> Activations() => new(Activation.Sigmoid, Activation.Hardsigmoid, Activation.Hardswish, Activation.Silu, Activation.Gelu);

    private static void Apply(Activation activation, Span<float> y)
    {
        switch (activation)
        {
            case Activation.Sigmoid: VectorKernels.Sigmoid(y); break;
            case Activation.Hardsigmoid: VectorKernels.Hardsigmoid(y); break;
            case Activation.Hardswish: VectorKernels.Hardswish(y); break;
            case Activation.Silu: VectorKernels.Silu(y); break;
            case Activation.Gelu: VectorKernels.Gelu(y); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }

    private static float Apply(Activation activation, float x) => activation switch
    {
        Activation.Sigmoid => VectorKernels.Sigmoid(x),
        Activation.Hardsigmoid => VectorKernels.Hardsigmoid(x),
        Activation.Hardswish => VectorKernels.Hardswish(x),
        Activation.Silu => VectorKernels.Silu(x),
        Activation.Gelu => VectorKernels.Gelu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>Every 1/256 from -24 to 24, the branch points of the formulas (erf's at 0.921875 and 4 times sqrt(2)), and extremes.</summary>
    private static float[] Inputs()
    {
        var values = new List<float>();
        for (int i = -24 * 256; i <= 24 * 256; i++) values.Add(i / 256f);
        foreach (float edge in new[] { 0.921875f * MathF.Sqrt(2), 4 * MathF.Sqrt(2), 3f, -3f })
        {
            values.AddRange([edge, MathF.BitDecrement(edge), MathF.BitIncrement(edge), -edge, -MathF.BitDecrement(edge), -MathF.BitIncrement(edge)]);
        }
        values.AddRange([-0f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 87f, -87f, 88.5f, -88.5f, 100f, -100f, 1e30f, -1e30f]);
        return values.ToArray();
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Each_activation_is_within_1e_6_of_its_formula_in_double(Activation activation)
    {
        float[] x = Inputs();
        float[] y = (float[])x.Clone();
        Apply(activation, y);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = ExpectedConvolution.Activate(activation, x[i]);
            Assert.True(Math.Abs(y[i] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{activation}({x[i]:R}) = {y[i]:R}, expected {expected:R}");
        }
    }

    /// <summary>Every 2^-12 from -104 to 104 plus values 3 ulp apart around the overflow of exp(-x) near -88.72.</summary>
    private static float[] DenseInputs()
    {
        var values = new List<float>();
        for (int i = -104 * 4096; i <= 104 * 4096; i++) values.Add(i / 4096f);
        for (float x = -88.5f; x > -89f; x = MathF.BitDecrement(MathF.BitDecrement(MathF.BitDecrement(x)))) values.Add(x);
        return values.ToArray();
    }

    /// <summary>|actual - expected| in units of the float spacing at expected (2^-149 among the denormals).</summary>
    private static double Ulps(float actual, double expected)
    {
        float rounded = Math.Abs((float)expected);
        double spacing = float.IsFinite(MathF.BitIncrement(rounded)) ? (double)MathF.BitIncrement(rounded) - rounded : (double)rounded - MathF.BitDecrement(rounded);
        return Math.Abs(actual - expected) / spacing;
    }

    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Silu)]
    public void Sigmoid_and_silu_are_within_3_ulp_of_exp_in_double(Activation activation)
    {
        // Below -88.72, exp(-x) overflows float, so sigmoid is 0 and SiLU -0, as PyTorch's float formula gives:
        // the exact values there are below 2^-127.
        const float overflow = -88.72283f;
        float[] x = DenseInputs();
        float[] y = (float[])x.Clone();
        Apply(activation, y);
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double expected = ExpectedConvolution.Activate(activation, x[i]);
            if (x[i] < overflow)
            {
                Assert.Equal(activation == Activation.Sigmoid ? 0 : BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(y[i]));
                Assert.True(Math.Abs(expected) < Math.Pow(2, -127) * Math.Max(1, -x[i]), $"{activation}({x[i]:R}) = {expected:R}");
                continue;
            }
            double ulps = Ulps(y[i], expected);
            worst = Math.Max(worst, ulps);
            Assert.True(ulps <= 3, $"{activation}({x[i]:R}) = {y[i]:R}, expected {expected:R}: {ulps:F2} ulp");
        }
        Assert.True(worst > 0.5, "The sweep reaches values that round.");
    }

    [Fact]
    public void Extremes_give_zero_one_or_nan_never_a_wrong_number()
    {
        Assert.Equal(0f, VectorKernels.Sigmoid(-100f));
        Assert.Equal(0f, VectorKernels.Sigmoid(-1e30f));
        Assert.Equal(1f, VectorKernels.Sigmoid(100f));
        Assert.Equal(0.5f, VectorKernels.Sigmoid(-0f));
        Assert.Equal(0.5f, VectorKernels.Sigmoid(1e-45f));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(VectorKernels.Silu(-0f)));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(VectorKernels.Silu(-100f)));
        Assert.Equal(100f, VectorKernels.Silu(100f));
        Assert.Equal(88f, VectorKernels.Silu(88f));
        Assert.True(float.IsNaN(VectorKernels.Silu(float.NaN)));
        // exp(88.72) is just below float's largest value; sigmoid(-88.72) is a denormal, still within 3 ulp.
        Assert.True(Ulps(VectorKernels.Sigmoid(-88.72f), NaiveReference.Sigmoid(-88.72f)) <= 3);
        foreach (float x in new[] { 88.73f, 89f, 104f, 105f, 1e30f }) Assert.Equal(0f, VectorKernels.Sigmoid(-x));
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void One_value_gives_the_bits_of_a_vector_lane_at_every_length(Activation activation)
    {
        float[] x = Inputs();
        for (int length = 1; length <= 67; length++)
        {
            var y = x.AsSpan(1000, length).ToArray();
            Apply(activation, y);
            for (int i = 0; i < length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(Apply(activation, x[1000 + i])), BitConverter.SingleToInt32Bits(y[i]));
        }
        float[] all = (float[])x.Clone();
        Apply(activation, all);
        for (int i = 0; i < x.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(Apply(activation, x[i])), BitConverter.SingleToInt32Bits(all[i]));
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void A_conv_epilogue_gives_the_same_bits_on_three_threads_and_alone(Activation activation)
    {
        // Bands of rows, runs of channels, row tails narrower than a vector: each output through another path.
        foreach (var (channels, height, width, groups) in new[] { (8, 40, 37, 1), (16, 40, 40, 16), (6, 9, 7, 6) })
        {
            var shape = new ConvolutionShape(channels, height, width, channels, height, width, 3, 1, 1, 1, groups);
            var random = new Random(channels + height);
            float[] input = Values(random, channels * height * width), weight = Values(random, channels * channels / groups * 9), bias = Values(random, channels);
            var alone = new float[input.Length];
            var shared = new float[input.Length];
            if (groups == channels)
            {
                DepthwiseKernel.Convolve(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, default, activation, alone, null);
                DepthwiseKernel.Convolve(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, default, activation, shared, new WorkerTeam(3));
            }
            else
            {
                float[] packed = PackedGemm.Pack(weight, 1, channels, channels * 9);
                Convolution.Convolve(shape, ConvolutionPlanner.PlanProduct(shape), input, packed, bias, default, activation, alone, null);
                Convolution.Convolve(shape, ConvolutionPlanner.PlanProduct(shape), input, packed, bias, default, activation, shared, new WorkerTeam(3));
            }
            Assert.Equal(alone, shared);

            // The standalone form applies the same bits to the epilogue's input.
            var plain = new float[input.Length];
            if (groups == channels) DepthwiseKernel.Convolve(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, default, Activation.None, plain, null);
            else Convolution.Convolve(shape, ConvolutionPlanner.PlanProduct(shape), input, PackedGemm.Pack(weight, 1, channels, channels * 9), bias, default, Activation.None, plain, null);
            Apply(activation, plain);
            Assert.Equal(alone, plain);
        }
    }

    [Fact]
    public void Overflow_and_infinities_give_what_PyTorch_gives()
    {
        // torch 1.13: hardswish(3.4028235e38) = inf (x * 6 overflows before the / 6); silu and gelu of -inf are nan.
        Assert.Equal(float.PositiveInfinity, VectorKernels.Hardswish(float.MaxValue));
        Assert.Equal(float.MaxValue, VectorKernels.Silu(float.MaxValue));
        Assert.Equal(float.MaxValue, VectorKernels.Gelu(float.MaxValue));
        Assert.Equal(float.PositiveInfinity, VectorKernels.Silu(float.PositiveInfinity));
        Assert.Equal(float.PositiveInfinity, VectorKernels.Gelu(float.PositiveInfinity));
        Assert.True(float.IsNaN(VectorKernels.Silu(float.NegativeInfinity)));
        Assert.True(float.IsNaN(VectorKernels.Gelu(float.NegativeInfinity)));
        Assert.Equal(1f, VectorKernels.Sigmoid(float.PositiveInfinity));
        Assert.Equal(0f, VectorKernels.Sigmoid(float.NegativeInfinity));
        Assert.True(float.IsNaN(VectorKernels.Sigmoid(float.NaN)) && float.IsNaN(VectorKernels.Gelu(float.NaN)));
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 8 - 4);
        return values;
    }
}
