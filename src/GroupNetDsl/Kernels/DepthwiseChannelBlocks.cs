using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static GroupNetDsl.Kernels.VectorMath;

namespace GroupNetDsl.Kernels;

/// <summary>
/// The depthwise kernel for <see cref="ConvolutionVariant.DepthwiseChannelBlocks"/>: output rows narrower than a
/// vector, with a vector's worth of channels or more. It takes the channels 16 at a time, one per lane: the block's
/// input goes into a zero-padded buffer with the 16 channels of a pixel side by side ([row][column][channel]), each
/// output pixel is one vector summing the taps (each a weight vector, the 16 channels' weights for that tap, times
/// the 16 channels' input), and the sums go back to the channels' rows. Every lane of every vector is in use whatever
/// the plane's width.
/// </summary>
/// <remarks>
/// Each output sums its taps in the plane kernels' order from the bias, over the same zeros, with the same fused
/// multiply-adds, so its value does not depend on its block: bands of rows and runs of channels give the same bits.
/// With 512-bit vectors the copies in and out go 16 x 16 values at a time through registers (a transpose); with
/// <see cref="Vector{T}"/> a block's sums take several vectors and the copies go value by value.
/// </remarks>
[SkipLocalsInit]
internal static class DepthwiseChannelBlocks
{
    /// <summary>Channels per block: a 512-bit vector of floats.</summary>
    internal const int Lanes = 16;

    // The block's input, zero-padded: [padded row][padded column][Lanes].
    [ThreadStatic]
    private static float[]? t_input;

    // The block's sums: [output pixel][Lanes].
    [ThreadStatic]
    private static float[]? t_sums;

    // The block's weights: [tap][Lanes], then its biases.
    [ThreadStatic]
    private static float[]? t_weights;

    // Where each output pixel's first tap reads the input buffer, then where each input pixel goes in it.
    [ThreadStatic]
    private static int[]? t_places;

    /// <summary>
    /// True when the kernel has vectors to run on: 512-bit ones, or <see cref="Vector{T}"/> with a block a whole
    /// number of them. Otherwise the rows run on the plane kernels (in scalars).
    /// </summary>
    internal static bool Runs => Vector512.IsHardwareAccelerated || (Vector.IsHardwareAccelerated && Lanes % Vector<float>.Count == 0);

    /// <summary>The first channel of a team's part: whole blocks per part, so no two threads share a block.</summary>
    internal static int PartStart(int channels, int part, int parts)
    {
        int blocks = (channels + Lanes - 1) / Lanes;
        return Math.Min(channels, (int)((long)blocks * part / parts) * Lanes);
    }

    /// <summary>As <c>DepthwiseKernel.Rows</c>: output rows [firstRow, lastRow) of channels [firstChannel, lastChannel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows(in ConvolutionShape shape, int firstRow, int lastRow, int firstChannel, int lastChannel, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int channelStride, Span<float> rowSums)
    {
        int height = shape.Height, width = shape.Width, kernel = shape.Kernel, taps = kernel * kernel, stride = shape.Stride, dilation = shape.Dilation, padding = shape.Padding;
        int outputWidth = shape.OutputWidth, pixels = (lastRow - firstRow) * outputWidth, inPlane = height * width, perGroup = shape.OutPerGroup;
        if (!Runs || firstRow < 0 || lastRow > shape.OutputHeight || firstRow >= lastRow || firstChannel < 0 || lastChannel > shape.OutChannels || firstChannel >= lastChannel
            || channelStride < pixels || input.Length < (long)shape.InChannels * inPlane || weight.Length < (long)shape.OutChannels * taps
            || (!bias.IsEmpty && bias.Length < shape.OutChannels) || output.Length < (long)(lastChannel - 1) * channelStride + pixels
            || (!residual.IsEmpty && residual.Length < (long)(lastChannel - 1) * channelStride + pixels))
        {
            throw new ArgumentException($"{shape} rows {firstRow}..{lastRow}, channels {firstChannel}..{lastChannel} do not suit the channel-block depthwise kernel.", nameof(shape));
        }

        // The band's padded rows: from the first output row's first tap to the last one's last; the input rows among them.
        int pitch = width + 2 * padding, top = firstRow * stride, bandRows = (lastRow - 1 - firstRow) * stride + (kernel - 1) * dilation + 1;
        int readFirst = Math.Max(0, top - padding), readLast = Math.Min(height, top + bandRows - padding), readPixels = Math.Max(0, readLast - readFirst) * width;
        // Both with room for a run's extra sums (SumsRowsWide: past the band, a run's eighth pixel reads up to 2 x 8
        // input columns further at stride 2).
        int slack = 2 * RunPixels + kernel;
        var buffer = Aligned(ThreadScratch.Get(ref t_input, (bandRows * pitch + slack + 1) * Lanes), (bandRows * pitch + slack) * Lanes);
        // Zeros where no input goes (the padding); each block writes the rest.
        buffer.Clear();
        var sums = Aligned(ThreadScratch.Get(ref t_sums, (pixels + RunPixels + 1) * Lanes), (pixels + RunPixels) * Lanes);
        // The taps' rows and the biases' (ArrangeWeights writes 16 rows at a time, so at least 16).
        int weightRows = Math.Max(taps + 1, Lanes);
        var weights = Aligned(ThreadScratch.Get(ref t_weights, (weightRows + 1) * Lanes), weightRows * Lanes);
        var places = ThreadScratch.Get(ref t_places, pixels + readPixels);
        var reads = places.Slice(0, pixels);
        var writes = places.Slice(pixels, readPixels);
        for (int row = 0, i = 0; row < lastRow - firstRow; row++)
        {
            for (int column = 0; column < outputWidth; column++, i++) reads[i] = (row * stride * pitch + column * stride) * Lanes;
        }
        for (int row = readFirst, q = 0; row < readLast; row++)
        {
            for (int column = 0; column < width; column++, q++) writes[q] = ((row + padding - top) * pitch + column + padding) * Lanes;
        }
        // The buffer holds every read: the last pixel's last tap ends the band.
        if ((long)reads[pixels - 1] + ((long)(kernel - 1) * dilation * pitch + (kernel - 1) * dilation + 1) * Lanes > buffer.Length) throw new InvalidOperationException("The band's reads pass its buffer.");

        // Relu and relu6 ride in the stores. The other activations: on whole vectors as the sums go back to the rows;
        // value by value (scalars only) over each channel's stored rows, as in the other depthwise variants.
        var stored = activation > Activation.Relu6 ? Activation.None : activation;
        bool wide = Vector512.IsHardwareAccelerated && Avx512F.IsSupported;
        for (int next = firstChannel; next < lastChannel; next += Lanes)
        {
            // A last partial block overlaps the one before when the run has a whole block: its first channels are
            // computed again (the same sums) but not stored again.
            int first = lastChannel - next < Lanes && lastChannel - firstChannel >= Lanes ? lastChannel - Lanes : next;
            int skip = next - first, count = Math.Min(Lanes, lastChannel - first);
            bool whole = wide && count == Lanes;
            ArrangeWeights(weight, bias, first, count, taps, weights, whole);
            if (whole && perGroup == 1 && readPixels >= Lanes) CopyInWide(input.Slice(first * inPlane + readFirst * width), inPlane, writes, buffer);
            else CopyIn(input, first, count, perGroup, inPlane, readFirst * width, writes, buffer);
            if (wide && stride == 1) SumsRowsWide(buffer, weights, lastRow - firstRow, outputWidth, pitch, kernel, sums);
            else if (wide && stride == 2) SumsRowsStride2Wide(buffer, weights, lastRow - firstRow, outputWidth, pitch, kernel, sums);
            else if (wide) SumsWide(buffer, weights, reads, kernel, dilation * pitch * Lanes, dilation * Lanes, sums);
            else SumsVector(buffer, weights, reads, kernel, dilation * pitch * Lanes, dilation * Lanes, sums);
            var blockOutput = output.Slice(first * channelStride);
            var blockResidual = residual.IsEmpty ? default : residual.Slice(first * channelStride);
            if (whole && pixels >= Lanes)
            {
                CopyOutWide(sums, pixels, skip, blockResidual, activation, blockOutput, channelStride);
            }
            else
            {
                CopyOut(sums, pixels, skip, count, blockResidual, stored, blockOutput, channelStride);
                for (int c = skip; c < count; c++)
                {
                    if (activation > Activation.Relu6) Epilogue.ActivateInPlace(blockOutput.Slice(c * channelStride, pixels), activation);
                }
            }
            FusedPool.SumRows(shape, next, count - skip, firstRow, lastRow, blockOutput.Slice(skip * channelStride), channelStride, rowSums);
        }
    }

    /// <summary>
    /// The first <paramref name="length"/> floats of <paramref name="scratch"/> (at least 15 longer) from a 64-byte
    /// boundary: a 512-bit load across two cache lines costs two.
    /// </summary>
    private static unsafe Span<float> Aligned(Span<float> scratch, int length)
    {
        fixed (float* at = scratch)
        {
            int skip = (int)((64 - ((nuint)at & 63)) & 63) / sizeof(float);
            return scratch.Slice(skip, length);
        }
    }

    /// <summary>weights[tap x Lanes + c] = weight[(first + c) x taps + tap], then the biases; lanes past count are zeros.</summary>
    private static void ArrangeWeights(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int first, int count, int taps, Span<float> weights, bool whole)
    {
        // Rows of 16 taps at a time through registers where every row's 16 values lie inside the weights (the rows of a
        // filter with fewer taps run into the next channel's, beyond the tensor at its end), straight into the rows;
        // with fewer than 16 taps the rows past them hold other channels' weights until the biases' row overwrites them.
        if (whole && (long)(first + Lanes - 1) * taps + Lanes <= weight.Length && weights.Length >= Math.Max(taps, Lanes) * Lanes)
        {
            for (int next = 0; next < taps; next += Lanes)
            {
                int tap = Math.Max(0, Math.Min(next, taps - Lanes));
                Transpose(ref Unsafe.Add(ref MemoryMarshal.GetReference(weight), first * taps + tap), taps, ref MemoryMarshal.GetReference(weights.Slice(tap * Lanes, Lanes * Lanes)));
            }
        }
        else
        {
            weights.Slice(0, taps * Lanes).Clear();
            for (int c = 0; c < count; c++)
            {
                var filter = weight.Slice((first + c) * taps, taps);
                for (int tap = 0; tap < taps; tap++) weights[tap * Lanes + c] = filter[tap];
            }
        }
        var biases = weights.Slice(taps * Lanes, Lanes);
        biases.Clear();
        if (!bias.IsEmpty) bias.Slice(first, count).CopyTo(biases);
    }

    /// <summary>The block's input rows into the buffer, value by value: any count of channels, several output channels per input channel.</summary>
    private static void CopyIn(ReadOnlySpan<float> input, int first, int count, int perGroup, int inPlane, int start, ReadOnlySpan<int> writes, Span<float> buffer)
    {
        for (int c = 0; c < count; c++)
        {
            var source = input.Slice((first + c) / perGroup * inPlane + start, writes.Length);
            for (int q = 0; q < writes.Length; q++) buffer[writes[q] + c] = source[q];
        }
    }

    /// <summary>
    /// 16 channels' input rows into the buffer, 16 pixels at a time through registers (the last 16 overlapping the
    /// ones before). The caller has checked that the 16 channels of <paramref name="input"/> hold writes.Length values each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyInWide(ReadOnlySpan<float> input, int inPlane, ReadOnlySpan<int> writes, Span<float> buffer)
    {
        int count = writes.Length;
        if (count < Lanes || input.Length < (long)(Lanes - 1) * inPlane + count) throw new ArgumentException("The input is shorter than the sizes require.", nameof(input));
        // The places grow with the pixel: the last is the largest.
        if (writes[0] < 0 || writes[count - 1] > buffer.Length - Lanes) throw new ArgumentException("A pixel lies outside the buffer.", nameof(writes));
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(buffer);
        ref int places = ref MemoryMarshal.GetReference(writes);
        int transposed = TransposedPixels(count);
        for (int next = 0; next < transposed; next += Lanes)
        {
            int q = Math.Min(next, count - Lanes);
            Transpose(ref Unsafe.Add(ref source, q), inPlane, ref target, ref Unsafe.Add(ref places, q));
        }
        for (int q = transposed; q < count; q++) Gather(ref Unsafe.Add(ref source, q), inPlane).StoreUnsafe(ref target, (nuint)Unsafe.Add(ref places, q));
    }

    /// <summary>
    /// The pixels of a run that go through 16 x 16 transposes: all of them (the last 16 overlapping the ones before),
    /// or only the whole sixteens when at most <see cref="GatheredPixels"/> are left, which go one at a time (a 7x7
    /// plane's 49th pixel had cost a whole transpose).
    /// </summary>
    private static int TransposedPixels(int pixels) => pixels % Lanes is > 0 and <= GatheredPixels ? pixels - pixels % Lanes : pixels;

    private const int GatheredPixels = 2;

    /// <summary>source[c x stride] for c below 16, as one vector: one pixel of 16 channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Gather(ref float source, int stride) => Vector512.Create(
        source, Unsafe.Add(ref source, stride), Unsafe.Add(ref source, 2 * stride), Unsafe.Add(ref source, 3 * stride),
        Unsafe.Add(ref source, 4 * stride), Unsafe.Add(ref source, 5 * stride), Unsafe.Add(ref source, 6 * stride), Unsafe.Add(ref source, 7 * stride),
        Unsafe.Add(ref source, 8 * stride), Unsafe.Add(ref source, 9 * stride), Unsafe.Add(ref source, 10 * stride), Unsafe.Add(ref source, 11 * stride),
        Unsafe.Add(ref source, 12 * stride), Unsafe.Add(ref source, 13 * stride), Unsafe.Add(ref source, 14 * stride), Unsafe.Add(ref source, 15 * stride));

    // The sum kernels read buffer[reads[i] + tap offset + lane]: inside the buffer, checked by Rows.

    /// <summary>
    /// Each output pixel's 16 sums with 512-bit vectors, eight pixels at a time (eight sums in flight hide the
    /// multiply-adds' latency; the last eight overlap the ones before), then one at a time where there are fewer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumsWide(ReadOnlySpan<float> buffer, ReadOnlySpan<float> weights, ReadOnlySpan<int> reads, int kernel, int rowStep, int columnStep, Span<float> sums)
    {
        const int group = 8;
        int pixels = reads.Length, taps = kernel * kernel;
        if (sums.Length < pixels * Lanes || weights.Length < (taps + 1) * Lanes) throw new ArgumentException("A span is shorter than the sizes require.");
        ref float input = ref MemoryMarshal.GetReference(buffer);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float s = ref MemoryMarshal.GetReference(sums);
        ref int read = ref MemoryMarshal.GetReference(reads);
        var b = Vector512.LoadUnsafe(ref w, (nuint)(taps * Lanes));
        int next = 0;
        for (; pixels >= group && next < pixels; next += group)
        {
            int i = Math.Min(next, pixels - group);
            ref float p0 = ref Unsafe.Add(ref input, Unsafe.Add(ref read, i));
            ref float p1 = ref Unsafe.Add(ref input, Unsafe.Add(ref read, i + 1));
            ref float p2 = ref Unsafe.Add(ref input, Unsafe.Add(ref read, i + 2));
            ref float p3 = ref Unsafe.Add(ref input, Unsafe.Add(ref read, i + 3));
            ref float p4 = ref Unsafe.Add(ref input, Unsafe.Add(ref read, i + 4));
            ref float p5 = ref Unsafe.Add(ref input, Unsafe.Add(ref read, i + 5));
            ref float p6 = ref Unsafe.Add(ref input, Unsafe.Add(ref read, i + 6));
            ref float p7 = ref Unsafe.Add(ref input, Unsafe.Add(ref read, i + 7));
            Vector512<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
            ref float wt = ref w;
            for (int ky = 0; ky < kernel; ky++)
            {
                nuint at = (nuint)(ky * rowStep);
                for (int kx = 0; kx < kernel; kx++)
                {
                    var weight = Vector512.LoadUnsafe(ref wt);
                    a0 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref p0, at), a0);
                    a1 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref p1, at), a1);
                    a2 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref p2, at), a2);
                    a3 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref p3, at), a3);
                    a4 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref p4, at), a4);
                    a5 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref p5, at), a5);
                    a6 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref p6, at), a6);
                    a7 = Vector512.FusedMultiplyAdd(weight, Vector512.LoadUnsafe(ref p7, at), a7);
                    wt = ref Unsafe.Add(ref wt, Lanes);
                    at += (nuint)columnStep;
                }
            }
            ref float target = ref Unsafe.Add(ref s, i * Lanes);
            a0.StoreUnsafe(ref target);
            a1.StoreUnsafe(ref target, Lanes);
            a2.StoreUnsafe(ref target, 2 * Lanes);
            a3.StoreUnsafe(ref target, 3 * Lanes);
            a4.StoreUnsafe(ref target, 4 * Lanes);
            a5.StoreUnsafe(ref target, 5 * Lanes);
            a6.StoreUnsafe(ref target, 6 * Lanes);
            a7.StoreUnsafe(ref target, 7 * Lanes);
        }
        for (; next < pixels; next++)
        {
            ref float p = ref Unsafe.Add(ref input, Unsafe.Add(ref read, next));
            var a = b;
            for (int ky = 0, tap = 0; ky < kernel; ky++)
            {
                for (int kx = 0; kx < kernel; kx++, tap++)
                {
                    a = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(tap * Lanes)), Vector512.LoadUnsafe(ref p, (nuint)(ky * rowStep + kx * columnStep)), a);
                }
            }
            a.StoreUnsafe(ref s, (nuint)(next * Lanes));
        }
    }

    /// <summary>Output pixels of a row that <see cref="SumsRowsWide"/> takes at a time.</summary>
    private const int RunPixels = 8;

    /// <summary>
    /// <see cref="SumsWide"/> at stride 1 (the blocks' dilation is 1): each output row in runs of up to eight pixels,
    /// eight sums in flight, and the input vectors slide along the row (pixel x's input at tap kx + 1 is pixel x + 1's
    /// at kx), so a filter row loads 8 + kernel - 1 of them instead of 8 per tap. Each pixel's sums are SumsWide's, the
    /// same multiply-adds in the same order. A run of fewer than eight computes eight and stores eight: the extra
    /// sums land on the next run's pixels, which it stores over them, or in the room past the band's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumsRowsWide(ReadOnlySpan<float> buffer, ReadOnlySpan<float> weights, int rows, int outputWidth, int pitch, int kernel, Span<float> sums)
    {
        int taps = kernel * kernel, runs = CheckRuns(buffer, weights, sums, rows, outputWidth, pitch, kernel, 1);
        ref float input = ref MemoryMarshal.GetReference(buffer);
        ref float s = ref MemoryMarshal.GetReference(sums);
        ref float weight = ref MemoryMarshal.GetReference(weights);
        var b = Vector512.LoadUnsafe(ref weight, (nuint)(taps * Lanes));
        nuint rowStep = (nuint)(pitch * Lanes);
        for (int row = 0; row < rows; row++)
        {
            for (int run = 0; run < runs; run++)
            {
                int x = outputWidth * run / runs;
                ref float at = ref Unsafe.Add(ref input, (row * pitch + x) * Lanes);
                Vector512<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
                ref float w = ref weight;
                for (int ky = 0; ky < kernel; ky++, at = ref Unsafe.Add(ref at, rowStep))
                {
                    var v0 = Vector512.LoadUnsafe(ref at); var v1 = Vector512.LoadUnsafe(ref at, Lanes); var v2 = Vector512.LoadUnsafe(ref at, 2 * Lanes);
                    var v3 = Vector512.LoadUnsafe(ref at, 3 * Lanes); var v4 = Vector512.LoadUnsafe(ref at, 4 * Lanes); var v5 = Vector512.LoadUnsafe(ref at, 5 * Lanes);
                    var v6 = Vector512.LoadUnsafe(ref at, 6 * Lanes); var v7 = Vector512.LoadUnsafe(ref at, 7 * Lanes);
                    for (int kx = 0; ; kx++)
                    {
                        var wt = Vector512.LoadUnsafe(ref w);
                        w = ref Unsafe.Add(ref w, Lanes);
                        a0 = Vector512.FusedMultiplyAdd(wt, v0, a0); a1 = Vector512.FusedMultiplyAdd(wt, v1, a1);
                        a2 = Vector512.FusedMultiplyAdd(wt, v2, a2); a3 = Vector512.FusedMultiplyAdd(wt, v3, a3);
                        a4 = Vector512.FusedMultiplyAdd(wt, v4, a4); a5 = Vector512.FusedMultiplyAdd(wt, v5, a5);
                        a6 = Vector512.FusedMultiplyAdd(wt, v6, a6); a7 = Vector512.FusedMultiplyAdd(wt, v7, a7);
                        if (kx + 1 == kernel) break;
                        v0 = v1; v1 = v2; v2 = v3; v3 = v4; v4 = v5; v5 = v6; v6 = v7;
                        v7 = Vector512.LoadUnsafe(ref at, (nuint)((RunPixels + kx) * Lanes));
                    }
                }
                StoreRun(ref Unsafe.Add(ref s, (row * outputWidth + x) * Lanes), a0, a1, a2, a3, a4, a5, a6, a7);
            }
        }
    }

    /// <summary>
    /// Throws unless every read of a run kernel at <paramref name="stride"/> lies inside the buffer (the last run of the
    /// last row reads up to its eighth pixel's last tap; at stride 2 the odd set's first loads lie inside that reach)
    /// and its eight stores inside the sums; returns the runs per row.
    /// </summary>
    private static int CheckRuns(ReadOnlySpan<float> buffer, ReadOnlySpan<float> weights, Span<float> sums, int rows, int outputWidth, int pitch, int kernel, int stride)
    {
        int runs = (outputWidth + RunPixels - 1) / RunPixels, lastRun = outputWidth * (runs - 1) / runs;
        long lastColumn = (long)stride * (lastRun + RunPixels - 1) + kernel - 1;
        long lastRead = (((long)stride * (rows - 1) + kernel - 1) * pitch + lastColumn) * Lanes + Lanes;
        if (rows <= 0 || stride * (outputWidth - 1) + kernel > pitch || sums.Length < ((long)rows * outputWidth + RunPixels) * Lanes
            || weights.Length < (kernel * kernel + 1) * Lanes || lastRead > buffer.Length)
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        return runs;
    }

    /// <summary>A run's eight pixels' sums, one after the other from <paramref name="target"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRun(ref float target, Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, Vector512<float> a4, Vector512<float> a5,
        Vector512<float> a6, Vector512<float> a7)
    {
        a0.StoreUnsafe(ref target); a1.StoreUnsafe(ref target, Lanes); a2.StoreUnsafe(ref target, 2 * Lanes); a3.StoreUnsafe(ref target, 3 * Lanes);
        a4.StoreUnsafe(ref target, 4 * Lanes); a5.StoreUnsafe(ref target, 5 * Lanes); a6.StoreUnsafe(ref target, 6 * Lanes); a7.StoreUnsafe(ref target, 7 * Lanes);
    }

    /// <summary>
    /// <see cref="SumsRowsWide"/> at stride 2: pixel x reads input column 2x + kx, so the even taps' input vectors
    /// slide along the row as one set and the odd taps' as another (pixel x's input at tap kx + 2 is pixel x + 1's at
    /// kx), and a filter row loads 16 + kernel - 2 of them instead of 8 per tap. (One kernel for both strides, with
    /// the odd set unused at stride 1, ran DW5_960_7 10-20% slower.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumsRowsStride2Wide(ReadOnlySpan<float> buffer, ReadOnlySpan<float> weights, int rows, int outputWidth, int pitch, int kernel, Span<float> sums)
    {
        int taps = kernel * kernel, runs = CheckRuns(buffer, weights, sums, rows, outputWidth, pitch, kernel, 2);
        ref float input = ref MemoryMarshal.GetReference(buffer);
        ref float s = ref MemoryMarshal.GetReference(sums);
        ref float weight = ref MemoryMarshal.GetReference(weights);
        var b = Vector512.LoadUnsafe(ref weight, (nuint)(taps * Lanes));
        nuint rowStep = (nuint)(pitch * Lanes);
        for (int row = 0; row < rows; row++)
        {
            for (int run = 0; run < runs; run++)
            {
                int x = outputWidth * run / runs;
                ref float at = ref Unsafe.Add(ref input, (2 * row * pitch + 2 * x) * Lanes);
                Vector512<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
                ref float w = ref weight;
                for (int ky = 0; ky < kernel; ky++, at = ref Unsafe.Add(ref at, rowStep))
                {
                    // Even input columns 0, 2, .. 14 and odd ones 1, 3, .. 15 of the run.
                    var e0 = Vector512.LoadUnsafe(ref at); var e1 = Vector512.LoadUnsafe(ref at, 2 * Lanes); var e2 = Vector512.LoadUnsafe(ref at, 4 * Lanes);
                    var e3 = Vector512.LoadUnsafe(ref at, 6 * Lanes); var e4 = Vector512.LoadUnsafe(ref at, 8 * Lanes); var e5 = Vector512.LoadUnsafe(ref at, 10 * Lanes);
                    var e6 = Vector512.LoadUnsafe(ref at, 12 * Lanes); var e7 = Vector512.LoadUnsafe(ref at, 14 * Lanes);
                    Vector512<float> o0 = default, o1 = default, o2 = default, o3 = default, o4 = default, o5 = default, o6 = default, o7 = default;
                    if (kernel > 1)
                    {
                        o0 = Vector512.LoadUnsafe(ref at, Lanes); o1 = Vector512.LoadUnsafe(ref at, 3 * Lanes); o2 = Vector512.LoadUnsafe(ref at, 5 * Lanes);
                        o3 = Vector512.LoadUnsafe(ref at, 7 * Lanes); o4 = Vector512.LoadUnsafe(ref at, 9 * Lanes); o5 = Vector512.LoadUnsafe(ref at, 11 * Lanes);
                        o6 = Vector512.LoadUnsafe(ref at, 13 * Lanes); o7 = Vector512.LoadUnsafe(ref at, 15 * Lanes);
                    }
                    for (int kx = 0; kx < kernel; kx++)
                    {
                        var wt = Vector512.LoadUnsafe(ref w);
                        w = ref Unsafe.Add(ref w, Lanes);
                        if ((kx & 1) == 0)
                        {
                            if (kx > 0)
                            {
                                e0 = e1; e1 = e2; e2 = e3; e3 = e4; e4 = e5; e5 = e6; e6 = e7;
                                e7 = Vector512.LoadUnsafe(ref at, (nuint)((2 * RunPixels - 2 + kx) * Lanes));
                            }
                            a0 = Vector512.FusedMultiplyAdd(wt, e0, a0); a1 = Vector512.FusedMultiplyAdd(wt, e1, a1);
                            a2 = Vector512.FusedMultiplyAdd(wt, e2, a2); a3 = Vector512.FusedMultiplyAdd(wt, e3, a3);
                            a4 = Vector512.FusedMultiplyAdd(wt, e4, a4); a5 = Vector512.FusedMultiplyAdd(wt, e5, a5);
                            a6 = Vector512.FusedMultiplyAdd(wt, e6, a6); a7 = Vector512.FusedMultiplyAdd(wt, e7, a7);
                        }
                        else
                        {
                            if (kx > 1)
                            {
                                o0 = o1; o1 = o2; o2 = o3; o3 = o4; o4 = o5; o5 = o6; o6 = o7;
                                o7 = Vector512.LoadUnsafe(ref at, (nuint)((2 * RunPixels - 2 + kx) * Lanes));
                            }
                            a0 = Vector512.FusedMultiplyAdd(wt, o0, a0); a1 = Vector512.FusedMultiplyAdd(wt, o1, a1);
                            a2 = Vector512.FusedMultiplyAdd(wt, o2, a2); a3 = Vector512.FusedMultiplyAdd(wt, o3, a3);
                            a4 = Vector512.FusedMultiplyAdd(wt, o4, a4); a5 = Vector512.FusedMultiplyAdd(wt, o5, a5);
                            a6 = Vector512.FusedMultiplyAdd(wt, o6, a6); a7 = Vector512.FusedMultiplyAdd(wt, o7, a7);
                        }
                    }
                }
                StoreRun(ref Unsafe.Add(ref s, (row * outputWidth + x) * Lanes), a0, a1, a2, a3, a4, a5, a6, a7);
            }
        }
    }

    /// <summary>Each output pixel's 16 sums with <see cref="Vector{T}"/>, several vectors a pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumsVector(ReadOnlySpan<float> buffer, ReadOnlySpan<float> weights, ReadOnlySpan<int> reads, int kernel, int rowStep, int columnStep, Span<float> sums)
    {
        int pixels = reads.Length, taps = kernel * kernel, v = Vector<float>.Count;
        if (sums.Length < pixels * Lanes || weights.Length < (taps + 1) * Lanes || Lanes % v != 0) throw new ArgumentException("A span is shorter than the sizes require.");
        ref float input = ref MemoryMarshal.GetReference(buffer);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float s = ref MemoryMarshal.GetReference(sums);
        for (int i = 0; i < pixels; i++)
        {
            ref float p = ref Unsafe.Add(ref input, reads[i]);
            for (int lane = 0; lane < Lanes; lane += v)
            {
                var a = Vector.LoadUnsafe(ref w, (nuint)(taps * Lanes + lane));
                for (int ky = 0, tap = 0; ky < kernel; ky++)
                {
                    for (int kx = 0; kx < kernel; kx++, tap++)
                    {
                        a = Madd(Vector.LoadUnsafe(ref w, (nuint)(tap * Lanes + lane)), Vector.LoadUnsafe(ref p, (nuint)(ky * rowStep + kx * columnStep + lane)), a);
                    }
                }
                a.StoreUnsafe(ref s, (nuint)(i * Lanes + lane));
            }
        }
    }

    /// <summary>The sums of the block's channels [skip, count) to their rows, value by value, with the residual and activation.</summary>
    private static void CopyOut(ReadOnlySpan<float> sums, int pixels, int skip, int count, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int channelStride)
    {
        for (int c = skip; c < count; c++)
        {
            var row = output.Slice(c * channelStride, pixels);
            var rowResidual = residual.IsEmpty ? default : residual.Slice(c * channelStride, pixels);
            for (int i = 0; i < pixels; i++) Epilogue.Store(sums[i * Lanes + c], rowResidual, activation, row, i);
        }
    }

    /// <summary>
    /// The sums of the block's channels from <paramref name="skip"/> on to their rows with the residual and any
    /// activation, 16 pixels at a time through registers (the last 16 overlapping the ones before, or one pixel at a
    /// time for the last few: <see cref="TransposedPixels"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyOutWide(Span<float> sums, int pixels, int skip, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int channelStride)
    {
        long end = (long)(Lanes - 1) * channelStride + pixels;
        if (pixels < Lanes || sums.Length < pixels * Lanes || output.Length < end || (!residual.IsEmpty && residual.Length < end)) throw new ArgumentException("A span is shorter than the sizes require.");
        ref float s = ref MemoryMarshal.GetReference(sums);
        ref float r = ref MemoryMarshal.GetReference(residual);
        ref float o = ref MemoryMarshal.GetReference(output);
        bool addResidual = !residual.IsEmpty;
        int transposed = TransposedPixels(pixels);
        if (!addResidual && skip == 0)
        {
            // With nothing to add, the sums are activated first (the activations past relu6 in one pass over them) and
            // transposed in registers straight to the rows: no pass through a block in memory.
            if (activation > Activation.Relu6)
            {
                Epilogue.ActivateInPlace(sums.Slice(0, pixels * Lanes), activation);
                activation = Activation.None;
            }
            Span<int> rows = stackalloc int[Lanes];
            for (int c = 0; c < Lanes; c++) rows[c] = c * channelStride;
            for (int next = 0; next < transposed; next += Lanes)
            {
                int i = Math.Min(next, pixels - Lanes);
                TransposeActivated(ref Unsafe.Add(ref s, i * Lanes), activation, ref Unsafe.Add(ref o, i), ref MemoryMarshal.GetReference(rows));
            }
        }
        else
        {
            Span<float> block = stackalloc float[Lanes * Lanes];
            ref float channel = ref MemoryMarshal.GetReference(block);
            for (int next = 0; next < transposed; next += Lanes)
            {
                int i = Math.Min(next, pixels - Lanes);
                Transpose(ref Unsafe.Add(ref s, i * Lanes), Lanes, ref channel);
                for (int c = skip; c < Lanes; c++)
                {
                    nuint at = (nuint)(c * channelStride + i);
                    var value = Vector512.LoadUnsafe(ref channel, (nuint)(c * Lanes));
                    if (addResidual) value += Vector512.LoadUnsafe(ref r, at);
                    Activate(value, activation).StoreUnsafe(ref o, at);
                }
            }
        }
        // The pixels left, one at a time: the 16 channels' sums of a pixel are one vector, the same arithmetic per lane.
        for (int i = transposed; i < pixels; i++)
        {
            var value = Vector512.LoadUnsafe(ref s, (nuint)(i * Lanes));
            if (addResidual) value += Gather(ref Unsafe.Add(ref r, i), channelStride);
            value = Activate(value, activation);
            for (int c = skip; c < Lanes; c++) Unsafe.Add(ref o, c * channelStride + i) = value.GetElement(c);
        }
    }

    /// <summary>
    /// Any activation of 16 values: relu and relu6 as the stores apply them, the others with the values
    /// <see cref="Epilogue.ActivateInPlace"/> gives (whole vectors only here, no scalar tail per row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Activate(Vector512<float> value, Activation activation) =>
        activation <= Activation.Relu6 ? Epilogue.Activate(value, activation) : ActivationMath.Apply(value, activation);

    // Where each of a transpose's 16 rows starts in a block of 16 x 16. An array, not a span of constants: unoptimized
    // code (a Debug build of this library) allocated a field handle for the constants on every transpose.
    private static readonly int[] ConsecutiveRows = [0, Lanes, 2 * Lanes, 3 * Lanes, 4 * Lanes, 5 * Lanes, 6 * Lanes, 7 * Lanes, 8 * Lanes, 9 * Lanes, 10 * Lanes, 11 * Lanes, 12 * Lanes, 13 * Lanes, 14 * Lanes, 15 * Lanes];

    /// <summary>target[j x 16 + i] = source[i x sourceStride + j] for i, j below 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref float source, int sourceStride, ref float target) =>
        Transpose(ref source, sourceStride, ref target, ref MemoryMarshal.GetArrayDataReference(ConsecutiveRows));

    /// <summary>
    /// target[places[j] + i] = source[i x sourceStride + j] for i, j below 16: a 16 x 16 transpose in registers (unpacks
    /// of pairs of floats, then of pairs of pairs, then two shuffles of 128-bit lanes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref float source, int sourceStride, ref float target, ref int places)
    {
        nuint stride = (nuint)sourceStride;
        var r0 = Vector512.LoadUnsafe(ref source); var r1 = Vector512.LoadUnsafe(ref source, stride); var r2 = Vector512.LoadUnsafe(ref source, 2 * stride); var r3 = Vector512.LoadUnsafe(ref source, 3 * stride);
        var r4 = Vector512.LoadUnsafe(ref source, 4 * stride); var r5 = Vector512.LoadUnsafe(ref source, 5 * stride); var r6 = Vector512.LoadUnsafe(ref source, 6 * stride); var r7 = Vector512.LoadUnsafe(ref source, 7 * stride);
        var r8 = Vector512.LoadUnsafe(ref source, 8 * stride); var r9 = Vector512.LoadUnsafe(ref source, 9 * stride); var r10 = Vector512.LoadUnsafe(ref source, 10 * stride); var r11 = Vector512.LoadUnsafe(ref source, 11 * stride);
        var r12 = Vector512.LoadUnsafe(ref source, 12 * stride); var r13 = Vector512.LoadUnsafe(ref source, 13 * stride); var r14 = Vector512.LoadUnsafe(ref source, 14 * stride); var r15 = Vector512.LoadUnsafe(ref source, 15 * stride);
        Transpose(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15, ref target, ref places);
    }

    /// <summary>
    /// 16 consecutive rows of 16 floats from <paramref name="source"/>, each with <paramref name="activation"/> (relu,
    /// relu6 or none), transposed to target[places[j] + i]: sums with no residual straight to the channels' rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeActivated(ref float source, Activation activation, ref float target, ref int places)
    {
        var r0 = Load(ref source, 0, activation); var r1 = Load(ref source, 1, activation); var r2 = Load(ref source, 2, activation); var r3 = Load(ref source, 3, activation);
        var r4 = Load(ref source, 4, activation); var r5 = Load(ref source, 5, activation); var r6 = Load(ref source, 6, activation); var r7 = Load(ref source, 7, activation);
        var r8 = Load(ref source, 8, activation); var r9 = Load(ref source, 9, activation); var r10 = Load(ref source, 10, activation); var r11 = Load(ref source, 11, activation);
        var r12 = Load(ref source, 12, activation); var r13 = Load(ref source, 13, activation); var r14 = Load(ref source, 14, activation); var r15 = Load(ref source, 15, activation);
        Transpose(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15, ref target, ref places);

        static Vector512<float> Load(ref float source, int row, Activation activation) => Epilogue.Activate(Vector512.LoadUnsafe(ref source, (nuint)(row * Lanes)), activation);
    }

    /// <summary>target[places[j] + i] = element j of r_i: the transpose of 16 vectors held in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3, Vector512<float> r4, Vector512<float> r5, Vector512<float> r6,
        Vector512<float> r7, Vector512<float> r8, Vector512<float> r9, Vector512<float> r10, Vector512<float> r11, Vector512<float> r12, Vector512<float> r13, Vector512<float> r14,
        Vector512<float> r15, ref float target, ref int places)
    {
        // Within each 128-bit lane L: u[4g + e] holds element 4L + e of rows 4g .. 4g + 3.
        Quad(r0, r1, r2, r3, out var u0, out var u1, out var u2, out var u3);
        Quad(r4, r5, r6, r7, out var u4, out var u5, out var u6, out var u7);
        Quad(r8, r9, r10, r11, out var u8, out var u9, out var u10, out var u11);
        Quad(r12, r13, r14, r15, out var u12, out var u13, out var u14, out var u15);
        // Row 4L + e of the result: lane L of u[e], u[4 + e], u[8 + e], u[12 + e].
        Lanes4(u0, u4, u8, u12, ref target, ref places, 0);
        Lanes4(u1, u5, u9, u13, ref target, ref places, 1);
        Lanes4(u2, u6, u10, u14, ref target, ref places, 2);
        Lanes4(u3, u7, u11, u15, ref target, ref places, 3);
    }

    /// <summary>Four rows to, in each 128-bit lane L, element 4L + e of the four rows in u[e].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quad(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d,
        out Vector512<float> u0, out Vector512<float> u1, out Vector512<float> u2, out Vector512<float> u3)
    {
        var ab0 = Avx512F.UnpackLow(a, b).AsDouble(); var ab1 = Avx512F.UnpackHigh(a, b).AsDouble();
        var cd0 = Avx512F.UnpackLow(c, d).AsDouble(); var cd1 = Avx512F.UnpackHigh(c, d).AsDouble();
        u0 = Avx512F.UnpackLow(ab0, cd0).AsSingle();
        u1 = Avx512F.UnpackHigh(ab0, cd0).AsSingle();
        u2 = Avx512F.UnpackLow(ab1, cd1).AsSingle();
        u3 = Avx512F.UnpackHigh(ab1, cd1).AsSingle();
    }

    /// <summary>Rows e, 4 + e, 8 + e and 12 + e of the transpose from the u vectors of element e, stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lanes4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, ref float target, ref int places, int e)
    {
        var ab01 = Avx512F.Shuffle4x128(a, b, 0x44); var ab23 = Avx512F.Shuffle4x128(a, b, 0xEE);
        var cd01 = Avx512F.Shuffle4x128(c, d, 0x44); var cd23 = Avx512F.Shuffle4x128(c, d, 0xEE);
        Avx512F.Shuffle4x128(ab01, cd01, 0x88).StoreUnsafe(ref target, (nuint)Unsafe.Add(ref places, e));
        Avx512F.Shuffle4x128(ab01, cd01, 0xDD).StoreUnsafe(ref target, (nuint)Unsafe.Add(ref places, 4 + e));
        Avx512F.Shuffle4x128(ab23, cd23, 0x88).StoreUnsafe(ref target, (nuint)Unsafe.Add(ref places, 8 + e));
        Avx512F.Shuffle4x128(ab23, cd23, 0xDD).StoreUnsafe(ref target, (nuint)Unsafe.Add(ref places, 12 + e));
    }
}
