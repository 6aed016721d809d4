using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Max pooling gives, bit for bit, the window's positions taken in row-major order, each replacing the running value
/// when greater or NaN (the loop written here: PyTorch's NaN-propagating max with its first largest value), on 1 and 3
/// threads, with NaNs of distinct payloads, signed zeros and infinities in the input.
/// </summary>
public class PoolKernelTests
{
    public static TheoryData<int, int, int, int, int, int> Shapes => new()
    {
        // channels, height, width, kernel, stride, padding
        { 4, 112, 112, 3, 2, 1 },   // the ResNet stem's pool, 56 outputs a row: vectors, the last overlapping
        { 3, 23, 23, 3, 2, 1 },     // odd sizes
        { 2, 9, 40, 3, 1, 1 },      // stride 1
        { 3, 8, 8, 2, 2, 0 },       // no padding, rows narrower than a vector
        { 2, 33, 70, 5, 3, 2 },     // stride 3 (scalar rows) with padding 2
        { 2, 20, 64, 4, 2, 2 },     // an even window with padding half of it
        { 1, 1, 1, 1, 1, 0 },       // a single pixel
        { 5, 34, 34, 3, 2, 0 },     // 16 outputs a row exactly
        { 2, 7, 100, 7, 2, 3 },     // a wide window
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MaxPoolGivesTheRowMajorRunningMaximumBitForBit(int channels, int height, int width, int kernel, int stride, int padding)
    {
        int outputHeight = (height + 2 * padding - kernel) / stride + 1, outputWidth = (width + 2 * padding - kernel) / stride + 1;
        // With NaNs in most rows, and without any (the kernel takes a faster step on rows without NaNs).
        foreach (bool nans in new[] { true, false })
        {
            float[] input = Values(new Random(height * 131 + width), channels * height * width, nans);
            float[] expected = Expected(input, channels, height, width, kernel, stride, padding, outputHeight, outputWidth);
            Check(channels, height, width, kernel, stride, padding, input, expected);
        }
    }

    private static void Check(int channels, int height, int width, int kernel, int stride, int padding, float[] input, float[] expected)
    {
        foreach (var team in new[] { null, new WorkerTeam(3) })
        {
            var actual = new float[expected.Length];
            actual.AsSpan().Fill(1234f); // every output must be written
            PoolKernel.MaxPool(channels, height, width, kernel, stride, padding, input, actual, team);
            team?.Dispose();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"out[{i}]: {actual[i]} ({BitConverter.SingleToInt32Bits(actual[i]):x8}) vs {expected[i]} ({BitConverter.SingleToInt32Bits(expected[i]):x8}), {team?.Threads ?? 1} threads");
            }
        }
    }

    [Theory]
    [InlineData(0, 4, 4, 3, 1, 1)]
    [InlineData(1, 4, 4, 3, 0, 1)]
    [InlineData(1, 4, 4, 3, 1, 2)]   // padding more than half the window
    [InlineData(1, 2, 2, 5, 1, 1)]   // a window larger than the padded image
    [InlineData(1, 4, 4, 0, 1, 0)]
    public void SizesNoPoolHasAreRejected(int channels, int height, int width, int kernel, int stride, int padding)
    {
        Assert.Throws<ArgumentException>(() => PoolKernel.MaxPool(channels, height, width, kernel, stride, padding, new float[64], new float[64], null));
    }

    [Fact]
    public void SpansShorterThanTheSizesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => PoolKernel.MaxPool(2, 8, 8, 3, 2, 1, new float[127], new float[32], null));
        Assert.Throws<ArgumentException>(() => PoolKernel.MaxPool(2, 8, 8, 3, 2, 1, new float[128], new float[31], null));
    }

    // The loop the generated code ran before the kernel: positions in row-major order, those in the padding skipped.
    private static float[] Expected(float[] input, int channels, int height, int width, int kernel, int stride, int padding, int outputHeight, int outputWidth)
    {
        var output = new float[channels * outputHeight * outputWidth];
        for (int c = 0; c < channels; c++)
        {
            for (int oy = 0; oy < outputHeight; oy++)
            {
                for (int ox = 0; ox < outputWidth; ox++)
                {
                    float value = float.NegativeInfinity;
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        int iy = oy * stride - padding + ky;
                        if (iy < 0 || iy >= height) continue;
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            int ix = ox * stride - padding + kx;
                            if (ix < 0 || ix >= width) continue;
                            float x = input[(c * height + iy) * width + ix];
                            if (x > value || float.IsNaN(x)) value = x;
                        }
                    }
                    output[(c * outputHeight + oy) * outputWidth + ox] = value;
                }
            }
        }
        return output;
    }

    // Mostly small integers and zeros of both signs (so that windows hold ties), some NaNs with distinct payloads and infinities.
    private static float[] Values(Random random, int count, bool nans)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            int pick = random.Next(100);
            values[i] = pick switch
            {
                < 3 when nans => BitConverter.Int32BitsToSingle(0x7fc00000 | random.Next(1 << 22)),
                < 5 => float.NegativeInfinity,
                6 => float.PositiveInfinity,
                < 30 => random.Next(2) == 0 ? 0f : -0f,
                _ => random.Next(-4, 3),
            };
        }
        return values;
    }
}
