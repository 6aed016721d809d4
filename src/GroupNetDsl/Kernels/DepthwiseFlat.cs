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
/// The depthwise kernel for <see cref="ConvolutionVariant.DepthwiseFlat"/>: a stride-1 convolution whose output is as
/// large as its input, on rows narrower than a 512-bit vector. A channel is read as one flat run of height x width
/// values, so one vector covers several rows: output f (its flat index) reads input f + dy x width + dx for each tap.
/// A tap that reaches past a row's end would read the next row's first values, so its lanes in those columns are
/// masked to zero, the value a zero-padded plane holds there; rows above and below the image read zeros around a copy
/// of the channel. The output's rows are the flat run's, so vectors are stored as they are.
/// </summary>
/// <remarks>
/// Each output sums its taps in the plane kernels' order from the bias, with the same zeros, so its value does not
/// depend on which vector it falls in: bands of rows and runs of channels give the same bits. Where vectors are
/// accelerated a run shorter than one takes scalars with the vectors' fused multiply-add.
/// </remarks>
internal static class DepthwiseFlat
{
    private const int Lanes = 16;

    // The channel with zeros around it: reach x (width + 1) zeros, the channel, as many zeros and a vector's slack.
    [ThreadStatic]
    private static float[]? t_channel;

    // For each start column r and each filter column kx: 16 lanes, all bits set where column (r + lane) mod width + dx
    // lies in the row.
    [ThreadStatic]
    private static float[]? t_masks;

    [ThreadStatic]
    private static int[]? t_offsets;

    // Per 512-bit vector of the band: where it starts, and where its start column's masks are.
    [ThreadStatic]
    private static int[]? t_vectors;

    /// <summary>True when <paramref name="shape"/> suits this kernel: stride 1 and an output as large as the input.</summary>
    internal static bool Suits(in ConvolutionShape shape) => shape.Stride == 1 && shape.OutputHeight == shape.Height && shape.OutputWidth == shape.Width;

    /// <summary>As <c>DepthwiseKernel.Rows</c>: output rows [firstRow, lastRow) of channels [firstChannel, lastChannel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows(in ConvolutionShape shape, int firstRow, int lastRow, int firstChannel, int lastChannel, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int channelStride, Span<float> rowSums)
    {
        if (!Suits(shape) || firstRow < 0 || lastRow > shape.Height || firstRow >= lastRow) throw new ArgumentException($"{shape} rows {firstRow}..{lastRow} do not suit the flat depthwise kernel.", nameof(shape));
        int width = shape.Width, height = shape.Height, kernel = shape.Kernel, taps = kernel * kernel, padding = shape.Padding;
        int plane = height * width, count = (lastRow - firstRow) * width;
        // The reach of a tap in flat positions: padding rows and columns either way (the output is the input's size).
        int lead = padding * width + padding;
        var masks = MemoryMarshal.Cast<float, uint>(ThreadScratch.Get(ref t_masks, width * kernel * Lanes));
        var offsets = ThreadScratch.Get(ref t_offsets, taps);
        for (int ky = 0; ky < kernel; ky++)
        {
            for (int kx = 0; kx < kernel; kx++) offsets[ky * kernel + kx] = lead + (ky * shape.Dilation - padding) * width + kx * shape.Dilation - padding;
        }
        for (int r = 0; r < width; r++)
        {
            for (int kx = 0; kx < kernel; kx++)
            {
                int dx = kx * shape.Dilation - padding;
                for (int lane = 0; lane < Lanes; lane++)
                {
                    int column = (r + lane) % width + dx;
                    masks[(r * kernel + kx) * Lanes + lane] = (uint)column < (uint)width ? uint.MaxValue : 0u;
                }
            }
        }
        // The rows the band reads, the rest zeros (rows never read keep what they had: only masked lanes read them).
        // Two copies: the next channel is copied while this one is computed, so that no load waits for the copy's stores.
        int readFirst = Math.Max(0, firstRow - padding), readLast = Math.Min(height, lastRow + padding), span = lead + plane + lead + Lanes;
        var channels = ThreadScratch.Get(ref t_channel, 2 * span);
        for (int copy = 0; copy < 2; copy++)
        {
            channels.Slice(copy * span, lead + readFirst * width).Clear();
            channels.Slice(copy * span + lead + readLast * width, span - lead - readLast * width).Clear();
        }
        var floatMasks = MemoryMarshal.Cast<uint, float>(masks);
        // The vectors of the band (the last overlapping the one before it), computed once for all channels.
        int vectorCount = count >= Lanes ? (count + Lanes - 1) / Lanes : 0;
        var vectors = ThreadScratch.Get(ref t_vectors, 2 * vectorCount);
        for (int q = 0; q < vectorCount; q++)
        {
            int i = Math.Min(q * Lanes, count - Lanes);
            vectors[2 * q] = i;
            vectors[2 * q + 1] = (firstRow * width + i) % width * kernel * Lanes;
        }
        int readLength = (readLast - readFirst) * width;
        int copied = firstChannel / shape.OutPerGroup;
        input.Slice(copied * plane + readFirst * width, readLength).CopyTo(channels.Slice(copied % 2 * span + lead + readFirst * width));
        // Relu and relu6 ride in the stores; the other activations go over each channel's outputs once stored, as in
        // the other depthwise variants (DepthwiseKernel.Rows).
        var stored = activation > Activation.Relu6 ? Activation.None : activation;
        for (int oc = firstChannel; oc < lastChannel; oc++)
        {
            int source = oc / shape.OutPerGroup;
            var channel = channels.Slice(source % 2 * span, span);
            int upcoming = (oc + 1) / shape.OutPerGroup;
            if (oc + 1 < lastChannel && upcoming != copied)
            {
                input.Slice(upcoming * plane + readFirst * width, readLength).CopyTo(channels.Slice(upcoming % 2 * span + lead + readFirst * width));
                copied = upcoming;
            }
            var channelOutput = output.Slice(oc * channelStride, count);
            var channelResidual = residual.IsEmpty ? default : residual.Slice(oc * channelStride, count);
            float channelBias = bias.IsEmpty ? 0f : bias[oc];
            var filter = weight.Slice(oc * taps, taps);
            var band = channel.Slice(firstRow * width);
            if (Vector512.IsHardwareAccelerated && count >= Lanes)
            {
                if (kernel == 3) Flat3x3Wide(band, offsets, floatMasks, vectors, filter, channelBias, channelResidual, stored, channelOutput);
                else if (kernel == 5) Flat5x5Wide(band, offsets, floatMasks, vectors, filter, channelBias, channelResidual, stored, channelOutput);
                else FlatWide(band, offsets, floatMasks, vectors, kernel, filter, channelBias, channelResidual, stored, channelOutput);
            }
            else if (Vector.IsHardwareAccelerated && count >= Vector<float>.Count)
            {
                FlatVector(band, offsets, floatMasks, width, kernel, filter, channelBias, channelResidual, stored, firstRow * width, count, channelOutput);
            }
            else
            {
                FlatScalar(band, offsets, width, kernel, shape.Dilation, padding, filter, channelBias, channelResidual, stored, firstRow * width, count, channelOutput);
            }
            if (activation > Activation.Relu6) Epilogue.ActivateInPlace(channelOutput, activation);
            FusedPool.SumRows(shape, oc, 1, firstRow, lastRow, channelOutput, count, rowSums);
        }
    }

    // The kernels below read band[offsets[tap] + i] for i < count + a vector: inside the channel buffer by its layout,
    // so they read without bounds checks. Output i is flat position first + i; its column is (first + i) mod width.

    /// <summary>A 3x3 filter with 512-bit vectors, the nine weights in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Flat3x3Wide(ReadOnlySpan<float> band, ReadOnlySpan<int> offsets, ReadOnlySpan<float> masks, ReadOnlySpan<int> vectors, ReadOnlySpan<float> filter, float bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output)
    {
        if (offsets.Length < 9 || filter.Length < 9) throw new ArgumentException("A 3x3 filter has 9 taps.");
        var w0 = Vector512.Create(filter[0]); var w1 = Vector512.Create(filter[1]); var w2 = Vector512.Create(filter[2]);
        var w3 = Vector512.Create(filter[3]); var w4 = Vector512.Create(filter[4]); var w5 = Vector512.Create(filter[5]);
        var w6 = Vector512.Create(filter[6]); var w7 = Vector512.Create(filter[7]); var w8 = Vector512.Create(filter[8]);
        nuint s0 = (nuint)offsets[0], s1 = (nuint)offsets[1], s2 = (nuint)offsets[2], s3 = (nuint)offsets[3], s4 = (nuint)offsets[4];
        nuint s5 = (nuint)offsets[5], s6 = (nuint)offsets[6], s7 = (nuint)offsets[7], s8 = (nuint)offsets[8];
        var b = Vector512.Create(bias);
        ref float p = ref MemoryMarshal.GetReference(band);
        ref float m = ref MemoryMarshal.GetReference(masks);
        for (int q = 0; q + 1 < vectors.Length; q += 2)
        {
            int i = vectors[q];
            ref float at = ref Unsafe.Add(ref p, i);
            // Columns 0 and 2 of the filter reach one column out: masked where that wraps into another row.
            ref float columnMasks = ref Unsafe.Add(ref m, vectors[q + 1]);
            var left = Vector512.LoadUnsafe(ref columnMasks);
            var right = Vector512.LoadUnsafe(ref columnMasks, 2 * Lanes);
            var sum = Vector512.FusedMultiplyAdd(w0, Vector512.LoadUnsafe(ref at, s0) & left, b);
            sum = Vector512.FusedMultiplyAdd(w1, Vector512.LoadUnsafe(ref at, s1), sum);
            sum = Vector512.FusedMultiplyAdd(w2, Vector512.LoadUnsafe(ref at, s2) & right, sum);
            sum = Vector512.FusedMultiplyAdd(w3, Vector512.LoadUnsafe(ref at, s3) & left, sum);
            sum = Vector512.FusedMultiplyAdd(w4, Vector512.LoadUnsafe(ref at, s4), sum);
            sum = Vector512.FusedMultiplyAdd(w5, Vector512.LoadUnsafe(ref at, s5) & right, sum);
            sum = Vector512.FusedMultiplyAdd(w6, Vector512.LoadUnsafe(ref at, s6) & left, sum);
            sum = Vector512.FusedMultiplyAdd(w7, Vector512.LoadUnsafe(ref at, s7), sum);
            sum = Vector512.FusedMultiplyAdd(w8, Vector512.LoadUnsafe(ref at, s8) & right, sum);
            Epilogue.Store(sum, residual, activation, output, i);
        }
    }

    /// <summary>A 5x5 filter with 512-bit vectors, its taps unrolled in <see cref="FlatWide"/>'s order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Flat5x5Wide(ReadOnlySpan<float> band, ReadOnlySpan<int> offsets, ReadOnlySpan<float> masks, ReadOnlySpan<int> vectors, ReadOnlySpan<float> filter, float bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output)
    {
        if (offsets.Length < 25 || filter.Length < 25) throw new ArgumentException("A 5x5 filter has 25 taps.");
        var b = Vector512.Create(bias);
        ref float p = ref MemoryMarshal.GetReference(band);
        ref float m = ref MemoryMarshal.GetReference(masks);
        ref float w = ref MemoryMarshal.GetReference(filter);
        ref int o = ref MemoryMarshal.GetReference(offsets);
        for (int q = 0; q + 1 < vectors.Length; q += 2)
        {
            int i = vectors[q];
            ref float at = ref Unsafe.Add(ref p, i);
            // The middle column of the filter stays in the row; the others are masked where they wrap.
            ref float columnMasks = ref Unsafe.Add(ref m, vectors[q + 1]);
            var m0 = Vector512.LoadUnsafe(ref columnMasks); var m1 = Vector512.LoadUnsafe(ref columnMasks, Lanes);
            var m3 = Vector512.LoadUnsafe(ref columnMasks, 3 * Lanes); var m4 = Vector512.LoadUnsafe(ref columnMasks, 4 * Lanes);
            var sum = FiveTaps(b, ref at, ref o, ref w, 0, m0, m1, m3, m4);
            sum = FiveTaps(sum, ref at, ref o, ref w, 5, m0, m1, m3, m4);
            sum = FiveTaps(sum, ref at, ref o, ref w, 10, m0, m1, m3, m4);
            sum = FiveTaps(sum, ref at, ref o, ref w, 15, m0, m1, m3, m4);
            sum = FiveTaps(sum, ref at, ref o, ref w, 20, m0, m1, m3, m4);
            Epilogue.Store(sum, residual, activation, output, i);
        }
    }

    /// <summary>One row of a 5x5 filter's taps, from tap <paramref name="tap"/>, added to <paramref name="sum"/> in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FiveTaps(Vector512<float> sum, ref float at, ref int o, ref float w, int tap,
        Vector512<float> m0, Vector512<float> m1, Vector512<float> m3, Vector512<float> m4)
    {
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, tap)), Vector512.LoadUnsafe(ref at, (nuint)Unsafe.Add(ref o, tap)) & m0, sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, tap + 1)), Vector512.LoadUnsafe(ref at, (nuint)Unsafe.Add(ref o, tap + 1)) & m1, sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, tap + 2)), Vector512.LoadUnsafe(ref at, (nuint)Unsafe.Add(ref o, tap + 2)), sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, tap + 3)), Vector512.LoadUnsafe(ref at, (nuint)Unsafe.Add(ref o, tap + 3)) & m3, sum);
        return Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, tap + 4)), Vector512.LoadUnsafe(ref at, (nuint)Unsafe.Add(ref o, tap + 4)) & m4, sum);
    }

    /// <summary>Any filter with 512-bit vectors, tap by tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FlatWide(ReadOnlySpan<float> band, ReadOnlySpan<int> offsets, ReadOnlySpan<float> masks, ReadOnlySpan<int> vectors, int kernel, ReadOnlySpan<float> filter, float bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output)
    {
        int taps = kernel * kernel;
        if (offsets.Length < taps || filter.Length < taps) throw new ArgumentException("A span is shorter than the sizes require.");
        ref float p = ref MemoryMarshal.GetReference(band);
        ref float m = ref MemoryMarshal.GetReference(masks);
        ref float w = ref MemoryMarshal.GetReference(filter);
        ref int o = ref MemoryMarshal.GetReference(offsets);
        for (int q = 0; q + 1 < vectors.Length; q += 2)
        {
            int i = vectors[q];
            ref float at = ref Unsafe.Add(ref p, i);
            ref float columnMasks = ref Unsafe.Add(ref m, vectors[q + 1]);
            var sum = Vector512.Create(bias);
            for (int ky = 0, tap = 0; ky < kernel; ky++)
            {
                for (int kx = 0; kx < kernel; kx++, tap++)
                {
                    var x = Vector512.LoadUnsafe(ref at, (nuint)Unsafe.Add(ref o, tap)) & Vector512.LoadUnsafe(ref columnMasks, (nuint)(kx * Lanes));
                    sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, tap)), x, sum);
                }
            }
            Epilogue.Store(sum, residual, activation, output, i);
        }
    }

    /// <summary>Any filter with <see cref="Vector{T}"/>, tap by tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FlatVector(ReadOnlySpan<float> band, ReadOnlySpan<int> offsets, ReadOnlySpan<float> masks, int width, int kernel, ReadOnlySpan<float> filter, float bias,
        ReadOnlySpan<float> residual, Activation activation, int first, int count, Span<float> output)
    {
        int taps = kernel * kernel, v = Vector<float>.Count;
        if (v > Lanes || offsets.Length < taps || filter.Length < taps || masks.Length < width * kernel * Lanes) throw new ArgumentException("A span is shorter than the sizes require.");
        ref float p = ref MemoryMarshal.GetReference(band);
        ref float m = ref MemoryMarshal.GetReference(masks);
        ref float w = ref MemoryMarshal.GetReference(filter);
        ref int o = ref MemoryMarshal.GetReference(offsets);
        for (int next = 0; next < count; next += v)
        {
            int i = Math.Min(next, count - v);
            // The masks of a start column hold 16 lanes; a vector uses its first.
            ref float columnMasks = ref Unsafe.Add(ref m, (first + i) % width * kernel * Lanes);
            ref float at = ref Unsafe.Add(ref p, i);
            var sum = new Vector<float>(bias);
            for (int ky = 0, tap = 0; ky < kernel; ky++)
            {
                for (int kx = 0; kx < kernel; kx++, tap++)
                {
                    var x = Vector.LoadUnsafe(ref at, (nuint)Unsafe.Add(ref o, tap)) & Vector.LoadUnsafe(ref columnMasks, (nuint)(kx * Lanes));
                    sum = Madd(new Vector<float>(Unsafe.Add(ref w, tap)), x, sum);
                }
            }
            Epilogue.Store(sum, residual, activation, output, i);
        }
    }

    /// <summary>Runs shorter than a vector, or no vectors: the same sums one value at a time, bounds checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FlatScalar(ReadOnlySpan<float> band, ReadOnlySpan<int> offsets, int width, int kernel, int dilation, int padding, ReadOnlySpan<float> filter, float bias,
        ReadOnlySpan<float> residual, Activation activation, int first, int count, Span<float> output)
    {
        // Fused where the vector kernels fuse, so that a run's length does not change its values.
        bool fused = Vector.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported);
        for (int i = 0; i < count; i++)
        {
            int column = (first + i) % width;
            float sum = bias;
            for (int ky = 0, tap = 0; ky < kernel; ky++)
            {
                for (int kx = 0; kx < kernel; kx++, tap++)
                {
                    int x = column + kx * dilation - padding;
                    float value = (uint)x < (uint)width ? band[offsets[tap] + i] : 0f;
                    sum = fused ? MathF.FusedMultiplyAdd(filter[tap], value, sum) : sum + filter[tap] * value;
                }
            }
            Epilogue.Store(sum, residual, activation, output, i);
        }
    }
}
