using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>The packed matrix product and im2col agree with plain loops written here, on every tile and tail shape.</summary>
public class PackedGemmTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(6, 8, 16)]
    [InlineData(7, 5, 17)]      // a partial row block, a column tail
    [InlineData(13, 27, 64)]    // three row blocks: the packed-panel path
    [InlineData(64, 64, 256)]
    [InlineData(20, 3, 33)]
    public void MultiplyMatchesPlainLoops(int rows, int depth, int columns)
    {
        var random = new Random(rows * 1000 + depth * 10 + columns);
        float[] a = Values(random, rows * depth), b = Values(random, depth * columns), bias = Values(random, rows), residual = Values(random, rows * columns);
        foreach (var activation in new[] { Activation.None, Activation.Relu, Activation.Relu6 })
        {
            foreach (bool withBias in new[] { false, true })
            {
                foreach (bool withResidual in new[] { false, true })
                {
                    var actual = new float[rows * columns];
                    PackedGemm.Multiply(PackedGemm.Pack(a, 1, rows, depth), rows, depth, b, columns, withBias ? bias : default, withResidual ? residual : default, activation, actual);
                    for (int m = 0; m < rows; m++)
                    {
                        for (int n = 0; n < columns; n++)
                        {
                            double sum = withBias ? bias[m] : 0;
                            for (int k = 0; k < depth; k++) sum += (double)a[m * depth + k] * b[k * columns + n];
                            if (withResidual) sum += residual[m * columns + n];
                            if (activation != Activation.None) sum = Math.Max(sum, 0);
                            if (activation == Activation.Relu6) sum = Math.Min(sum, 6);
                            Assert.True(Math.Abs(sum - actual[m * columns + n]) <= 1e-4 * Math.Max(1, Math.Abs(sum)), $"c[{m},{n}] = {actual[m * columns + n]}, expected {sum} ({activation}, bias {withBias}, residual {withResidual})");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void PackKeepsGroupsApart()
    {
        // Two groups of 2 rows x 3 depth: packed as [group][block][depth][6] with zero rows 2..5.
        float[] weight = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        var packed = PackedGemm.Pack(weight, 2, 2, 3);
        Assert.Equal(2 * 3 * 6, packed.Length);
        Assert.Equal(new float[] { 1, 4, 0, 0, 0, 0, 2, 5, 0, 0, 0, 0, 3, 6, 0, 0, 0, 0 }, packed.Take(18));
        Assert.Equal(new float[] { 7, 10, 0, 0, 0, 0 }, packed.Skip(18).Take(6));
    }

    [Theory]
    [InlineData(3, 7, 9, 3, 1, 1, 1)]
    [InlineData(2, 8, 5, 3, 2, 1, 1)]
    [InlineData(1, 6, 6, 5, 3, 3, 1)]   // padding larger than the stride
    [InlineData(2, 9, 7, 3, 1, 2, 2)]   // dilation
    [InlineData(4, 5, 5, 1, 2, 0, 1)]   // a strided 1x1 conv is a subsampling
    public void Im2ColReadsWhatEachTapSees(int channels, int height, int width, int kernel, int stride, int padding, int dilation)
    {
        int outHeight = (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        var input = Values(new Random(7), channels * height * width);
        var columns = new float[channels * kernel * kernel * outHeight * outWidth];
        columns.AsSpan().Fill(float.NaN); // everything must be written, padding included
        PackedGemm.Im2Col(input, channels, height, width, kernel, stride, padding, dilation, outHeight, outWidth, columns);
        for (int c = 0; c < channels; c++)
        for (int ky = 0; ky < kernel; ky++)
        for (int kx = 0; kx < kernel; kx++)
        for (int oy = 0; oy < outHeight; oy++)
        for (int ox = 0; ox < outWidth; ox++)
        {
            int iy = oy * stride - padding + ky * dilation, ix = ox * stride - padding + kx * dilation;
            float expected = iy >= 0 && iy < height && ix >= 0 && ix < width ? input[(c * height + iy) * width + ix] : 0f;
            int row = (c * kernel + ky) * kernel + kx;
            Assert.Equal(expected, columns[row * outHeight * outWidth + oy * outWidth + ox]);
        }
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
