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
/// ([depth x columns] row-major: channels x pixels for a 1x1 conv, the im2col matrix otherwise).
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
    public static unsafe void Multiply(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, WorkerTeam? team = null)
    {
        int blocks = (rows + RowBlock - 1) / RowBlock;
        if (packedA.Length < blocks * depth * RowBlock || b.Length < depth * columns || c.Length < rows * columns
            || (bias.Length != 0 && bias.Length < rows) || (residual.Length != 0 && residual.Length < rows * columns))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }

        int width = PanelWidth;
        int panels = columns / width;
        if (team is not null && panels >= 2 * team.Threads && team.TryAcquire())
        {
            try
            {
                // Each thread takes a contiguous run of column panels: whole outputs, the same sums as one thread.
                fixed (float* a = packedA, bp = b, biasPointer = bias, residualPointer = residual, cp = c)
                {
                    var work = team.GemmWork ??= new Work();
                    work.Set(a, packedA.Length, rows, depth, bp, b.Length, columns, biasPointer, bias.Length, residualPointer, residual.Length, activation, cp, c.Length, panels);
                    team.Run(work);
                }
                return;
            }
            finally
            {
                team.Release();
            }
        }
        Columns(packedA, rows, depth, b, columns, bias, residual, activation, c, 0, columns);
    }

    /// <summary>The product restricted to output columns [first, last): first is a multiple of the panel width.</summary>
    private static void Columns(ReadOnlySpan<float> packedA, int rows, int depth, ReadOnlySpan<float> b, int columns,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c, int first, int last)
    {
        int blocks = (rows + RowBlock - 1) / RowBlock;
        int width = PanelWidth;
        int n = first;
        int end = first + (last - first) / width * width;
        if (end - n >= width && blocks >= 2)
        {
            // Copy each panel of B (depth x width) into a contiguous buffer first: read in place, its rows sit a
            // whole image row apart and, at power-of-two sizes, evict each other from the L1 cache. The copy
            // pays off once two or more row blocks reuse the panel.
            int panelLength = depth * width;
            var panel = t_panel is { } buffer && buffer.Length >= panelLength ? buffer : t_panel = new float[panelLength];
            for (; n < end; n += width)
            {
                for (int k = 0; k < depth; k++) b.Slice(k * columns + n, width).CopyTo(panel.AsSpan(k * width, width));
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
        if (n < last) Remainder(packedA, rows, depth, b, columns, n, last, bias, residual, activation, c);
    }

    /// <summary>The product's arguments as pointers, so that other threads can run their share of the columns.</summary>
    internal sealed unsafe class Work : TeamWork
    {
        private float* _a, _b, _bias, _residual, _c;
        private int _aLength, _bLength, _biasLength, _residualLength, _cLength, _rows, _depth, _columns, _panels;
        private Activation _activation;

        public void Set(float* a, int aLength, int rows, int depth, float* b, int bLength, int columns, float* bias, int biasLength,
            float* residual, int residualLength, Activation activation, float* c, int cLength, int panels)
        {
            _a = a;
            _aLength = aLength;
            _rows = rows;
            _depth = depth;
            _b = b;
            _bLength = bLength;
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

        public override void Execute(int part, int parts)
        {
            int width = PanelWidth;
            int first = _panels * part / parts * width;
            int last = part == parts - 1 ? _columns : _panels * (part + 1) / parts * width;
            Columns(new ReadOnlySpan<float>(_a, _aLength), _rows, _depth, new ReadOnlySpan<float>(_b, _bLength), _columns,
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

    /// <summary>The columns that do not fill a whole micro-kernel tile, one at a time.</summary>
    private static void Remainder(ReadOnlySpan<float> a, int rows, int depth, ReadOnlySpan<float> b, int columns, int first, int last,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> c)
    {
        for (int row = 0; row < rows; row++)
        {
            int block = row / RowBlock, lane = row % RowBlock;
            var weights = a.Slice(block * depth * RowBlock);
            for (int n = first; n < last; n++)
            {
                float sum = bias.Length != 0 ? bias[row] : 0f;
                for (int k = 0; k < depth; k++) sum += weights[k * RowBlock + lane] * b[k * columns + n];
                if (residual.Length != 0) sum += residual[row * columns + n];
                if (activation != Activation.None) sum = sum > 0f ? (activation == Activation.Relu6 && sum > 6f ? 6f : sum) : 0f;
                c[row * columns + n] = sum;
            }
        }
    }

    /// <summary>a * b + c, fused where the hardware has FMA (the JIT folds the check away).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Madd(Vector<float> a, Vector<float> b, Vector<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported
            ? Vector.FusedMultiplyAdd(a, b, c)
            : a * b + c;

    /// <summary>
    /// Writes the im2col matrix of one group's input: row (channel, ky, kx) holds, for every output pixel, the
    /// input value that tap reads (zero where it reads padding). The product of the packed weights with it
    /// is the convolution.
    /// </summary>
    /// <param name="input">The group's input, channels x height x width.</param>
    /// <param name="channels">Input channels of the group.</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    /// <param name="kernel">Square kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="dilation">Dilation.</param>
    /// <param name="outputHeight">Output height.</param>
    /// <param name="outputWidth">Output width.</param>
    /// <param name="columns">Receives [channels * kernel * kernel] rows of outputHeight * outputWidth floats.</param>
    public static void Im2Col(ReadOnlySpan<float> input, int channels, int height, int width, int kernel, int stride, int padding, int dilation,
        int outputHeight, int outputWidth, Span<float> columns)
    {
        int plane = height * width, outPlane = outputHeight * outputWidth;
        if (input.Length < channels * plane || columns.Length < channels * kernel * kernel * outPlane) throw new ArgumentException("A span is shorter than the sizes require.");
        for (int ky = 0; ky < kernel; ky++)
        {
            int dy = ky * dilation - padding;
            for (int kx = 0; kx < kernel; kx++)
            {
                int dx = kx * dilation - padding;
                // Output columns whose input column lies inside the image.
                int first = dx >= 0 ? 0 : (-dx + stride - 1) / stride;
                int last = width - 1 - dx < 0 ? 0 : Math.Min(outputWidth, (width - 1 - dx) / stride + 1);
                if (first > last) first = last;
                for (int channel = 0; channel < channels; channel++)
                {
                    var source = input.Slice(channel * plane, plane);
                    var row = columns.Slice(((channel * kernel + ky) * kernel + kx) * outPlane, outPlane);
                    for (int oy = 0; oy < outputHeight; oy++)
                    {
                        var target = row.Slice(oy * outputWidth, outputWidth);
                        int iy = oy * stride + dy;
                        if ((uint)iy >= (uint)height)
                        {
                            target.Clear();
                            continue;
                        }
                        target.Slice(0, first).Clear();
                        target.Slice(last).Clear();
                        int start = iy * width + first * stride + dx;
                        if (stride == 1)
                        {
                            source.Slice(start, last - first).CopyTo(target.Slice(first, last - first));
                        }
                        else if (last > first)
                        {
                            // Bounds were checked above (the last read is inside the row): read without checks.
                            if (start + (last - first - 1) * stride >= source.Length) throw new ArgumentException("The sizes do not describe a valid convolution.");
                            ref float from = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), start);
                            ref float to = ref Unsafe.Add(ref MemoryMarshal.GetReference(target), first);
                            for (int i = 0, count = last - first; i < count; i++) Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i * stride);
                        }
                    }
                }
            }
        }
    }
}
