using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GroupNetDsl.Kernels;

/// <summary>
/// Max pooling (nn.MaxPool2d, ceil_mode false), channel by channel: each input row's maxima over the window's columns
/// first, then each output row's over the window's rows, in vectors. A NaN in a window wins, as in PyTorch. The 3x3
/// window at stride 2 (the ResNet stem's pool) reads the input in place and makes each output row from its window's
/// rows while they are in cache (<see cref="Window3Stride2"/>).
/// </summary>
/// <remarks>
/// The result is, bit for bit, the window's positions taken in row-major order from negative infinity, each replacing
/// the running value when greater or NaN (<see cref="AnyValues"/>): the last NaN of the window, else its first
/// largest value. Taking each row's first and then the rows' gives the same value, and padding is negative infinity,
/// which never replaces anything; so rows, vectors and threads do not change any bit.
/// </remarks>
public static class PoolKernel
{
    private const int Lanes = 16;

    // One input row with the padding on both sides as negative infinity, and a vector's slack.
    [ThreadStatic]
    private static float[]? t_row;

    // A channel's row maxima: one row of output width per input row.
    [ThreadStatic]
    private static float[]? t_rowMaxima;

    // The 3x3 stride 2 path's kept row maxima: two rows of pitch, the one read and the one written.
    [ThreadStatic]
    private static float[]? t_keptRows;

    /// <summary>output = max pool of input, channels x height x width.</summary>
    /// <param name="channels">Channels.</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    /// <param name="kernelSize">The window's size.</param>
    /// <param name="stride">The window's step.</param>
    /// <param name="padding">Padding on each side, at most half the window.</param>
    /// <param name="input">The input, channels x height x width.</param>
    /// <param name="output">The output, channels x output height x output width.</param>
    /// <param name="team">Threads to share the channels, or null.</param>
    public static unsafe void MaxPool(int channels, int height, int width, int kernelSize, int stride, int padding, ReadOnlySpan<float> input, Span<float> output, WorkerTeam? team)
    {
        var shape = Shape(channels, height, width, kernelSize, stride, padding);
        if (input.Length < (long)channels * height * width || output.Length < (long)channels * shape.OutputHeight * shape.OutputWidth)
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        if (team is not null && channels >= 2 && team.TryAcquire())
        {
            try
            {
                fixed (float* inputPointer = input, outputPointer = output)
                {
                    var work = team.WorkOf<Work>();
                    work.Set(shape, inputPointer, input.Length, outputPointer, output.Length);
                    team.Run(work);
                }
                return;
            }
            finally
            {
                team.Release();
            }
        }
        Channels(shape, 0, channels, input, output);
    }

    /// <summary>The pool's sizes as a convolution's (a depthwise one with a window of ones), checked.</summary>
    private static ConvolutionShape Shape(int channels, int height, int width, int kernelSize, int stride, int padding)
    {
        if (channels < 1 || height < 1 || width < 1 || kernelSize < 1 || stride < 1 || padding < 0 || padding > kernelSize / 2
            || (long)height + 2 * padding < kernelSize || (long)width + 2 * padding < kernelSize
            || (long)channels * height * width > KernelLayout.MaxBufferLength)
        {
            throw new ArgumentException($"No max pool {kernelSize}x{kernelSize}, stride {stride}, padding {padding} over {channels}x{height}x{width}.");
        }
        int outputHeight = (height + 2 * padding - kernelSize) / stride + 1, outputWidth = (width + 2 * padding - kernelSize) / stride + 1;
        return new ConvolutionShape(channels, height, width, channels, outputHeight, outputWidth, kernelSize, stride, padding, 1, channels);
    }

    /// <summary>A step of the running maximum: <c>value</c> replaces <c>current</c> when greater or NaN.</summary>
    private interface IStep
    {
        static abstract float Max(float current, float value);

        static abstract Vector512<float> Max(Vector512<float> current, Vector512<float> value);

        static abstract Vector<float> Max(Vector<float> current, Vector<float> value);
    }

    /// <summary>The step for any values, NaNs included.</summary>
    private readonly struct AnyValues : IStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Max(float current, float value) => value > current || float.IsNaN(value) ? value : current;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Max(Vector512<float> current, Vector512<float> value) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(value, current) | ~Vector512.Equals(value, value), value, current);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Max(Vector<float> current, Vector<float> value) =>
            Vector.ConditionalSelect(Vector.GreaterThan(value, current) | ~Vector.Equals(value, value), value, current);
    }

    /// <summary>
    /// The same step for a channel without NaNs: x86's max instruction is exactly "value when greater, else current"
    /// (a tie of zeros keeps current), one instruction instead of three.
    /// </summary>
    private readonly struct NoNaNs : IStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Max(float current, float value) => value > current ? value : current;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Max(Vector512<float> current, Vector512<float> value) =>
            Avx512F.IsSupported ? Avx512F.Max(value, current) : Vector512.ConditionalSelect(Vector512.GreaterThan(value, current), value, current);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Max(Vector<float> current, Vector<float> value) =>
            Avx.IsSupported && Vector<float>.Count == 8 ? Avx.Max(value.AsVector256(), current.AsVector256()).AsVector()
            : Vector.ConditionalSelect(Vector.GreaterThan(value, current), value, current);
    }

    /// <summary>Copies <paramref name="count"/> floats; true when one of them is a NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CopyFindingNaN(ref float from, ref float to, int count)
    {
        if (Vector512.IsHardwareAccelerated && count >= Lanes)
        {
            var unordered = Vector512<float>.Zero;
            for (int next = 0; next < count; next += Lanes)
            {
                nuint i = (nuint)Math.Min(next, count - Lanes);
                var x = Vector512.LoadUnsafe(ref from, i);
                x.StoreUnsafe(ref to, i);
                unordered |= ~Vector512.Equals(x, x);
            }
            return unordered != Vector512<float>.Zero;
        }
        bool found = false;
        for (int i = 0; i < count; i++)
        {
            float x = Unsafe.Add(ref from, i);
            Unsafe.Add(ref to, i) = x;
            found |= float.IsNaN(x);
        }
        return found;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Channels(in ConvolutionShape shape, int firstChannel, int lastChannel, ReadOnlySpan<float> input, Span<float> output)
    {
        int height = shape.Height, width = shape.Width, padding = shape.Padding, outputWidth = shape.OutputWidth;
        int plane = height * width, outputPlane = shape.OutputHeight * outputWidth;
        if (Window3Stride2.Applies(shape))
        {
            var kept = ThreadScratch.Get(ref t_keptRows, 2 * Pitch(outputWidth));
            for (int c = firstChannel; c < lastChannel; c++)
            {
                Window3Stride2.Channel(shape, input.Slice(c * plane, plane), kept, output.Slice(c * outputPlane, outputPlane));
            }
            return;
        }
        // The padded row: padding, the row, then negative infinity past the last column any vector reads (two vectors).
        int pitch = Pitch(outputWidth);
        var row = ThreadScratch.Get(ref t_row, 2 * (width + 2 * padding + 2 * Lanes));
        row.Fill(float.NegativeInfinity);
        var rowMaxima = ThreadScratch.Get(ref t_rowMaxima, height * pitch);
        for (int c = firstChannel; c < lastChannel; c++)
        {
            Channel(shape, input.Slice(c * plane, plane), row, rowMaxima, output.Slice(c * outputPlane, outputPlane));
        }
    }

    /// <summary>Floats per row of row maxima: the output width rounded up to whole vectors.</summary>
    private static int Pitch(int outputWidth) => (outputWidth + Lanes - 1) / Lanes * Lanes;

    /// <summary>One channel: each row's maxima (the faster step on rows without NaNs), then the columns'.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Channel(in ConvolutionShape shape, ReadOnlySpan<float> source, Span<float> row, Span<float> rowMaxima, Span<float> target)
    {
        int height = shape.Height, width = shape.Width, kernel = shape.Kernel, stride = shape.Stride, padding = shape.Padding, outputWidth = shape.OutputWidth;
        int pitch = Pitch(outputWidth);
        if (source.Length < height * width || row.Length < 2 * (width + 2 * padding + 2 * Lanes) || rowMaxima.Length < height * pitch) throw new ArgumentException("A span is shorter than the sizes require.");
        // Two padded rows: the next row is copied before this one is read, so that no load waits for the copy's stores.
        int rowLength = row.Length / 2;
        ref float from = ref MemoryMarshal.GetReference(source);
        ref float rows = ref MemoryMarshal.GetReference(row);
        bool nan = false, nextNaN = CopyFindingNaN(ref from, ref Unsafe.Add(ref rows, padding), width);
        for (int y = 0; y < height; y++)
        {
            bool rowNaN = nextNaN;
            if (y + 1 < height) nextNaN = CopyFindingNaN(ref Unsafe.Add(ref from, (y + 1) * width), ref Unsafe.Add(ref rows, (y + 1) % 2 * rowLength + padding), width);
            var padded = row.Slice(y % 2 * rowLength, rowLength);
            var maxima = rowMaxima.Slice(y * pitch, pitch);
            nan |= rowNaN;
            if (rowNaN) RowMaxima<AnyValues>(padded, kernel, stride, outputWidth, maxima);
            else RowMaxima<NoNaNs>(padded, kernel, stride, outputWidth, maxima);
        }
        if (nan) ColumnsMaxima<AnyValues>(shape, rowMaxima, target);
        else ColumnsMaxima<NoNaNs>(shape, rowMaxima, target);
    }

    /// <summary>Each output row's maxima over the window's rows of <paramref name="rowMaxima"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnsMaxima<TStep>(in ConvolutionShape shape, ReadOnlySpan<float> rowMaxima, Span<float> target)
        where TStep : struct, IStep
    {
        int outputWidth = shape.OutputWidth, pitch = Pitch(outputWidth);
        for (int oy = 0; oy < shape.OutputHeight; oy++)
        {
            // The window's rows inside the image; those in the padding are negative infinity and change nothing.
            int top = oy * shape.Stride - shape.Padding;
            int first = Math.Max(0, top), last = Math.Min(shape.Height, top + shape.Kernel);
            ColumnMaxima<TStep>(rowMaxima, pitch, outputWidth, first, last, target.Slice(oy * outputWidth, outputWidth));
        }
    }

    /// <summary>
    /// maxima[ox] = the running maximum of row[ox x stride + kx] for kx below the window, from negative infinity.
    /// <paramref name="row"/> is padded, with at least two vectors to spare past the last column a window reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowMaxima<TStep>(ReadOnlySpan<float> row, int kernel, int stride, int outputWidth, Span<float> maxima)
        where TStep : struct, IStep
    {
        if (row.Length < (long)(outputWidth - 1) * stride + kernel + 2 * Lanes || maxima.Length < outputWidth) throw new ArgumentException("A span is shorter than the sizes require.");
        ref float r = ref MemoryMarshal.GetReference(row);
        ref float m = ref MemoryMarshal.GetReference(maxima);
        int ox = 0;
        if (Vector512.IsHardwareAccelerated && outputWidth >= Lanes && (stride == 1 || (stride == 2 && Avx512F.IsSupported)))
        {
            var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (int next = 0; next < outputWidth; next += Lanes)
            {
                int at = Math.Min(next, outputWidth - Lanes);
                ref float from = ref Unsafe.Add(ref r, at * stride);
                // The first tap's values start the running maximum: from negative infinity they would replace it,
                // or keep it when they are negative infinity themselves, which is the same value.
                var value = Taps(ref from, stride, evens);
                for (int kx = 1; kx < kernel; kx++) value = TStep.Max(value, Taps(ref Unsafe.Add(ref from, kx), stride, evens));
                value.StoreUnsafe(ref m, (nuint)at);
            }
            return;
        }
        if (Vector.IsHardwareAccelerated && stride == 1 && outputWidth >= Vector<float>.Count)
        {
            for (int next = 0; next < outputWidth; next += Vector<float>.Count)
            {
                int at = Math.Min(next, outputWidth - Vector<float>.Count);
                var value = new Vector<float>(float.NegativeInfinity);
                for (int kx = 0; kx < kernel; kx++) value = TStep.Max(value, Vector.LoadUnsafe(ref Unsafe.Add(ref r, at + kx)));
                value.StoreUnsafe(ref m, (nuint)at);
            }
            return;
        }
        for (; ox < outputWidth; ox++)
        {
            float value = float.NegativeInfinity;
            for (int kx = 0; kx < kernel; kx++) value = TStep.Max(value, Unsafe.Add(ref r, ox * stride + kx));
            Unsafe.Add(ref m, ox) = value;
        }
    }

    /// <summary>
    /// The 16 values at columns 0, stride, 2 x stride, ... from <paramref name="from"/>, stride 1 or 2: at stride 2, the
    /// even values of the 32 from there, with one two-source permute.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Taps(ref float from, int stride, Vector512<int> evens) =>
        stride == 1 ? Vector512.LoadUnsafe(ref from) : Avx512F.PermuteVar16x32x2(Vector512.LoadUnsafe(ref from), evens, Vector512.LoadUnsafe(ref from, Lanes));

    /// <summary>output[ox] = the running maximum of rowMaxima's rows [first, last) (pitch apart) at column ox, from negative infinity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnMaxima<TStep>(ReadOnlySpan<float> rowMaxima, int pitch, int outputWidth, int first, int last, Span<float> output)
        where TStep : struct, IStep
    {
        if (first < 0 || first >= last || pitch < outputWidth || rowMaxima.Length < (long)last * pitch || output.Length < outputWidth) throw new ArgumentException("A span is shorter than the sizes require.");
        ref float r = ref MemoryMarshal.GetReference(rowMaxima);
        ref float o = ref MemoryMarshal.GetReference(output);
        if (Vector512.IsHardwareAccelerated && outputWidth >= Lanes)
        {
            for (int next = 0; next < outputWidth; next += Lanes)
            {
                int at = Math.Min(next, outputWidth - Lanes);
                var value = Vector512.LoadUnsafe(ref r, (nuint)(first * pitch + at));
                for (int y = first + 1; y < last; y++) value = TStep.Max(value, Vector512.LoadUnsafe(ref r, (nuint)(y * pitch + at)));
                value.StoreUnsafe(ref o, (nuint)at);
            }
            return;
        }
        if (Vector.IsHardwareAccelerated && outputWidth >= Vector<float>.Count)
        {
            for (int next = 0; next < outputWidth; next += Vector<float>.Count)
            {
                int at = Math.Min(next, outputWidth - Vector<float>.Count);
                var value = new Vector<float>(float.NegativeInfinity);
                for (int y = first; y < last; y++) value = TStep.Max(value, Vector.LoadUnsafe(ref r, (nuint)(y * pitch + at)));
                value.StoreUnsafe(ref o, (nuint)at);
            }
            return;
        }
        for (int ox = 0; ox < outputWidth; ox++)
        {
            float value = float.NegativeInfinity;
            for (int y = first; y < last; y++) value = TStep.Max(value, Unsafe.Add(ref r, y * pitch + ox));
            Unsafe.Add(ref o, ox) = value;
        }
    }

    /// <summary>
    /// The 3x3 window at stride 2 with AVX-512, read in place: each output row from its window's rows, each row's
    /// maxima computed once. Output row oy's window starts at input row 2 oy - padding, so its last row is the next
    /// output row's first: those maxima are kept (in one of two rows, read and written in turn) instead of recomputed.
    /// </summary>
    /// <remarks>
    /// An output row is first computed with the faster step, which takes no NaN; when one of its new rows holds a NaN,
    /// it is computed again with the step for any values, and so is the next row (its first row is the kept one).
    /// </remarks>
    private static class Window3Stride2
    {
        /// <summary>True for the shapes this path takes: rows of at least a vector of outputs, and AVX-512.</summary>
        public static bool Applies(in ConvolutionShape shape) =>
            Avx512F.IsSupported && Vector512.IsHardwareAccelerated && shape.Kernel == 3 && shape.Stride == 2 && shape.OutputWidth >= Lanes;

        /// <summary>One channel; <paramref name="kept"/> holds two rows of row maxima (pitch apart).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Channel(in ConvolutionShape shape, ReadOnlySpan<float> source, Span<float> kept, Span<float> target)
        {
            int height = shape.Height, width = shape.Width, padding = shape.Padding, outputWidth = shape.OutputWidth, pitch = Pitch(outputWidth);
            // Sizes that give no more outputs than a valid pool keep every read inside the rows (see RowMaxima).
            if (!Applies(shape) || padding > 1 || 2 * (shape.OutputHeight - 1) > height + 2 * padding - 3 || 2 * (outputWidth - 1) > width + 2 * padding - 3
                || source.Length < height * width || kept.Length < 2 * pitch || target.Length < shape.OutputHeight * outputWidth)
            {
                throw new ArgumentException("A span is shorter than the sizes require.");
            }
            ref float image = ref MemoryMarshal.GetReference(source);
            ref float keptRows = ref MemoryMarshal.GetReference(kept);
            bool keptNaN = false;
            for (int oy = 0; oy < shape.OutputHeight; oy++)
            {
                // The window's rows inside the image: the first one kept from the row before (except for the first output
                // row), then the new ones, computed here, the last of which is kept for the next.
                int top = 2 * oy - padding, first = Math.Max(0, top), last = Math.Min(height, top + 3);
                bool useKept = oy > 0;
                int firstNew = useKept ? first + 1 : first;
                var rows = new Rows(ref Unsafe.Add(ref image, firstNew * width), width, padding, last - firstNew, useKept,
                    ref Unsafe.Add(ref keptRows, oy % 2 * pitch), ref Unsafe.Add(ref keptRows, (oy + 1) % 2 * pitch));
                ref float output = ref Unsafe.Add(ref MemoryMarshal.GetReference(target), oy * outputWidth);
                bool nan = keptNaN ? OutputRow<AnyValues>(rows, outputWidth, ref output) : OutputRow<NoNaNs>(rows, outputWidth, ref output);
                if (nan && !keptNaN) OutputRow<AnyValues>(rows, outputWidth, ref output);
                keptNaN = nan;
            }
        }

        /// <summary>
        /// An output row's window rows: <see cref="Count"/> new rows from <see cref="First"/>, <see cref="Width"/>
        /// apart, after the kept maxima in <see cref="KeptIn"/> when <see cref="UseKept"/>; the last new row's maxima go
        /// to <see cref="KeptOut"/>.
        /// </summary>
        private readonly ref struct Rows(ref float first, int width, int padding, int count, bool useKept, ref float keptIn, ref float keptOut)
        {
            public readonly ref float First = ref first;
            public readonly int Width = width, Padding = padding, Count = count;
            public readonly bool UseKept = useKept;
            public readonly ref float KeptIn = ref keptIn;
            public readonly ref float KeptOut = ref keptOut;
        }

        /// <summary>
        /// One output row, a vector at a time (the last one overlapping the one before); true when one of the new rows
        /// holds a NaN in a column a window reads.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static bool OutputRow<TStep>(in Rows rows, int outputWidth, ref float output)
            where TStep : struct, IStep
        {
            int width = rows.Width, padding = rows.Padding, count = rows.Count, lastAt = outputWidth - Lanes;
            bool useKept = rows.UseKept;
            ref float first = ref rows.First;
            ref float keptIn = ref rows.KeptIn;
            ref float keptOut = ref rows.KeptOut;
            ulong unordered = 0;
            var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            var odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
            for (int next = 0; next < outputWidth; next += Lanes)
            {
                int at = Math.Min(next, lastAt);
                // Rows in order from the window's top: its row-major order, which the step's ties and NaNs follow.
                var maxima = RowMaxima<TStep>(ref first, width, padding, at, evens, odds, ref unordered);
                var value = useKept ? TStep.Max(Vector512.LoadUnsafe(ref keptIn, (nuint)at), maxima) : maxima;
                if (count > 1)
                {
                    maxima = RowMaxima<TStep>(ref Unsafe.Add(ref first, width), width, padding, at, evens, odds, ref unordered);
                    value = TStep.Max(value, maxima);
                }
                if (count > 2)
                {
                    maxima = RowMaxima<TStep>(ref Unsafe.Add(ref first, 2 * width), width, padding, at, evens, odds, ref unordered);
                    value = TStep.Max(value, maxima);
                }
                maxima.StoreUnsafe(ref keptOut, (nuint)at);
                value.StoreUnsafe(ref output, (nuint)at);
            }
            return unordered != 0;
        }

        /// <summary>
        /// The maxima of one row for outputs [at, at + 16): output ox's window holds columns 2 ox - padding (left),
        /// then middle and right. One permute takes the middle columns of the 32 from the first middle one, one the
        /// right columns; the left ones are the right ones shifted a lane, with the column before shifted in. Lanes of
        /// <paramref name="unordered"/> are set when a column read is a NaN.
        /// </summary>
        /// <remarks>
        /// The 32 columns end at 2 (at + 16) - padding, the right column of output at + 15, at most one past the row
        /// (the padding of an odd width); that column is then negative infinity, shifted in instead of loaded.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> RowMaxima<TStep>(ref float row, int width, int padding, int at, Vector512<int> evens, Vector512<int> odds, ref ulong unordered)
            where TStep : struct, IStep
        {
            var negativeInfinity = Vector512.Create(float.NegativeInfinity);
            int middle = 2 * at + 1 - padding;
            var low = Vector512.LoadUnsafe(ref row, (nuint)middle);
            var high = middle + 2 * Lanes > width
                ? Avx512F.AlignRight32(negativeInfinity.AsInt32(), Vector512.LoadUnsafe(ref row, (nuint)(middle + Lanes - 1)).AsInt32(), 1).AsSingle()
                : Vector512.LoadUnsafe(ref row, (nuint)(middle + Lanes));
            var before = middle == 0 ? negativeInfinity : Vector512.Create(Unsafe.Add(ref row, middle - 1));
            // The column before is the last one read for the outputs before, except in the row's first vector.
            unordered |= Avx512F.CompareUnordered(low, high).ExtractMostSignificantBits();
            if (at == 0) unordered |= Avx512F.CompareUnordered(before, before).ExtractMostSignificantBits();
            var middles = Avx512F.PermuteVar16x32x2(low, evens, high);
            var rights = Avx512F.PermuteVar16x32x2(low, odds, high);
            var lefts = Avx512F.AlignRight32(rights.AsInt32(), before.AsInt32(), 15).AsSingle();
            return TStep.Max(TStep.Max(lefts, middles), rights);
        }
    }

    /// <summary>Each thread's run of channels.</summary>
    private sealed unsafe class Work : TeamWork
    {
        private ConvolutionShape _shape;
        private float* _input, _output;
        private int _inputLength, _outputLength;

        public void Set(in ConvolutionShape shape, float* input, int inputLength, float* output, int outputLength)
        {
            _shape = shape;
            _input = input;
            _inputLength = inputLength;
            _output = output;
            _outputLength = outputLength;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts) =>
            Channels(_shape, _shape.InChannels * part / parts, _shape.InChannels * (part + 1) / parts,
                new ReadOnlySpan<float>(_input, _inputLength), new Span<float>(_output, _outputLength));
    }
}
