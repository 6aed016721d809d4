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

    /// <summary>channels, height, width, padding, seed: the 3x3 window at stride 2 over many sizes.</summary>
    public static TheoryData<int, int, int, int, int> Window3Stride2Shapes()
    {
        var data = new TheoryData<int, int, int, int, int>();
        int seed = 0;
        // Widths of 15 to 17 outputs (below a vector, one vector, one output past it), of 32, 48 and 64 outputs with
        // one past and one short, odd and even (an odd width at padding 1 ends in a padding column); heights of one
        // to a few rows, odd and even, and 112.
        foreach (int width in new[] { 30, 31, 32, 33, 34, 35, 36, 63, 64, 65, 66, 95, 96, 97, 98, 127, 128, 129, 130 })
        {
            foreach (int padding in new[] { 0, 1 })
            {
                foreach (int height in new[] { 1, 2, 3, 4, 5, 6, 7, 12, 13 })
                {
                    if (height + 2 * padding < 3) continue;
                    data.Add(1 + seed % 3, height, width, padding, seed);
                    seed++;
                }
            }
        }
        data.Add(2, 112, 112, 1, seed++);
        data.Add(2, 111, 113, 0, seed++);
        data.Add(3, 57, 57, 1, seed++);
        return data;
    }

    /// <summary>
    /// The 3x3 window at stride 2, which reads the input in place on AVX-512, gives the loop's bits with mostly NaN-free
    /// rows, with NaNs in most rows, and with mostly negative infinity; reads nothing past the input and writes nothing
    /// past the output (both lie between NaN guards).
    /// </summary>
    [Theory]
    [MemberData(nameof(Window3Stride2Shapes))]
    public void Window3Stride2GivesTheLoopsBitsWithinItsSpans(int channels, int height, int width, int padding, int seed)
    {
        int outputHeight = (height + 2 * padding - 3) / 2 + 1, outputWidth = (width + 2 * padding - 3) / 2 + 1;
        var random = new Random(seed);
        foreach (string nans in new[] { "none", "few", "many" })
        {
            float[] input = Values(random, channels * height * width, nans != "none");
            if (nans == "few")
            {
                // Few NaNs: most rows take the faster step, some not.
                for (int i = 0; i < input.Length; i++) if (float.IsNaN(input[i]) && random.Next(3) > 0) input[i] = random.Next(-4, 3);
            }
            if (seed % 4 == 0)
            {
                // Mostly negative infinity: windows of nothing else, and ties of infinities.
                for (int i = 0; i < input.Length; i++) if (random.Next(4) > 0 && !float.IsNaN(input[i])) input[i] = float.NegativeInfinity;
            }
            float[] expected = Expected(input, channels, height, width, 3, 2, padding, outputHeight, outputWidth);
            Check(channels, height, width, 3, 2, padding, input, expected);
        }
    }

    /// <summary>
    /// A single NaN wins its windows wherever it lies: in each edge column and row, and elsewhere at random, in an input
    /// of no other NaN, where the 3x3 stride 2 path takes the faster step until it finds the NaN.
    /// </summary>
    [Theory]
    [InlineData(1, 7, 33, 0)]
    [InlineData(1, 7, 33, 1)]
    [InlineData(2, 6, 64, 0)]
    [InlineData(2, 6, 64, 1)]
    [InlineData(1, 9, 97, 1)]
    [InlineData(1, 8, 112, 1)]
    public void ASingleNaNWinsItsWindowsWhereverItLies(int channels, int height, int width, int padding)
    {
        int outputHeight = (height + 2 * padding - 3) / 2 + 1, outputWidth = (width + 2 * padding - 3) / 2 + 1;
        var random = new Random(height * 1000 + width * 10 + padding);
        float[] clean = Values(random, channels * height * width, nans: false);
        var positions = new List<int>();
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    bool edge = y < 2 || y >= height - 2 || x < 3 || x >= width - 3 || (x % 16 is 0 or 15);
                    if (edge || random.Next(8) == 0) positions.Add((c * height + y) * width + x);
                }
            }
        }
        foreach (int position in positions)
        {
            float[] input = (float[])clean.Clone();
            input[position] = BitConverter.Int32BitsToSingle(unchecked((int)0xffc00000) | position);
            float[] expected = Expected(input, channels, height, width, 3, 2, padding, outputHeight, outputWidth);
            Check(channels, height, width, 3, 2, padding, input, expected);
        }
    }

    // Both spans lie between guards of NaNs: a read past the input would show in the outputs, a write past the output
    // in the guards.
    private const int Guard = 48;

    private static void Check(int channels, int height, int width, int kernel, int stride, int padding, float[] input, float[] expected)
    {
        var guardValue = BitConverter.Int32BitsToSingle(0x7fc0beef);
        var guardedInput = new float[input.Length + 2 * Guard];
        guardedInput.AsSpan().Fill(guardValue);
        input.CopyTo(guardedInput, Guard);
        foreach (int threads in new[] { 1, 3 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var actual = new float[expected.Length + 2 * Guard];
            actual.AsSpan().Fill(1234f); // every output must be written
            actual.AsSpan(0, Guard).Fill(guardValue);
            actual.AsSpan(Guard + expected.Length).Fill(guardValue);
            PoolKernel.MaxPool(channels, height, width, kernel, stride, padding, guardedInput.AsSpan(Guard, input.Length), actual.AsSpan(Guard, expected.Length), team);
            for (int i = 0; i < expected.Length; i++)
            {
                float got = actual[Guard + i];
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(got),
                    $"out[{i}]: {got} ({BitConverter.SingleToInt32Bits(got):x8}) vs {expected[i]} ({BitConverter.SingleToInt32Bits(expected[i]):x8}), {threads} threads");
            }
            for (int i = 0; i < Guard; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(actual[i]) == 0x7fc0beef && BitConverter.SingleToInt32Bits(actual[Guard + expected.Length + i]) == 0x7fc0beef,
                    $"a guard was written, {threads} threads");
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
