using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GroupNetDsl.Kernels;

/// <summary>The sizes of one convolution; generated code passes them as constants.</summary>
/// <param name="InChannels">Input channels.</param>
/// <param name="Height">Input height.</param>
/// <param name="Width">Input width.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="OutputHeight">Output height.</param>
/// <param name="OutputWidth">Output width.</param>
/// <param name="Kernel">Square kernel size.</param>
/// <param name="Stride">Stride.</param>
/// <param name="Padding">Zero padding on each side.</param>
/// <param name="Dilation">Dilation.</param>
/// <param name="Groups">Groups: input and output channels are split into this many independent slices.</param>
public readonly record struct ConvolutionShape(int InChannels, int Height, int Width, int OutChannels, int OutputHeight, int OutputWidth,
    int Kernel, int Stride, int Padding, int Dilation, int Groups)
{
    /// <summary>Input channels per group.</summary>
    public int InPerGroup => InChannels / Groups;

    /// <summary>Output channels per group.</summary>
    public int OutPerGroup => OutChannels / Groups;

    /// <summary>Rows of B (and columns of A) per group: input channels x kernel taps.</summary>
    public int Depth => InPerGroup * Kernel * Kernel;

    /// <summary>True when the sizes are those PyTorch's Conv2d gives (floor mode).</summary>
    public bool IsValid =>
        InChannels > 0 && OutChannels > 0 && Height > 0 && Width > 0 && Kernel > 0 && Stride > 0 && Padding >= 0 && Dilation > 0 && Groups > 0
        && InChannels % Groups == 0 && OutChannels % Groups == 0
        && OutputHeight == (Height + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1 && OutputHeight > 0
        && OutputWidth == (Width + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1 && OutputWidth > 0;
}

/// <summary>
/// Grouped and dense convolutions as one packed matrix product per group (<see cref="PackedGemm"/>), without an
/// im2col matrix: the group's input is copied once into zero-padded phase planes (one per stride phase a tap
/// reads), and row (channel, ky, kx) of B is then the plane shifted by the tap, so the product reads B's rows
/// in place. Columns run over output rows at the planes' pitch; the few columns past each output row are
/// computed and dropped.
/// </summary>
/// <remarks>
/// With a team, each thread takes a band of output rows of every group (its own plane rows, its own outputs), so
/// that consecutive layers split alike and each thread mostly reads what it wrote; with too few rows, whole
/// groups. Every output is the same sum in the same order either way, so results do not depend on the number
/// of threads. Each thread keeps its planes in thread-local buffers, allocated on its first call.
/// </remarks>
public static class Convolution
{
    // Output pixels per thread below which bands are not worth it: a band's product would be a few panels, its
    // column tail and per-band setup a large part of it.
    private const int MinimumBandColumns = 256;

    // Output channels per group up to which threads take whole groups instead of bands (see SmallGroups).
    private const int SmallGroupChannels = 4;

    // Columns of a band's product at least (whole panels, so the column tail stays small) ...
    private const int MinimumBandProductColumns = 512;

    // ... else as many rows as keep the band's wide output near 64 KB, inside the L2 cache beside the planes.
    private const int BandWideFloats = 16 * 1024;

    // Floats between consecutive planes (see Group).
    private const int PlaneGap = 16;

    [ThreadStatic]
    private static float[]? t_planes;

    [ThreadStatic]
    private static float[]? t_wide;

    [ThreadStatic]
    private static int[]? t_rowStarts;

    /// <summary>
    /// output = activation(conv(input, weight) + bias + residual) with the weights packed by
    /// <see cref="PackedGemm.Pack"/>(weight, groups, out per group, depth).
    /// </summary>
    /// <param name="shape">The sizes.</param>
    /// <param name="input">The input, channels x height x width.</param>
    /// <param name="packedWeight">The packed weights.</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="output">The output, channels x height x width.</param>
    /// <param name="team">Threads to share the work, or null.</param>
    public static void Convolve(in ConvolutionShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, WorkerTeam? team) =>
        Run(shape, input, packedWeight, bias, residual, activation, output, default, team);

    /// <summary>
    /// <see cref="Convolve"/> with a global average pool fused in: pooled[c] = the mean of output channel c. Each
    /// output row is summed as soon as its band is computed, while it is still in cache, into
    /// the row sums at the end of the workspace; the means add those sums up in row order, so they do not depend on the threads.
    /// </summary>
    /// <param name="shape">The sizes.</param>
    /// <param name="input">The input, channels x height x width.</param>
    /// <param name="packedWeight">The packed weights.</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied before pooling.</param>
    /// <param name="workspace">Working memory of <see cref="KernelLayout.PoolWorkspaceLength"/> floats: the convolution's output, then its row sums.</param>
    /// <param name="pooled">One mean per output channel.</param>
    /// <param name="team">Threads to share the work, or null.</param>
    public static void ConvolveAndPool(in ConvolutionShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> workspace, Span<float> pooled, WorkerTeam? team)
    {
        Convolution.SplitPoolWorkspace(shape, workspace, out var output, out var rowSums);
        CheckPoolLengths(shape, rowSums, pooled);
        Run(shape, input, packedWeight, bias, residual, activation, output, rowSums, team);
        Pool(shape, rowSums, pooled);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(in ConvolutionShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> rowSums, WorkerTeam? team)
    {
        if (!shape.IsValid) throw new ArgumentException($"{shape} does not describe a convolution.", nameof(shape));
        ConvolutionWork.CheckLengths(shape, input, packedWeight, PackedGemm.PackedLength(shape.Groups, shape.OutPerGroup, shape.Depth), bias, residual, output);
        // Threads take bands of output rows (of every group): every layer splits its output alike, so each thread
        // mostly reads what it wrote itself, from its own core's cache. With too few rows, or with groups too small
        // for bands (below), whole groups; with one group, the product splits its columns.
        bool bands = team is not null && !SmallGroups(shape, team.Threads)
            && shape.OutputHeight >= 2 * team.Threads && shape.OutputHeight / team.Threads * shape.OutputWidth >= MinimumBandColumns;
        if (ConvolutionWork.TryRun<BandWork>(team, bands, shape, input, packedWeight, bias, residual, activation, output, rowSums)) return;
        if (ConvolutionWork.TryRun<Work>(team, shape.Groups >= 2, shape, input, packedWeight, bias, residual, activation, output, rowSums)) return;
        for (int g = 0; g < shape.Groups; g++) Group(shape, g, 0, shape.OutputHeight, input, packedWeight, bias, residual, activation, output, rowSums, team);
    }

    /// <summary>
    /// Groups of at most <see cref="SmallGroupChannels"/> output channels that the threads can share evenly: each thread
    /// takes whole groups. A band's share of such a group is a few tiles of the 4-row micro-kernel after the group's
    /// fixed work (its planes, its copy-out), and two threads banding the same small groups at once slow each other
    /// down; with more channels per group, bands cost no more than groups and keep the next layer's reads local.
    /// </summary>
    private static bool SmallGroups(in ConvolutionShape shape, int threads) => shape.OutPerGroup <= SmallGroupChannels && shape.Groups % threads == 0;

    /// <summary>Output rows [firstRow, lastRow) of every group, on the calling thread.</summary>
    internal static void Band(in ConvolutionShape shape, int firstRow, int lastRow, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> rowSums)
    {
        for (int g = 0; g < shape.Groups; g++) Group(shape, g, firstRow, lastRow, input, packedWeight, bias, residual, activation, output, rowSums, null);
    }

    /// <summary>
    /// Output rows [firstRow, lastRow) of one group: the planes' rows they read, then the product over bands of
    /// output rows small enough for the L2 cache, each band's rows taken out of its wide columns at once (and
    /// summed into rowSums, unless empty).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group(in ConvolutionShape shape, int g, int firstRow, int lastRow, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> rowSums, WorkerTeam? team)
    {
        int inPlane = shape.Height * shape.Width, outPlane = shape.OutputHeight * shape.OutputWidth;
        int rows = shape.OutPerGroup, depth = shape.Depth, packed = PackedGemm.PackedLength(1, rows, depth);
        var groupInput = input.Slice(g * shape.InPerGroup * inPlane, shape.InPerGroup * inPlane);
        var a = packedWeight.Slice(g * packed, packed);
        var groupBias = bias.IsEmpty ? default : bias.Slice(g * rows, rows);
        var groupResidual = residual.IsEmpty ? default : residual.Slice(g * rows * outPlane, rows * outPlane);
        var groupOutput = output.Slice(g * rows * outPlane, rows * outPlane);

        var rowStarts = ThreadScratch.Get(ref t_rowStarts, depth);
        if (shape.Kernel == 1 && shape.Stride == 1 && shape.Padding == 0)
        {
            // A plain 1x1 conv: B is the input itself, row k a channel, read from the band's first pixel.
            for (int k = 0; k < depth; k++) rowStarts[k] = k * inPlane;
            int at = firstRow * shape.OutputWidth;
            PackedGemm.Multiply(a, rows, depth, groupInput.Slice(at), rowStarts, (lastRow - firstRow) * shape.OutputWidth, groupBias,
                groupResidual.IsEmpty ? default : groupResidual.Slice(at), activation, groupOutput.Slice(at), outPlane, team);
            SumRows(shape, g * rows, rows, firstRow, lastRow, groupOutput.Slice(at), outPlane, rowSums);
            return;
        }

        int stride = shape.Stride, taps = shape.Kernel * shape.Kernel;
        int pitch = PlanePitch(shape), planeRows = PlaneRows(shape);
        // Planes sit a little more than their size apart: at sizes like 32x32 they would otherwise be a power of two
        // apart, and the product, which reads their rows in place, would have them evict each other from the L1 cache.
        int planeLength = planeRows * pitch + PlaneGap;

        // Channel 0's taps first; channel c's read the same places in its own planes.
        Span<int> phaseOf = stackalloc int[stride * stride];
        int phases = Phases(shape, planeLength, phaseOf, rowStarts.Slice(0, taps));
        for (int k = taps; k < depth; k++) rowStarts[k] = k / taps * phases * planeLength + rowStarts[k % taps];

        // Past the last plane: the dropped columns of the last output row read up to a row beyond it.
        int planesLength = shape.InPerGroup * phases * planeLength + pitch;
        var planes = ThreadScratch.Get(ref t_planes, planesLength);
        // Output row oy reads plane rows oy .. oy + reach; rows past lastRow + reach are read only for dropped columns.
        int reach = (shape.Kernel - 1) * shape.Dilation / stride;
        int fillFirst = firstRow, fillLast = Math.Min(planeRows, lastRow + reach);
        for (int channel = 0; channel < shape.InPerGroup; channel++)
        {
            FillPlanes(groupInput.Slice(channel * inPlane, inPlane), shape, phaseOf, fillFirst, fillLast, planes.Slice(channel * phases * planeLength, phases * planeLength), planeLength);
        }
        planes.Slice(shape.InPerGroup * phases * planeLength, pitch).Clear();

        int bandRows = Math.Max((MinimumBandProductColumns + pitch - 1) / pitch, BandWideFloats / (rows * pitch));
        for (int oy = firstRow; oy < lastRow; oy += bandRows)
        {
            int count = Math.Min(bandRows, lastRow - oy);
            int columns = count * pitch;
            var bandB = planes.Slice(oy * pitch);
            if (pitch == shape.OutputWidth)
            {
                // No dropped columns (a strided 1x1 conv): the product writes the output, epilogue and all.
                int at = oy * shape.OutputWidth;
                PackedGemm.Multiply(a, rows, depth, bandB, rowStarts, columns, groupBias, groupResidual.IsEmpty ? default : groupResidual.Slice(at), activation,
                    groupOutput.Slice(at), outPlane, team, readRowsInPlace: true);
                SumRows(shape, g * rows, rows, oy, oy + count, groupOutput.Slice(at), outPlane, rowSums);
                continue;
            }
            int wideLength = rows * columns;
            var wide = ThreadScratch.Get(ref t_wide, wideLength);
            PackedGemm.Multiply(a, rows, depth, bandB, rowStarts, columns, groupBias, default, Activation.None, wide, columns, team, readRowsInPlace: true);
            TakeRows(wide, rows, count, pitch, shape.OutputWidth, outPlane, oy * shape.OutputWidth, groupResidual, activation, groupOutput);
            SumRows(shape, g * rows, rows, oy, oy + count, groupOutput.Slice(oy * shape.OutputWidth), outPlane, rowSums);
        }
    }

    /// <summary>
    /// Takes <paramref name="count"/> output rows of each of <paramref name="rows"/> channels out of a band's wide
    /// columns (row r's output row y at r x count x pitch + y x pitch), adding the residual and applying the
    /// activation on the way, into the output at <paramref name="at"/> of each channel plane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TakeRows(ReadOnlySpan<float> wide, int rows, int count, int pitch, int width, int outPlane, int at,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output)
    {
        // One bounds check for everything this reads and writes; the rows then go by reference.
        if (wide.Length < ((rows - 1) * count + count - 1) * pitch + width || output.Length < (rows - 1) * outPlane + at + count * width
            || (!residual.IsEmpty && residual.Length < (rows - 1) * outPlane + at + count * width))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        bool add = !residual.IsEmpty;
        ref float source = ref MemoryMarshal.GetReference(wide);
        ref float target = ref MemoryMarshal.GetReference(output);
        ref float extra = ref MemoryMarshal.GetReference(residual);
        for (int row = 0; row < rows; row++)
        {
            for (int y = 0; y < count; y++)
            {
                int to = row * outPlane + at + y * width;
                Epilogue.StoreRun(ref Unsafe.Add(ref source, (row * count + y) * pitch), ref Unsafe.Add(ref extra, add ? to : 0), add, activation, ref Unsafe.Add(ref target, to), width);
            }
        }
    }

    /// <summary>
    /// rowSums[c x output height + oy] = the sum of output row oy of channel c, for channels [firstChannel,
    /// firstChannel + channels) and rows [firstRow, lastRow), where <paramref name="rows"/> starts at row firstRow of
    /// channel firstChannel and channels lie <paramref name="channelStride"/> apart; nothing when rowSums is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SumRows(in ConvolutionShape shape, int firstChannel, int channels, int firstRow, int lastRow, ReadOnlySpan<float> rows, int channelStride, Span<float> rowSums)
    {
        if (rowSums.IsEmpty) return;
        int width = shape.OutputWidth;
        for (int c = 0; c < channels; c++)
        {
            for (int oy = firstRow; oy < lastRow; oy++)
            {
                rowSums[(firstChannel + c) * shape.OutputHeight + oy] = VectorKernels.Sum(rows.Slice(c * channelStride + (oy - firstRow) * width, width));
            }
        }
    }

    /// <summary>The convolution's output and its row sums in a pool workspace, laid out as <see cref="KernelLayout.PoolWorkspaceLength"/> sizes it.</summary>
    internal static void SplitPoolWorkspace(in ConvolutionShape shape, Span<float> workspace, out Span<float> output, out Span<float> rowSums)
    {
        int outputLength = shape.OutChannels * shape.OutputHeight * shape.OutputWidth;
        if (workspace.Length < KernelLayout.PoolWorkspaceLength(shape.OutChannels, shape.OutputHeight, shape.OutputWidth))
        {
            throw new ArgumentException("The workspace is shorter than KernelLayout.PoolWorkspaceLength.", nameof(workspace));
        }
        output = workspace.Slice(0, outputLength);
        rowSums = workspace.Slice(outputLength, KernelLayout.PoolRowSumsLength(shape.OutChannels, shape.OutputHeight));
    }

    /// <summary>Throws unless the pooling buffers are as long as the sizes require.</summary>
    internal static void CheckPoolLengths(in ConvolutionShape shape, Span<float> rowSums, Span<float> pooled)
    {
        if (rowSums.Length < KernelLayout.PoolRowSumsLength(shape.OutChannels, shape.OutputHeight) || pooled.Length < shape.OutChannels)
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
    }

    /// <summary>pooled[c] = the mean of channel c, from its row sums added in row order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Pool(in ConvolutionShape shape, ReadOnlySpan<float> rowSums, Span<float> pooled)
    {
        float pixels = shape.OutputHeight * shape.OutputWidth;
        for (int c = 0; c < shape.OutChannels; c++)
        {
            float total = 0f;
            for (int oy = 0; oy < shape.OutputHeight; oy++) total += rowSums[c * shape.OutputHeight + oy];
            pooled[c] = total / pixels;
        }
    }

    /// <summary>Floats per row of a channel's zero-padded phase planes.</summary>
    internal static int PlanePitch(in ConvolutionShape shape) => (shape.Width + 2 * shape.Padding + shape.Stride - 1) / shape.Stride;

    /// <summary>Rows of a channel's zero-padded phase planes.</summary>
    internal static int PlaneRows(in ConvolutionShape shape) => (shape.Height + 2 * shape.Padding + shape.Stride - 1) / shape.Stride;

    /// <summary>
    /// Numbers the stride phases (py, px) that some tap reads, in order of first use (phaseOf[py * stride + px], -1
    /// for none), and writes where each tap (ky, kx) reads in one channel's planes, laid out planeLength apart.
    /// Tap (ky, kx) at output (oy, ox) reads plane phase(ky * dilation % stride, kx * dilation % stride) at row
    /// oy + ky * dilation / stride, column ox + kx * dilation / stride.
    /// </summary>
    /// <returns>The number of phases used.</returns>
    internal static int Phases(in ConvolutionShape shape, int planeLength, Span<int> phaseOf, Span<int> tapStarts)
    {
        int stride = shape.Stride, pitch = PlanePitch(shape);
        phaseOf.Fill(-1);
        int phases = 0;
        for (int ky = 0; ky < shape.Kernel; ky++)
        {
            for (int kx = 0; kx < shape.Kernel; kx++)
            {
                int dy = ky * shape.Dilation, dx = kx * shape.Dilation;
                int phase = dy % stride * stride + dx % stride;
                if (phaseOf[phase] < 0) phaseOf[phase] = phases++;
                tapStarts[ky * shape.Kernel + kx] = phaseOf[phase] * planeLength + dy / stride * pitch + dx / stride;
            }
        }
        return phases;
    }

    /// <summary>
    /// Writes rows [firstRow, lastRow) of every phase plane of one channel that some tap reads (numbered by
    /// <see cref="Phases"/>), the planes planeLength apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FillPlanes(ReadOnlySpan<float> source, in ConvolutionShape shape, ReadOnlySpan<int> phaseOf, int firstRow, int lastRow, Span<float> planes, int planeLength)
    {
        int stride = shape.Stride, pitch = PlanePitch(shape);
        for (int py = 0; py < stride; py++)
        {
            int even = phaseOf[py * stride], odd = stride == 2 ? phaseOf[py * stride + 1] : -1;
            if (even >= 0 && odd >= 0 && Avx512F.IsSupported && shape.Width >= 32)
            {
                // Both column phases of a stride-2 row: one pass over the input row writes both.
                FillPhasePair(source, shape.Height, shape.Width, shape.Padding, py, firstRow, lastRow, pitch,
                    planes.Slice(even * planeLength, planeLength), planes.Slice(odd * planeLength, planeLength));
                continue;
            }
            for (int px = 0; px < stride; px++)
            {
                int phase = phaseOf[py * stride + px];
                if (phase >= 0) FillPlane(source, shape.Height, shape.Width, shape.Padding, stride, py, px, firstRow, lastRow, pitch, planes.Slice(phase * planeLength, planeLength));
            }
        }
    }

    /// <summary>
    /// <see cref="FillPlane"/> for both column phases (px 0 and 1) of row phase py at stride 2, from one read of each
    /// input row: two permutes split 32 values into the evens and the odds. Needs AVX-512 and rows of 32 or more.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillPhasePair(ReadOnlySpan<float> source, int height, int width, int padding, int py, int firstRow, int lastRow, int pitch,
        Span<float> plane0, Span<float> plane1)
    {
        if (width < 32 || firstRow < 0 || source.Length < height * width || plane0.Length < lastRow * pitch || plane1.Length < lastRow * pitch)
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        // Phase px holds input column x at j = (x + padding - px) / 2: the even columns go to phase padding % 2 from
        // j = padding / 2 on, the odd ones to the other phase from j = (padding + 1) / 2 on.
        int evenShift = padding / 2, oddShift = (padding + 1) / 2;
        int evens = (width + 1) / 2, odds = width / 2;
        ref float evenTo0 = ref MemoryMarshal.GetReference(padding % 2 == 0 ? plane0 : plane1);
        ref float oddTo0 = ref MemoryMarshal.GetReference(padding % 2 == 0 ? plane1 : plane0);
        ref float from0 = ref MemoryMarshal.GetReference(source);
        var evenIndex = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var oddIndex = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        for (int i = firstRow; i < lastRow; i++)
        {
            ref float evenTo = ref Unsafe.Add(ref evenTo0, i * pitch);
            ref float oddTo = ref Unsafe.Add(ref oddTo0, i * pitch);
            int y = i * 2 + py - padding;
            if ((uint)y >= (uint)height)
            {
                ShortRuns.Zero(ref evenTo, pitch);
                ShortRuns.Zero(ref oddTo, pitch);
                continue;
            }
            ShortRuns.Zero(ref evenTo, evenShift);
            ShortRuns.Zero(ref Unsafe.Add(ref evenTo, evenShift + evens), pitch - evenShift - evens);
            ShortRuns.Zero(ref oddTo, oddShift);
            ShortRuns.Zero(ref Unsafe.Add(ref oddTo, oddShift + odds), pitch - oddShift - odds);
            ref float from = ref Unsafe.Add(ref from0, y * width);
            // Chunks of 32 from even columns; the last one, if the row is not a multiple of 32, ends at the row's
            // last even column and overlaps the one before (same values).
            int lastChunk = (width - 32) & ~1;
            for (int next = 0; ; next += 32)
            {
                int x = Math.Min(next, lastChunk);
                var low = Vector512.LoadUnsafe(ref from, (nuint)x);
                var high = Vector512.LoadUnsafe(ref from, (nuint)(x + 16));
                Avx512F.PermuteVar16x32x2(low, evenIndex, high).StoreUnsafe(ref evenTo, (nuint)(evenShift + x / 2));
                Avx512F.PermuteVar16x32x2(low, oddIndex, high).StoreUnsafe(ref oddTo, (nuint)(oddShift + x / 2));
                if (x == lastChunk) break;
            }
            // An odd width leaves the last even column (x = width - 1) past the last chunk.
            if (width % 2 == 1) Unsafe.Add(ref evenTo, evenShift + evens - 1) = Unsafe.Add(ref from, width - 1);
        }
    }

    /// <summary>
    /// Writes rows [firstRow, lastRow) of phase (py, px) of the zero-padded plane: element (i, j) is
    /// padded[i * stride + py][j * stride + px], zero where that lies in the padding or past the image.
    /// </summary>
    /// <remarks>Rows are short and many (a 14x14 plane has 16): per-row Span calls cost more than the copying.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FillPlane(ReadOnlySpan<float> source, int height, int width, int padding, int stride, int py, int px, int firstRow, int lastRow, int pitch, Span<float> plane)
    {
        if (firstRow < 0 || source.Length < height * width || plane.Length < lastRow * pitch) throw new ArgumentException("A span is shorter than the sizes require.");
        // Columns j whose input column j * stride + px - padding lies in [0, width).
        int first = Math.Min(pitch, Math.Max(0, (padding - px + stride - 1) / stride));
        int reach = width - 1 + padding - px;
        int last = reach < 0 ? first : Math.Max(first, Math.Min(pitch, reach / stride + 1));
        ref float from0 = ref MemoryMarshal.GetReference(source);
        ref float to0 = ref MemoryMarshal.GetReference(plane);
        for (int i = firstRow; i < lastRow; i++)
        {
            ref float to = ref Unsafe.Add(ref to0, i * pitch);
            int y = i * stride + py - padding;
            if ((uint)y >= (uint)height)
            {
                ShortRuns.Zero(ref to, pitch);
                continue;
            }
            ShortRuns.Zero(ref to, first);
            ShortRuns.Zero(ref Unsafe.Add(ref to, last), pitch - last);
            // Every stride-th value from x on, all inside the row as first and last were chosen.
            int x = first * stride + px - padding;
            ref float from = ref Unsafe.Add(ref from0, y * width + x);
            if (stride == 1)
            {
                ShortRuns.Copy(ref from, ref Unsafe.Add(ref to, first), last - first);
                continue;
            }
            int j = first;
            if (stride == 2 && Avx512F.IsSupported)
            {
                // One two-source permute takes the even values of 32: 16 outputs per instruction. The 32nd
                // value is not used and may lie in the next row, but not past the plane.
                var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                int readable = source.Length - y * width - x;
                for (int read = 0; j + 16 <= last && read + 32 <= readable; j += 16, read += 32)
                {
                    var low = Vector512.LoadUnsafe(ref from, (nuint)read);
                    var high = Vector512.LoadUnsafe(ref from, (nuint)(read + 16));
                    Avx512F.PermuteVar16x32x2(low, evens, high).StoreUnsafe(ref to, (nuint)j);
                }
                // The row's last 16 outputs, overlapping those already written (same values), instead of a scalar tail.
                int tail = last - 16, tailRead = (tail - first) * 2;
                if (j < last && tail >= first && tailRead + 32 <= readable)
                {
                    var low = Vector512.LoadUnsafe(ref from, (nuint)tailRead);
                    var high = Vector512.LoadUnsafe(ref from, (nuint)(tailRead + 16));
                    Avx512F.PermuteVar16x32x2(low, evens, high).StoreUnsafe(ref to, (nuint)tail);
                    j = last;
                }
            }
            for (int read = (j - first) * stride; j < last; j++, read += stride) Unsafe.Add(ref to, j) = Unsafe.Add(ref from, read);
        }
    }

    /// <summary>Each thread's share of the groups.</summary>
    internal sealed class Work : ConvolutionWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            for (int g = Shape.Groups * part / parts, last = Shape.Groups * (part + 1) / parts; g < last; g++)
            {
                Group(Shape, g, 0, Shape.OutputHeight, Input, Weight, Bias, Residual, Activation, Output, RowSums, null);
            }
        }
    }
}

/// <summary>Each thread's band of output rows, in every group.</summary>
internal sealed class BandWork : ConvolutionWork
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int part, int parts) =>
        Convolution.Band(Shape, Shape.OutputHeight * part / parts, Shape.OutputHeight * (part + 1) / parts, Input, Weight, Bias, Residual, Activation, Output, RowSums);
}

/// <summary>A convolution's arguments as pointers, so that a team's threads can each run a share of it.</summary>
internal abstract unsafe class ConvolutionWork : TeamWork
{
    private float* _input, _weight, _bias, _residual, _output, _rowSums;
    private int _inputLength, _weightLength, _biasLength, _residualLength, _outputLength, _rowSumsLength;

    protected ConvolutionShape Shape { get; private set; }

    protected Activation Activation { get; private set; }

    protected ReadOnlySpan<float> Input => new(_input, _inputLength);

    protected ReadOnlySpan<float> Weight => new(_weight, _weightLength);

    protected ReadOnlySpan<float> Bias => new(_bias, _biasLength);

    protected ReadOnlySpan<float> Residual => new(_residual, _residualLength);

    protected Span<float> Output => new(_output, _outputLength);

    /// <summary>Where each output row's sum goes for a fused pool, or empty.</summary>
    protected Span<float> RowSums => new(_rowSums, _rowSumsLength);

    /// <summary>Throws unless every span is as long as the sizes require.</summary>
    public static void CheckLengths(in ConvolutionShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, int weightLength,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Span<float> output)
    {
        int outputLength = shape.OutChannels * shape.OutputHeight * shape.OutputWidth;
        if (input.Length < shape.InChannels * shape.Height * shape.Width || output.Length < outputLength || weight.Length < weightLength
            || (bias.Length != 0 && bias.Length < shape.OutChannels) || (residual.Length != 0 && residual.Length < outputLength))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
    }

    /// <summary>
    /// Runs a <typeparamref name="TWork"/> over the arguments on the team's threads when there is a team, the
    /// work is worth splitting and the team is free; false (nothing done) otherwise.
    /// </summary>
    public static bool TryRun<TWork>(WorkerTeam? team, bool worthSplitting, in ConvolutionShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> rowSums)
        where TWork : ConvolutionWork, new()
    {
        if (team is null || !worthSplitting || !team.TryAcquire()) return false;
        try
        {
            fixed (float* inputPointer = input, weightPointer = weight, biasPointer = bias, residualPointer = residual, outputPointer = output, rowSumsPointer = rowSums)
            {
                var work = team.WorkOf<TWork>();
                work.Set(shape, inputPointer, input.Length, weightPointer, weight.Length, biasPointer, bias.Length,
                    residualPointer, residual.Length, activation, outputPointer, output.Length, rowSumsPointer, rowSums.Length);
                team.Run(work);
            }
            return true;
        }
        finally
        {
            team.Release();
        }
    }

    /// <summary>Points at the arguments; they must stay fixed until the team has run the work.</summary>
    private void Set(in ConvolutionShape shape, float* input, int inputLength, float* weight, int weightLength, float* bias, int biasLength,
        float* residual, int residualLength, Activation activation, float* output, int outputLength, float* rowSums, int rowSumsLength)
    {
        Shape = shape;
        _input = input;
        _inputLength = inputLength;
        _weight = weight;
        _weightLength = weightLength;
        _bias = bias;
        _biasLength = biasLength;
        _residual = residual;
        _residualLength = residualLength;
        Activation = activation;
        _output = output;
        _outputLength = outputLength;
        _rowSums = rowSums;
        _rowSumsLength = rowSumsLength;
    }
}
