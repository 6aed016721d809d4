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
            _ => output,
        };
    }
}
