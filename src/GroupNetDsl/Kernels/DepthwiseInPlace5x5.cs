using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GroupNetDsl.Kernels;

/// <summary>
/// The depthwise kernel that <see cref="ConvolutionVariant.DepthwiseTaps5x5"/> runs at stride 1, padding 2 and dilation 1
/// on rows at least a 512-bit vector wide: it reads the input channel where it is instead of copying it into a
/// zero-padded plane. Four output rows at a time (then two, then one for the rows left) share the eight input rows they
/// read; each input row gives its five column shifts once per vector of columns to every output row that uses it, and
/// the four sums are independent chains of multiply-adds.
/// </summary>
/// <remarks>
/// Rows above and below the image read a row of zeros; at a row's ends the columns beyond it are zeros moved in by a
/// lane rotation of a load inside the row: the values a zero-padded plane holds there. Each output sums the bias, then
/// its taps in row-major order, as the plane kernels do, so the results are theirs bit for bit and do not depend on
/// bands of rows or runs of channels. A row's last vector overlaps the one before it (the same sums) instead of leaving
/// a tail. Needs AVX-512 (<see cref="IsSupported"/>).
/// </remarks>
internal static class DepthwiseInPlace5x5
{
    private const int Lanes = 16;

    /// <summary>True where the kernel runs: AVX-512 accelerated.</summary>
    internal static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>True when <paramref name="shape"/> suits this kernel: a 5x5 filter at stride 1, padding 2, dilation 1, on rows of a vector or more.</summary>
    internal static bool Suits(in ConvolutionShape shape) =>
        shape.Kernel == 5 && shape.Stride == 1 && shape.Padding == 2 && shape.Dilation == 1 && shape.Width >= Lanes
        && shape.OutputWidth == shape.Width && shape.OutputHeight == shape.Height;

    /// <summary>As <c>DepthwiseKernel.Rows</c>: output rows [firstRow, lastRow) of channels [firstChannel, lastChannel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows(in ConvolutionShape shape, int firstRow, int lastRow, int firstChannel, int lastChannel, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int channelStride, Span<float> rowSums)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("The in-place 5x5 depthwise kernel needs AVX-512.");
        if (!Suits(shape) || firstRow < 0 || lastRow > shape.OutputHeight || firstRow >= lastRow)
        {
            throw new ArgumentException($"{shape} rows {firstRow}..{lastRow} do not suit the in-place 5x5 depthwise kernel.", nameof(shape));
        }
        int inPlane = shape.Height * shape.Width, written = (lastRow - firstRow) * shape.Width;
        var zeros = DepthwiseKernel.ZeroRow(shape.Width);
        // Relu and relu6 ride in the stores; the other activations go over each channel's rows once they are stored.
        var stored = activation > Activation.Relu6 ? Activation.None : activation;
        for (int oc = firstChannel; oc < lastChannel; oc++)
        {
            var channel = input.Slice(oc / shape.OutPerGroup * inPlane, inPlane);
            var channelOutput = output.Slice(oc * channelStride, written);
            var channelResidual = residual.IsEmpty ? default : residual.Slice(oc * channelStride, written);
            float channelBias = bias.IsEmpty ? 0f : bias[oc];
            Channel(channel, zeros, shape.Height, shape.Width, weight.Slice(oc * 25, 25), channelBias, channelResidual, stored, firstRow, lastRow, channelOutput);
            if (activation > Activation.Relu6) Epilogue.ActivateInPlace(channelOutput, activation);
            FusedPool.SumRows(shape, oc, 1, firstRow, lastRow, channelOutput, written, rowSums);
        }
    }

    /// <summary>Output rows [firstRow, lastRow) of one channel: four rows at a time, then two, then one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Channel(ReadOnlySpan<float> channel, ReadOnlySpan<float> zeros, int height, int width, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, Span<float> output)
    {
        // The blocks read columns [0, width) of the channel's rows and of the zero row only (see Block), and write
        // output columns [0, width) of rows [0, lastRow - firstRow).
        if (width < Lanes || firstRow < 0 || lastRow > height || channel.Length < height * width || zeros.Length < width || filter.Length < 25
            || output.Length < (lastRow - firstRow) * width || (!residual.IsEmpty && residual.Length < output.Length))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        ref float source = ref MemoryMarshal.GetReference(channel);
        ref float zero = ref MemoryMarshal.GetReference(zeros);
        ref float w = ref MemoryMarshal.GetReference(filter);
        var b = Vector512.Create(bias);
        int oy = firstRow;
        for (; oy + 4 <= lastRow; oy += 4) RowBlock<Four>(ref source, ref zero, height, width, ref w, b, residual, activation, output, oy, firstRow);
        if (oy + 2 <= lastRow)
        {
            RowBlock<Two>(ref source, ref zero, height, width, ref w, b, residual, activation, output, oy, firstRow);
            oy += 2;
        }
        if (oy < lastRow) RowBlock<One>(ref source, ref zero, height, width, ref w, b, residual, activation, output, oy, firstRow);
    }

    /// <summary>
    /// Output rows oy .. oy + rows - 1 (rows 4, 2 or 1), which read input rows oy - 2 .. oy + rows + 1,
    /// across the row. A vector of columns at ox reads columns ox - 2 .. ox + 17: the first vector has its left columns
    /// shifted in, the last (at width - 16) its right ones; the ones between start inside [2, width - 18] so that they
    /// read inside the row (the one before the last clamped back to width - 18, overlapping its neighbor).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowBlock<TRows>(ref float source, ref float zero, int height, int width, ref float w, Vector512<float> b,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, int oy, int firstRow)
        where TRows : struct, IConstant
    {
        ref float r0 = ref DepthwiseKernel.InputRow(ref source, ref zero, oy - 2, height, width);
        ref float r1 = ref DepthwiseKernel.InputRow(ref source, ref zero, oy - 1, height, width);
        ref float r2 = ref DepthwiseKernel.InputRow(ref source, ref zero, oy, height, width);
        ref float r3 = ref DepthwiseKernel.InputRow(ref source, ref zero, oy + 1, height, width);
        ref float r4 = ref DepthwiseKernel.InputRow(ref source, ref zero, oy + 2, height, width);
        ref float r5 = ref DepthwiseKernel.InputRow(ref source, ref zero, oy + 3, height, width);
        ref float r6 = ref DepthwiseKernel.InputRow(ref source, ref zero, oy + 4, height, width);
        ref float r7 = ref DepthwiseKernel.InputRow(ref source, ref zero, oy + 5, height, width);
        int index = (oy - firstRow) * width;
        // The edge cases by width: 16 is one vector with both edges; 17 has one column inside the row on each edge.
        if (width == Lanes)
        {
            Block<TRows, Two, Two>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 0, ref w, b, residual, activation, output, index, width);
            return;
        }
        if (width == Lanes + 1)
        {
            Block<TRows, Two, One>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 0, ref w, b, residual, activation, output, index, width);
            Block<TRows, One, Two>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 1, ref w, b, residual, activation, output, index, width);
            return;
        }
        Block<TRows, Two, Zero>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 0, ref w, b, residual, activation, output, index, width);
        for (int ox = Lanes; ox < width - Lanes; ox += Lanes)
        {
            Block<TRows, Zero, Zero>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, Math.Min(ox, width - Lanes - 2), ref w, b, residual, activation, output, index, width);
        }
        Block<TRows, Zero, Two>(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, width - Lanes, ref w, b, residual, activation, output, index, width);
    }

    /// <summary>
    /// One vector of columns at <paramref name="ox"/> of output rows 0 .. rows - 1 of the block, from input rows r0 ..
    /// r(rows + 3). Left and right count the columns on that side that lie beyond the row: those are zeros rotated in,
    /// the others loads. The counts are type arguments, so each combination is compiled with them as constants.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TRows, TLeft, TRight>(ref float r0, ref float r1, ref float r2, ref float r3, ref float r4, ref float r5, ref float r6, ref float r7,
        int ox, ref float w, Vector512<float> b, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int index, int width)
        where TRows : struct, IConstant
        where TLeft : struct, IConstant
        where TRight : struct, IConstant
    {
        int rows = TRows.Value, left = TLeft.Value, right = TRight.Value;
        // Output row j takes filter row ky from input row j + ky; the input rows come in order, so each sum takes its
        // taps in row-major order, starting from the bias.
        Shifts(ref r0, ox, left, right, out var x0, out var x1, out var x2, out var x3, out var x4);
        var s0 = Taps(b, ref w, 0, x0, x1, x2, x3, x4);
        Vector512<float> s1 = default, s2 = default, s3 = default;
        Shifts(ref r1, ox, left, right, out x0, out x1, out x2, out x3, out x4);
        s0 = Taps(s0, ref w, 1, x0, x1, x2, x3, x4);
        if (rows > 1) s1 = Taps(b, ref w, 0, x0, x1, x2, x3, x4);
        Shifts(ref r2, ox, left, right, out x0, out x1, out x2, out x3, out x4);
        s0 = Taps(s0, ref w, 2, x0, x1, x2, x3, x4);
        if (rows > 1) s1 = Taps(s1, ref w, 1, x0, x1, x2, x3, x4);
        if (rows > 2) s2 = Taps(b, ref w, 0, x0, x1, x2, x3, x4);
        Shifts(ref r3, ox, left, right, out x0, out x1, out x2, out x3, out x4);
        s0 = Taps(s0, ref w, 3, x0, x1, x2, x3, x4);
        if (rows > 1) s1 = Taps(s1, ref w, 2, x0, x1, x2, x3, x4);
        if (rows > 2)
        {
            s2 = Taps(s2, ref w, 1, x0, x1, x2, x3, x4);
            s3 = Taps(b, ref w, 0, x0, x1, x2, x3, x4);
        }
        Shifts(ref r4, ox, left, right, out x0, out x1, out x2, out x3, out x4);
        s0 = Taps(s0, ref w, 4, x0, x1, x2, x3, x4);
        if (rows > 1) s1 = Taps(s1, ref w, 3, x0, x1, x2, x3, x4);
        if (rows > 2)
        {
            s2 = Taps(s2, ref w, 2, x0, x1, x2, x3, x4);
            s3 = Taps(s3, ref w, 1, x0, x1, x2, x3, x4);
        }
        if (rows > 1)
        {
            Shifts(ref r5, ox, left, right, out x0, out x1, out x2, out x3, out x4);
            s1 = Taps(s1, ref w, 4, x0, x1, x2, x3, x4);
            if (rows > 2)
            {
                s2 = Taps(s2, ref w, 3, x0, x1, x2, x3, x4);
                s3 = Taps(s3, ref w, 2, x0, x1, x2, x3, x4);
            }
        }
        if (rows > 2)
        {
            Shifts(ref r6, ox, left, right, out x0, out x1, out x2, out x3, out x4);
            s2 = Taps(s2, ref w, 4, x0, x1, x2, x3, x4);
            s3 = Taps(s3, ref w, 3, x0, x1, x2, x3, x4);
            Shifts(ref r7, ox, left, right, out x0, out x1, out x2, out x3, out x4);
            s3 = Taps(s3, ref w, 4, x0, x1, x2, x3, x4);
        }
        int at = index + ox;
        Epilogue.Store(s0, residual, activation, output, at);
        if (rows > 1) Epilogue.Store(s1, residual, activation, output, at + width);
        if (rows > 2)
        {
            Epilogue.Store(s2, residual, activation, output, at + 2 * width);
            Epilogue.Store(s3, residual, activation, output, at + 3 * width);
        }
    }

    /// <summary>sum + the five taps of filter row <paramref name="ky"/> over the row's five column shifts, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Taps(Vector512<float> sum, ref float w, int ky, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3, Vector512<float> x4)
    {
        ref float row = ref Unsafe.Add(ref w, 5 * ky);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(row), x0, sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref row, 1)), x1, sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref row, 2)), x2, sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref row, 3)), x3, sum);
        return Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref row, 4)), x4, sum);
    }

    /// <summary>
    /// The row's columns ox - 2 .. ox + 2 (each a vector of 16), reading inside the row only: the <paramref name="left"/>
    /// columns before it and <paramref name="right"/> after it are zeros rotated in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Shifts(ref float row, int ox, int left, int right, out Vector512<float> x0, out Vector512<float> x1, out Vector512<float> x2, out Vector512<float> x3, out Vector512<float> x4)
    {
        var zero = Vector512<int>.Zero;
        x2 = Vector512.LoadUnsafe(ref row, (nuint)ox);
        if (left == 0)
        {
            x0 = Vector512.LoadUnsafe(ref row, (nuint)(ox - 2));
            x1 = Vector512.LoadUnsafe(ref row, (nuint)(ox - 1));
        }
        else if (left == 1)
        {
            x1 = Vector512.LoadUnsafe(ref row, (nuint)(ox - 1));
            x0 = Avx512F.AlignRight32(x1.AsInt32(), zero, 15).AsSingle();
        }
        else
        {
            x0 = Avx512F.AlignRight32(x2.AsInt32(), zero, 14).AsSingle();
            x1 = Avx512F.AlignRight32(x2.AsInt32(), zero, 15).AsSingle();
        }
        if (right == 0)
        {
            x3 = Vector512.LoadUnsafe(ref row, (nuint)(ox + 1));
            x4 = Vector512.LoadUnsafe(ref row, (nuint)(ox + 2));
        }
        else if (right == 1)
        {
            x3 = Vector512.LoadUnsafe(ref row, (nuint)(ox + 1));
            x4 = Avx512F.AlignRight32(zero, x3.AsInt32(), 1).AsSingle();
        }
        else
        {
            x3 = Avx512F.AlignRight32(zero, x2.AsInt32(), 1).AsSingle();
            x4 = Avx512F.AlignRight32(zero, x2.AsInt32(), 2).AsSingle();
        }
    }

    /// <summary>A count known when the generic method is compiled (a struct type argument), so the branches on it fold away.</summary>
    private interface IConstant
    {
        static abstract int Value { get; }
    }

    private struct Zero : IConstant
    {
        public static int Value => 0;
    }

    private struct One : IConstant
    {
        public static int Value => 1;
    }

    private struct Two : IConstant
    {
        public static int Value => 2;
    }

    private struct Four : IConstant
    {
        public static int Value => 4;
    }
}
