using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>The packed matrix product agrees with plain loops written here, on every tile and tail shape.</summary>
public class PackedGemmTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(6, 8, 16)]
    [InlineData(7, 5, 17)]      // a partial row block, a column tail
    [InlineData(13, 27, 64)]    // three row blocks: the packed-panel path
    [InlineData(64, 64, 256)]
    [InlineData(20, 3, 33)]
    [InlineData(8, 40, 100)]    // 4-row blocks, read in place
    [InlineData(16, 9, 97)]     // 6-row blocks, read in place, a tail
    [InlineData(32, 12, 50)]    // 6-row blocks through a copied panel
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
        // Two groups of 2 rows x 3 depth: 4-row blocks, packed as [group][block][depth][4] with zero rows 2..3.
        float[] weight = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        var packed = PackedGemm.Pack(weight, 2, 2, 3);
        Assert.Equal(2 * 3 * 4, packed.Length);
        Assert.Equal(new float[] { 1, 4, 0, 0, 2, 5, 0, 0, 3, 6, 0, 0 }, packed.Take(12));
        Assert.Equal(new float[] { 7, 10, 0, 0 }, packed.Skip(12).Take(4));
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(4, 4)]
    [InlineData(6, 6)]
    [InlineData(8, 4)]      // 6-row blocks would compute 12 rows
    [InlineData(16, 6)]     // 18 rows: within a quarter
    [InlineData(64, 6)]
    public void BlockHeightPadsAtMostAQuarterOfTheRows(int rows, int expected)
    {
        Assert.Equal(expected, PackedGemm.BlockRows(rows));
        Assert.Equal((rows + expected - 1) / expected * expected * 5, PackedGemm.PackedLength(1, rows, 5));
    }

    [Fact]
    public void RowStartsReadOverlappingRowsInPlace()
    {
        // B's row k is b[k .. k + columns): every row a shifted view of one array, as a convolution reads its input.
        const int rows = 9, depth = 5, columns = 70;
        var random = new Random(3);
        float[] a = Values(random, rows * depth), b = Values(random, columns + depth);
        int[] starts = Enumerable.Range(0, depth).ToArray();
        var actual = new float[rows * columns];
        PackedGemm.Multiply(PackedGemm.Pack(a, 1, rows, depth), rows, depth, b, starts, columns, default, default, Activation.None, actual);
        for (int m = 0; m < rows; m++)
        {
            for (int n = 0; n < columns; n++)
            {
                double sum = 0;
                for (int k = 0; k < depth; k++) sum += (double)a[m * depth + k] * b[k + n];
                Assert.True(Math.Abs(sum - actual[m * columns + n]) <= 1e-4 * Math.Max(1, Math.Abs(sum)), $"c[{m},{n}] = {actual[m * columns + n]}, expected {sum}");
            }
        }
    }

    [Fact]
    public void RowStartsOutsideBAreRejected()
    {
        var a = PackedGemm.Pack(new float[2], 1, 1, 2);
        var c = new float[4];
        Assert.Throws<ArgumentException>(() => PackedGemm.Multiply(a, 1, 2, new float[5], new[] { 0, 2 }, 4, default, default, Activation.None, c));
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
