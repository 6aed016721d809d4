using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GroupNetDsl.Kernels;

/// <summary>What a kernel applies to each output after the bias (and residual) are added.</summary>
public enum Activation
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>min(max(x, 0), 6).</summary>
    Relu6,
}

/// <summary>
/// The matrix product behind every non-depthwise convolution: C = A x B + bias (+ residual), then an
/// activation, with A the weights of one group ([rows x depth], packed at load) and B the group's input
/// ([depth x columns]: channels x pixels for a 1x1 conv, shifted views of the input otherwise; see <see cref="Convolution"/>).
/// </summary>
/// <remarks>
/// A register-blocked micro-kernel computes 6 rows x 2 vectors of columns at a time: 12 accumulators, two
/// loads of B and six broadcasts of A per step of depth, so the FMA units, not memory, set the pace. The
/// vector width is <see cref="Vector{T}"/>'s, chosen by the JIT for the machine (8 floats with AVX2); the
/// same code runs, slower, where nothing is accelerated.
/// </remarks>
public static class PackedGemm
{
    /// <summary>Rows of A computed together by the micro-kernel.</summary>
    public const int RowBlock = 6;

    // One B panel per thread, grown to the largest depth seen: after the first call nothing is allocated.
    [ThreadStatic]
    private static float[]? t_panel;

    /// <summary>Floats that <see cref="Pack"/> produces for the given sizes.</summary>
    /// <param name="groups">Independent groups.</param>
    /// <param name="rows">Rows (output channels) per group.</param>
    /// <param name="depth">Depth (input channels x kernel taps) per group.</param>
    /// <returns>The packed length.</returns>
    public static int PackedLength(int groups, int rows, int depth) => groups * ((rows + RowBlock - 1) / RowBlock) * depth * RowBlock;

    /// <summary>
    /// Reorders weights laid out [groups][rows][depth] (PyTorch's conv weight order) into
    /// [groups][row block][depth][6], padding the last block with zero rows.
    /// </summary>
    /// <param name="weight">The weights.</param>
    /// <param name="groups">Independent groups.</param>
    /// <param name="rows">Rows per group.</param>
    /// <param name="depth">Depth per group.</param>
    /// <returns>The packed weights.</returns>
    public static float[] Pack(ReadOnlySpan<float> weight, int groups, int rows, int depth)
    {
        if (weight.Length != groups * rows * depth) throw new ArgumentException($"Expected {groups * rows * depth} weights but got {weight.Length}.", nameof(weight));
        int blocks = (rows + RowBlock - 1) / RowBlock;
        var packed = new float[PackedLength(groups, rows, depth)];
        for (int g = 0; g < groups; g++)
        {
            for (int row = 0; row < rows; row++)
            {
                int block = row / RowBlock, lane = row % RowBlock;
                int source = (g * rows + row) * depth;
                int target = ((g * blocks + block) * depth) * RowBlock + lane;
                for (int k = 0; k < depth; k++) packed[target + k * RowBlock] = weight[source + k];
            }
        }
        return packed;
    }

    /// <summary>c[m, n] = activation(bias[m] + sum over k of a[m, k] * b[k, n] + residual[m, n]).</summary>
    /// <param name="packedA">One group's packed weights (see <see cref="Pack"/>).</param>
    /// <param name="rows">Rows of A and C.</param>
    /// <param name="depth">Columns of A, rows of B.</param>
    /// <param name="b">B, [depth x columns] row-major.</param>
    /// <param name="columns">Columns of B and C.</param>
    /// <param name="bias">One value per row, or empty for none.</param>
    /// <param name="residual">A [rows x columns] tensor to add, or empty for none.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="c">The output, [rows x columns].</param>
    /// <param name="team">Threads to split the columns among, or null for the calling thread alone.</param>
    public static void Multiply(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, WorkerTeam? team = null) =>
        Multiply(packedA, rows, depth, b, default, columns, bias, residual, activation, c, team);

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
    /// <param name="residual">A [rows x columns] tensor to add, or empty for none.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="c">The output, [rows x columns].</param>
    /// <param name="team">Threads to split the columns among, or null for the calling thread alone.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Multiply(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, WorkerTeam? team = null)
    {
        int blocks = (rows + RowBlock - 1) / RowBlock;
        if (packedA.Length < blocks * depth * RowBlock || c.Length < rows * columns
            || (bias.Length != 0 && bias.Length < rows) || (residual.Length != 0 && residual.Length < rows * columns))
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

        int width = PanelWidth;
        int panels = columns / width;
        if (team is not null && panels >= 2 * team.Threads && team.TryAcquire())
        {
            try
            {
                // Each thread takes a contiguous run of column panels: whole outputs, the same sums as one thread.
                fixed (float* a = packedA, bp = b, biasPointer = bias, residualPointer = residual, cp = c)
                fixed (int* starts = rowStarts)
                {
                    var work = team.WorkOf<Work>();
                    work.Set(a, packedA.Length, rows, depth, bp, b.Length, starts, rowStarts.Length, columns, biasPointer, bias.Length, residualPointer, residual.Length, activation, cp, c.Length, panels);
                    team.Run(work);
                }
                return;
            }
            finally
            {
                team.Release();
            }
        }
        Columns(packedA, rows, depth, b, rowStarts, columns, bias, residual, activation, c, 0, columns);
    }

    /// <summary>The product restricted to output columns [first, last): first is a multiple of the panel width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, int first, int last)
    {
        int blocks = (rows + RowBlock - 1) / RowBlock;
        int width = PanelWidth;
        int n = first;
        int end = first + (last - first) / width * width;
        if (end - n >= width && (blocks >= 2 || !rowStarts.IsEmpty))
        {
            // Copy each panel of B (depth x width) into a contiguous buffer first: read in place, its rows sit a
            // whole image row apart and, at power-of-two sizes, evict each other from the L1 cache. The copy
            // pays off once two or more row blocks reuse the panel, and gathers B's rows when they are given
            // by their starts.
            int panelLength = depth * width;
            var panel = t_panel is { } buffer && buffer.Length >= panelLength ? buffer : t_panel = new float[panelLength];
            for (; n < end; n += width)
            {
                GatherPanel(b, rowStarts, columns, depth, n, width, width, panel);
                for (int block = 0; block < blocks; block++)
                {
                    Tile(packedA.Slice(block * depth * RowBlock), depth, panel, 0, width, n, block * RowBlock, Math.Min(RowBlock, rows - block * RowBlock), columns, bias, residual, activation, c);
                }
            }
        }
        for (; n < end; n += width)
        {
            for (int block = 0; block < blocks; block++)
            {
                Tile(packedA.Slice(block * depth * RowBlock), depth, b, n, columns, n, block * RowBlock, Math.Min(RowBlock, rows - block * RowBlock), columns, bias, residual, activation, c);
            }
        }
        if (n < last) Remainder(packedA, rows, depth, b, rowStarts, columns, n, last, bias, residual, activation, c);
    }

    /// <summary>Copies columns [n, n + count) of B's rows into a [depth x width] panel, zero-filling past count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherPanel(ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns, int depth, int n, int count, int width, float[] panel)
    {
        ref float source = ref MemoryMarshal.GetReference(b);
        ref float target = ref MemoryMarshal.GetArrayDataReference(panel);
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
                for (int i = 0; i < count; i++) Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
                for (int i = count; i < width; i++) Unsafe.Add(ref to, i) = 0f;
            }
        }
    }

    /// <summary>The product's arguments as pointers, so that other threads can run their share of the columns.</summary>
    internal sealed unsafe class Work : TeamWork
    {
        private float* _a, _b, _bias, _residual, _c;
        private int* _starts;
        private int _aLength, _bLength, _startsLength, _biasLength, _residualLength, _cLength, _rows, _depth, _columns, _panels;
        private Activation _activation;

        public void Set(float* a, int aLength, int rows, int depth, float* b, int bLength, int* starts, int startsLength, int columns, float* bias, int biasLength,
            float* residual, int residualLength, Activation activation, float* c, int cLength, int panels)
        {
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

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            int width = PanelWidth;
            int first = _panels * part / parts * width;
            int last = part == parts - 1 ? _columns : _panels * (part + 1) / parts * width;
            Columns(new ReadOnlySpan<float>(_a, _aLength), _rows, _depth, new ReadOnlySpan<float>(_b, _bLength), new ReadOnlySpan<int>(_starts, _startsLength), _columns,
                new ReadOnlySpan<float>(_bias, _biasLength), new ReadOnlySpan<float>(_residual, _residualLength), _activation,
                new Span<float>(_c, _cLength), first, last);
        }
    }

    /// <summary>Columns one micro-kernel tile covers: two of the widest vectors the machine accelerates.</summary>
    private static int PanelWidth => Vector512.IsHardwareAccelerated ? 2 * Vector512<float>.Count : 2 * Vector<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(ReadOnlySpan<float> a, int depth, ReadOnlySpan<float> source, int first, int stride, int n, int firstRow, int validRows, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c)
    {
        if (Vector512.IsHardwareAccelerated) MicroKernel512(a, depth, source, first, stride, n, firstRow, validRows, columns, bias, residual, activation, c);
        else MicroKernel(a, depth, source, first, stride, n, firstRow, validRows, columns, bias, residual, activation, c);
    }

    /// <summary>
    /// The micro-kernel with 512-bit vectors (AVX-512): the same 6 x 2 tile, twice the columns. Kept apart from
    /// <see cref="MicroKernel"/> because <see cref="Vector{T}"/> stays 256 bits wide even where 512 are fast.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel512(ReadOnlySpan<float> a, int depth, ReadOnlySpan<float> source, int first, int stride, int n, int firstRow, int validRows, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c)
    {
        int v = Vector512<float>.Count;
        if (source.Length < first + (depth - 1) * stride + 2 * v || a.Length < depth * RowBlock) throw new ArgumentException("A span is shorter than the sizes require.");
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        ref float ap = ref MemoryMarshal.GetReference(a);
        ref float bp = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), first);
        for (int k = 0; k < depth; k++)
        {
            var b0 = Vector512.LoadUnsafe(ref bp, (nuint)(k * stride));
            var b1 = Vector512.LoadUnsafe(ref bp, (nuint)(k * stride + v));
            ref float ak = ref Unsafe.Add(ref ap, k * RowBlock);
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
        Store512(c00, c01, firstRow, columns, n, bias, residual, activation, c);
        if (validRows > 1) Store512(c10, c11, firstRow + 1, columns, n, bias, residual, activation, c);
        if (validRows > 2) Store512(c20, c21, firstRow + 2, columns, n, bias, residual, activation, c);
        if (validRows > 3) Store512(c30, c31, firstRow + 3, columns, n, bias, residual, activation, c);
        if (validRows > 4) Store512(c40, c41, firstRow + 4, columns, n, bias, residual, activation, c);
        if (validRows > 5) Store512(c50, c51, firstRow + 5, columns, n, bias, residual, activation, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(Vector512<float> low, Vector512<float> high, int row, int columns, int n,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c)
    {
        int v = Vector512<float>.Count;
        int offset = row * columns + n;
        if (bias.Length != 0)
        {
            var value = Vector512.Create(bias[row]);
            low += value;
            high += value;
        }
        if (residual.Length != 0)
        {
            ref float r = ref MemoryMarshal.GetReference(residual);
            low += Vector512.LoadUnsafe(ref r, (nuint)offset);
            high += Vector512.LoadUnsafe(ref r, (nuint)(offset + v));
        }
        if (activation != Activation.None)
        {
            low = Vector512.Max(low, Vector512<float>.Zero);
            high = Vector512.Max(high, Vector512<float>.Zero);
            if (activation == Activation.Relu6)
            {
                var six = Vector512.Create(6f);
                low = Vector512.Min(low, six);
                high = Vector512.Min(high, six);
            }
        }
        ref float cp = ref MemoryMarshal.GetReference(c);
        low.StoreUnsafe(ref cp, (nuint)offset);
        high.StoreUnsafe(ref cp, (nuint)(offset + v));
    }

    /// <summary>
    /// 6 rows x 2 vectors of C (columns n..) from a packed A block and B read at <paramref name="first"/> with
    /// <paramref name="stride"/> floats between rows (a packed panel, or B itself).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(ReadOnlySpan<float> a, int depth, ReadOnlySpan<float> source, int first, int stride, int n, int firstRow, int validRows, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c)
    {
        int v = Vector<float>.Count;
        if (source.Length < first + (depth - 1) * stride + 2 * v || a.Length < depth * RowBlock) throw new ArgumentException("A span is shorter than the sizes require.");
        Vector<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        ref float ap = ref MemoryMarshal.GetReference(a);
        ref float bp = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), first);
        for (int k = 0; k < depth; k++)
        {
            var b0 = Vector.LoadUnsafe(ref bp, (nuint)(k * stride));
            var b1 = Vector.LoadUnsafe(ref bp, (nuint)(k * stride + v));
            ref float ak = ref Unsafe.Add(ref ap, k * RowBlock);
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
        Store(c00, c01, firstRow, columns, n, bias, residual, activation, c);
        if (validRows > 1) Store(c10, c11, firstRow + 1, columns, n, bias, residual, activation, c);
        if (validRows > 2) Store(c20, c21, firstRow + 2, columns, n, bias, residual, activation, c);
        if (validRows > 3) Store(c30, c31, firstRow + 3, columns, n, bias, residual, activation, c);
        if (validRows > 4) Store(c40, c41, firstRow + 4, columns, n, bias, residual, activation, c);
        if (validRows > 5) Store(c50, c51, firstRow + 5, columns, n, bias, residual, activation, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<float> low, Vector<float> high, int row, int columns, int n,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c)
    {
        int v = Vector<float>.Count;
        int offset = row * columns + n;
        if (bias.Length != 0)
        {
            var value = new Vector<float>(bias[row]);
            low += value;
            high += value;
        }
        if (residual.Length != 0)
        {
            ref float r = ref MemoryMarshal.GetReference(residual);
            low += Vector.LoadUnsafe(ref r, (nuint)offset);
            high += Vector.LoadUnsafe(ref r, (nuint)(offset + v));
        }
        if (activation != Activation.None)
        {
            low = Vector.Max(low, Vector<float>.Zero);
            high = Vector.Max(high, Vector<float>.Zero);
            if (activation == Activation.Relu6)
            {
                var six = new Vector<float>(6f);
                low = Vector.Min(low, six);
                high = Vector.Min(high, six);
            }
        }
        ref float cp = ref MemoryMarshal.GetReference(c);
        low.StoreUnsafe(ref cp, (nuint)offset);
        high.StoreUnsafe(ref cp, (nuint)(offset + v));
    }

    /// <summary>
    /// The columns that do not fill a whole micro-kernel tile (fewer than <see cref="PanelWidth"/>): copied into a
    /// zero-padded panel and run through the same micro-kernel into a small tile, of which the valid columns are kept.
    /// A scalar loop here cost as much as the rest of a 784-column product.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Remainder(ReadOnlySpan<float> a, int rows, int depth, ReadOnlySpan<float> b, ReadOnlySpan<int> rowStarts, int columns, int first, int last,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c)
    {
        int width = PanelWidth, count = last - first;
        int panelLength = depth * width;
        var buffer = t_panel is { } existing && existing.Length >= panelLength ? existing : t_panel = new float[panelLength];
        GatherPanel(b, rowStarts, columns, depth, first, count, width, buffer);
        var panel = buffer.AsSpan(0, panelLength);
        Span<float> tile = stackalloc float[RowBlock * width];
        int blocks = (rows + RowBlock - 1) / RowBlock;
        for (int block = 0; block < blocks; block++)
        {
            int firstRow = block * RowBlock, valid = Math.Min(RowBlock, rows - firstRow);
            Tile(a.Slice(block * depth * RowBlock), depth, panel, 0, width, 0, 0, valid, width,
                bias.Length != 0 ? bias.Slice(firstRow, valid) : default, default, Activation.None, tile);
            for (int row = 0; row < valid; row++)
            {
                var sums = tile.Slice(row * width, count);
                var target = c.Slice((firstRow + row) * columns + first, count);
                var added = residual.Length != 0 ? residual.Slice((firstRow + row) * columns + first, count) : default;
                for (int j = 0; j < count; j++)
                {
                    float sum = sums[j];
                    if (added.Length != 0) sum += added[j];
                    if (activation != Activation.None) sum = sum > 0f ? (activation == Activation.Relu6 && sum > 6f ? 6f : sum) : 0f;
                    target[j] = sum;
                }
            }
        }
    }

    /// <summary>a * b + c, fused where the hardware has FMA (the JIT folds the check away).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Madd(Vector<float> a, Vector<float> b, Vector<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported
            ? Vector.FusedMultiplyAdd(a, b, c)
            : a * b + c;
}
