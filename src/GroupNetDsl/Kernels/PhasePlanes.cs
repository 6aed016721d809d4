using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GroupNetDsl.Kernels;

/// <summary>
/// A channel copied into zero-padded stride-phase planes: plane (py, px) holds every stride-th value of the padded
/// channel from row py and column px, so every tap of a convolution reads a contiguous run of one plane at any
/// stride, with no edge tests. The grouped and the depthwise convolutions read their input this way.
/// </summary>
internal static class PhasePlanes
{
    /// <summary>Phase offsets a caller keeps on the stack; more (a large stride and kernel) go to a thread's scratch.</summary>
    internal const int StackOffsets = 16;

    /// <summary>
    /// Numbers the stride phases that some tap reads. Along each axis a tap k reads phase k x dilation mod stride;
    /// <paramref name="offsets"/> (<see cref="KernelLayout.PhaseOffsets"/> long) gets these offsets in order of first
    /// use, and plane i x offsets.Length + j holds row phase offsets[i] and column phase offsets[j] (the planes laid
    /// out planeLength apart, numbered in order of first use by the taps in row order). Writes where each tap
    /// (ky, kx) reads: at output (oy, ox) it reads its plane at row oy + ky * dilation / stride, column
    /// ox + kx * dilation / stride.
    /// </summary>
    /// <returns>The number of planes per channel, offsets.Length squared.</returns>
    internal static int Phases(in ConvolutionShape shape, int planeLength, Span<int> offsets, Span<int> tapStarts)
    {
        int stride = shape.Stride, kernel = shape.Kernel, pitch = KernelLayout.PlanePitch(shape), count = offsets.Length;
        if (count != KernelLayout.PhaseOffsets(shape) || tapStarts.Length < kernel * kernel) throw new ArgumentException("A span is shorter than the sizes require.");
        int found = 0;
        for (int k = 0; k < kernel && found < count; k++)
        {
            int offset = k * shape.Dilation % stride;
            if (offsets.Slice(0, found).IndexOf(offset) < 0) offsets[found++] = offset;
        }
        // Row 0 of the taps (ky = 0: row phase 0, plane row 0) is each column's part of the others' starts.
        for (int kx = 0; kx < kernel; kx++)
        {
            int dx = kx * shape.Dilation;
            tapStarts[kx] = offsets.IndexOf(dx % stride) * planeLength + dx / stride;
        }
        for (int ky = 1; ky < kernel; ky++)
        {
            int dy = ky * shape.Dilation;
            int row = offsets.IndexOf(dy % stride) * count * planeLength + dy / stride * pitch;
            for (int kx = 0; kx < kernel; kx++) tapStarts[ky * kernel + kx] = row + tapStarts[kx];
        }
        return count * count;
    }

    /// <summary>
    /// <see cref="FillPlanes(ReadOnlySpan{float}, in ConvolutionShape, ReadOnlySpan{int}, int, int, Span{float}, int)"/> for
    /// channels [firstChannel, lastChannel) of a group's input (its channels a plane apart), each channel's planes
    /// after the last one's.
    /// </summary>
    internal static void FillPlanes(ReadOnlySpan<float> input, in ConvolutionShape shape, ReadOnlySpan<int> offsets, int firstRow, int lastRow, Span<float> planes, int planeLength,
        int firstChannel, int lastChannel)
    {
        int inPlane = shape.Height * shape.Width, phases = offsets.Length * offsets.Length;
        for (int channel = firstChannel; channel < lastChannel; channel++)
        {
            FillPlanes(input.Slice(channel * inPlane, inPlane), shape, offsets, firstRow, lastRow, planes.Slice(channel * phases * planeLength, phases * planeLength), planeLength);
        }
    }

    /// <summary>
    /// Writes rows [firstRow, lastRow) of every phase plane of one channel that some tap reads, numbered as
    /// <see cref="Phases"/> numbers them from the same <paramref name="offsets"/>, the planes planeLength apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FillPlanes(ReadOnlySpan<float> source, in ConvolutionShape shape, ReadOnlySpan<int> offsets, int firstRow, int lastRow, Span<float> planes, int planeLength)
    {
        int stride = shape.Stride, pitch = KernelLayout.PlanePitch(shape), count = offsets.Length;
        for (int i = 0; i < count; i++)
        {
            int py = offsets[i];
            if (stride == 2 && count == 2 && Avx512F.IsSupported && shape.Width >= 32)
            {
                // Both column phases of a stride-2 row (offsets[0] is 0, from tap 0): one pass over the input row writes both.
                FillPhasePair(source, shape.Height, shape.Width, shape.Padding, py, firstRow, lastRow, pitch,
                    planes.Slice(i * count * planeLength, planeLength), planes.Slice(((i * count) + 1) * planeLength, planeLength));
                continue;
            }
            for (int j = 0; j < count; j++)
            {
                FillPlane(source, shape.Height, shape.Width, shape.Padding, stride, py, offsets[j], firstRow, lastRow, pitch, planes.Slice(((i * count) + j) * planeLength, planeLength));
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
        if (width < 32 || firstRow < 0 || source.Length < (long)height * width || plane0.Length < (long)lastRow * pitch || plane1.Length < (long)lastRow * pitch)
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
        if (firstRow < 0 || source.Length < (long)height * width || plane.Length < (long)lastRow * pitch) throw new ArgumentException("A span is shorter than the sizes require.");
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
}
