using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GroupNetDsl.Kernels;

/// <summary>
/// A global average pool fused into the convolution before it (<c>ConvolveAndPool</c>): each output row is summed as
/// soon as it is computed, while it is still in cache, and the means add those row sums up in row order, so they do
/// not depend on the threads. The workspace holds the convolution's output, then the row sums (<see cref="KernelLayout.PoolWorkspaceLength"/>).
/// </summary>
internal static class FusedPool
{
    /// <summary>
    /// rowSums[c x output height + oy] = the sum of output row oy of channel c, for channels [firstChannel,
    /// firstChannel + channels) and rows [firstRow, lastRow), where <paramref name="rows"/> starts at row firstRow of
    /// channel firstChannel and channels lie <paramref name="channelStride"/> apart; nothing when rowSums is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SumRows(in ConvolutionShape shape, int firstChannel, int channels, int firstRow, int lastRow, ReadOnlySpan<float> rows, int channelStride, Span<float> rowSums)
    {
        if (rowSums.IsEmpty || channels <= 0 || firstRow >= lastRow) return;
        int width = shape.OutputWidth, height = shape.OutputHeight;
        if (firstChannel < 0 || firstRow < 0 || lastRow > height || (long)(firstChannel + channels) * height > rowSums.Length
            || (long)(channels - 1) * channelStride + (long)(lastRow - firstRow) * width > rows.Length)
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        // Short rows (a 7x7 plane's) summed inline: a call per row had cost more than the sums.
        ref float first = ref MemoryMarshal.GetReference(rows);
        for (int c = 0; c < channels; c++)
        {
            for (int oy = firstRow; oy < lastRow; oy++)
            {
                int at = c * channelStride + (oy - firstRow) * width;
                rowSums[(firstChannel + c) * height + oy] = RowSum(ref Unsafe.Add(ref first, at), width);
            }
        }
    }

    /// <summary>The sum of one output row of <paramref name="width"/> values, the one every kernel takes for the pool (short rows inline, a 7x7 plane's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float RowSum(ref float row, int width) =>
        width < VectorKernels.LongSum ? VectorKernels.ShortSum(ref row, width) : VectorKernels.Sum(MemoryMarshal.CreateReadOnlySpan(ref row, width));

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
}
