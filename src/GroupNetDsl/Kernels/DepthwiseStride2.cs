using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GroupNetDsl.Kernels;

/// <summary>
/// The depthwise kernel for <see cref="ConvolutionVariant.DepthwiseStride2InPlace"/>: a 3x3 or 5x5 filter at stride 2
/// and dilation 1 on output rows at least a 512-bit vector wide, reading the input channel where it is instead of
/// copying it into phase planes. Output columns ox .. ox + 15 read, for filter column kx, every other input column from
/// 2 x ox + kx - padding. At padding kernel / 2 two loads of the 32 columns from 2 x ox and two-source permutes give
/// the even and the odd ones, which lane moves with a broadcast column or two beside them turn into every tap's
/// (InPlace). Elsewhere each tap's columns come from two loads at its offset and a permute, and at the row edges a load
/// that would reach past the row is one inside it with its lanes moved into place and zeros shifted in (Windowed).
/// Rows above and below the image read a row of zeros: the values a zero-padded plane holds there.
/// </summary>
/// <remarks>
/// Each output sums the bias, then its taps in row-major order with the same zeros, as the plane kernels do, so the
/// results are theirs bit for bit and do not depend on bands of rows or runs of channels. A row's last vector overlaps
/// the one before it (the same sums) instead of leaving a tail. Needs AVX-512 (<see cref="IsSupported"/>).
/// </remarks>
internal static class DepthwiseStride2
{
    private const int Lanes = 16;

    /// <summary>True where the kernel runs: AVX-512 accelerated.</summary>
    internal static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>True when <paramref name="shape"/> suits this kernel: stride 2, dilation 1, a 3x3 or 5x5 filter, padding up to 2, input and output rows of a vector or more.</summary>
    internal static bool Suits(in ConvolutionShape shape) =>
        shape.Stride == 2 && shape.Dilation == 1 && shape.Kernel is 3 or 5 && shape.Padding <= 2 && shape.Width >= Lanes && shape.OutputWidth >= Lanes;

    /// <summary>As <c>DepthwiseKernel.Rows</c>: output rows [firstRow, lastRow) of channels [firstChannel, lastChannel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows(in ConvolutionShape shape, int firstRow, int lastRow, int firstChannel, int lastChannel, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int channelStride, Span<float> rowSums)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("The in-place stride-2 depthwise kernel needs AVX-512.");
        if (!Suits(shape) || firstRow < 0 || lastRow > shape.OutputHeight || firstRow >= lastRow)
        {
            throw new ArgumentException($"{shape} rows {firstRow}..{lastRow} do not suit the in-place stride-2 depthwise kernel.", nameof(shape));
        }
        int taps = shape.Kernel * shape.Kernel, inPlane = shape.Height * shape.Width, written = (lastRow - firstRow) * shape.OutputWidth;
        var zeros = DepthwiseKernel.ZeroRow(shape.Width);
        // Relu and relu6 ride in the stores; the other activations go over each channel's rows once they are stored.
        var stored = activation > Activation.Relu6 ? Activation.None : activation;
        // Where the row's first and last vectors read, the same for every row and channel.
        Span<EdgeWindow> edges = stackalloc EdgeWindow[12];
        var firstEdge = EdgeWindows(edges.Slice(0, 6), -shape.Padding, shape.Width, shape.Kernel);
        var lastEdge = EdgeWindows(edges.Slice(6, 6), 2 * (shape.OutputWidth - Lanes) - shape.Padding, shape.Width, shape.Kernel);
        // Output columns [0, inPlace) read their input in place, the others through their taps' offsets (see InPlaceColumns).
        int inPlace = InPlaceColumns(shape);
        for (int oc = firstChannel; oc < lastChannel; oc++)
        {
            var channel = input.Slice(oc / shape.OutPerGroup * inPlane, inPlane);
            var channelOutput = output.Slice(oc * channelStride, written);
            var channelResidual = residual.IsEmpty ? default : residual.Slice(oc * channelStride, written);
            float channelBias = bias.IsEmpty ? 0f : bias[oc];
            var filter = weight.Slice(oc * taps, taps);
            CheckSpans(channel, zeros, shape, filter, channelResidual, firstRow, lastRow, channelOutput, firstEdge, lastEdge);
            if (inPlace > 0) ChannelRows<InPlace>(channel, zeros, shape, filter, channelBias, channelResidual, stored, firstRow, lastRow, channelOutput, firstEdge, lastEdge, 0, inPlace);
            if (inPlace < shape.OutputWidth)
            {
                ChannelRows<Windowed>(channel, zeros, shape, filter, channelBias, channelResidual, stored, firstRow, lastRow, channelOutput, firstEdge, lastEdge, inPlace, shape.OutputWidth);
            }
            if (activation > Activation.Relu6) Epilogue.ActivateInPlace(channelOutput, activation);
            FusedPool.SumRows(shape, oc, 1, firstRow, lastRow, channelOutput, written, rowSums);
        }
    }

    // The row kernels read input columns [0, width) of the channel's rows and of the zero row only. At padding
    // kernel / 2, an output vector whose 32 input columns from 2 x ox lie in the row reads them with two loads and
    // gets the few columns on either side by broadcasts, zero outside the row (InPlace: Chunk3, Chunk5): on rows of
    // even width every vector does. Otherwise only a row's first and last vectors have columns outside the row (see
    // CheckSpans); they read through edge windows, the others with loads at every tap's offset (Windowed). The edge
    // windows' permutes and the loads across cache lines had held the kernel to half the speed of in-place chunks.

    // How an output vector's taps read its input row (the kernels' type argument).
    private struct InPlace;

    private struct Windowed;

    /// <summary>Output columns [0, n) whose vectors read in place: the whole row on an even row at padding kernel / 2, else the vectors before the first that would read past the row.</summary>
    private static int InPlaceColumns(in ConvolutionShape shape) =>
        shape.Padding != shape.Kernel / 2 ? 0
        : 2 * shape.OutputWidth <= shape.Width ? shape.OutputWidth
        : Math.Min(shape.Width / (2 * Lanes), shape.OutputWidth / Lanes) * Lanes;

    /// <summary>One channel's output rows [firstRow, lastRow) in columns [firstColumn, lastColumn), by its filter's kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ChannelRows<TPlace>(ReadOnlySpan<float> channel, ReadOnlySpan<float> zeros, in ConvolutionShape shape, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, Span<float> output, ReadOnlySpan<EdgeWindow> firstEdge, ReadOnlySpan<EdgeWindow> lastEdge, int firstColumn, int lastColumn)
        where TPlace : struct
    {
        if (shape.Kernel == 3) Rows3x3<TPlace>(channel, zeros, shape, filter, bias, residual, activation, firstRow, lastRow, output, firstEdge, lastEdge, firstColumn, lastColumn);
        else Rows5x5<TPlace>(channel, zeros, shape, filter, bias, residual, activation, firstRow, lastRow, output, firstEdge, lastEdge, firstColumn, lastColumn);
    }

    /// <summary>
    /// A 3x3 filter, the nine weights in registers, four output rows at a time, then two, then one for the rows left:
    /// the nine input rows that four output rows read give their columns once to every output row that uses them,
    /// and the four sums are independent chains of multiply-adds. Output columns [firstColumn, lastColumn), each
    /// vector's taps read as TPlace says.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows3x3<TPlace>(ReadOnlySpan<float> channel, ReadOnlySpan<float> zeros, in ConvolutionShape shape, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, Span<float> output, ReadOnlySpan<EdgeWindow> firstEdge, ReadOnlySpan<EdgeWindow> lastEdge, int firstColumn, int lastColumn)
        where TPlace : struct
    {
        int height = shape.Height, width = shape.Width, outputWidth = shape.OutputWidth, padding = shape.Padding, lastBlock = outputWidth - Lanes;
        var w0 = Vector512.Create(filter[0]); var w1 = Vector512.Create(filter[1]); var w2 = Vector512.Create(filter[2]);
        var w3 = Vector512.Create(filter[3]); var w4 = Vector512.Create(filter[4]); var w5 = Vector512.Create(filter[5]);
        var w6 = Vector512.Create(filter[6]); var w7 = Vector512.Create(filter[7]); var w8 = Vector512.Create(filter[8]);
        var b = Vector512.Create(bias);
        var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        ref float source = ref MemoryMarshal.GetReference(channel);
        ref float zero = ref MemoryMarshal.GetReference(zeros);
        int oy = firstRow;
        for (; oy + 4 <= lastRow; oy += 4)
        {
            int y = 2 * oy - padding;
            ref float r0 = ref DepthwiseKernel.InputRow(ref source, ref zero, y, height, width);
            ref float r1 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 1, height, width);
            ref float r2 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 2, height, width);
            ref float r3 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 3, height, width);
            ref float r4 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 4, height, width);
            ref float r5 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 5, height, width);
            ref float r6 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 6, height, width);
            ref float r7 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 7, height, width);
            ref float r8 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 8, height, width);
            int index = (oy - firstRow) * outputWidth;
            for (int nextColumn = firstColumn; nextColumn < lastColumn; nextColumn += Lanes)
            {
                int ox = Math.Min(nextColumn, lastBlock), x = 2 * ox - padding;
                var edge = ox == 0 ? firstEdge : ox == lastBlock ? lastEdge : default;
                // Output row j reads input rows 2j .. 2j + 2; each sum takes its rows in order.
                Taps3<TPlace>(ref r0, x, edge, evens, odds, out var c0, out var c1, out var c2);
                var s0 = Add3(b, c0, c1, c2, w0, w1, w2);
                Taps3<TPlace>(ref r1, x, edge, evens, odds, out c0, out c1, out c2);
                s0 = Add3(s0, c0, c1, c2, w3, w4, w5);
                Taps3<TPlace>(ref r2, x, edge, evens, odds, out c0, out c1, out c2);
                s0 = Add3(s0, c0, c1, c2, w6, w7, w8);
                var s1 = Add3(b, c0, c1, c2, w0, w1, w2);
                Taps3<TPlace>(ref r3, x, edge, evens, odds, out c0, out c1, out c2);
                s1 = Add3(s1, c0, c1, c2, w3, w4, w5);
                Taps3<TPlace>(ref r4, x, edge, evens, odds, out c0, out c1, out c2);
                s1 = Add3(s1, c0, c1, c2, w6, w7, w8);
                var s2 = Add3(b, c0, c1, c2, w0, w1, w2);
                Taps3<TPlace>(ref r5, x, edge, evens, odds, out c0, out c1, out c2);
                s2 = Add3(s2, c0, c1, c2, w3, w4, w5);
                Taps3<TPlace>(ref r6, x, edge, evens, odds, out c0, out c1, out c2);
                s2 = Add3(s2, c0, c1, c2, w6, w7, w8);
                var s3 = Add3(b, c0, c1, c2, w0, w1, w2);
                Taps3<TPlace>(ref r7, x, edge, evens, odds, out c0, out c1, out c2);
                s3 = Add3(s3, c0, c1, c2, w3, w4, w5);
                Taps3<TPlace>(ref r8, x, edge, evens, odds, out c0, out c1, out c2);
                s3 = Add3(s3, c0, c1, c2, w6, w7, w8);
                int at = index + ox;
                Epilogue.Store(s0, residual, activation, output, at);
                Epilogue.Store(s1, residual, activation, output, at + outputWidth);
                Epilogue.Store(s2, residual, activation, output, at + 2 * outputWidth);
                Epilogue.Store(s3, residual, activation, output, at + 3 * outputWidth);
            }
        }
        for (; oy + 2 <= lastRow; oy += 2)
        {
            int y = 2 * oy - padding;
            ref float r0 = ref DepthwiseKernel.InputRow(ref source, ref zero, y, height, width);
            ref float r1 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 1, height, width);
            ref float r2 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 2, height, width);
            ref float r3 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 3, height, width);
            ref float r4 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 4, height, width);
            int index = (oy - firstRow) * outputWidth;
            for (int nextColumn = firstColumn; nextColumn < lastColumn; nextColumn += Lanes)
            {
                int ox = Math.Min(nextColumn, lastBlock), x = 2 * ox - padding;
                var edge = ox == 0 ? firstEdge : ox == lastBlock ? lastEdge : default;
                Taps3<TPlace>(ref r0, x, edge, evens, odds, out var c0, out var c1, out var c2);
                var s0 = Add3(b, c0, c1, c2, w0, w1, w2);
                Taps3<TPlace>(ref r1, x, edge, evens, odds, out c0, out c1, out c2);
                s0 = Add3(s0, c0, c1, c2, w3, w4, w5);
                Taps3<TPlace>(ref r2, x, edge, evens, odds, out c0, out c1, out c2);
                s0 = Add3(s0, c0, c1, c2, w6, w7, w8);
                var s1 = Add3(b, c0, c1, c2, w0, w1, w2);
                Taps3<TPlace>(ref r3, x, edge, evens, odds, out c0, out c1, out c2);
                s1 = Add3(s1, c0, c1, c2, w3, w4, w5);
                Taps3<TPlace>(ref r4, x, edge, evens, odds, out c0, out c1, out c2);
                s1 = Add3(s1, c0, c1, c2, w6, w7, w8);
                Epilogue.Store(s0, residual, activation, output, index + ox);
                Epilogue.Store(s1, residual, activation, output, index + ox + outputWidth);
            }
        }
        for (; oy < lastRow; oy++)
        {
            int y = 2 * oy - padding;
            ref float r0 = ref DepthwiseKernel.InputRow(ref source, ref zero, y, height, width);
            ref float r1 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 1, height, width);
            ref float r2 = ref DepthwiseKernel.InputRow(ref source, ref zero, y + 2, height, width);
            int index = (oy - firstRow) * outputWidth;
            for (int nextColumn = firstColumn; nextColumn < lastColumn; nextColumn += Lanes)
            {
                int ox = Math.Min(nextColumn, lastBlock), x = 2 * ox - padding;
                var edge = ox == 0 ? firstEdge : ox == lastBlock ? lastEdge : default;
                Taps3<TPlace>(ref r0, x, edge, evens, odds, out var c0, out var c1, out var c2);
                var sum = Add3(b, c0, c1, c2, w0, w1, w2);
                Taps3<TPlace>(ref r1, x, edge, evens, odds, out c0, out c1, out c2);
                sum = Add3(sum, c0, c1, c2, w3, w4, w5);
                Taps3<TPlace>(ref r2, x, edge, evens, odds, out c0, out c1, out c2);
                sum = Add3(sum, c0, c1, c2, w6, w7, w8);
                Epilogue.Store(sum, residual, activation, output, index + ox);
            }
        }
    }

    /// <summary>A 5x5 filter, four output rows at a time as <see cref="Rows3x3{TPlace}"/>: eleven input rows for the four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows5x5<TPlace>(ReadOnlySpan<float> channel, ReadOnlySpan<float> zeros, in ConvolutionShape shape, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, Span<float> output, ReadOnlySpan<EdgeWindow> firstEdge, ReadOnlySpan<EdgeWindow> lastEdge, int firstColumn, int lastColumn)
        where TPlace : struct
    {
        int height = shape.Height, width = shape.Width, outputWidth = shape.OutputWidth, padding = shape.Padding, lastBlock = outputWidth - Lanes;
        var b = Vector512.Create(bias);
        var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        ref float source = ref MemoryMarshal.GetReference(channel);
        ref float zero = ref MemoryMarshal.GetReference(zeros);
        // Filter rows ky = 0 .. 4.
        ref float k0 = ref MemoryMarshal.GetReference(filter);
        ref float k1 = ref Unsafe.Add(ref k0, 5);
        ref float k2 = ref Unsafe.Add(ref k0, 10);
        ref float k3 = ref Unsafe.Add(ref k0, 15);
        ref float k4 = ref Unsafe.Add(ref k0, 20);
        int oy = firstRow;
        for (; oy + 4 <= lastRow; oy += 4)
        {
            int y = 2 * oy - padding;
            int index = (oy - firstRow) * outputWidth;
            for (int nextColumn = firstColumn; nextColumn < lastColumn; nextColumn += Lanes)
            {
                int ox = Math.Min(nextColumn, lastBlock), x = 2 * ox - padding;
                var edge = ox == 0 ? firstEdge : ox == lastBlock ? lastEdge : default;
                // Output row j reads input rows 2j .. 2j + 4; each sum takes its rows in order.
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y, height, width), x, width, edge, evens, odds, out var c0, out var c1, out var c2, out var c3, out var c4);
                var s0 = Add5(b, c0, c1, c2, c3, c4, ref k0);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 1, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s0 = Add5(s0, c0, c1, c2, c3, c4, ref k1);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 2, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s0 = Add5(s0, c0, c1, c2, c3, c4, ref k2);
                var s1 = Add5(b, c0, c1, c2, c3, c4, ref k0);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 3, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s0 = Add5(s0, c0, c1, c2, c3, c4, ref k3);
                s1 = Add5(s1, c0, c1, c2, c3, c4, ref k1);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 4, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s0 = Add5(s0, c0, c1, c2, c3, c4, ref k4);
                s1 = Add5(s1, c0, c1, c2, c3, c4, ref k2);
                var s2 = Add5(b, c0, c1, c2, c3, c4, ref k0);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 5, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s1 = Add5(s1, c0, c1, c2, c3, c4, ref k3);
                s2 = Add5(s2, c0, c1, c2, c3, c4, ref k1);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 6, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s1 = Add5(s1, c0, c1, c2, c3, c4, ref k4);
                s2 = Add5(s2, c0, c1, c2, c3, c4, ref k2);
                var s3 = Add5(b, c0, c1, c2, c3, c4, ref k0);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 7, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s2 = Add5(s2, c0, c1, c2, c3, c4, ref k3);
                s3 = Add5(s3, c0, c1, c2, c3, c4, ref k1);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 8, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s2 = Add5(s2, c0, c1, c2, c3, c4, ref k4);
                s3 = Add5(s3, c0, c1, c2, c3, c4, ref k2);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 9, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s3 = Add5(s3, c0, c1, c2, c3, c4, ref k3);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 10, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s3 = Add5(s3, c0, c1, c2, c3, c4, ref k4);
                int at = index + ox;
                Epilogue.Store(s0, residual, activation, output, at);
                Epilogue.Store(s1, residual, activation, output, at + outputWidth);
                Epilogue.Store(s2, residual, activation, output, at + 2 * outputWidth);
                Epilogue.Store(s3, residual, activation, output, at + 3 * outputWidth);
            }
        }
        for (; oy + 2 <= lastRow; oy += 2)
        {
            int y = 2 * oy - padding;
            int index = (oy - firstRow) * outputWidth;
            for (int nextColumn = firstColumn; nextColumn < lastColumn; nextColumn += Lanes)
            {
                int ox = Math.Min(nextColumn, lastBlock), x = 2 * ox - padding;
                var edge = ox == 0 ? firstEdge : ox == lastBlock ? lastEdge : default;
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y, height, width), x, width, edge, evens, odds, out var c0, out var c1, out var c2, out var c3, out var c4);
                var s0 = Add5(b, c0, c1, c2, c3, c4, ref k0);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 1, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s0 = Add5(s0, c0, c1, c2, c3, c4, ref k1);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 2, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s0 = Add5(s0, c0, c1, c2, c3, c4, ref k2);
                var s1 = Add5(b, c0, c1, c2, c3, c4, ref k0);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 3, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s0 = Add5(s0, c0, c1, c2, c3, c4, ref k3);
                s1 = Add5(s1, c0, c1, c2, c3, c4, ref k1);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 4, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s0 = Add5(s0, c0, c1, c2, c3, c4, ref k4);
                s1 = Add5(s1, c0, c1, c2, c3, c4, ref k2);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 5, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s1 = Add5(s1, c0, c1, c2, c3, c4, ref k3);
                Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + 6, height, width), x, width, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
                s1 = Add5(s1, c0, c1, c2, c3, c4, ref k4);
                Epilogue.Store(s0, residual, activation, output, index + ox);
                Epilogue.Store(s1, residual, activation, output, index + ox + outputWidth);
            }
        }
        for (; oy < lastRow; oy++)
        {
            int y = 2 * oy - padding;
            int index = (oy - firstRow) * outputWidth;
            for (int nextColumn = firstColumn; nextColumn < lastColumn; nextColumn += Lanes)
            {
                int ox = Math.Min(nextColumn, lastBlock), x = 2 * ox - padding;
                var edge = ox == 0 ? firstEdge : ox == lastBlock ? lastEdge : default;
                var sum = b;
                for (int ky = 0; ky < 5; ky++)
                {
                    Taps5<TPlace>(ref DepthwiseKernel.InputRow(ref source, ref zero, y + ky, height, width), x, width, edge, evens, odds, out var c0, out var c1, out var c2, out var c3, out var c4);
                    sum = Add5(sum, c0, c1, c2, c3, c4, ref Unsafe.Add(ref k0, ky * 5));
                }
                Epilogue.Store(sum, residual, activation, output, index + ox);
            }
        }
    }

    /// <summary>
    /// One of the 16-column loads of a row's first or last vector, x + offset .. x + offset + 15: where it lies inside
    /// the row, a plain load at <see cref="Low"/>; else (<see cref="Moved"/>) the load inside the row at
    /// <see cref="Low"/>, its lanes moved into place by <see cref="Index"/> and those outside the row taken from zeros.
    /// </summary>
    internal struct EdgeWindow
    {
        public int Low;
        public bool Moved;
        public Vector512<int> Index;
    }

    /// <summary>
    /// The windows of the vector whose first output column reads input column x, one per load offset of the filter
    /// (<see cref="Columns3"/>, <see cref="Columns5"/>); empty when all its columns lie inside the row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Span<EdgeWindow> EdgeWindows(Span<EdgeWindow> windows, int x, int width, int kernel)
    {
        if (x >= 0 && x + 30 + kernel <= width) return default;
        ReadOnlySpan<int> offsets = kernel == 3 ? [0, 16, 1, 17] : [0, 16, 2, 18, 3, 19];
        Span<int> index = stackalloc int[Lanes];
        for (int i = 0; i < offsets.Length; i++)
        {
            // The columns of the window inside the row all lie in the 16 from low.
            int first = x + offsets[i], low = Math.Clamp(first, 0, width - Lanes);
            for (int lane = 0; lane < Lanes; lane++)
            {
                int column = first + lane;
                index[lane] = (uint)column < (uint)width ? column - low : Lanes;
            }
            windows[i] = new EdgeWindow { Low = low, Moved = low != first, Index = Vector512.Create<int>(index) };
        }
        return windows.Slice(0, offsets.Length);
    }

    // The row kernels read without bounds checks: input rows lie in the channel or are the zero row, an input row is a
    // vector or longer, the output and residual hold the band's rows, and every vector but the first and the last
    // reads inside the row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckSpans(ReadOnlySpan<float> channel, ReadOnlySpan<float> zeros, in ConvolutionShape shape, ReadOnlySpan<float> filter, ReadOnlySpan<float> residual,
        int firstRow, int lastRow, Span<float> output, ReadOnlySpan<EdgeWindow> firstEdge, ReadOnlySpan<EdgeWindow> lastEdge)
    {
        int written = (lastRow - firstRow) * shape.OutputWidth;
        if (!Suits(shape) || firstRow < 0 || lastRow > shape.OutputHeight || channel.Length < shape.Height * shape.Width || zeros.Length < shape.Width
            || filter.Length < shape.Kernel * shape.Kernel || output.Length < written || (!residual.IsEmpty && residual.Length < written))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        // The middle vectors start at 16, 32, ... up to lastMiddle, before the last one.
        int lastBlock = shape.OutputWidth - Lanes, lastMiddle = (lastBlock - 1) / Lanes * Lanes, windows = shape.Kernel == 3 ? 4 : 6;
        if ((lastMiddle >= Lanes && (2 * Lanes - shape.Padding < 0 || 2 * lastMiddle - shape.Padding + 30 + shape.Kernel > shape.Width))
            || (!firstEdge.IsEmpty && firstEdge.Length < windows) || (!lastEdge.IsEmpty && lastEdge.Length < windows))
        {
            throw new ArgumentException("A middle vector reads outside the row.");
        }
        foreach (var window in firstEdge) CheckEdge(window, shape.Width);
        foreach (var window in lastEdge) CheckEdge(window, shape.Width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckEdge(in EdgeWindow window, int width)
    {
        if (window.Low < 0 || window.Low > width - Lanes) throw new ArgumentException("An edge window reads outside the row.");
    }

    /// <summary>A 3x3 filter's three columns of taps in one input row for 16 outputs, from row columns x .. x + 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns3(ref float row, int x, ReadOnlySpan<EdgeWindow> edge, Vector512<int> evens, Vector512<int> odds,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2)
    {
        Vector512<float> low, high, low1, high1;
        if (edge.IsEmpty)
        {
            low = Vector512.LoadUnsafe(ref row, (nuint)x);
            high = Vector512.LoadUnsafe(ref row, (nuint)(x + 16));
            low1 = Vector512.LoadUnsafe(ref row, (nuint)(x + 1));
            high1 = Vector512.LoadUnsafe(ref row, (nuint)(x + 17));
        }
        else
        {
            low = Load(ref row, edge[0]);
            high = Load(ref row, edge[1]);
            low1 = Load(ref row, edge[2]);
            high1 = Load(ref row, edge[3]);
        }
        // The evens from x for kx = 0, the odds for kx = 1, the odds from x + 1 for kx = 2.
        c0 = Avx512F.PermuteVar16x32x2(low, evens, high);
        c1 = Avx512F.PermuteVar16x32x2(low, odds, high);
        c2 = Avx512F.PermuteVar16x32x2(low1, odds, high1);
    }

    /// <summary>A 3x3 filter's three columns of taps in one input row for 16 outputs from column x on (padding included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Taps3<TPlace>(ref float row, int x, ReadOnlySpan<EdgeWindow> edge, Vector512<int> evens, Vector512<int> odds,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2)
        where TPlace : struct
    {
        if (typeof(TPlace) == typeof(InPlace)) Chunk3(ref row, x + 1, evens, odds, out c0, out c1, out c2);
        else Columns3(ref row, x, edge, evens, odds, out c0, out c1, out c2);
    }

    /// <summary>
    /// <see cref="Columns3"/> at padding 1 for the 16 outputs from x / 2, from row columns x .. x + 31 (inside the row)
    /// and column x - 1 (zero at the row's start): the evens (kx = 1) and odds (kx = 2) of two loads, and the odds moved
    /// up a lane with column x - 1 below them (kx = 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunk3(ref float row, int x, Vector512<int> evens, Vector512<int> odds,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2)
    {
        var low = Vector512.LoadUnsafe(ref row, (nuint)x);
        var high = Vector512.LoadUnsafe(ref row, (nuint)(x + 16));
        c1 = Avx512F.PermuteVar16x32x2(low, evens, high);
        c2 = Avx512F.PermuteVar16x32x2(low, odds, high);
        var before = x == 0 ? Vector512<float>.Zero : Vector512.Create(Unsafe.Add(ref row, x - 1));
        c0 = Avx512F.AlignRight32(c2.AsInt32(), before.AsInt32(), 15).AsSingle();
    }

    /// <summary>A 5x5 filter's five columns of taps in one input row for 16 outputs from column x on (padding included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Taps5<TPlace>(ref float row, int x, int width, ReadOnlySpan<EdgeWindow> edge, Vector512<int> evens, Vector512<int> odds,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2, out Vector512<float> c3, out Vector512<float> c4)
        where TPlace : struct
    {
        if (typeof(TPlace) == typeof(InPlace)) Chunk5(ref row, x + 2, width, evens, odds, out c0, out c1, out c2, out c3, out c4);
        else Columns5(ref row, x, edge, evens, odds, out c0, out c1, out c2, out c3, out c4);
    }

    /// <summary>
    /// <see cref="Columns5"/> at padding 2 for the 16 outputs from x / 2, from row columns x .. x + 31 (inside the row),
    /// the two columns before and the one after (zero outside the row, which is width long): the evens (kx = 2) and
    /// odds (kx = 3) of two loads, both moved up a lane (kx = 0, 1) and the evens down a lane (kx = 4).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunk5(ref float row, int x, int width, Vector512<int> evens, Vector512<int> odds,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2, out Vector512<float> c3, out Vector512<float> c4)
    {
        var low = Vector512.LoadUnsafe(ref row, (nuint)x);
        var high = Vector512.LoadUnsafe(ref row, (nuint)(x + 16));
        c2 = Avx512F.PermuteVar16x32x2(low, evens, high);
        c3 = Avx512F.PermuteVar16x32x2(low, odds, high);
        // x is even: from 2 on, both columns before it lie in the row.
        var before2 = x == 0 ? Vector512<float>.Zero : Vector512.Create(Unsafe.Add(ref row, x - 2));
        var before1 = x == 0 ? Vector512<float>.Zero : Vector512.Create(Unsafe.Add(ref row, x - 1));
        var after = x + 32 < width ? Vector512.Create(Unsafe.Add(ref row, x + 32)) : Vector512<float>.Zero;
        c0 = Avx512F.AlignRight32(c2.AsInt32(), before2.AsInt32(), 15).AsSingle();
        c1 = Avx512F.AlignRight32(c3.AsInt32(), before1.AsInt32(), 15).AsSingle();
        c4 = Avx512F.AlignRight32(after.AsInt32(), c2.AsInt32(), 1).AsSingle();
    }

    /// <summary>A 5x5 filter's five columns of taps in one input row for 16 outputs, from row columns x .. x + 34.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns5(ref float row, int x, ReadOnlySpan<EdgeWindow> edge, Vector512<int> evens, Vector512<int> odds,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2, out Vector512<float> c3, out Vector512<float> c4)
    {
        Vector512<float> low, high, low2, high2, low3, high3;
        if (edge.IsEmpty)
        {
            low = Vector512.LoadUnsafe(ref row, (nuint)x);
            high = Vector512.LoadUnsafe(ref row, (nuint)(x + 16));
            low2 = Vector512.LoadUnsafe(ref row, (nuint)(x + 2));
            high2 = Vector512.LoadUnsafe(ref row, (nuint)(x + 18));
            low3 = Vector512.LoadUnsafe(ref row, (nuint)(x + 3));
            high3 = Vector512.LoadUnsafe(ref row, (nuint)(x + 19));
        }
        else
        {
            low = Load(ref row, edge[0]);
            high = Load(ref row, edge[1]);
            low2 = Load(ref row, edge[2]);
            high2 = Load(ref row, edge[3]);
            low3 = Load(ref row, edge[4]);
            high3 = Load(ref row, edge[5]);
        }
        // The evens and odds from x for kx = 0 and 1, from x + 2 for kx = 2 and 3, the odds from x + 3 for kx = 4.
        c0 = Avx512F.PermuteVar16x32x2(low, evens, high);
        c1 = Avx512F.PermuteVar16x32x2(low, odds, high);
        c2 = Avx512F.PermuteVar16x32x2(low2, evens, high2);
        c3 = Avx512F.PermuteVar16x32x2(low2, odds, high2);
        c4 = Avx512F.PermuteVar16x32x2(low3, odds, high3);
    }

    /// <summary>sum plus one filter row's three taps, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Add3(Vector512<float> sum, Vector512<float> c0, Vector512<float> c1, Vector512<float> c2,
        Vector512<float> w0, Vector512<float> w1, Vector512<float> w2) =>
        Vector512.FusedMultiplyAdd(w2, c2, Vector512.FusedMultiplyAdd(w1, c1, Vector512.FusedMultiplyAdd(w0, c0, sum)));

    /// <summary>sum plus one filter row's five taps (weights from <paramref name="w"/>), in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Add5(Vector512<float> sum, Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3, Vector512<float> c4, ref float w)
    {
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(w), c0, sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, 1)), c1, sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, 2)), c2, sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, 3)), c3, sum);
        return Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, 4)), c4, sum);
    }

    /// <summary>An edge window's 16 columns, zero outside the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load(ref float row, in EdgeWindow window)
    {
        var values = Vector512.LoadUnsafe(ref row, (nuint)window.Low);
        return window.Moved ? Avx512F.PermuteVar16x32x2(values, window.Index, Vector512<float>.Zero) : values;
    }
}
