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
    [InlineData(16, 30, 49)]    // 8-row blocks (512-bit): a panel and its one more column (7x7), read in place
    [InlineData(72, 19, 49)]    // the same through a copied panel of 49 columns (nine row blocks)
    [InlineData(40, 9, 196)]    // four panels and a one-vector tail (14x14), through copied panels
    [InlineData(13, 5, 60)]     // a tail of 12 columns, a partial row block
    [InlineData(32, 27, 224)]   // 8-row blocks: four panels and a two-vector tail (a 14x14 plane's wide rows), in place
    [InlineData(72, 11, 68)]    // a panel and a two-vector tail of 20 columns, through a copied panel
    [InlineData(20, 9, 113)]    // two panels and a two-vector tail of 17 columns, a partial row block
    [InlineData(240, 960, 1)]   // column by column (squeeze-and-excitation at 1x1): 8-row blocks, whole strides
    [InlineData(16, 13, 2)]     // column by column: a stride and a tail of the spread weights
    [InlineData(30, 120, 1)]    // column by column, 6-row blocks
    [InlineData(9, 37, 7)]      // column by column, 4-row blocks, a partial block
    public void MultiplyMatchesPlainLoops(int rows, int depth, int columns)
    {
        var random = new Random(rows * 1000 + depth * 10 + columns);
        float[] a = Values(random, rows * depth), b = Values(random, depth * columns), bias = Values(random, rows), residual = Values(random, rows * columns);
        foreach (var activation in Enum.GetValues<Activation>())
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
                            sum = ExpectedConvolution.Activate(activation, sum);
                            Assert.True(Math.Abs(sum - actual[m * columns + n]) <= 1e-4 * Math.Max(1, Math.Abs(sum)), $"c[{m},{n}] = {actual[m * columns + n]}, expected {sum} ({activation}, bias {withBias}, residual {withResidual})");
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(16, 30, 49)]
    [InlineData(40, 9, 196)]
    [InlineData(24, 7, 64)]
    [InlineData(1152, 19, 1)]   // column by column: 8-row blocks, eight at a time
    [InlineData(200, 23, 2)]    // column by column: 25 blocks of 8 rows, a remainder of one block
    [InlineData(30, 11, 3)]     // column by column: 6-row blocks
    [InlineData(12, 9, 7)]      // column by column: 4-row blocks
    [InlineData(32, 15, 97)]    // 8-row blocks with 512-bit vectors: two panels and a tail of one column
    [InlineData(200, 21, 49)]   // a panel and one more column in its tiles, through a copied panel
    [InlineData(40, 9, 147)]    // three panels and a tail of three columns
    [InlineData(32, 27, 224)]   // four panels and a two-vector tail
    [InlineData(88, 9, 113)]    // two panels and a two-vector tail of 17 columns, through copied panels
    public void ColumnsGetTheSameBitsWhateverTileComputesThem(int rows, int depth, int columns)
    {
        // The first columns of a wider product (whole panels) against the product of only those columns (its last
        // columns in a narrower tail tile), B's rows read at the same starts, on one thread and on three.
        var random = new Random(columns);
        int wide = columns + 64;
        float[] a = PackedGemm.Pack(Values(random, rows * depth), 1, rows, depth), b = Values(random, depth * wide), bias = Values(random, rows);
        int[] starts = Enumerable.Range(0, depth).Select(k => k * wide).ToArray();
        var whole = new float[rows * wide];
        PackedGemm.Multiply(a, rows, depth, b, starts, wide, bias, default, Activation.Relu, whole, wide);
        foreach (var team in new[] { null, new WorkerTeam(3) })
        {
            var part = new float[rows * columns];
            PackedGemm.Multiply(a, rows, depth, b, starts, columns, bias, default, Activation.Relu, part, columns, team);
            team?.Dispose();
            for (int m = 0; m < rows; m++)
            {
                Assert.Equal(whole.AsSpan(m * wide, columns).ToArray(), part.AsSpan(m * columns, columns).ToArray());
            }
        }
    }

    [Theory]
    [InlineData(200, 30, 49)]   // 25 blocks of 8 rows, a panel and a tail column (7x7)
    [InlineData(136, 17, 196)]  // four panels and a one-vector tail (14x14)
    [InlineData(72, 9, 97)]     // two panels and a tail of one column
    [InlineData(64, 11, 63)]    // one panel and a tail of 15 columns
    [InlineData(64, 13, 224)]   // four panels and a two-vector tail (a 14x14 plane's wide rows)
    [InlineData(80, 7, 251)]    // five panels and a tail
    [InlineData(44, 13, 55)]    // a partial last block
    [InlineData(256, 512, 100)] // 32 blocks over a panel deeper than L1: copied, though its rows may be read in place (split by rows: read in place)
    public void ProductsReadInPlaceMatchPlainLoopsWithTheSameBitsOnAnyThreads(int rows, int depth, int columns)
    {
        // Read in place, with panels and a narrow column tail (7x7, 14x14) or a wider remainder:
        // every output against plain loops, inside a guard of NaNs, on one thread and split by row blocks or columns.
        var random = new Random(rows * 13 + columns);
        int guard = 21;
        float[] a = Values(random, rows * depth), b = Values(random, depth * columns), bias = Values(random, rows);
        var packed = PackedGemm.Pack(a, 1, rows, depth);
        float[]? first = null;
        foreach (int threads in new[] { 1, 3 })
        {
            foreach (bool splitRows in new[] { false, true })
            {
                using var team = threads > 1 ? new WorkerTeam(threads) : null;
                var guarded = new float[guard + rows * columns + guard];
                guarded.AsSpan().Fill(float.NaN);
                PackedGemm.Multiply(packed, rows, depth, b, default, columns, bias, default, Activation.Silu, guarded.AsSpan(guard, rows * columns), columns, team,
                    readRowsInPlace: true, splitRows: splitRows);
                Assert.All(guarded[..guard], value => Assert.True(float.IsNaN(value)));
                Assert.All(guarded[^guard..], value => Assert.True(float.IsNaN(value)));
                var actual = guarded[guard..^guard];
                for (int m = 0; m < rows; m++)
                {
                    for (int n = 0; n < columns; n++)
                    {
                        double sum = bias[m];
                        for (int k = 0; k < depth; k++) sum += (double)a[m * depth + k] * b[k * columns + n];
                        sum = ExpectedConvolution.Activate(Activation.Silu, sum);
                        Assert.True(Math.Abs(sum - actual[m * columns + n]) <= 1e-4 * Math.Max(1, Math.Abs(sum)), $"c[{m},{n}] = {actual[m * columns + n]}, expected {sum}");
                    }
                }
                first ??= actual;
                Assert.Equal(first, actual);
            }
        }
    }

    [Theory]
    [InlineData(1280, 40, 49)]  // 8-row blocks, a one-vector column tail with 512-bit vectors
    [InlineData(90, 33, 14)]    // 6-row blocks, fewer columns than a panel
    [InlineData(9, 5, 196)]     // 4-row blocks: three, too few for a team to share
    [InlineData(160, 12, 7)]    // more threads' parts than some runs of blocks
    [InlineData(960, 240, 1)]   // column by column
    public void RowBlocksSplitAmongThreadsGiveTheBitsOfOneThreadAndStayInTheirRows(int rows, int depth, int columns)
    {
        // The product split by row blocks on 2 and 3 threads against one thread, C's rows columns + 5 apart inside
        // a guard of NaNs: nothing outside the rows' columns may be written.
        var random = new Random(rows * 7 + columns);
        int stride = columns + 5, guard = 37;
        float[] a = PackedGemm.Pack(Values(random, rows * depth), 1, rows, depth), b = Values(random, depth * columns), bias = Values(random, rows);
        float[] residual = Values(random, rows * stride);
        var alone = new float[rows * stride];
        PackedGemm.Multiply(a, rows, depth, b, default, columns, bias, residual, Activation.Relu6, alone, stride);
        foreach (int threads in new[] { 2, 3 })
        {
            using var team = new WorkerTeam(threads);
            var guarded = new float[guard + rows * stride + guard];
            guarded.AsSpan().Fill(float.NaN);
            PackedGemm.Multiply(a, rows, depth, b, default, columns, bias, residual, Activation.Relu6, guarded.AsSpan(guard, (rows - 1) * stride + columns), stride, team, splitRows: true);
            for (int at = 0; at < guarded.Length; at++)
            {
                int inside = at - guard;
                bool written = inside >= 0 && inside < rows * stride && inside % stride < columns;
                if (written) Assert.Equal(alone[inside], guarded[at]);
                else Assert.True(float.IsNaN(guarded[at]), $"float {inside} lies outside C's rows but was written ({threads} threads)");
            }
        }
    }

    [Fact]
    public void PackKeepsGroupsApart()
    {
        // Two groups of 2 rows x 3 depth: 4-row blocks (on any hardware), packed as [group][block][depth][4] with zero rows 2..3.
        float[] weight = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        var packed = PackedGemm.Pack(weight, 2, 2, 3);
        Assert.Equal(2 * 3 * 4, packed.Length);
        Assert.Equal(new float[] { 1, 4, 0, 0, 2, 5, 0, 0, 3, 6, 0, 0 }, packed.Take(12));
        Assert.Equal(new float[] { 7, 10, 0, 0 }, packed.Skip(12).Take(4));
    }

    [Theory]
    [InlineData(1, 4, 4)]
    [InlineData(4, 4, 4)]
    [InlineData(6, 6, 6)]
    [InlineData(8, 4, 8)]       // 6-row blocks would compute 12 rows
    [InlineData(16, 6, 8)]      // 18 rows: within a quarter
    [InlineData(20, 6, 6)]
    [InlineData(64, 6, 8)]
    public void BlockHeightPadsAtMostAQuarterOfTheRows(int rows, int without512, int with512)
    {
        // 8-row blocks need 24 accumulators: only with AVX-512's 32 vector registers.
        int expected = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? with512 : without512;
        Assert.Equal(expected, PackedGemm.BlockRows(rows));
        Assert.Equal((rows + expected - 1) / expected * expected * 5, PackedGemm.PackedLength(1, rows, 5));
    }

    [Theory]
    [InlineData(9, 5, 70)]      // 4-row blocks, read in place
    [InlineData(48, 7, 100)]    // 8- or 6-row blocks through a copied panel, a tail
    [InlineData(48, 7, 5)]      // column by column
    public void RowStartsReadOverlappingRowsInPlaceAndOutputRowsKeepTheirStride(int rows, int depth, int columns)
    {
        // B's row k is b[k .. k + columns): every row a shifted view of one array, as a convolution reads its
        // input. C's rows lie columns + 3 apart; the 3 floats between them must stay untouched.
        int stride = columns + 3;
        var random = new Random(rows + depth);
        float[] a = Values(random, rows * depth), b = Values(random, columns + depth), bias = Values(random, rows), residual = Values(random, rows * stride);
        int[] starts = Enumerable.Range(0, depth).ToArray();
        var actual = new float[rows * stride];
        actual.AsSpan().Fill(float.NaN);
        PackedGemm.Multiply(PackedGemm.Pack(a, 1, rows, depth), rows, depth, b, starts, columns, bias, residual, Activation.Relu, actual, stride);
        for (int m = 0; m < rows; m++)
        {
            for (int n = 0; n < stride; n++)
            {
                if (n >= columns)
                {
                    Assert.True(float.IsNaN(actual[m * stride + n]), $"c[{m},{n}] lies between rows but was written");
                    continue;
                }
                double sum = bias[m];
                for (int k = 0; k < depth; k++) sum += (double)a[m * depth + k] * b[k + n];
                sum = Math.Max(sum + residual[m * stride + n], 0);
                Assert.True(Math.Abs(sum - actual[m * stride + n]) <= 1e-4 * Math.Max(1, Math.Abs(sum)), $"c[{m},{n}] = {actual[m * stride + n]}, expected {sum}");
            }
        }
    }

    [Fact]
    public void RowStartsOutsideBAreRejected()
    {
        var a = PackedGemm.Pack(new float[2], 1, 1, 2);
        var c = new float[4];
        Assert.Throws<ArgumentException>(() => PackedGemm.Multiply(a, 1, 2, new float[5], new[] { 0, 2 }, 4, default, default, Activation.None, c, 4));
    }

    [Fact]
    public void AnOutputStrideThatWouldOverflowIsRejected()
    {
        // Three rows 2^30 floats apart need more than an int can count; wrapped around, the length check had passed.
        var a = PackedGemm.Pack(new float[3], 1, 3, 1);
        Assert.Throws<ArgumentException>(() => PackedGemm.Multiply(a, 3, 1, new float[16], default, 16, default, default, Activation.None, new float[64], 1 << 30));
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
