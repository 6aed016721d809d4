using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GroupNetDsl.Kernels;

/// <summary>
/// Max pooling (nn.MaxPool2d, ceil_mode false), channel by channel: each input row's maxima over the window's columns
/// first, then each output row's over the window's rows, in vectors. A NaN in a window wins, as in PyTorch.
/// </summary>
/// <remarks>
/// The result is, bit for bit, the window's positions taken in row-major order from negative infinity, each replacing
/// the running value when greater or NaN (<see cref="Max(float, float)"/>): the last NaN of the window, else its first
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

    /// <summary>The running maximum's step: <paramref name="value"/> replaces <paramref name="current"/> when greater or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Max(float current, float value) => value > current || float.IsNaN(value) ? value : current;

    /// <summary><see cref="Max(float, float)"/> on 16 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Max(Vector512<float> current, Vector512<float> value) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(value, current) | ~Vector512.Equals(value, value), value, current);

    /// <summary><see cref="Max(float, float)"/> on a <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Max(Vector<float> current, Vector<float> value) =>
        Vector.ConditionalSelect(Vector.GreaterThan(value, current) | ~Vector.Equals(value, value), value, current);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Channels(in ConvolutionShape shape, int firstChannel, int lastChannel, ReadOnlySpan<float> input, Span<float> output)
    {
        int height = shape.Height, width = shape.Width, kernel = shape.Kernel, stride = shape.Stride, padding = shape.Padding;
        int outputHeight = shape.OutputHeight, outputWidth = shape.OutputWidth;
        int plane = height * width, outputPlane = outputHeight * outputWidth;
        // The padded row: padding, the row, then negative infinity to a vector past the last column a window reads.
        int rowLength = width + 2 * padding + 2 * Lanes;
        var row = ThreadScratch.Get(ref t_row, rowLength);
        row.Fill(float.NegativeInfinity);
        var rowMaxima = ThreadScratch.Get(ref t_rowMaxima, height * outputWidth);
        for (int c = firstChannel; c < lastChannel; c++)
        {
            var source = input.Slice(c * plane, plane);
            for (int y = 0; y < height; y++)
            {
                source.Slice(y * width, width).CopyTo(row.Slice(padding));
                RowMaxima(row, kernel, stride, outputWidth, rowMaxima.Slice(y * outputWidth, outputWidth));
            }
            var target = output.Slice(c * outputPlane, outputPlane);
            for (int oy = 0; oy < outputHeight; oy++)
            {
                // The window's rows inside the image; those in the padding are negative infinity and change nothing.
                int top = oy * stride - padding;
                int first = Math.Max(0, top), last = Math.Min(height, top + kernel);
                ColumnMaxima(rowMaxima, outputWidth, first, last, target.Slice(oy * outputWidth, outputWidth));
            }
        }
    }

    /// <summary>
    /// maxima[ox] = the running maximum of row[ox x stride + kx] for kx below the window, from negative infinity.
    /// <paramref name="row"/> is padded, with at least two vectors to spare past the last column a window reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowMaxima(ReadOnlySpan<float> row, int kernel, int stride, int outputWidth, Span<float> maxima)
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
                var value = Vector512.Create(float.NegativeInfinity);
                for (int kx = 0; kx < kernel; kx++)
                {
                    // Columns at x stride + kx: at stride 2, the even values of the 32 from there (the last read
                    // lies within the row's slack).
                    ref float from = ref Unsafe.Add(ref r, at * stride + kx);
                    var taps = stride == 1 ? Vector512.LoadUnsafe(ref from)
                        : Avx512F.PermuteVar16x32x2(Vector512.LoadUnsafe(ref from), evens, Vector512.LoadUnsafe(ref from, Lanes));
                    value = Max(value, taps);
                }
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
                for (int kx = 0; kx < kernel; kx++) value = Max(value, Vector.LoadUnsafe(ref Unsafe.Add(ref r, at + kx)));
                value.StoreUnsafe(ref m, (nuint)at);
            }
            return;
        }
        for (; ox < outputWidth; ox++)
        {
            float value = float.NegativeInfinity;
            for (int kx = 0; kx < kernel; kx++) value = Max(value, Unsafe.Add(ref r, ox * stride + kx));
            Unsafe.Add(ref m, ox) = value;
        }
    }

    /// <summary>output[ox] = the running maximum of rowMaxima's rows [first, last) at column ox, from negative infinity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnMaxima(ReadOnlySpan<float> rowMaxima, int outputWidth, int first, int last, Span<float> output)
    {
        if (first < 0 || rowMaxima.Length < (long)last * outputWidth || output.Length < outputWidth) throw new ArgumentException("A span is shorter than the sizes require.");
        ref float r = ref MemoryMarshal.GetReference(rowMaxima);
        ref float o = ref MemoryMarshal.GetReference(output);
        if (Vector512.IsHardwareAccelerated && outputWidth >= Lanes)
        {
            for (int next = 0; next < outputWidth; next += Lanes)
            {
                int at = Math.Min(next, outputWidth - Lanes);
                var value = Vector512.Create(float.NegativeInfinity);
                for (int y = first; y < last; y++) value = Max(value, Vector512.LoadUnsafe(ref r, (nuint)(y * outputWidth + at)));
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
                for (int y = first; y < last; y++) value = Max(value, Vector.LoadUnsafe(ref r, (nuint)(y * outputWidth + at)));
                value.StoreUnsafe(ref o, (nuint)at);
            }
            return;
        }
        for (int ox = 0; ox < outputWidth; ox++)
        {
            float value = float.NegativeInfinity;
            for (int y = first; y < last; y++) value = Max(value, Unsafe.Add(ref r, y * outputWidth + ox));
            Unsafe.Add(ref o, ox) = value;
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
