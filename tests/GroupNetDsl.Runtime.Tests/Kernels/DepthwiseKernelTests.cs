using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>One depthwise channel agrees with the convolution written as plain loops here.</summary>
public class DepthwiseKernelTests
{
    [Theory]
    [InlineData(8, 8, 3, 1, 1, 1)]
    [InlineData(13, 21, 3, 1, 1, 1)]   // widths that leave a vector tail
    [InlineData(9, 7, 3, 2, 1, 1)]     // stride 2, odd sizes
    [InlineData(6, 6, 5, 1, 3, 1)]     // padding larger than 1
    [InlineData(11, 12, 3, 1, 2, 2)]   // dilation
    [InlineData(14, 14, 7, 3, 3, 1)]
    [InlineData(9, 70, 3, 2, 1, 1)]    // strided rows wide enough for the vector path
    [InlineData(7, 101, 5, 3, 2, 2)]   // stride 3 with dilation, a tail
    public void ConvolveMatchesPlainLoops(int height, int width, int kernel, int stride, int padding, int dilation)
    {
        int outHeight = (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        var random = new Random(height * 31 + width);
        float[] plane = Values(random, height * width), taps = Values(random, kernel * kernel), residual = Values(random, outHeight * outWidth);
        foreach (var activation in new[] { Activation.None, Activation.Relu, Activation.Relu6 })
        {
            foreach (bool withResidual in new[] { false, true })
            {
                var actual = new float[outHeight * outWidth];
                DepthwiseKernel.Convolve(plane, height, width, taps, kernel, stride, padding, dilation, outHeight, outWidth, 0.25f, withResidual ? residual : default, activation, actual);
                for (int oy = 0; oy < outHeight; oy++)
                {
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        double sum = 0.25;
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                int iy = oy * stride - padding + ky * dilation, ix = ox * stride - padding + kx * dilation;
                                if (iy >= 0 && iy < height && ix >= 0 && ix < width) sum += (double)taps[ky * kernel + kx] * plane[iy * width + ix];
                            }
                        }
                        if (withResidual) sum += residual[oy * outWidth + ox];
                        if (activation != Activation.None) sum = Math.Max(sum, 0);
                        if (activation == Activation.Relu6) sum = Math.Min(sum, 6);
                        Assert.True(Math.Abs(sum - actual[oy * outWidth + ox]) <= 1e-5 * Math.Max(1, Math.Abs(sum)), $"({oy},{ox}): {actual[oy * outWidth + ox]} vs {sum}");
                    }
                }
            }
        }
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 6 - 3);
        return values;
    }
}
