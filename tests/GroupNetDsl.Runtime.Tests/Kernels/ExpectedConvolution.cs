using GroupNetDsl.Kernels;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>What a kernel must compute, from the shared naive reference: the convolution, then residual and activation.</summary>
internal static class ExpectedConvolution
{
    /// <summary>One image of <paramref name="shape"/>: bias, residual (unless null) and activation, in double.</summary>
    public static double[] Of(ConvolutionShape shape, float[] input, float[] weight, float[] bias, float[]? residual, Activation activation) =>
        Of(shape, Tensor.FromFloats(input, 1, shape.InChannels, shape.Height, shape.Width), weight, bias, residual, activation).Data;

    public static Tensor Of(ConvolutionShape shape, Tensor input, float[] weight, float[] bias, float[]? residual, Activation activation)
    {
        var output = NaiveReference.Conv2d(input, weight, bias, shape.OutChannels, shape.Kernel, shape.Stride, shape.Padding, shape.Dilation, shape.Groups);
        if (residual is not null) output = NaiveReference.Add(output, Tensor.FromFloats(residual, 1, output.Channels, output.Height, output.Width));
        return activation switch
        {
            Activation.Relu => NaiveReference.Relu(output),
            Activation.Relu6 => NaiveReference.Relu6(output),
            Activation.Sigmoid => NaiveReference.Sigmoid(output),
            Activation.Hardsigmoid => NaiveReference.Hardsigmoid(output),
            Activation.Hardswish => NaiveReference.Hardswish(output),
            Activation.Silu => NaiveReference.Silu(output),
            Activation.Gelu => NaiveReference.Gelu(output),
            _ => output,
        };
    }

    /// <summary>The activation of one value, from the naive reference.</summary>
    public static double Activate(Activation activation, double x) => activation switch
    {
        Activation.Relu => Math.Max(x, 0),
        Activation.Relu6 => Math.Min(Math.Max(x, 0), 6),
        Activation.Sigmoid => NaiveReference.Sigmoid(x),
        Activation.Hardsigmoid => NaiveReference.Hardsigmoid(x),
        Activation.Hardswish => NaiveReference.Hardswish(x),
        Activation.Silu => NaiveReference.Silu(x),
        Activation.Gelu => NaiveReference.Gelu(x),
        _ => x,
    };
}
