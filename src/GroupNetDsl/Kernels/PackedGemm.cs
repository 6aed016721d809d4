using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using static GroupNetDsl.Kernels.VectorMath;

namespace GroupNetDsl.Kernels;

/// <summary>
/// The matrix product behind every non-depthwise convolution: C = A x B + bias (+ residual), then an
/// activation, with A the weights of one group ([rows x depth], packed at load) and B the group's input
/// ([depth x columns]: channels x pixels for a 1x1 conv, shifted views of the input otherwise).
/// </summary>
/// <remarks>
/// A register-blocked micro-kernel computes 12 accumulators at a time, 4 rows x 3 vectors of columns or
/// 6 rows x 2 vectors (<see cref="BlockRows"/> picks the one that pads fewer rows): per step of depth a few
/// loads of B and broadcasts of A feed 12 FMAs, so the FMA units, not memory, set the pace. Vectors are
/// 512 bits wide where AVX-512 is accelerated, else <see cref="Vector{T}"/>'s width (8 floats with AVX2);
/// the same code runs, slower, where nothing is accelerated.
/// </remarks>
public static class PackedGemm
{
    // The block heights of the micro-kernels. 8 rows x 3 vectors (24 accumulators) needs AVX-512's 32 registers and is
    // the fastest where it fits; 6 x 2 and 4 x 3 keep 12 accumulators, and 6 x 2's narrower panels leave smaller column tails.
    private const int WideBlockRows = 8;
    private const int DefaultBlockRows = 6;
    private const int NarrowBlockRows = 4;

    /// <summary>
    /// Rows of A the micro-kernel computes together for a product with <paramref name="rows"/> rows. With 512-bit
    /// vectors (32 registers) and rows a multiple of 8: 8 rows x 3 vectors, 24 accumulators. Otherwise 6 (with 2
    /// vectors of columns), unless 6-row blocks would pad the rows by more than a quarter (8 rows per group
    /// would compute 12), then 4 (with 3 vectors).
    /// </summary>
    /// <param name="rows">Rows of A.</param>
    /// <returns>4, 6 or 8.</returns>
    public static int BlockRows(int rows) =>
        Vector512.IsHardwareAccelerated && rows % WideBlockRows == 0 ? WideBlockRows
        : 4 * ((rows + DefaultBlockRows - 1) / DefaultBlockRows * DefaultBlockRows) > 5 * rows ? NarrowBlockRows
        : DefaultBlockRows;

    // Vectors of columns per tile for each block height: 12 accumulators either way (24 for the wide block).
    private static int PanelWidth(int blockRows) => (blockRows == DefaultBlockRows ? 2 : 3) * VectorWidth;

    /// <summary>
    /// Columns of one panel (a tile's width) in a product of <paramref name="rows"/> rows: shares of columns that start on
    /// a multiple of it leave no column tail except in the last share.
    /// </summary>
    /// <param name="rows">Rows of A.</param>
    /// <returns>The panel width in columns.</returns>
    public static int PanelColumns(int rows) => PanelWidth(BlockRows(rows));

    private static int VectorWidth => Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector<float>.Count;

    // One B panel per thread, grown to the largest depth seen: after the first call nothing is allocated.
    [ThreadStatic]
    private static float[]? t_panel;

    [ThreadStatic]
    private static int[]? t_columnPanelStarts;

    // Row starts of the panel (k x width) and of a row-major B (k x columns), per thread.
    [ThreadStatic]
    private static int[]? t_panelStarts;

    [ThreadStatic]
    private static int[]? t_rowMajorStarts;

    // Row blocks from which copying B's panel first pays: below it, tiles read B's rows where they are.
    private const int GatherBlocks = 4;

    // B's rows that may be read in place (not a power of two apart) are still copied into panels when the panel is
    // larger than the L1 cache (depth 512: 96 KB) and at least this many row blocks read it, over two or more panels.
    // Measured on one thread, gathered / in place: 512 x 512 x 784 0.95, 1024 x 512 x 196 0.96-0.99 (the copy wins);
    // 40 x 240 x 784 1.20, 80 x 480 x 196 1.09-1.11, 128 x 256 x 3,136 1.08-1.10, 1024 x 2048 x 49 (one panel) 1.03-1.04.
    private const int DeepGatherBlocks = 32;
    private const int DeepGatherDepth = 512;

    /// <summary>Floats that <see cref="Pack"/> produces for the given sizes.</summary>
    /// <param name="groups">Independent groups.</param>
    /// <param name="rows">Rows (output channels) per group.</param>
    /// <param name="depth">Depth (input channels x kernel taps) per group.</param>
    /// <returns>The packed length.</returns>
    public static int PackedLength(int groups, int rows, int depth)
    {
        int blockRows = BlockRows(rows);
        return checked(groups * ((rows + blockRows - 1) / blockRows) * depth * blockRows);
    }

    /// <summary>
    /// Reorders weights laid out [groups][rows][depth] (PyTorch's conv weight order) into
    /// [groups][row block][depth][<see cref="BlockRows"/>], padding the last block with zero rows.
    /// </summary>
    /// <param name="weight">The weights.</param>
    /// <param name="groups">Independent groups.</param>
    /// <param name="rows">Rows per group.</param>
    /// <param name="depth">Depth per group.</param>
    /// <returns>The packed weights.</returns>
    public static float[] Pack(ReadOnlySpan<float> weight, int groups, int rows, int depth)
    {
        if (weight.Length != groups * rows * depth) throw new ArgumentException($"Expected {groups * rows * depth} weights but got {weight.Length}.", nameof(weight));
        int blockRows = BlockRows(rows);
        int blocks = (rows + blockRows - 1) / blockRows;
        var packed = new float[PackedLength(groups, rows, depth)];
        for (int g = 0; g < groups; g++)
        {
            for (int row = 0; row < rows; row++)
            {
                int block = row / blockRows, lane = row % blockRows;
                int source = (g * rows + row) * depth;
                int target = ((g * blocks + block) * depth) * blockRows + lane;
                for (int k = 0; k < depth; k++) packed[target + k * blockRows] = weight[source + k];
            }
        }
        return packed;
    }

    /// <summary>
    /// target = one group's packed weights with depth column k times scales[k]: the packing of weight[m, k] x scales[k]
    /// (a 1x1 conv's weights with its input's channel scale folded in).
    /// </summary>
    /// <param name="packedA">One group's packed weights (see <see cref="Pack"/>).</param>
    /// <param name="rows">Rows of A.</param>
    /// <param name="depth">Columns of A.</param>
    /// <param name="scales">One value per column.</param>
    /// <param name="target">The scaled weights, <see cref="PackedLength"/>(1, rows, depth) floats.</param>
    public static void ScaleDepth(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> scales, Span<float> target) =>
        ScaleDepth(packedA, rows, depth, scales, target, null);

    /// <summary>
    /// <see cref="ScaleDepth(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float})"/>, its row blocks shared
    /// among the team's threads from 16 K weights (on the calling thread alone, the first read of weights that come from
    /// memory, it held up the other: 1.3% of EfficientNet-B0's 2-thread samples).
    /// </summary>
    internal static unsafe void ScaleDepth(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> scales, Span<float> target, WorkerTeam? team)
    {
        int length = PackedLength(1, rows, depth), blocks = length / Math.Max(1, depth * BlockRows(rows));
        if (depth <= 0 || packedA.Length < length || target.Length < length || scales.Length < depth) throw new ArgumentException("A span is shorter than the sizes require.");
        if (team is not null && length >= SharedScaleFloats && blocks >= 2 && team.TryAcquire())
        {
            try
            {
                fixed (float* a = packedA, scale = scales, to = target)
                {
                    var work = team.WorkOf<ScaleWork>();
                    work.Set(a, packedA.Length, rows, depth, scale, scales.Length, to, target.Length, blocks);
                    team.Run(work);
                }
                return;
            }
            finally
            {
                team.Release();
            }
        }
        ScaleBlocks(packedA, rows, depth, scales, target, 0, blocks);
    }

    // Weights from which a team shares the scaling: a team call costs a few microseconds, about what 16 K weights
    // read from memory cost.
    private const int SharedScaleFloats = 16 * 1024;

    /// <summary>Row blocks [firstBlock, lastBlock) of <see cref="ScaleDepth(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleBlocks(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> scales, Span<float> target, int firstBlock, int lastBlock)
    {
        int blockRows = BlockRows(rows), length = lastBlock * depth * blockRows;
        if (depth <= 0 || packedA.Length < length || target.Length < length || scales.Length < depth) throw new ArgumentException("A span is shorter than the sizes require.");
        ref float from = ref MemoryMarshal.GetReference(packedA);
        ref float to = ref MemoryMarshal.GetReference(target);
        // Each depth step of a block is blockRows consecutive floats with one scale; each block starts at k = 0.
        for (int at = firstBlock * depth * blockRows, k = 0; at < length; at += blockRows, k = k + 1 == depth ? 0 : k + 1)
        {
            float scale = scales[k];
            if (blockRows == WideBlockRows && Vector256.IsHardwareAccelerated)
            {
                (Vector256.LoadUnsafe(ref from, (nuint)at) * scale).StoreUnsafe(ref to, (nuint)at);
                continue;
            }
            for (int lane = 0; lane < blockRows; lane++) Unsafe.Add(ref to, at + lane) = Unsafe.Add(ref from, at + lane) * scale;
        }
    }

    /// <summary>c[m, n] = activation(bias[m] + sum over k of a[m, k] * b[k, n] + residual[m, n]).</summary>
    /// <param name="packedA">One group's packed weights (see <see cref="Pack"/>).</param>
    /// <param name="rows">Rows of A and C.</param>
    /// <param name="depth">Columns of A, rows of B.</param>
    /// <param name="b">B, [depth x columns] row-major.</param>
    /// <param name="columns">Columns of B and C.</param>
    /// <param name="bias">One value per row, or empty for none.</param>
    /// <param name="residual">A [rows x columns] tensor to add (not overlapping <paramref name="c"/>), or empty for none.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="c">The output, [rows x columns].</param>
    /// <param name="team">Threads to split the columns among, or null for the calling thread alone.</param>
    public static void Multiply(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, WorkerTeam? team = null) =>
        Multiply(packedA, rows, depth, b, default, columns, bias, residual, activation, c, columns, team);

    /// <summary>
    /// The product with B's row k starting at <paramref name="rowStarts"/>[k] in <paramref name="b"/> (rows may
    /// overlap: a convolution reads shifted views of one input plane instead of an im2col copy). With no row
    /// starts, row k starts at k x columns.
    /// </summary>
    /// <param name="packedA">One group's packed weights (see <see cref="Pack"/>).</param>
    /// <param name="rows">Rows of A and C.</param>
    /// <param name="depth">Columns of A, rows of B.</param>
    /// <param name="b">Where B's rows are read.</param>
    /// <param name="rowStarts">Depth offsets into <paramref name="b"/>, or empty for a row-major B.</param>
    /// <param name="columns">Columns of B and C.</param>
    /// <param name="bias">One value per row, or empty for none.</param>
    /// <param name="residual">A [rows x columns] tensor to add (not overlapping <paramref name="c"/>), or empty for none.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="c">The output: row m at m x <paramref name="outputStride"/>, <paramref name="columns"/> wide.</param>
    /// <param name="outputStride">Floats from one row of C (and of the residual) to the next, at least columns.</param>
    /// <param name="team">Threads to split the columns among, or null for the calling thread alone.</param>
    /// <param name="readRowsInPlace">
    /// True when B's rows may be read where they are by every row block: their starts are not a power of two
    /// apart (rows that are evict each other from the L1 cache, so by default panels of B are copied first once
    /// four or more row blocks read them). Even then a panel deeper than the L1 cache holds is copied when 32 or
    /// more row blocks read it.
    /// </param>
    /// <param name="splitRows">
    /// True to split the team's work by row blocks (output channels) instead of columns: each thread then reads only
    /// its share of A, which is what a product with few columns and many rows spends its time on.
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, int outputStride, WorkerTeam? team = null,
        bool readRowsInPlace = false, bool splitRows = false) =>
        Multiply(packedA, rows, depth, b, rowStarts, columns, bias, residual, activation, c, outputStride, team, readRowsInPlace, splitRows, default, 0, 0);

    /// <summary>
    /// <see cref="Multiply(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{int}, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Activation, Span{float}, int, WorkerTeam, bool, bool)"/>
    /// that also sums each output row's runs of <paramref name="sumWidth"/> columns: sums[m x sumStride + s] = the sum
    /// of row m's columns [s x sumWidth, (s + 1) x sumWidth), as <see cref="FusedPool.RowSum"/> takes it (a fused
    /// pool's row sums). A team splits the row blocks, and each thread sums the rows it wrote while they are in its cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyAndSumRows(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, int outputStride, WorkerTeam? team, bool readRowsInPlace,
        Span<float> sums, int sumWidth, int sumStride)
    {
        if (sumWidth <= 0 || columns % sumWidth != 0 || sumStride < columns / sumWidth || sums.Length < (long)(rows - 1) * sumStride + columns / sumWidth)
        {
            throw new ArgumentException("The row sums do not fit the product.", nameof(sums));
        }
        Multiply(packedA, rows, depth, b, rowStarts, columns, bias, residual, activation, c, outputStride, team, readRowsInPlace, true, sums, sumWidth, sumStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Multiply(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, int outputStride, WorkerTeam? team,
        bool readRowsInPlace, bool splitRows, Span<float> sums, int sumWidth, int sumStride)
    {
        // In 64 bits: a stride near int.MaxValue must fail the check, not wrap around and pass it.
        long outputLength = (long)(rows - 1) * outputStride + columns;
        if (outputStride < columns || packedA.Length < PackedLength(1, rows, depth) || c.Length < outputLength
            || (bias.Length != 0 && bias.Length < rows) || (residual.Length != 0 && residual.Length < outputLength))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        if (rowStarts.IsEmpty)
        {
            if (b.Length < depth * columns) throw new ArgumentException("A span is shorter than the sizes require.");
        }
        else
        {
            if (rowStarts.Length < depth) throw new ArgumentException("There must be a row start for every row of B.", nameof(rowStarts));
            for (int k = 0; k < depth; k++)
            {
                if (rowStarts[k] < 0 || rowStarts[k] > b.Length - columns) throw new ArgumentException("A row of B lies outside the span.", nameof(rowStarts));
            }
        }

        // The columns are shared only when there are at least two whole panels per thread of a planned team (see
        // ConvolutionPlanner.PlannedThreads): a product this small is not worth waking the team for.
        // Split by rows, there must be at least two row blocks per thread of a planned team.
        int blockRows = BlockRows(rows);
        int panels = columns / PanelWidth(blockRows), blocks = (rows + blockRows - 1) / blockRows;
        bool shared = splitRows ? blocks >= 2 * ConvolutionPlanner.PlannedThreads : panels >= 2 * ConvolutionPlanner.PlannedThreads;
        if (team is not null && shared && team.TryAcquire())
        {
            try
            {
                // Each thread takes a contiguous run of column panels or of row blocks: whole outputs, the same sums as one thread.
                fixed (float* a = packedA, bp = b, biasPointer = bias, residualPointer = residual, cp = c, sumsPointer = sums)
                fixed (int* starts = rowStarts)
                {
                    var work = team.WorkOf<Work>();
                    work.Set(a, packedA.Length, rows, depth, bp, b.Length, starts, rowStarts.Length, columns, biasPointer, bias.Length, residualPointer, residual.Length, activation, cp, c.Length, outputStride, panels, readRowsInPlace, splitRows);
                    work.SetSums(sumsPointer, sums.Length, sumWidth, sumStride);
                    team.Run(work);
                }
                return;
            }
            finally
            {
                team.Release();
            }
        }
        Columns(packedA, rows, depth, b, rowStarts, columns, bias, residual, activation, c, outputStride, 0, columns, 0, blocks, readRowsInPlace);
        SumRows(c, outputStride, columns, 0, rows, sums, sumWidth, sumStride);
    }

    /// <summary>Rows [firstRow, lastRow)'s sums of runs of sumWidth columns (see <see cref="MultiplyAndSumRows"/>); nothing when sums is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumRows(ReadOnlySpan<float> c, int outputStride, int columns, int firstRow, int lastRow, Span<float> sums, int sumWidth, int sumStride)
    {
        if (sums.IsEmpty || firstRow >= lastRow) return;
        int runs = columns / sumWidth;
        // One bounds check for all the rows; then by reference, as a slice per run of 16 had cost 5 ns a row.
        if (firstRow < 0 || (long)(lastRow - 1) * outputStride + columns > c.Length || (long)(lastRow - 1) * sumStride + runs > sums.Length)
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        ref float first = ref MemoryMarshal.GetReference(c);
        ref float target = ref MemoryMarshal.GetReference(sums);
        for (int m = firstRow; m < lastRow; m++)
        {
            for (int s = 0; s < runs; s++) Unsafe.Add(ref target, m * sumStride + s) = FusedPool.RowSum(ref Unsafe.Add(ref first, m * outputStride + s * sumWidth), sumWidth);
        }
    }

    /// <summary>
    /// The product restricted to output columns [first, last) of row blocks [firstBlock, lastBlock): first is a
    /// multiple of the panel width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, int outputStride, int first, int last,
        int firstBlock, int lastBlock, bool readRowsInPlace)
    {
        // A team larger than the work leaves some threads none.
        if (first >= last || firstBlock >= lastBlock) return;
        if (columns <= FewColumns)
        {
            ColumnByColumn(packedA, rows, depth, b, rowStarts, columns, first, last, bias, residual, activation, c, outputStride, firstBlock, lastBlock);
            return;
        }
        int blockRows = BlockRows(rows);
        int blocks = lastBlock - firstBlock;
        int width = PanelWidth(blockRows);
        int n = first;
        // With at least a panel of columns, the last panel ends at last, overlapping the one before it (those columns
        // get the same sums twice) instead of leaving a column tail; below a panel, Remainder pads one.
        int end = last - first >= width ? last : first;
        // With 512-bit 8-row blocks, columns past the whole panels that fit one or two vectors take a one- or
        // two-vector tile ending at last instead of a whole overlapping panel: at 7x7 (49 columns) a second panel
        // would double the work, and a 14x14 plane's wide rows (224 columns) compute 240.
        int narrowTail = 0;
        if (blockRows == WideBlockRows && end > first && (last - first) % width is > 0 and var tail && tail <= 2 * Vector512<float>.Count)
        {
            narrowTail = tail;
            end = last - tail;
        }
        // One column past the whole panels rides in the last panel's tiles (TileAndColumn): as a pass of its own it
        // read all the weights again, 11% of a 7x7 (49-column) product's time for 2% of its sums.
        bool columnInPanel = narrowTail == 1;
        if (end - n >= width && blocks >= GatherBlocks && (!readRowsInPlace || (blocks >= DeepGatherBlocks && depth >= DeepGatherDepth && end - n >= 2 * width)))
        {
            // Copy each panel of B (depth x width) into a contiguous buffer first when enough row blocks reuse it:
            // read in place, its rows lie far apart (an image row or a plane apart) and, at power-of-two sizes,
            // evict each other from the L1 cache. Rows that may be read in place are copied only for a panel larger
            // than the L1 cache that many blocks read again (see DeepGatherBlocks).
            var panel = ThreadScratch.Get(ref t_panel, depth * (columnInPanel ? width + 1 : width));
            var panelStarts = Starts(ref t_panelStarts, depth, width);
            var inPlaceStarts = rowStarts.IsEmpty ? Starts(ref t_rowMajorStarts, depth, columns) : rowStarts;
            for (; n < end; n += width)
            {
                int at = Math.Min(n, last - width);
                bool withColumn = columnInPanel && n + width == end;
                int pitch = withColumn ? width + 1 : width;
                var starts = withColumn ? Starts(ref t_columnPanelStarts, depth, pitch) : panelStarts;
                int block = firstBlock;
                if (blockRows == WideBlockRows && !withColumn)
                {
                    // The first block's tile reads B's rows in place and stores them into the panel as it goes: one
                    // pass over B instead of a copy and then a read.
                    TileStoringPanel(packedA.Slice(block * depth * blockRows), depth, b, inPlaceStarts, at, block * blockRows, Math.Min(blockRows, rows - block * blockRows),
                        outputStride, bias, residual, activation, c, panel);
                    block++;
                }
                else
                {
                    GatherPanel(b, rowStarts, columns, depth, at, pitch, pitch, panel);
                }
                for (; block < lastBlock; block++)
                {
                    int firstRow = block * blockRows;
                    if (withColumn) TileAndColumn(packedA.Slice(block * depth * blockRows), depth, panel, starts, 0, firstRow, Math.Min(blockRows, rows - firstRow), outputStride, at, bias, residual, activation, c);
                    else Tile(blockRows, packedA.Slice(block * depth * blockRows), depth, panel, starts, 0, firstRow, Math.Min(blockRows, rows - firstRow), outputStride, at, bias, residual, activation, c);
                }
            }
        }
        if (n < end)
        {
            // Few row blocks: the tiles read B's rows in place, at their starts.
            var starts = rowStarts.IsEmpty ? Starts(ref t_rowMajorStarts, depth, columns) : rowStarts;
            for (; n < end; n += width)
            {
                int at = Math.Min(n, last - width);
                bool withColumn = columnInPanel && n + width == end;
                for (int block = firstBlock; block < lastBlock; block++)
                {
                    int firstRow = block * blockRows;
                    if (withColumn) TileAndColumn(packedA.Slice(block * depth * blockRows), depth, b, starts, at, firstRow, Math.Min(blockRows, rows - firstRow), outputStride, at, bias, residual, activation, c);
                    else Tile(blockRows, packedA.Slice(block * depth * blockRows), depth, b, starts, at, firstRow, Math.Min(blockRows, rows - firstRow), outputStride, at, bias, residual, activation, c);
                }
            }
        }
        if (columnInPanel) return;
        if (narrowTail is > 0 and <= FewTailColumns)
        {
            ColumnByColumn(packedA, rows, depth, b, rowStarts, columns, last - narrowTail, last, bias, residual, activation, c, outputStride, firstBlock, lastBlock);
            return;
        }
        if (narrowTail > 0)
        {
            var starts = rowStarts.IsEmpty ? Starts(ref t_rowMajorStarts, depth, columns) : rowStarts;
            int tailWidth = narrowTail <= Vector512<float>.Count ? Vector512<float>.Count : 2 * Vector512<float>.Count;
            int at = last - tailWidth;
            for (int block = firstBlock; block < lastBlock; block++)
            {
                int firstRow = block * blockRows;
                int validRows = Math.Min(blockRows, rows - firstRow);
                // As in Tile: relu and relu6 in the stores, the other activations over the stored tile.
                var tile = new TileTarget(firstRow, validRows, outputStride, at, bias, residual, activation > Activation.Relu6 ? Activation.None : activation, c);
                if (tailWidth == Vector512<float>.Count) Kernel8x1Wide(packedA.Slice(block * depth * blockRows), depth, b, starts, at, ref tile);
                else Kernel8x2Wide(packedA.Slice(block * depth * blockRows), depth, b, starts, at, ref tile);
                if (activation > Activation.Relu6)
                {
                    for (int row = 0; row < validRows; row++) Epilogue.ActivateInPlace(c.Slice((firstRow + row) * outputStride + at, tailWidth), activation);
                }
            }
            return;
        }
        if (n < last) Remainder(packedA, rows, depth, b, rowStarts, columns, n, last, firstBlock, lastBlock, bias, residual, activation, c, outputStride);
    }

    // Columns up to which a whole product runs column by column: a tile padded to a panel of 48 would compute mostly
    // zeros (a squeeze-and-excitation 1x1 conv on its 1x1 plane: 960->240 took 83 µs through a padded panel).
    private const int FewColumns = 7;

    // A column tail of 8-row blocks up to this wide runs column by column too, not through a one-vector tile (at 7x7,
    // 49 columns leave a tail of 1, which used one lane of 16).
    private const int FewTailColumns = 3;

    // How far ahead of the tile's reads the 8-row kernel prefetches its weights: 1024 floats, 128 steps of depth.
    private const int WeightPrefetchFloats = 1024;

    [ThreadStatic]
    private static float[]? t_columnSums;

    /// <summary>
    /// Columns [first, last) of row blocks [firstBlock, lastBlock), one column at a time, with vectors along a block's
    /// rows instead of the columns: eight 8-row blocks at once, one 8-lane vector each; other block heights four blocks
    /// at once, each as two 4-row vectors (rows 0-3 and the last four, which overlap in a 6-row block). Every output is
    /// the same chain of multiply-adds over k, from zero, as in the tiles, then the bias, residual and activation in the
    /// tiles' order: the same bits, whichever computes a column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnByColumn(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns, int first, int last,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, int outputStride, int firstBlock, int lastBlock)
    {
        int blockRows = BlockRows(rows);
        int blockLength = depth * blockRows;
        int firstRow = firstBlock * blockRows, rowCount = Math.Min(lastBlock * blockRows, rows) - firstRow;
        // Multiply checked that every row of B lies inside b and that packedA holds every block.
        if (packedA.Length < lastBlock * blockLength) throw new ArgumentException("A span is shorter than the sizes require.");
        var sums = ThreadScratch.Get(ref t_columnSums, lastBlock * blockRows - firstRow);
        ref float ap = ref MemoryMarshal.GetReference(packedA);
        ref float bp = ref MemoryMarshal.GetReference(b);
        ref float sp = ref MemoryMarshal.GetReference(sums);
        int high = blockRows - 4;
        for (int n = first; n < last; n++)
        {
            if (blockRows == WideBlockRows)
            {
                // 8-row blocks (512-bit machines): one 8-lane vector per block, eight blocks at once.
                for (int block = firstBlock; block < lastBlock; block += 8)
                {
                    // Fewer than eight blocks left: the last one is computed again in the unused places.
                    int last1 = lastBlock - 1;
                    ref float w0 = ref Unsafe.Add(ref ap, block * blockLength);
                    ref float w1 = ref Unsafe.Add(ref ap, Math.Min(block + 1, last1) * blockLength);
                    ref float w2 = ref Unsafe.Add(ref ap, Math.Min(block + 2, last1) * blockLength);
                    ref float w3 = ref Unsafe.Add(ref ap, Math.Min(block + 3, last1) * blockLength);
                    ref float w4 = ref Unsafe.Add(ref ap, Math.Min(block + 4, last1) * blockLength);
                    ref float w5 = ref Unsafe.Add(ref ap, Math.Min(block + 5, last1) * blockLength);
                    ref float w6 = ref Unsafe.Add(ref ap, Math.Min(block + 6, last1) * blockLength);
                    ref float w7 = ref Unsafe.Add(ref ap, Math.Min(block + 7, last1) * blockLength);
                    Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                    for (int k = 0; k < depth; k++)
                    {
                        var x = Vector256.Create(Unsafe.Add(ref bp, (rowStarts.IsEmpty ? k * columns : rowStarts[k]) + n));
                        nuint at = (nuint)(k * WideBlockRows);
                        s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w0, at), x, s0);
                        s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w1, at), x, s1);
                        s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w2, at), x, s2);
                        s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w3, at), x, s3);
                        s4 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w4, at), x, s4);
                        s5 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w5, at), x, s5);
                        s6 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w6, at), x, s6);
                        s7 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w7, at), x, s7);
                    }
                    // sums has room for whole blocks; a repeated block stores the same values to its own place again.
                    s0.StoreUnsafe(ref sp, (nuint)((block - firstBlock) * WideBlockRows));
                    s1.StoreUnsafe(ref sp, (nuint)((Math.Min(block + 1, last1) - firstBlock) * WideBlockRows));
                    s2.StoreUnsafe(ref sp, (nuint)((Math.Min(block + 2, last1) - firstBlock) * WideBlockRows));
                    s3.StoreUnsafe(ref sp, (nuint)((Math.Min(block + 3, last1) - firstBlock) * WideBlockRows));
                    s4.StoreUnsafe(ref sp, (nuint)((Math.Min(block + 4, last1) - firstBlock) * WideBlockRows));
                    s5.StoreUnsafe(ref sp, (nuint)((Math.Min(block + 5, last1) - firstBlock) * WideBlockRows));
                    s6.StoreUnsafe(ref sp, (nuint)((Math.Min(block + 6, last1) - firstBlock) * WideBlockRows));
                    s7.StoreUnsafe(ref sp, (nuint)((Math.Min(block + 7, last1) - firstBlock) * WideBlockRows));
                }
                FinishColumn(sums.Slice(0, rowCount), firstRow, n, bias, residual, activation, c, outputStride);
                continue;
            }
            for (int block = firstBlock; block < lastBlock; block += 4)
            {
                // Fewer than four blocks left: the last one is computed again in the unused places.
                int b1 = Math.Min(block + 1, lastBlock - 1), b2 = Math.Min(block + 2, lastBlock - 1), b3 = Math.Min(block + 3, lastBlock - 1);
                ref float a0 = ref Unsafe.Add(ref ap, block * blockLength);
                ref float a1 = ref Unsafe.Add(ref ap, b1 * blockLength);
                ref float a2 = ref Unsafe.Add(ref ap, b2 * blockLength);
                ref float a3 = ref Unsafe.Add(ref ap, b3 * blockLength);
                Vector128<float> l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default, l3 = default, h3 = default;
                for (int k = 0; k < depth; k++)
                {
                    var x = Vector128.Create(Unsafe.Add(ref bp, (rowStarts.IsEmpty ? k * columns : rowStarts[k]) + n));
                    nuint lo = (nuint)(k * blockRows), hi = lo + (nuint)high;
                    l0 = Madd128(Vector128.LoadUnsafe(ref a0, lo), x, l0);
                    h0 = Madd128(Vector128.LoadUnsafe(ref a0, hi), x, h0);
                    l1 = Madd128(Vector128.LoadUnsafe(ref a1, lo), x, l1);
                    h1 = Madd128(Vector128.LoadUnsafe(ref a1, hi), x, h1);
                    l2 = Madd128(Vector128.LoadUnsafe(ref a2, lo), x, l2);
                    h2 = Madd128(Vector128.LoadUnsafe(ref a2, hi), x, h2);
                    l3 = Madd128(Vector128.LoadUnsafe(ref a3, lo), x, l3);
                    h3 = Madd128(Vector128.LoadUnsafe(ref a3, hi), x, h3);
                }
                // sums has room for whole blocks; a repeated block writes the same values to its own place again.
                StoreBlock(ref sp, (block - firstBlock) * blockRows, high, l0, h0);
                StoreBlock(ref sp, (b1 - firstBlock) * blockRows, high, l1, h1);
                StoreBlock(ref sp, (b2 - firstBlock) * blockRows, high, l2, h2);
                StoreBlock(ref sp, (b3 - firstBlock) * blockRows, high, l3, h3);
            }
            FinishColumn(sums.Slice(0, rowCount), firstRow, n, bias, residual, activation, c, outputStride);
        }
    }

    /// <summary>Bias, residual and activation on column n's sums, then the column stored at its stride.</summary>
    private static void FinishColumn(Span<float> column, int firstRow, int n, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, int outputStride)
    {
        for (int r = 0; r < column.Length; r++)
        {
            float value = column[r] + (bias.Length != 0 ? bias[firstRow + r] : 0f);
            if (residual.Length != 0) value += residual[(firstRow + r) * outputStride + n];
            column[r] = activation <= Activation.Relu6 ? Epilogue.Activate(value, activation) : value;
        }
        if (activation > Activation.Relu6) Epilogue.ActivateInPlace(column, activation);
        for (int r = 0; r < column.Length; r++) c[(firstRow + r) * outputStride + n] = column[r];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBlock(ref float sums, int at, int high, Vector128<float> low, Vector128<float> highRows)
    {
        low.StoreUnsafe(ref sums, (nuint)at);
        highRows.StoreUnsafe(ref sums, (nuint)(at + high));
    }

    /// <summary>a * b + c as the tiles compute it: fused where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Madd128(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Fma.IsSupported || AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary>The row starts k x pitch for k below depth, in a per-thread buffer.</summary>
    private static ReadOnlySpan<int> Starts(ref int[]? buffer, int depth, int pitch)
    {
        var starts = ThreadScratch.Get(ref buffer, depth);
        for (int k = 0; k < depth; k++) starts[k] = k * pitch;
        return starts;
    }

    /// <summary>Copies columns [n, n + count) of B's rows into a [depth x width] panel, zero-filling past count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherPanel(ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns, int depth, int n, int count, int width, Span<float> panel)
    {
        ref float source = ref MemoryMarshal.GetReference(b);
        ref float target = ref MemoryMarshal.GetReference(panel);
        bool rowMajor = rowStarts.IsEmpty;
        for (int k = 0; k < depth; k++)
        {
            // Multiply checked that every row lies inside b.
            ref float from = ref Unsafe.Add(ref source, (rowMajor ? k * columns : rowStarts[k]) + n);
            ref float to = ref Unsafe.Add(ref target, k * width);
            if (count == width)
            {
                int i = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    for (; i + Vector512<float>.Count <= width; i += Vector512<float>.Count) Vector512.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
                }
                for (; i + Vector<float>.Count <= width; i += Vector<float>.Count) Vector.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
                for (; i < width; i++) Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
            }
            else
            {
                // A column tail: zero the panel row, then copy what there is (never reading past it).
                ShortRuns.Zero(ref to, width);
                ShortRuns.Copy(ref from, ref to, count);
            }
        }
    }

    /// <summary><see cref="ScaleDepth(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float}, WorkerTeam)"/>'s arguments as pointers: each thread a run of row blocks.</summary>
    private sealed unsafe class ScaleWork : TeamWork
    {
        private float* _a, _scales, _target;
        private int _aLength, _rows, _depth, _scalesLength, _targetLength, _blocks;

        public void Set(float* a, int aLength, int rows, int depth, float* scales, int scalesLength, float* target, int targetLength, int blocks)
        {
            _a = a;
            _aLength = aLength;
            _rows = rows;
            _depth = depth;
            _scales = scales;
            _scalesLength = scalesLength;
            _target = target;
            _targetLength = targetLength;
            _blocks = blocks;
        }

        public override void Execute(int part, int parts)
        {
            int first = (int)((long)_blocks * part / parts), last = (int)((long)_blocks * (part + 1) / parts);
            if (first < last)
            {
                ScaleBlocks(new ReadOnlySpan<float>(_a, _aLength), _rows, _depth, new ReadOnlySpan<float>(_scales, _scalesLength), new Span<float>(_target, _targetLength), first, last);
            }
        }
    }

    /// <summary>The product's arguments as pointers, so that other threads can run their share of the columns.</summary>
    internal sealed unsafe class Work : TeamWork
    {
        private float* _a, _b, _bias, _residual, _c, _sums;
        private int* _starts;
        private int _aLength, _bLength, _startsLength, _biasLength, _residualLength, _cLength, _outputStride, _rows, _depth, _columns, _panels;
        private int _sumsLength, _sumWidth, _sumStride;
        private bool _readRowsInPlace, _splitRows;
        private Activation _activation;

        public void Set(float* a, int aLength, int rows, int depth, float* b, int bLength, int* starts, int startsLength, int columns, float* bias, int biasLength,
            float* residual, int residualLength, Activation activation, float* c, int cLength, int outputStride, int panels, bool readRowsInPlace, bool splitRows)
        {
            _readRowsInPlace = readRowsInPlace;
            _splitRows = splitRows;
            _outputStride = outputStride;
            _a = a;
            _aLength = aLength;
            _rows = rows;
            _depth = depth;
            _b = b;
            _bLength = bLength;
            _starts = starts;
            _startsLength = startsLength;
            _columns = columns;
            _bias = bias;
            _biasLength = biasLength;
            _residual = residual;
            _residualLength = residualLength;
            _activation = activation;
            _c = c;
            _cLength = cLength;
            _panels = panels;
        }

        /// <summary>Where each thread sums the rows it wrote (split by rows), or nothing (a null or empty sums).</summary>
        public void SetSums(float* sums, int sumsLength, int sumWidth, int sumStride)
        {
            _sums = sums;
            _sumsLength = sumsLength;
            _sumWidth = sumWidth;
            _sumStride = sumStride;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            // Units of work are row blocks, or whole panels plus, last, the partial panel (a whole panel's work, overlapping).
            int blockRows = BlockRows(_rows), width = PanelWidth(blockRows), blocks = (_rows + blockRows - 1) / blockRows;
            int first = 0, last = _columns, firstBlock = 0, lastBlock = blocks;
            if (_splitRows)
            {
                firstBlock = blocks * part / parts;
                lastBlock = blocks * (part + 1) / parts;
            }
            else
            {
                int units = _panels + (_columns > _panels * width ? 1 : 0);
                first = Math.Min(_columns, units * part / parts * width);
                last = part == parts - 1 ? _columns : Math.Min(_columns, units * (part + 1) / parts * width);
            }
            Columns(new ReadOnlySpan<float>(_a, _aLength), _rows, _depth, new ReadOnlySpan<float>(_b, _bLength), new ReadOnlySpan<int>(_starts, _startsLength), _columns,
                new ReadOnlySpan<float>(_bias, _biasLength), new ReadOnlySpan<float>(_residual, _residualLength), _activation,
                new Span<float>(_c, _cLength), _outputStride, first, last, firstBlock, lastBlock, _readRowsInPlace);
            // Summed by the thread that wrote the rows (MultiplyAndSumRows splits by rows).
            if (_splitRows) SumRows(new ReadOnlySpan<float>(_c, _cLength), _outputStride, _columns, firstBlock * blockRows, Math.Min(lastBlock * blockRows, _rows),
                new Span<float>(_sums, _sumsLength), _sumWidth, _sumStride);
        }
    }

    /// <summary>
    /// One tile of C: a block of rows x a panel of columns, with the micro-kernel the block height calls for. B's
    /// row k is read at source[starts[k] + first], a panel wide.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(int blockRows, ReadOnlySpan<float> a, int depth, ReadOnlySpan<float> source, ReadOnlySpan<int> starts, int first, int firstRow, int validRows, int outputStride, int n,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c)
    {
        // Callers pass starts whose rows lie inside source for the panel (Multiply checked rowStarts); A holds depth x blockRows weights.
        if (starts.Length < depth || a.Length < depth * blockRows) throw new ArgumentException("A span is shorter than the sizes require.");
        // Relu and relu6 ride in the tile's stores; the other activations go over the tile once it is stored, outside the
        // micro-kernel, whose accumulators a call among the stores would push out of registers.
        var tile = new TileTarget(firstRow, validRows, outputStride, n, bias, residual, activation > Activation.Relu6 ? Activation.None : activation, c);
        ref float b = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), first);
        ref int rowStart = ref MemoryMarshal.GetReference(starts);
        if (blockRows == WideBlockRows)
        {
            Kernel8x3Wide<NoColumn>(a, depth, ref b, ref rowStart, ref tile, ref Unsafe.NullRef<float>()); // BlockRows picks 8 only with 512-bit vectors
        }
        else if (blockRows == NarrowBlockRows)
        {
            if (Vector512.IsHardwareAccelerated) Kernel4x3Wide(a, depth, ref b, ref rowStart, ref tile);
            else Kernel4x3(a, depth, ref b, ref rowStart, ref tile);
        }
        else
        {
            if (Vector512.IsHardwareAccelerated) Kernel6x2Wide(a, depth, ref b, ref rowStart, ref tile);
            else Kernel6x2(a, depth, ref b, ref rowStart, ref tile);
        }
        if (activation > Activation.Relu6)
        {
            Epilogue.ActivateRowsInPlace(c, firstRow * outputStride + n, validRows, outputStride, PanelWidth(blockRows), activation);
        }
    }

    /// <summary>
    /// <see cref="Tile"/> of an 8-row block (512-bit vectors) with one more column, at n + width, whose sums the
    /// micro-kernel takes in the same loop over the depth: the sums <see cref="ColumnByColumn"/> gives, bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileAndColumn(ReadOnlySpan<float> a, int depth, ReadOnlySpan<float> source, ReadOnlySpan<int> starts, int first, int firstRow, int validRows, int outputStride, int n,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c)
    {
        // Callers pass starts whose rows hold the panel and the column after it inside source; A holds depth x 8 weights.
        if (starts.Length < depth || a.Length < depth * WideBlockRows) throw new ArgumentException("A span is shorter than the sizes require.");
        int width = PanelWidth(WideBlockRows);
        var tile = new TileTarget(firstRow, validRows, outputStride, n, bias, residual, activation > Activation.Relu6 ? Activation.None : activation, c);
        Span<float> column = stackalloc float[WideBlockRows];
        Kernel8x3Wide<OneColumn>(a, depth, ref Unsafe.Add(ref MemoryMarshal.GetReference(source), first), ref MemoryMarshal.GetReference(starts), ref tile, ref MemoryMarshal.GetReference(column));
        if (activation > Activation.Relu6) Epilogue.ActivateRowsInPlace(c, firstRow * outputStride + n, validRows, outputStride, width, activation);
        FinishColumn(column.Slice(0, validRows), firstRow, n + width, bias, residual, activation, c, outputStride);
    }

    /// <summary>
    /// <see cref="Tile"/> of an 8-row block (512-bit vectors) that also stores the panel of B it reads, row k at k x
    /// the panel width of <paramref name="panel"/>, for the blocks after it to read there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileStoringPanel(ReadOnlySpan<float> a, int depth, ReadOnlySpan<float> source, ReadOnlySpan<int> starts, int n, int firstRow, int validRows, int outputStride,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, Span<float> panel)
    {
        // Callers pass starts whose rows hold the panel inside source; A holds depth x 8 weights.
        int width = PanelWidth(WideBlockRows);
        if (starts.Length < depth || a.Length < depth * WideBlockRows || panel.Length < depth * width) throw new ArgumentException("A span is shorter than the sizes require.");
        var tile = new TileTarget(firstRow, validRows, outputStride, n, bias, residual, activation > Activation.Relu6 ? Activation.None : activation, c);
        Kernel8x3Wide<StorePanel>(a, depth, ref Unsafe.Add(ref MemoryMarshal.GetReference(source), n), ref MemoryMarshal.GetReference(starts), ref tile, ref MemoryMarshal.GetReference(panel));
        if (activation > Activation.Relu6) Epilogue.ActivateRowsInPlace(c, firstRow * outputStride + n, validRows, outputStride, width, activation);
    }

    // Kernel8x3Wide's three forms: as it is, with the one more column of TileAndColumn, and storing the panel it reads
    // (TileStoringPanel). The JIT compiles each apart.
    private struct NoColumn;

    private struct OneColumn;

    private struct StorePanel;

    /// <summary>Where a tile's sums go, and what the epilogue adds on the way.</summary>
    private readonly ref struct TileTarget(int firstRow, int validRows, int outputStride, int n,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c)
    {
        private readonly ReadOnlySpan<float> _bias = bias;
        private readonly ReadOnlySpan<float> _residual = residual;
        private readonly Span<float> _c = c;

        /// <summary>
        /// What the tile's rows share, read once for all of them. Stored row by row from this struct, the JIT reloaded
        /// its fields and bounds-checked the bias for every row, as the stores before might have changed them (the
        /// 8-row kernel's epilogue was 1,087 instructions, now 487): depth-16 and depth-24 products ran 4% slower.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TileRows Rows()
        {
            // Multiply checked that C and the residual hold every row of the product, and the bias when it has one.
            if (_bias.Length != 0 && _bias.Length < firstRow + validRows) throw new ArgumentException("A span is shorter than the sizes require.");
            int offset = firstRow * outputStride + n;
            bool add = _residual.Length != 0;
            return new TileRows(ref Unsafe.Add(ref MemoryMarshal.GetReference(_c), offset), ref Unsafe.Add(ref MemoryMarshal.GetReference(_residual), add ? offset : 0),
                ref Unsafe.Add(ref MemoryMarshal.GetReference(_bias), _bias.Length != 0 ? firstRow : 0), outputStride, validRows, add, _bias.Length != 0, activation);
        }
    }

    /// <summary>A tile's rows from its first: where they go, the residual and bias beside them, and the epilogue.</summary>
    private readonly ref struct TileRows(ref float target, ref float residual, ref float bias, int stride, int validRows, bool addResidual, bool addBias, Activation activation)
    {
        private readonly ref float _target = ref target;
        private readonly ref float _residual = ref residual;
        private readonly ref float _bias = ref bias;

        /// <summary>Stores row <paramref name="row"/>: <paramref name="vectors"/> (2 or 3) sums plus the bias, through the <see cref="Epilogue"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int row, int vectors, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2)
        {
            if (row >= validRows) return;
            nint offset = (nint)row * stride;
            var b = addBias ? Vector512.Create(Unsafe.Add(ref _bias, row)) : Vector512<float>.Zero;
            Epilogue.Store(vectors, s0 + b, s1 + b, s2 + b, ref Unsafe.Add(ref _residual, addResidual ? offset : 0), addResidual, activation, ref Unsafe.Add(ref _target, offset));
        }

        /// <summary>Stores row <paramref name="row"/> of a one-vector tile.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int row, Vector512<float> s0)
        {
            if (row >= validRows) return;
            nint offset = (nint)row * stride;
            var b = addBias ? Vector512.Create(Unsafe.Add(ref _bias, row)) : Vector512<float>.Zero;
            Epilogue.Store(s0 + b, ref Unsafe.Add(ref _residual, addResidual ? offset : 0), addResidual, activation, ref Unsafe.Add(ref _target, offset), 0);
        }

        /// <summary>The same as <see cref="Store(int, int, Vector512{float}, Vector512{float}, Vector512{float})"/> with <see cref="Vector{T}"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int row, int vectors, Vector<float> s0, Vector<float> s1, Vector<float> s2)
        {
            if (row >= validRows) return;
            nint offset = (nint)row * stride;
            var b = addBias ? new Vector<float>(Unsafe.Add(ref _bias, row)) : Vector<float>.Zero;
            Epilogue.Store(vectors, s0 + b, s1 + b, s2 + b, ref Unsafe.Add(ref _residual, addResidual ? offset : 0), addResidual, activation, ref Unsafe.Add(ref _target, offset));
        }
    }

    // The micro-kernels differ only in block shape and vector type (.NET has no generic vector math to write
    // them once); each keeps its accumulators in registers across the whole depth.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel8x3Wide<TColumn>(ReadOnlySpan<float> a, int depth, ref float bp, ref int rowStart, ref TileTarget tile, ref float column)
        where TColumn : struct
    {
        const int v = 16;
        // With OneColumn, the sums of the 8 rows at column 3 x 16 (as ColumnByColumn takes them), stored to column; with
        // StorePanel, B's rows stored to column, the panel, 3 x 16 apart.
        Vector256<float> extra = default;
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector512<float> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        ref float ap = ref MemoryMarshal.GetReference(a);
        for (int k = 0; k < depth; k++)
        {
            ref float bk = ref Unsafe.Add(ref bp, Unsafe.Add(ref rowStart, k));
            var b0 = Vector512.LoadUnsafe(ref bk);
            var b1 = Vector512.LoadUnsafe(ref bk, v);
            var b2 = Vector512.LoadUnsafe(ref bk, 2 * v);
            ref float ak = ref Unsafe.Add(ref ap, k * 8);
            // The weights of the blocks to come, 4 KB ahead: streamed from memory (a network's weights that do not fit
            // in the L3 cache), the hardware prefetcher alone left the 7x7 products waiting. A prefetch never faults.
            if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref ak, WeightPrefetchFloats)));
            var w = Vector512.Create(ak);
            c00 = Vector512.FusedMultiplyAdd(w, b0, c00); c01 = Vector512.FusedMultiplyAdd(w, b1, c01); c02 = Vector512.FusedMultiplyAdd(w, b2, c02);
            w = Vector512.Create(Unsafe.Add(ref ak, 1));
            c10 = Vector512.FusedMultiplyAdd(w, b0, c10); c11 = Vector512.FusedMultiplyAdd(w, b1, c11); c12 = Vector512.FusedMultiplyAdd(w, b2, c12);
            w = Vector512.Create(Unsafe.Add(ref ak, 2));
            c20 = Vector512.FusedMultiplyAdd(w, b0, c20); c21 = Vector512.FusedMultiplyAdd(w, b1, c21); c22 = Vector512.FusedMultiplyAdd(w, b2, c22);
            w = Vector512.Create(Unsafe.Add(ref ak, 3));
            c30 = Vector512.FusedMultiplyAdd(w, b0, c30); c31 = Vector512.FusedMultiplyAdd(w, b1, c31); c32 = Vector512.FusedMultiplyAdd(w, b2, c32);
            w = Vector512.Create(Unsafe.Add(ref ak, 4));
            c40 = Vector512.FusedMultiplyAdd(w, b0, c40); c41 = Vector512.FusedMultiplyAdd(w, b1, c41); c42 = Vector512.FusedMultiplyAdd(w, b2, c42);
            w = Vector512.Create(Unsafe.Add(ref ak, 5));
            c50 = Vector512.FusedMultiplyAdd(w, b0, c50); c51 = Vector512.FusedMultiplyAdd(w, b1, c51); c52 = Vector512.FusedMultiplyAdd(w, b2, c52);
            w = Vector512.Create(Unsafe.Add(ref ak, 6));
            c60 = Vector512.FusedMultiplyAdd(w, b0, c60); c61 = Vector512.FusedMultiplyAdd(w, b1, c61); c62 = Vector512.FusedMultiplyAdd(w, b2, c62);
            w = Vector512.Create(Unsafe.Add(ref ak, 7));
            c70 = Vector512.FusedMultiplyAdd(w, b0, c70); c71 = Vector512.FusedMultiplyAdd(w, b1, c71); c72 = Vector512.FusedMultiplyAdd(w, b2, c72);
            if (typeof(TColumn) == typeof(OneColumn)) extra = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ak), Vector256.Create(Unsafe.Add(ref bk, 3 * v)), extra);
            if (typeof(TColumn) == typeof(StorePanel))
            {
                ref float to = ref Unsafe.Add(ref column, k * 3 * v);
                b0.StoreUnsafe(ref to);
                b1.StoreUnsafe(ref to, v);
                b2.StoreUnsafe(ref to, 2 * v);
            }
        }
        if (typeof(TColumn) == typeof(OneColumn)) extra.StoreUnsafe(ref column);
        var rows = tile.Rows();
        rows.Store(0, 3, c00, c01, c02);
        rows.Store(1, 3, c10, c11, c12);
        rows.Store(2, 3, c20, c21, c22);
        rows.Store(3, 3, c30, c31, c32);
        rows.Store(4, 3, c40, c41, c42);
        rows.Store(5, 3, c50, c51, c52);
        rows.Store(6, 3, c60, c61, c62);
        rows.Store(7, 3, c70, c71, c72);
    }

    /// <summary>
    /// 8 rows x one 512-bit vector of columns from <paramref name="first"/>, B's row k read in place at
    /// source[starts[k] + first]: the sums of <see cref="Kernel8x3Wide"/>, element for element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x1Wide(ReadOnlySpan<float> a, int depth, ReadOnlySpan<float> source, ReadOnlySpan<int> starts, int first, ref TileTarget tile)
    {
        // Multiply checked that every row of B lies inside source, columns [first, first + 16) inside the row.
        if (starts.Length < depth || a.Length < depth * WideBlockRows) throw new ArgumentException("A span is shorter than the sizes require.");
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        ref float ap = ref MemoryMarshal.GetReference(a);
        ref float bp = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), first);
        ref int rowStart = ref MemoryMarshal.GetReference(starts);
        for (int k = 0; k < depth; k++)
        {
            var b0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref bp, Unsafe.Add(ref rowStart, k)));
            ref float ak = ref Unsafe.Add(ref ap, k * 8);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(ak), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ak, 1)), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ak, 2)), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ak, 3)), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ak, 4)), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ak, 5)), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ak, 6)), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ak, 7)), b0, c7);
        }
        var rows = tile.Rows();
        rows.Store(0, c0);
        rows.Store(1, c1);
        rows.Store(2, c2);
        rows.Store(3, c3);
        rows.Store(4, c4);
        rows.Store(5, c5);
        rows.Store(6, c6);
        rows.Store(7, c7);
    }

    /// <summary>
    /// 8 rows x two 512-bit vectors of columns from <paramref name="first"/>, B's row k read in place at
    /// source[starts[k] + first]: the sums of <see cref="Kernel8x3Wide"/>, element for element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x2Wide(ReadOnlySpan<float> a, int depth, ReadOnlySpan<float> source, ReadOnlySpan<int> starts, int first, ref TileTarget tile)
    {
        // Multiply checked that every row of B lies inside source, columns [first, first + 32) inside the row.
        const int v = 16;
        if (starts.Length < depth || a.Length < depth * WideBlockRows) throw new ArgumentException("A span is shorter than the sizes require.");
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        ref float ap = ref MemoryMarshal.GetReference(a);
        ref float bp = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), first);
        ref int rowStart = ref MemoryMarshal.GetReference(starts);
        for (int k = 0; k < depth; k++)
        {
            ref float bk = ref Unsafe.Add(ref bp, Unsafe.Add(ref rowStart, k));
            var b0 = Vector512.LoadUnsafe(ref bk);
            var b1 = Vector512.LoadUnsafe(ref bk, v);
            ref float ak = ref Unsafe.Add(ref ap, k * 8);
            var w = Vector512.Create(ak);
            c00 = Vector512.FusedMultiplyAdd(w, b0, c00); c01 = Vector512.FusedMultiplyAdd(w, b1, c01);
            w = Vector512.Create(Unsafe.Add(ref ak, 1));
            c10 = Vector512.FusedMultiplyAdd(w, b0, c10); c11 = Vector512.FusedMultiplyAdd(w, b1, c11);
            w = Vector512.Create(Unsafe.Add(ref ak, 2));
            c20 = Vector512.FusedMultiplyAdd(w, b0, c20); c21 = Vector512.FusedMultiplyAdd(w, b1, c21);
            w = Vector512.Create(Unsafe.Add(ref ak, 3));
            c30 = Vector512.FusedMultiplyAdd(w, b0, c30); c31 = Vector512.FusedMultiplyAdd(w, b1, c31);
            w = Vector512.Create(Unsafe.Add(ref ak, 4));
            c40 = Vector512.FusedMultiplyAdd(w, b0, c40); c41 = Vector512.FusedMultiplyAdd(w, b1, c41);
            w = Vector512.Create(Unsafe.Add(ref ak, 5));
            c50 = Vector512.FusedMultiplyAdd(w, b0, c50); c51 = Vector512.FusedMultiplyAdd(w, b1, c51);
            w = Vector512.Create(Unsafe.Add(ref ak, 6));
            c60 = Vector512.FusedMultiplyAdd(w, b0, c60); c61 = Vector512.FusedMultiplyAdd(w, b1, c61);
            w = Vector512.Create(Unsafe.Add(ref ak, 7));
            c70 = Vector512.FusedMultiplyAdd(w, b0, c70); c71 = Vector512.FusedMultiplyAdd(w, b1, c71);
        }
        var rows = tile.Rows();
        rows.Store(0, 2, c00, c01, default);
        rows.Store(1, 2, c10, c11, default);
        rows.Store(2, 2, c20, c21, default);
        rows.Store(3, 2, c30, c31, default);
        rows.Store(4, 2, c40, c41, default);
        rows.Store(5, 2, c50, c51, default);
        rows.Store(6, 2, c60, c61, default);
        rows.Store(7, 2, c70, c71, default);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x3Wide(ReadOnlySpan<float> a, int depth, ref float bp, ref int rowStart, ref TileTarget tile)
    {
        const int v = 16;
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        ref float ap = ref MemoryMarshal.GetReference(a);
        for (int k = 0; k < depth; k++)
        {
            ref float bk = ref Unsafe.Add(ref bp, Unsafe.Add(ref rowStart, k));
            var b0 = Vector512.LoadUnsafe(ref bk);
            var b1 = Vector512.LoadUnsafe(ref bk, v);
            var b2 = Vector512.LoadUnsafe(ref bk, 2 * v);
            ref float ak = ref Unsafe.Add(ref ap, k * 4);
            var w = Vector512.Create(ak);
            c00 = Vector512.FusedMultiplyAdd(w, b0, c00); c01 = Vector512.FusedMultiplyAdd(w, b1, c01); c02 = Vector512.FusedMultiplyAdd(w, b2, c02);
            w = Vector512.Create(Unsafe.Add(ref ak, 1));
            c10 = Vector512.FusedMultiplyAdd(w, b0, c10); c11 = Vector512.FusedMultiplyAdd(w, b1, c11); c12 = Vector512.FusedMultiplyAdd(w, b2, c12);
            w = Vector512.Create(Unsafe.Add(ref ak, 2));
            c20 = Vector512.FusedMultiplyAdd(w, b0, c20); c21 = Vector512.FusedMultiplyAdd(w, b1, c21); c22 = Vector512.FusedMultiplyAdd(w, b2, c22);
            w = Vector512.Create(Unsafe.Add(ref ak, 3));
            c30 = Vector512.FusedMultiplyAdd(w, b0, c30); c31 = Vector512.FusedMultiplyAdd(w, b1, c31); c32 = Vector512.FusedMultiplyAdd(w, b2, c32);
        }
        var rows = tile.Rows();
        rows.Store(0, 3, c00, c01, c02);
        rows.Store(1, 3, c10, c11, c12);
        rows.Store(2, 3, c20, c21, c22);
        rows.Store(3, 3, c30, c31, c32);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x3(ReadOnlySpan<float> a, int depth, ref float bp, ref int rowStart, ref TileTarget tile)
    {
        int v = Vector<float>.Count;
        Vector<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        ref float ap = ref MemoryMarshal.GetReference(a);
        for (int k = 0; k < depth; k++)
        {
            ref float bk = ref Unsafe.Add(ref bp, Unsafe.Add(ref rowStart, k));
            var b0 = Vector.LoadUnsafe(ref bk);
            var b1 = Vector.LoadUnsafe(ref bk, (nuint)v);
            var b2 = Vector.LoadUnsafe(ref bk, (nuint)(2 * v));
            ref float ak = ref Unsafe.Add(ref ap, k * 4);
            var w = new Vector<float>(ak);
            c00 = Madd(w, b0, c00); c01 = Madd(w, b1, c01); c02 = Madd(w, b2, c02);
            w = new Vector<float>(Unsafe.Add(ref ak, 1));
            c10 = Madd(w, b0, c10); c11 = Madd(w, b1, c11); c12 = Madd(w, b2, c12);
            w = new Vector<float>(Unsafe.Add(ref ak, 2));
            c20 = Madd(w, b0, c20); c21 = Madd(w, b1, c21); c22 = Madd(w, b2, c22);
            w = new Vector<float>(Unsafe.Add(ref ak, 3));
            c30 = Madd(w, b0, c30); c31 = Madd(w, b1, c31); c32 = Madd(w, b2, c32);
        }
        var rows = tile.Rows();
        rows.Store(0, 3, c00, c01, c02);
        rows.Store(1, 3, c10, c11, c12);
        rows.Store(2, 3, c20, c21, c22);
        rows.Store(3, 3, c30, c31, c32);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x2Wide(ReadOnlySpan<float> a, int depth, ref float bp, ref int rowStart, ref TileTarget tile)
    {
        const int v = 16;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        ref float ap = ref MemoryMarshal.GetReference(a);
        for (int k = 0; k < depth; k++)
        {
            ref float bk = ref Unsafe.Add(ref bp, Unsafe.Add(ref rowStart, k));
            var b0 = Vector512.LoadUnsafe(ref bk);
            var b1 = Vector512.LoadUnsafe(ref bk, v);
            ref float ak = ref Unsafe.Add(ref ap, k * 6);
            var w = Vector512.Create(ak);
            c00 = Vector512.FusedMultiplyAdd(w, b0, c00); c01 = Vector512.FusedMultiplyAdd(w, b1, c01);
            w = Vector512.Create(Unsafe.Add(ref ak, 1));
            c10 = Vector512.FusedMultiplyAdd(w, b0, c10); c11 = Vector512.FusedMultiplyAdd(w, b1, c11);
            w = Vector512.Create(Unsafe.Add(ref ak, 2));
            c20 = Vector512.FusedMultiplyAdd(w, b0, c20); c21 = Vector512.FusedMultiplyAdd(w, b1, c21);
            w = Vector512.Create(Unsafe.Add(ref ak, 3));
            c30 = Vector512.FusedMultiplyAdd(w, b0, c30); c31 = Vector512.FusedMultiplyAdd(w, b1, c31);
            w = Vector512.Create(Unsafe.Add(ref ak, 4));
            c40 = Vector512.FusedMultiplyAdd(w, b0, c40); c41 = Vector512.FusedMultiplyAdd(w, b1, c41);
            w = Vector512.Create(Unsafe.Add(ref ak, 5));
            c50 = Vector512.FusedMultiplyAdd(w, b0, c50); c51 = Vector512.FusedMultiplyAdd(w, b1, c51);
        }
        var rows = tile.Rows();
        rows.Store(0, 2, c00, c01, default);
        rows.Store(1, 2, c10, c11, default);
        rows.Store(2, 2, c20, c21, default);
        rows.Store(3, 2, c30, c31, default);
        rows.Store(4, 2, c40, c41, default);
        rows.Store(5, 2, c50, c51, default);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x2(ReadOnlySpan<float> a, int depth, ref float bp, ref int rowStart, ref TileTarget tile)
    {
        int v = Vector<float>.Count;
        Vector<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        ref float ap = ref MemoryMarshal.GetReference(a);
        for (int k = 0; k < depth; k++)
        {
            ref float bk = ref Unsafe.Add(ref bp, Unsafe.Add(ref rowStart, k));
            var b0 = Vector.LoadUnsafe(ref bk);
            var b1 = Vector.LoadUnsafe(ref bk, (nuint)v);
            ref float ak = ref Unsafe.Add(ref ap, k * 6);
            var w = new Vector<float>(ak);
            c00 = Madd(w, b0, c00); c01 = Madd(w, b1, c01);
            w = new Vector<float>(Unsafe.Add(ref ak, 1));
            c10 = Madd(w, b0, c10); c11 = Madd(w, b1, c11);
            w = new Vector<float>(Unsafe.Add(ref ak, 2));
            c20 = Madd(w, b0, c20); c21 = Madd(w, b1, c21);
            w = new Vector<float>(Unsafe.Add(ref ak, 3));
            c30 = Madd(w, b0, c30); c31 = Madd(w, b1, c31);
            w = new Vector<float>(Unsafe.Add(ref ak, 4));
            c40 = Madd(w, b0, c40); c41 = Madd(w, b1, c41);
            w = new Vector<float>(Unsafe.Add(ref ak, 5));
            c50 = Madd(w, b0, c50); c51 = Madd(w, b1, c51);
        }
        var rows = tile.Rows();
        rows.Store(0, 2, c00, c01, default);
        rows.Store(1, 2, c10, c11, default);
        rows.Store(2, 2, c20, c21, default);
        rows.Store(3, 2, c30, c31, default);
        rows.Store(4, 2, c40, c41, default);
        rows.Store(5, 2, c50, c51, default);
    }

    /// <summary>
    /// A product narrower than one panel (wider ones end on a panel overlapping the one before it): its columns are
    /// copied into a zero-padded panel and run through the same micro-kernel into a small tile, of which the valid
    /// columns are kept, so that the tail runs at the micro-kernel's speed, not a scalar loop's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Remainder(ReadOnlySpan<float> a, int rows, int depth, ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns, int first, int last,
        int firstBlock, int lastBlock, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, int outputStride)
    {
        int blockRows = BlockRows(rows);
        int width = PanelWidth(blockRows), count = last - first;
        int panelLength = depth * width;
        var panel = ThreadScratch.Get(ref t_panel, panelLength);
        GatherPanel(b, rowStarts, columns, depth, first, count, width, panel);
        var panelStarts = Starts(ref t_panelStarts, depth, width);
        Span<float> tile = stackalloc float[blockRows * width];
        for (int block = firstBlock; block < lastBlock; block++)
        {
            int firstRow = block * blockRows, valid = Math.Min(blockRows, rows - firstRow);
            Tile(blockRows, a.Slice(block * depth * blockRows), depth, panel, panelStarts, 0, 0, valid, width, 0,
                bias.Length != 0 ? bias.Slice(firstRow, valid) : default, default, Activation.None, tile);
            for (int row = 0; row < valid; row++)
            {
                int at = (firstRow + row) * outputStride + first;
                Epilogue.StoreRun(tile.Slice(row * width, count), residual.Length != 0 ? residual.Slice(at, count) : default, activation, c.Slice(at, count));
            }
        }
    }
}
