using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static GroupNetDsl.Kernels.VectorMath;

namespace GroupNetDsl.Kernels;

/// <summary>
/// Depthwise convolutions (one input channel per group), channel by channel. Each input channel is first copied
/// into zero-padded phase planes (<see cref="PhasePlanes"/>: one plane per stride phase that a tap
/// reads), so every tap reads a contiguous run of a plane at any stride, with no edge tests. Each output vector
/// keeps its sum in a register across the taps (a 3x3 filter's nine weights stay in registers for the whole
/// plane) and is stored once, with the residual and activation applied on the way out.
/// </summary>
/// <remarks>
/// Vectors are 512 bits wide where AVX-512 is accelerated and the rows are at least 16 wide, else
/// <see cref="Vector{T}"/>'s width; a row's last vector overlaps the one before it instead of leaving a
/// scalar tail. The variant (in place, four rows at a time, 3x3 or 5x5 taps unrolled, or tap by tap) and the thread
/// split (runs of channels or bands of rows) come from a <see cref="ConvolutionPlan"/> chosen at build time
/// (<see cref="ConvolutionPlanner.PlanDepthwise"/>); at run time only the instruction set is chosen: the in-place
/// variant needs AVX-512, and without it the same rows run four at a time over planes, with the same sums; rows
/// narrower than a vector, or no vectors at all, run tap by tap in scalars. A band of fewer than four rows (a
/// team's last share) takes the one-row 3x3 kernel, again with the same sums.
/// </remarks>
public static class DepthwiseKernel
{
    [ThreadStatic]
    private static float[]? t_planes;

    [ThreadStatic]
    private static int[]? t_tapStarts;

    // A band's sums at the planes' pitch, for rows narrower than a vector (see PlaneFlatWide).
    [ThreadStatic]
    private static float[]? t_wide;

    [ThreadStatic]
    private static int[]? t_phaseOffsets;

    // A row of zeros, at least an input row long: the padding rows above and below the image for the kernels that
    // read the input in place (here, DepthwiseStride2, DepthwiseInPlace5x5). Only read, never written.
    [ThreadStatic]
    private static float[]? t_zeroRow;

    /// <summary>The thread's row of zeros, at least <paramref name="width"/> long, for the in-place kernels' padding rows.</summary>
    internal static ReadOnlySpan<float> ZeroRow(int width) => ThreadScratch.Get(ref t_zeroRow, width);

    /// <summary>output = activation(conv(input, weight) + bias + residual) for a depthwise convolution.</summary>
    /// <param name="shape">The sizes; groups must equal the input channels.</param>
    /// <param name="plan">How it runs: <see cref="ConvolutionPlanner.PlanDepthwise"/> of the shape.</param>
    /// <param name="input">The input, channels x height x width.</param>
    /// <param name="weight">PyTorch's weight, [out channels][kernel][kernel].</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="output">The output, channels x height x width.</param>
    /// <param name="team">Threads to share the channels, or null.</param>
    public static void Convolve(in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, WorkerTeam? team) =>
        Run(shape, plan, input, weight, bias, residual, activation, output, default, team);

    /// <summary>
    /// <see cref="Convolve"/> with a global average pool fused in, as <see cref="Convolution.ConvolveAndPool"/>: each
    /// channel's rows are summed as soon as they are computed.
    /// </summary>
    /// <param name="shape">The sizes; groups must equal the input channels.</param>
    /// <param name="plan">How it runs: <see cref="ConvolutionPlanner.PlanDepthwise"/> of the shape.</param>
    /// <param name="input">The input, channels x height x width.</param>
    /// <param name="weight">PyTorch's weight, [out channels][kernel][kernel].</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied before pooling.</param>
    /// <param name="workspace">Working memory of <see cref="KernelLayout.PoolWorkspaceLength"/> floats: the convolution's output, then its row sums.</param>
    /// <param name="pooled">One mean per output channel.</param>
    /// <param name="team">Threads to share the channels, or null.</param>
    public static void ConvolveAndPool(in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> workspace, Span<float> pooled, WorkerTeam? team)
    {
        FusedPool.SplitPoolWorkspace(shape, workspace, out var output, out var rowSums);
        FusedPool.CheckPoolLengths(shape, rowSums, pooled);
        Run(shape, plan, input, weight, bias, residual, activation, output, rowSums, team);
        FusedPool.Pool(shape, rowSums, pooled);
    }

    /// <summary>
    /// <see cref="Convolve"/> that also writes the mean of each output channel, for a squeeze-and-excitation block whose
    /// pool reads the output that the block then scales. Channels run in runs of about 64 KB of output, each run's means
    /// taken right after it, from the cache; the means are <see cref="TensorKernels.ChannelMeans"/>'s, bit for bit.
    /// </summary>
    /// <param name="shape">The sizes; groups must equal the input channels.</param>
    /// <param name="plan">How it runs: <see cref="ConvolutionPlanner.PlanDepthwise"/> of the shape.</param>
    /// <param name="input">The input, channels x height x width.</param>
    /// <param name="weight">PyTorch's weight, [out channels][kernel][kernel].</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied before the means are taken.</param>
    /// <param name="output">The output, channels x height x width.</param>
    /// <param name="means">One mean per output channel.</param>
    /// <param name="team">Threads to share the channels, or null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ConvolveWithMeans(in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> means, WorkerTeam? team)
    {
        ConvolutionPlanner.CheckDepthwise(shape, plan);
        ConvolutionWork.CheckLengths(shape, input, weight, shape.OutChannels * shape.Kernel * shape.Kernel, bias, residual, output);
        if (means.Length != shape.OutChannels) throw new ArgumentException("The means need one float per output channel.", nameof(means));
        if (plan.Split == ThreadSplit.RowBands)
        {
            // Bands of rows leave no thread a whole channel: the means are a pass of their own.
            Run(shape, plan, input, weight, bias, residual, activation, output, default, team);
            TensorKernels.ChannelMeans(output.Slice(0, shape.OutChannels * shape.OutputHeight * shape.OutputWidth), means, shape.OutChannels, shape.OutputHeight * shape.OutputWidth, team);
            return;
        }
        if (plan.Split == ThreadSplit.ChannelRuns && ConvolutionWork.TryRun<MeansWork>(team, shape, plan, input, weight, bias, residual, activation, output, means)) return;
        ChannelsWithMeans(shape, plan.Variant, 0, shape.OutChannels, input, weight, bias, residual, activation, output, means);
    }

    /// <summary>Channels [first, last) of <see cref="ConvolveWithMeans"/>, run by run, on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ChannelsWithMeans(in ConvolutionShape shape, ConvolutionVariant variant, int first, int last, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> means)
    {
        int plane = shape.OutputHeight * shape.OutputWidth;
        // Runs of whole 16-channel blocks (the channel-block variant takes no other) of about 64 KB of output.
        int run = Math.Max(1, MeansRunFloats / plane / DepthwiseChannelBlocks.Lanes) * DepthwiseChannelBlocks.Lanes;
        for (int c = first; c < last; c += run)
        {
            int end = Math.Min(last, c + run);
            Rows(shape, variant, 0, shape.OutputHeight, c, end, input, weight, bias, residual, activation, output, plane, default);
            TensorKernels.ChannelMeans(output.Slice(c * plane, (end - c) * plane), means.Slice(c, end - c), end - c, plane);
        }
    }

    // Output floats per run of channels whose means are taken together: in the L2 cache when they are read back.
    private const int MeansRunFloats = 16 * 1024;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> rowSums, WorkerTeam? team)
    {
        ConvolutionPlanner.CheckDepthwise(shape, plan);
        ConvolutionWork.CheckLengths(shape, input, weight, shape.OutChannels * shape.Kernel * shape.Kernel, bias, residual, output);
        bool shared = plan.Split switch
        {
            ThreadSplit.RowBands => ConvolutionWork.TryRun<Work>(team, shape, plan, input, weight, bias, residual, activation, output, rowSums),
            ThreadSplit.ChannelRuns => ConvolutionWork.TryRun<ChannelWork>(team, shape, plan, input, weight, bias, residual, activation, output, rowSums),
            _ => false,
        };
        if (shared) return;
        Rows(shape, plan.Variant, 0, shape.OutputHeight, 0, shape.OutChannels, input, weight, bias, residual, activation, output, shape.OutputHeight * shape.OutputWidth, rowSums);
    }

    /// <summary>
    /// Output rows [firstRow, lastRow) of channels [firstChannel, lastChannel) with the plan's variant, written to <paramref name="output"/>
    /// with channel oc's row firstRow at oc x <paramref name="channelStride"/> (the residual laid out alike); each row's
    /// sum goes to rowSums[oc x output height + oy] unless rowSums is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows(in ConvolutionShape shape, ConvolutionVariant variant, int firstRow, int lastRow, int firstChannel, int lastChannel, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int channelStride, Span<float> rowSums)
    {
        if (variant == ConvolutionVariant.DepthwiseChannelBlocks)
        {
            if (DepthwiseChannelBlocks.Runs)
            {
                DepthwiseChannelBlocks.Rows(shape, firstRow, lastRow, firstChannel, lastChannel, input, weight, bias, residual, activation, output, channelStride, rowSums);
                return;
            }
            // No vectors: the plane kernels, in scalars.
            variant = ConvolutionVariant.DepthwiseTaps;
        }
        if (variant == ConvolutionVariant.DepthwiseFlat)
        {
            DepthwiseFlat.Rows(shape, firstRow, lastRow, firstChannel, lastChannel, input, weight, bias, residual, activation, output, channelStride, rowSums);
            return;
        }
        if (variant == ConvolutionVariant.DepthwiseStride2InPlace)
        {
            if (DepthwiseStride2.IsSupported)
            {
                DepthwiseStride2.Rows(shape, firstRow, lastRow, firstChannel, lastChannel, input, weight, bias, residual, activation, output, channelStride, rowSums);
                return;
            }
            // Without AVX-512: the same sums over phase planes.
            variant = shape.Kernel == 5 ? ConvolutionVariant.DepthwiseTaps5x5 : ConvolutionVariant.DepthwiseTaps3x3;
        }
        if (variant == ConvolutionVariant.DepthwiseTaps5x5 && DepthwiseInPlace5x5.IsSupported && DepthwiseInPlace5x5.Suits(shape))
        {
            // Stride 1, padding 2 on rows of a vector or more: the same sums reading the input in place.
            DepthwiseInPlace5x5.Rows(shape, firstRow, lastRow, firstChannel, lastChannel, input, weight, bias, residual, activation, output, channelStride, rowSums);
            return;
        }
        int stride = shape.Stride, kernel = shape.Kernel, taps = kernel * kernel;
        int pitch = KernelLayout.PlanePitch(shape), planeRows = KernelLayout.PlaneRows(shape);
        int planeLength = planeRows * pitch;
        int inPlane = shape.Height * shape.Width;

        // The in-place variant reads the input where it is (the row edges shifted in registers) with AVX-512, four rows
        // at a time; without AVX-512, or on fewer rows, it runs over planes like the four-row variant.
        bool fourRows = (variant is ConvolutionVariant.DepthwiseInPlace or ConvolutionVariant.DepthwiseFourRows) && lastRow - firstRow >= 4;
        bool inPlace = variant == ConvolutionVariant.DepthwiseInPlace && fourRows && Avx512F.IsSupported && Vector512.IsHardwareAccelerated;
        bool nineTaps = variant is not (ConvolutionVariant.DepthwiseTaps or ConvolutionVariant.DepthwiseTaps5x5);

        // Otherwise: the phases some tap reads, and where each tap's run starts in the channel's planes.
        // The phase offsets on the stack, unless a large stride and kernel have many (never a stack sized by the stride).
        int offsetCount = KernelLayout.PhaseOffsets(shape);
        Span<int> offsets = (offsetCount <= PhasePlanes.StackOffsets ? stackalloc int[PhasePlanes.StackOffsets] : ThreadScratch.Get(ref t_phaseOffsets, offsetCount)).Slice(0, offsetCount);
        Span<int> starts = default;
        Span<float> planes = default;
        int phases = 0;
        if (!inPlace)
        {
            starts = ThreadScratch.Get(ref t_tapStarts, taps);
            phases = PhasePlanes.Phases(shape, planeLength, offsets, starts);
            // A row past the last plane: the flat kernels' dropped lanes of the last output row read up to a row beyond it.
            planes = ThreadScratch.Get(ref t_planes, phases * planeLength + pitch);
        }

        // Output row oy reads plane rows oy .. oy + reach.
        // Relu and relu6 ride in the kernels' stores; the other activations go over each channel's rows once they are
        // stored: a call among the stores would push the filter's weights and the sums out of registers.
        var stored = activation > Activation.Relu6 ? Activation.None : activation;

        int reach = (kernel - 1) * shape.Dilation / stride;
        int fillLast = Math.Min(planeRows, lastRow + reach);
        int filled = -1;
        for (int oc = firstChannel; oc < lastChannel; oc++)
        {
            int channel = oc / shape.OutPerGroup;
            int written = (lastRow - firstRow) * shape.OutputWidth;
            var channelOutput = output.Slice(oc * channelStride, written);
            var channelResidual = residual.IsEmpty ? default : residual.Slice(oc * channelStride, written);
            float channelBias = bias.IsEmpty ? 0f : bias[oc];
            var filter = weight.Slice(oc * taps, taps);
            if (inPlace)
            {
                FourRows3x3InPlace(input.Slice(channel * inPlane, inPlane), shape.Height, shape.Width, filter, channelBias, channelResidual, stored, firstRow, lastRow, channelOutput);
            }
            else
            {
                if (channel != filled)
                {
                    PhasePlanes.FillPlanes(input.Slice(channel * inPlane, inPlane), shape, offsets, firstRow, fillLast, planes, planeLength);
                    filled = channel;
                }
                // Rows narrower than a vector: a vector covers several rows of the planes (whatever the filter and
                // stride; the sums of the row kernels, tap for tap).
                if (Vector512.IsHardwareAccelerated && shape.OutputWidth < Vector512<float>.Count && (lastRow - firstRow) * pitch >= Vector512<float>.Count)
                {
                    PlaneFlatWide(planes, starts, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                }
                else if (!Vector512.IsHardwareAccelerated && Vector.IsHardwareAccelerated && shape.OutputWidth < Vector<float>.Count && (lastRow - firstRow) * pitch >= Vector<float>.Count)
                {
                    PlaneFlat(planes, starts, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                }
                // Four output rows at a time share the plane rows they read: 18 loads for 36 multiply-adds instead of 36.
                else if (Vector512.IsHardwareAccelerated && shape.OutputWidth >= Vector512<float>.Count)
                {
                    if (fourRows) FourRows3x3Wide(planes, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                    else if (nineTaps) Plane3x3Wide(planes, starts, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                    else if (variant == ConvolutionVariant.DepthwiseTaps5x5) Plane5x5Wide(planes, starts, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                    else PlaneWide(planes, starts, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                }
                else if (Vector.IsHardwareAccelerated && shape.OutputWidth >= Vector<float>.Count)
                {
                    if (fourRows) FourRows3x3(planes, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                    else if (nineTaps) Plane3x3(planes, starts, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                    else if (variant == ConvolutionVariant.DepthwiseTaps5x5) Plane5x5(planes, starts, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                    else Plane(planes, starts, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                }
                else
                {
                    PlaneScalar(planes, starts, pitch, filter, channelBias, channelResidual, stored, firstRow, lastRow, shape.OutputWidth, channelOutput);
                }
            }
            if (activation > Activation.Relu6) Epilogue.ActivateInPlace(channelOutput, activation);
            FusedPool.SumRows(shape, oc, 1, firstRow, lastRow, channelOutput, written, rowSums);
        }
    }

    // The plane kernels write output row oy at (oy - firstRow) x outputWidth, and read planes[start[tap] +
    // oy * pitch + ox] for ox < outputWidth only: inside the planes by construction (see Convolution), so
    // they read without bounds checks.

    /// <summary>
    /// Any filter with 512-bit vectors on rows narrower than a vector: output rows [firstRow, lastRow) read as one
    /// flat run of the planes at their pitch, each vector covering several rows. The sums go to a per-thread buffer at
    /// the planes' pitch; the lanes past each row's width (they read the next plane row, or the row past the last
    /// plane) are dropped when the rows are stored. Each output sums the bias and then its taps in order, as the row
    /// kernels do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlaneFlatWide(ReadOnlySpan<float> planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        const int v = 16;
        int rows = lastRow - firstRow, count = rows * pitch, taps = starts.Length;
        CheckFlat(planes, starts, pitch, filter, residual, firstRow, rows, outputWidth, output, v);
        var wide = ThreadScratch.Get(ref t_wide, count);
        ref float p = ref Unsafe.Add(ref MemoryMarshal.GetReference(planes), firstRow * pitch);
        ref float w = ref MemoryMarshal.GetReference(filter);
        ref int start = ref MemoryMarshal.GetReference(starts);
        ref float sums = ref MemoryMarshal.GetReference(wide);
        var b = Vector512.Create(bias);
        for (int next = 0; next < count; next += v)
        {
            // The last vector ends at the band's end, overlapping the one before (the same sums).
            int at = Math.Min(next, count - v);
            ref float from = ref Unsafe.Add(ref p, at);
            var sum = b;
            for (int tap = 0; tap < taps; tap++) sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, tap)), Vector512.LoadUnsafe(ref from, (nuint)Unsafe.Add(ref start, tap)), sum);
            sum.StoreUnsafe(ref sums, (nuint)at);
        }
        for (int row = 0; row < rows; row++)
        {
            Epilogue.StoreRun(wide.Slice(row * pitch, outputWidth), residual.IsEmpty ? default : residual.Slice(row * outputWidth, outputWidth), activation, output.Slice(row * outputWidth, outputWidth));
        }
    }

    /// <summary><see cref="PlaneFlatWide"/> with <see cref="Vector{T}"/>, where 512-bit vectors are not accelerated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlaneFlat(ReadOnlySpan<float> planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        int v = Vector<float>.Count;
        int rows = lastRow - firstRow, count = rows * pitch, taps = starts.Length;
        CheckFlat(planes, starts, pitch, filter, residual, firstRow, rows, outputWidth, output, v);
        var wide = ThreadScratch.Get(ref t_wide, count);
        ref float p = ref Unsafe.Add(ref MemoryMarshal.GetReference(planes), firstRow * pitch);
        ref float w = ref MemoryMarshal.GetReference(filter);
        ref int start = ref MemoryMarshal.GetReference(starts);
        ref float sums = ref MemoryMarshal.GetReference(wide);
        var b = new Vector<float>(bias);
        for (int next = 0; next < count; next += v)
        {
            int at = Math.Min(next, count - v);
            ref float from = ref Unsafe.Add(ref p, at);
            var sum = b;
            for (int tap = 0; tap < taps; tap++) sum = Madd(new Vector<float>(Unsafe.Add(ref w, tap)), Vector.LoadUnsafe(ref from, (nuint)Unsafe.Add(ref start, tap)), sum);
            sum.StoreUnsafe(ref sums, (nuint)at);
        }
        for (int row = 0; row < rows; row++)
        {
            Epilogue.StoreRun(wide.Slice(row * pitch, outputWidth), residual.IsEmpty ? default : residual.Slice(row * outputWidth, outputWidth), activation, output.Slice(row * outputWidth, outputWidth));
        }
    }

    // The flat kernels read planes[firstRow x pitch + start + i] for i below rows x pitch without bounds checks: every
    // such read must lie inside the planes, and the band must hold a whole vector.
    private static void CheckFlat(ReadOnlySpan<float> planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, ReadOnlySpan<float> residual,
        int firstRow, int rows, int outputWidth, Span<float> output, int vector)
    {
        int largest = 0;
        foreach (int start in starts) largest = Math.Max(largest, start);
        long count = (long)rows * pitch;
        if (count < vector || outputWidth > pitch || firstRow < 0 || filter.Length < starts.Length || (long)firstRow * pitch + largest + count > planes.Length
            || output.Length < rows * outputWidth || (!residual.IsEmpty && residual.Length < rows * outputWidth))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        foreach (int start in starts)
        {
            if (start < 0) throw new ArgumentException("A tap starts before the planes.", nameof(starts));
        }
    }

    /// <summary>A 3x3 filter with 512-bit vectors: the nine weights stay in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane3x3Wide(ReadOnlySpan<float> planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        const int v = 16;
        var w0 = Vector512.Create(filter[0]); var w1 = Vector512.Create(filter[1]); var w2 = Vector512.Create(filter[2]);
        var w3 = Vector512.Create(filter[3]); var w4 = Vector512.Create(filter[4]); var w5 = Vector512.Create(filter[5]);
        var w6 = Vector512.Create(filter[6]); var w7 = Vector512.Create(filter[7]); var w8 = Vector512.Create(filter[8]);
        int s0 = starts[0], s1 = starts[1], s2 = starts[2], s3 = starts[3], s4 = starts[4], s5 = starts[5], s6 = starts[6], s7 = starts[7], s8 = starts[8];
        var b = Vector512.Create(bias);
        ref float p = ref MemoryMarshal.GetReference(planes);
        for (int oy = firstRow; oy < lastRow; oy++)
        {
            ref float row = ref Unsafe.Add(ref p, oy * pitch);
            for (int next = 0; next < outputWidth; next += v)
            {
                int ox = Math.Min(next, outputWidth - v);
                ref float at = ref Unsafe.Add(ref row, ox);
                var sum = Vector512.FusedMultiplyAdd(w0, Vector512.LoadUnsafe(ref at, (nuint)s0), b);
                sum = Vector512.FusedMultiplyAdd(w1, Vector512.LoadUnsafe(ref at, (nuint)s1), sum);
                sum = Vector512.FusedMultiplyAdd(w2, Vector512.LoadUnsafe(ref at, (nuint)s2), sum);
                sum = Vector512.FusedMultiplyAdd(w3, Vector512.LoadUnsafe(ref at, (nuint)s3), sum);
                sum = Vector512.FusedMultiplyAdd(w4, Vector512.LoadUnsafe(ref at, (nuint)s4), sum);
                sum = Vector512.FusedMultiplyAdd(w5, Vector512.LoadUnsafe(ref at, (nuint)s5), sum);
                sum = Vector512.FusedMultiplyAdd(w6, Vector512.LoadUnsafe(ref at, (nuint)s6), sum);
                sum = Vector512.FusedMultiplyAdd(w7, Vector512.LoadUnsafe(ref at, (nuint)s7), sum);
                sum = Vector512.FusedMultiplyAdd(w8, Vector512.LoadUnsafe(ref at, (nuint)s8), sum);
                Epilogue.Store(sum, residual, activation, output, (oy - firstRow) * outputWidth + ox);
            }
        }
    }

    /// <summary>
    /// A 3x3 filter at stride 1 and dilation 1 with 512-bit vectors, four output rows at a time (at least four
    /// rows; a last partial block overlaps the one before it). Each of the six plane rows the block reads is
    /// loaded once at its three column shifts and feeds every output row that uses it; each output still sums
    /// its taps in the one-row kernels' order, so results do not depend on how rows are blocked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows3x3Wide(ReadOnlySpan<float> planes, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        const int v = 16;
        var w0 = Vector512.Create(filter[0]); var w1 = Vector512.Create(filter[1]); var w2 = Vector512.Create(filter[2]);
        var w3 = Vector512.Create(filter[3]); var w4 = Vector512.Create(filter[4]); var w5 = Vector512.Create(filter[5]);
        var w6 = Vector512.Create(filter[6]); var w7 = Vector512.Create(filter[7]); var w8 = Vector512.Create(filter[8]);
        var b = Vector512.Create(bias);
        ref float p = ref MemoryMarshal.GetReference(planes);
        for (int next = firstRow; next < lastRow; next += 4)
        {
            int oy = Math.Min(next, lastRow - 4);
            // Plane rows oy .. oy + 5, each from its second column: the block's "one column left" is the plane's first.
            ref float r0 = ref Unsafe.Add(ref p, oy * pitch + 1);
            ref float r1 = ref Unsafe.Add(ref r0, pitch);
            ref float r2 = ref Unsafe.Add(ref r1, pitch);
            ref float r3 = ref Unsafe.Add(ref r2, pitch);
            ref float r4 = ref Unsafe.Add(ref r3, pitch);
            ref float r5 = ref Unsafe.Add(ref r4, pitch);
            int index = (oy - firstRow) * outputWidth;
            for (int nextColumn = 0; nextColumn < outputWidth; nextColumn += v)
            {
                int ox = Math.Min(nextColumn, outputWidth - v);
                FourRowsBlock(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ox, false, false, w0, w1, w2, w3, w4, w5, w6, w7, w8, b, residual, activation, output, index, outputWidth);
            }
        }
    }

    /// <summary>The four-row 3x3 kernel with <see cref="Vector{T}"/> (see <see cref="FourRows3x3Wide"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows3x3(ReadOnlySpan<float> planes, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        int v = Vector<float>.Count;
        var w0 = new Vector<float>(filter[0]); var w1 = new Vector<float>(filter[1]); var w2 = new Vector<float>(filter[2]);
        var w3 = new Vector<float>(filter[3]); var w4 = new Vector<float>(filter[4]); var w5 = new Vector<float>(filter[5]);
        var w6 = new Vector<float>(filter[6]); var w7 = new Vector<float>(filter[7]); var w8 = new Vector<float>(filter[8]);
        var b = new Vector<float>(bias);
        ref float p = ref MemoryMarshal.GetReference(planes);
        for (int next = firstRow; next < lastRow; next += 4)
        {
            int oy = Math.Min(next, lastRow - 4);
            ref float top = ref Unsafe.Add(ref p, oy * pitch);
            int outAt = (oy - firstRow) * outputWidth;
            for (int nextColumn = 0; nextColumn < outputWidth; nextColumn += v)
            {
                int ox = Math.Min(nextColumn, outputWidth - v);
                ref float at = ref Unsafe.Add(ref top, ox);
                var x0 = Vector.LoadUnsafe(ref at); var x1 = Vector.LoadUnsafe(ref at, 1); var x2 = Vector.LoadUnsafe(ref at, 2);
                var s0 = Madd(w2, x2, Madd(w1, x1, Madd(w0, x0, b)));
                at = ref Unsafe.Add(ref at, pitch);
                x0 = Vector.LoadUnsafe(ref at); x1 = Vector.LoadUnsafe(ref at, 1); x2 = Vector.LoadUnsafe(ref at, 2);
                s0 = Madd(w5, x2, Madd(w4, x1, Madd(w3, x0, s0)));
                var s1 = Madd(w2, x2, Madd(w1, x1, Madd(w0, x0, b)));
                at = ref Unsafe.Add(ref at, pitch);
                x0 = Vector.LoadUnsafe(ref at); x1 = Vector.LoadUnsafe(ref at, 1); x2 = Vector.LoadUnsafe(ref at, 2);
                s0 = Madd(w8, x2, Madd(w7, x1, Madd(w6, x0, s0)));
                s1 = Madd(w5, x2, Madd(w4, x1, Madd(w3, x0, s1)));
                var s2 = Madd(w2, x2, Madd(w1, x1, Madd(w0, x0, b)));
                at = ref Unsafe.Add(ref at, pitch);
                x0 = Vector.LoadUnsafe(ref at); x1 = Vector.LoadUnsafe(ref at, 1); x2 = Vector.LoadUnsafe(ref at, 2);
                s1 = Madd(w8, x2, Madd(w7, x1, Madd(w6, x0, s1)));
                s2 = Madd(w5, x2, Madd(w4, x1, Madd(w3, x0, s2)));
                var s3 = Madd(w2, x2, Madd(w1, x1, Madd(w0, x0, b)));
                at = ref Unsafe.Add(ref at, pitch);
                x0 = Vector.LoadUnsafe(ref at); x1 = Vector.LoadUnsafe(ref at, 1); x2 = Vector.LoadUnsafe(ref at, 2);
                s2 = Madd(w8, x2, Madd(w7, x1, Madd(w6, x0, s2)));
                s3 = Madd(w5, x2, Madd(w4, x1, Madd(w3, x0, s3)));
                at = ref Unsafe.Add(ref at, pitch);
                x0 = Vector.LoadUnsafe(ref at); x1 = Vector.LoadUnsafe(ref at, 1); x2 = Vector.LoadUnsafe(ref at, 2);
                s3 = Madd(w8, x2, Madd(w7, x1, Madd(w6, x0, s3)));
                int index = outAt + ox;
                Epilogue.Store(s0, residual, activation, output, index);
                Epilogue.Store(s1, residual, activation, output, index + outputWidth);
                Epilogue.Store(s2, residual, activation, output, index + 2 * outputWidth);
                Epilogue.Store(s3, residual, activation, output, index + 3 * outputWidth);
            }
        }
    }

    /// <summary>
    /// <see cref="FourRows3x3Wide"/> at padding 1 reading the input channel in place instead of a padded plane: the
    /// rows above and below the image read a row of zeros, and at the ends of a row the column shifted in from the
    /// padding is a zero moved in by a lane rotation. The sums are the plane kernel's, term for term.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows3x3InPlace(ReadOnlySpan<float> channel, int height, int width, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, Span<float> output)
    {
        const int v = 16;
        if (width < v || lastRow - firstRow < 4 || firstRow < 0 || lastRow > height || channel.Length < height * width || output.Length < (lastRow - firstRow) * width
            || (!residual.IsEmpty && residual.Length < output.Length))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        var w0 = Vector512.Create(filter[0]); var w1 = Vector512.Create(filter[1]); var w2 = Vector512.Create(filter[2]);
        var w3 = Vector512.Create(filter[3]); var w4 = Vector512.Create(filter[4]); var w5 = Vector512.Create(filter[5]);
        var w6 = Vector512.Create(filter[6]); var w7 = Vector512.Create(filter[7]); var w8 = Vector512.Create(filter[8]);
        var b = Vector512.Create(bias);
        var zeros = ZeroRow(width);
        ref float source = ref MemoryMarshal.GetReference(channel);
        ref float zero = ref MemoryMarshal.GetReference(zeros);
        for (int next = firstRow; next < lastRow; next += 4)
        {
            int oy = Math.Min(next, lastRow - 4);
            // Output rows oy .. oy + 3 read input rows oy - 1 .. oy + 4.
            ref float r0 = ref InputRow(ref source, ref zero, oy - 1, height, width);
            ref float r1 = ref InputRow(ref source, ref zero, oy, height, width);
            ref float r2 = ref InputRow(ref source, ref zero, oy + 1, height, width);
            ref float r3 = ref InputRow(ref source, ref zero, oy + 2, height, width);
            ref float r4 = ref InputRow(ref source, ref zero, oy + 3, height, width);
            ref float r5 = ref InputRow(ref source, ref zero, oy + 4, height, width);
            int index = (oy - firstRow) * width;
            // The first vector has the left padding; the middle ones read their neighbors in place; the last vector
            // (overlapping the one before it) has the right padding.
            FourRowsBlock(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, 0, true, width == v, w0, w1, w2, w3, w4, w5, w6, w7, w8, b, residual, activation, output, index, width);
            int ox = v;
            for (; ox + v < width; ox += v)
            {
                FourRowsBlock(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ox, false, false, w0, w1, w2, w3, w4, w5, w6, w7, w8, b, residual, activation, output, index, width);
            }
            if (width > v)
            {
                FourRowsBlock(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, width - v, false, true, w0, w1, w2, w3, w4, w5, w6, w7, w8, b, residual, activation, output, index, width);
            }
        }
    }

    /// <summary>Input row <paramref name="row"/>, or the zero row where it lies in the padding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref float InputRow(ref float source, ref float zero, int row, int height, int width) =>
        ref (uint)row < (uint)height ? ref Unsafe.Add(ref source, row * width) : ref zero;

    /// <summary>
    /// One vector of columns of four output rows of a 3x3 filter at stride 1, from the six rows r0 .. r5 that they
    /// read, each at one column left of, at and right of <paramref name="ox"/>; at an edge, the column beyond the row
    /// is a zero rotated in instead of a load. The edge flags are constants where it is inlined.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourRowsBlock(ref float r0, ref float r1, ref float r2, ref float r3, ref float r4, ref float r5, int ox, bool leftEdge, bool rightEdge,
        Vector512<float> w0, Vector512<float> w1, Vector512<float> w2, Vector512<float> w3, Vector512<float> w4, Vector512<float> w5,
        Vector512<float> w6, Vector512<float> w7, Vector512<float> w8, Vector512<float> b,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, int index, int width)
    {
        // Each output sums its taps in the one-row kernels' order.
        var x1 = Vector512.LoadUnsafe(ref r0, (nuint)ox); var x0 = Left(ref r0, ox, x1, leftEdge); var x2 = Right(ref r0, ox, x1, rightEdge);
        var s0 = Vector512.FusedMultiplyAdd(w2, x2, Vector512.FusedMultiplyAdd(w1, x1, Vector512.FusedMultiplyAdd(w0, x0, b)));
        x1 = Vector512.LoadUnsafe(ref r1, (nuint)ox); x0 = Left(ref r1, ox, x1, leftEdge); x2 = Right(ref r1, ox, x1, rightEdge);
        s0 = Vector512.FusedMultiplyAdd(w5, x2, Vector512.FusedMultiplyAdd(w4, x1, Vector512.FusedMultiplyAdd(w3, x0, s0)));
        var s1 = Vector512.FusedMultiplyAdd(w2, x2, Vector512.FusedMultiplyAdd(w1, x1, Vector512.FusedMultiplyAdd(w0, x0, b)));
        x1 = Vector512.LoadUnsafe(ref r2, (nuint)ox); x0 = Left(ref r2, ox, x1, leftEdge); x2 = Right(ref r2, ox, x1, rightEdge);
        s0 = Vector512.FusedMultiplyAdd(w8, x2, Vector512.FusedMultiplyAdd(w7, x1, Vector512.FusedMultiplyAdd(w6, x0, s0)));
        s1 = Vector512.FusedMultiplyAdd(w5, x2, Vector512.FusedMultiplyAdd(w4, x1, Vector512.FusedMultiplyAdd(w3, x0, s1)));
        var s2 = Vector512.FusedMultiplyAdd(w2, x2, Vector512.FusedMultiplyAdd(w1, x1, Vector512.FusedMultiplyAdd(w0, x0, b)));
        x1 = Vector512.LoadUnsafe(ref r3, (nuint)ox); x0 = Left(ref r3, ox, x1, leftEdge); x2 = Right(ref r3, ox, x1, rightEdge);
        s1 = Vector512.FusedMultiplyAdd(w8, x2, Vector512.FusedMultiplyAdd(w7, x1, Vector512.FusedMultiplyAdd(w6, x0, s1)));
        s2 = Vector512.FusedMultiplyAdd(w5, x2, Vector512.FusedMultiplyAdd(w4, x1, Vector512.FusedMultiplyAdd(w3, x0, s2)));
        var s3 = Vector512.FusedMultiplyAdd(w2, x2, Vector512.FusedMultiplyAdd(w1, x1, Vector512.FusedMultiplyAdd(w0, x0, b)));
        x1 = Vector512.LoadUnsafe(ref r4, (nuint)ox); x0 = Left(ref r4, ox, x1, leftEdge); x2 = Right(ref r4, ox, x1, rightEdge);
        s2 = Vector512.FusedMultiplyAdd(w8, x2, Vector512.FusedMultiplyAdd(w7, x1, Vector512.FusedMultiplyAdd(w6, x0, s2)));
        s3 = Vector512.FusedMultiplyAdd(w5, x2, Vector512.FusedMultiplyAdd(w4, x1, Vector512.FusedMultiplyAdd(w3, x0, s3)));
        x1 = Vector512.LoadUnsafe(ref r5, (nuint)ox); x0 = Left(ref r5, ox, x1, leftEdge); x2 = Right(ref r5, ox, x1, rightEdge);
        s3 = Vector512.FusedMultiplyAdd(w8, x2, Vector512.FusedMultiplyAdd(w7, x1, Vector512.FusedMultiplyAdd(w6, x0, s3)));
        int at = index + ox;
        Epilogue.Store(s0, residual, activation, output, at);
        Epilogue.Store(s1, residual, activation, output, at + width);
        Epilogue.Store(s2, residual, activation, output, at + 2 * width);
        Epilogue.Store(s3, residual, activation, output, at + 3 * width);
    }

    /// <summary>
    /// The row's values one column to the left of <paramref name="center"/>: the center moved up a lane with the column
    /// before it (a broadcast, zero at the left edge) below. A load one column off crosses a cache line three times in
    /// four; the broadcast and lane move made the 3x3 kernel 10-20% faster on wide rows (session 30).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Left(ref float row, int ox, Vector512<float> center, bool edge) =>
        Avx512F.AlignRight32(center.AsInt32(), edge ? Vector512<int>.Zero : Vector512.Create(Unsafe.Add(ref row, ox - 1)).AsInt32(), 15).AsSingle();

    /// <summary>The row's values one column to the right of <paramref name="center"/>: as <see cref="Left"/>, with the column after it (zero at the right edge).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Right(ref float row, int ox, Vector512<float> center, bool edge) =>
        Avx512F.AlignRight32(edge ? Vector512<int>.Zero : Vector512.Create(Unsafe.Add(ref row, ox + 16)).AsInt32(), center.AsInt32(), 1).AsSingle();

    /// <summary>Any filter with 512-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlaneWide(ReadOnlySpan<float> planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        const int v = 16;
        ref float p = ref MemoryMarshal.GetReference(planes);
        for (int oy = firstRow; oy < lastRow; oy++)
        {
            ref float row = ref Unsafe.Add(ref p, oy * pitch);
            for (int next = 0; next < outputWidth; next += v)
            {
                int ox = Math.Min(next, outputWidth - v);
                ref float at = ref Unsafe.Add(ref row, ox);
                var sum = Vector512.Create(bias);
                for (int tap = 0; tap < starts.Length; tap++) sum = Vector512.FusedMultiplyAdd(Vector512.Create(filter[tap]), Vector512.LoadUnsafe(ref at, (nuint)starts[tap]), sum);
                Epilogue.Store(sum, residual, activation, output, (oy - firstRow) * outputWidth + ox);
            }
        }
    }

    /// <summary>
    /// A 5x5 filter with 512-bit vectors, its taps unrolled: the 25 weights stay in registers (the per-tap loop loads
    /// each weight again for every output vector). Each output sums its taps in <see cref="PlaneWide"/>'s order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane5x5Wide(ReadOnlySpan<float> planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        const int v = 16;
        if (starts.Length < 25 || filter.Length < 25) throw new ArgumentException("A 5x5 filter has 25 taps.");
        var w0 = Vector512.Create(filter[0]); var w1 = Vector512.Create(filter[1]); var w2 = Vector512.Create(filter[2]); var w3 = Vector512.Create(filter[3]); var w4 = Vector512.Create(filter[4]);
        var w5 = Vector512.Create(filter[5]); var w6 = Vector512.Create(filter[6]); var w7 = Vector512.Create(filter[7]); var w8 = Vector512.Create(filter[8]); var w9 = Vector512.Create(filter[9]);
        var w10 = Vector512.Create(filter[10]); var w11 = Vector512.Create(filter[11]); var w12 = Vector512.Create(filter[12]); var w13 = Vector512.Create(filter[13]); var w14 = Vector512.Create(filter[14]);
        var w15 = Vector512.Create(filter[15]); var w16 = Vector512.Create(filter[16]); var w17 = Vector512.Create(filter[17]); var w18 = Vector512.Create(filter[18]); var w19 = Vector512.Create(filter[19]);
        var w20 = Vector512.Create(filter[20]); var w21 = Vector512.Create(filter[21]); var w22 = Vector512.Create(filter[22]); var w23 = Vector512.Create(filter[23]); var w24 = Vector512.Create(filter[24]);
        nuint s0 = (nuint)starts[0], s1 = (nuint)starts[1], s2 = (nuint)starts[2], s3 = (nuint)starts[3], s4 = (nuint)starts[4];
        nuint s5 = (nuint)starts[5], s6 = (nuint)starts[6], s7 = (nuint)starts[7], s8 = (nuint)starts[8], s9 = (nuint)starts[9];
        nuint s10 = (nuint)starts[10], s11 = (nuint)starts[11], s12 = (nuint)starts[12], s13 = (nuint)starts[13], s14 = (nuint)starts[14];
        nuint s15 = (nuint)starts[15], s16 = (nuint)starts[16], s17 = (nuint)starts[17], s18 = (nuint)starts[18], s19 = (nuint)starts[19];
        nuint s20 = (nuint)starts[20], s21 = (nuint)starts[21], s22 = (nuint)starts[22], s23 = (nuint)starts[23], s24 = (nuint)starts[24];
        var b = Vector512.Create(bias);
        ref float p = ref MemoryMarshal.GetReference(planes);
        for (int oy = firstRow; oy < lastRow; oy++)
        {
            ref float row = ref Unsafe.Add(ref p, oy * pitch);
            for (int next = 0; next < outputWidth; next += v)
            {
                int ox = Math.Min(next, outputWidth - v);
                ref float at = ref Unsafe.Add(ref row, ox);
                var sum = Vector512.FusedMultiplyAdd(w0, Vector512.LoadUnsafe(ref at, s0), b);
                sum = Vector512.FusedMultiplyAdd(w1, Vector512.LoadUnsafe(ref at, s1), sum);
                sum = Vector512.FusedMultiplyAdd(w2, Vector512.LoadUnsafe(ref at, s2), sum);
                sum = Vector512.FusedMultiplyAdd(w3, Vector512.LoadUnsafe(ref at, s3), sum);
                sum = Vector512.FusedMultiplyAdd(w4, Vector512.LoadUnsafe(ref at, s4), sum);
                sum = Vector512.FusedMultiplyAdd(w5, Vector512.LoadUnsafe(ref at, s5), sum);
                sum = Vector512.FusedMultiplyAdd(w6, Vector512.LoadUnsafe(ref at, s6), sum);
                sum = Vector512.FusedMultiplyAdd(w7, Vector512.LoadUnsafe(ref at, s7), sum);
                sum = Vector512.FusedMultiplyAdd(w8, Vector512.LoadUnsafe(ref at, s8), sum);
                sum = Vector512.FusedMultiplyAdd(w9, Vector512.LoadUnsafe(ref at, s9), sum);
                sum = Vector512.FusedMultiplyAdd(w10, Vector512.LoadUnsafe(ref at, s10), sum);
                sum = Vector512.FusedMultiplyAdd(w11, Vector512.LoadUnsafe(ref at, s11), sum);
                sum = Vector512.FusedMultiplyAdd(w12, Vector512.LoadUnsafe(ref at, s12), sum);
                sum = Vector512.FusedMultiplyAdd(w13, Vector512.LoadUnsafe(ref at, s13), sum);
                sum = Vector512.FusedMultiplyAdd(w14, Vector512.LoadUnsafe(ref at, s14), sum);
                sum = Vector512.FusedMultiplyAdd(w15, Vector512.LoadUnsafe(ref at, s15), sum);
                sum = Vector512.FusedMultiplyAdd(w16, Vector512.LoadUnsafe(ref at, s16), sum);
                sum = Vector512.FusedMultiplyAdd(w17, Vector512.LoadUnsafe(ref at, s17), sum);
                sum = Vector512.FusedMultiplyAdd(w18, Vector512.LoadUnsafe(ref at, s18), sum);
                sum = Vector512.FusedMultiplyAdd(w19, Vector512.LoadUnsafe(ref at, s19), sum);
                sum = Vector512.FusedMultiplyAdd(w20, Vector512.LoadUnsafe(ref at, s20), sum);
                sum = Vector512.FusedMultiplyAdd(w21, Vector512.LoadUnsafe(ref at, s21), sum);
                sum = Vector512.FusedMultiplyAdd(w22, Vector512.LoadUnsafe(ref at, s22), sum);
                sum = Vector512.FusedMultiplyAdd(w23, Vector512.LoadUnsafe(ref at, s23), sum);
                sum = Vector512.FusedMultiplyAdd(w24, Vector512.LoadUnsafe(ref at, s24), sum);
                Epilogue.Store(sum, residual, activation, output, (oy - firstRow) * outputWidth + ox);
            }
        }
    }

    /// <summary>A 3x3 filter with <see cref="Vector{T}"/>: the nine weights stay in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane3x3(ReadOnlySpan<float> planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        int v = Vector<float>.Count;
        var w0 = new Vector<float>(filter[0]); var w1 = new Vector<float>(filter[1]); var w2 = new Vector<float>(filter[2]);
        var w3 = new Vector<float>(filter[3]); var w4 = new Vector<float>(filter[4]); var w5 = new Vector<float>(filter[5]);
        var w6 = new Vector<float>(filter[6]); var w7 = new Vector<float>(filter[7]); var w8 = new Vector<float>(filter[8]);
        int s0 = starts[0], s1 = starts[1], s2 = starts[2], s3 = starts[3], s4 = starts[4], s5 = starts[5], s6 = starts[6], s7 = starts[7], s8 = starts[8];
        var b = new Vector<float>(bias);
        ref float p = ref MemoryMarshal.GetReference(planes);
        for (int oy = firstRow; oy < lastRow; oy++)
        {
            ref float row = ref Unsafe.Add(ref p, oy * pitch);
            for (int next = 0; next < outputWidth; next += v)
            {
                int ox = Math.Min(next, outputWidth - v);
                ref float at = ref Unsafe.Add(ref row, ox);
                var sum = Madd(w0, Vector.LoadUnsafe(ref at, (nuint)s0), b);
                sum = Madd(w1, Vector.LoadUnsafe(ref at, (nuint)s1), sum);
                sum = Madd(w2, Vector.LoadUnsafe(ref at, (nuint)s2), sum);
                sum = Madd(w3, Vector.LoadUnsafe(ref at, (nuint)s3), sum);
                sum = Madd(w4, Vector.LoadUnsafe(ref at, (nuint)s4), sum);
                sum = Madd(w5, Vector.LoadUnsafe(ref at, (nuint)s5), sum);
                sum = Madd(w6, Vector.LoadUnsafe(ref at, (nuint)s6), sum);
                sum = Madd(w7, Vector.LoadUnsafe(ref at, (nuint)s7), sum);
                sum = Madd(w8, Vector.LoadUnsafe(ref at, (nuint)s8), sum);
                Epilogue.Store(sum, residual, activation, output, (oy - firstRow) * outputWidth + ox);
            }
        }
    }

    /// <summary>A 5x5 filter with <see cref="Vector{T}"/>, its taps unrolled, in <see cref="Plane"/>'s order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane5x5(ReadOnlySpan<float> planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        int v = Vector<float>.Count;
        if (starts.Length < 25 || filter.Length < 25) throw new ArgumentException("A 5x5 filter has 25 taps.");
        var w0 = new Vector<float>(filter[0]); var w1 = new Vector<float>(filter[1]); var w2 = new Vector<float>(filter[2]); var w3 = new Vector<float>(filter[3]); var w4 = new Vector<float>(filter[4]);
        var w5 = new Vector<float>(filter[5]); var w6 = new Vector<float>(filter[6]); var w7 = new Vector<float>(filter[7]); var w8 = new Vector<float>(filter[8]); var w9 = new Vector<float>(filter[9]);
        var w10 = new Vector<float>(filter[10]); var w11 = new Vector<float>(filter[11]); var w12 = new Vector<float>(filter[12]); var w13 = new Vector<float>(filter[13]); var w14 = new Vector<float>(filter[14]);
        var w15 = new Vector<float>(filter[15]); var w16 = new Vector<float>(filter[16]); var w17 = new Vector<float>(filter[17]); var w18 = new Vector<float>(filter[18]); var w19 = new Vector<float>(filter[19]);
        var w20 = new Vector<float>(filter[20]); var w21 = new Vector<float>(filter[21]); var w22 = new Vector<float>(filter[22]); var w23 = new Vector<float>(filter[23]); var w24 = new Vector<float>(filter[24]);
        nuint s0 = (nuint)starts[0], s1 = (nuint)starts[1], s2 = (nuint)starts[2], s3 = (nuint)starts[3], s4 = (nuint)starts[4];
        nuint s5 = (nuint)starts[5], s6 = (nuint)starts[6], s7 = (nuint)starts[7], s8 = (nuint)starts[8], s9 = (nuint)starts[9];
        nuint s10 = (nuint)starts[10], s11 = (nuint)starts[11], s12 = (nuint)starts[12], s13 = (nuint)starts[13], s14 = (nuint)starts[14];
        nuint s15 = (nuint)starts[15], s16 = (nuint)starts[16], s17 = (nuint)starts[17], s18 = (nuint)starts[18], s19 = (nuint)starts[19];
        nuint s20 = (nuint)starts[20], s21 = (nuint)starts[21], s22 = (nuint)starts[22], s23 = (nuint)starts[23], s24 = (nuint)starts[24];
        var b = new Vector<float>(bias);
        ref float p = ref MemoryMarshal.GetReference(planes);
        for (int oy = firstRow; oy < lastRow; oy++)
        {
            ref float row = ref Unsafe.Add(ref p, oy * pitch);
            for (int next = 0; next < outputWidth; next += v)
            {
                int ox = Math.Min(next, outputWidth - v);
                ref float at = ref Unsafe.Add(ref row, ox);
                var sum = Madd(w0, Vector.LoadUnsafe(ref at, s0), b);
                sum = Madd(w1, Vector.LoadUnsafe(ref at, s1), sum);
                sum = Madd(w2, Vector.LoadUnsafe(ref at, s2), sum);
                sum = Madd(w3, Vector.LoadUnsafe(ref at, s3), sum);
                sum = Madd(w4, Vector.LoadUnsafe(ref at, s4), sum);
                sum = Madd(w5, Vector.LoadUnsafe(ref at, s5), sum);
                sum = Madd(w6, Vector.LoadUnsafe(ref at, s6), sum);
                sum = Madd(w7, Vector.LoadUnsafe(ref at, s7), sum);
                sum = Madd(w8, Vector.LoadUnsafe(ref at, s8), sum);
                sum = Madd(w9, Vector.LoadUnsafe(ref at, s9), sum);
                sum = Madd(w10, Vector.LoadUnsafe(ref at, s10), sum);
                sum = Madd(w11, Vector.LoadUnsafe(ref at, s11), sum);
                sum = Madd(w12, Vector.LoadUnsafe(ref at, s12), sum);
                sum = Madd(w13, Vector.LoadUnsafe(ref at, s13), sum);
                sum = Madd(w14, Vector.LoadUnsafe(ref at, s14), sum);
                sum = Madd(w15, Vector.LoadUnsafe(ref at, s15), sum);
                sum = Madd(w16, Vector.LoadUnsafe(ref at, s16), sum);
                sum = Madd(w17, Vector.LoadUnsafe(ref at, s17), sum);
                sum = Madd(w18, Vector.LoadUnsafe(ref at, s18), sum);
                sum = Madd(w19, Vector.LoadUnsafe(ref at, s19), sum);
                sum = Madd(w20, Vector.LoadUnsafe(ref at, s20), sum);
                sum = Madd(w21, Vector.LoadUnsafe(ref at, s21), sum);
                sum = Madd(w22, Vector.LoadUnsafe(ref at, s22), sum);
                sum = Madd(w23, Vector.LoadUnsafe(ref at, s23), sum);
                sum = Madd(w24, Vector.LoadUnsafe(ref at, s24), sum);
                Epilogue.Store(sum, residual, activation, output, (oy - firstRow) * outputWidth + ox);
            }
        }
    }

    /// <summary>Any filter with <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane(ReadOnlySpan<float> planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        int v = Vector<float>.Count;
        ref float p = ref MemoryMarshal.GetReference(planes);
        for (int oy = firstRow; oy < lastRow; oy++)
        {
            ref float row = ref Unsafe.Add(ref p, oy * pitch);
            for (int next = 0; next < outputWidth; next += v)
            {
                int ox = Math.Min(next, outputWidth - v);
                ref float at = ref Unsafe.Add(ref row, ox);
                var sum = new Vector<float>(bias);
                for (int tap = 0; tap < starts.Length; tap++) sum = Madd(new Vector<float>(filter[tap]), Vector.LoadUnsafe(ref at, (nuint)starts[tap]), sum);
                Epilogue.Store(sum, residual, activation, output, (oy - firstRow) * outputWidth + ox);
            }
        }
    }

    /// <summary>Rows narrower than a vector, or no vectors at all.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlaneScalar(ReadOnlySpan<float> planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        for (int oy = firstRow; oy < lastRow; oy++)
        {
            for (int ox = 0; ox < outputWidth; ox++)
            {
                int at = oy * pitch + ox;
                float sum = bias;
                for (int tap = 0; tap < starts.Length; tap++) sum += filter[tap] * planes[starts[tap] + at];
                Epilogue.Store(sum, residual, activation, output, (oy - firstRow) * outputWidth + ox);
            }
        }
    }

    /// <summary>Each thread's band of output rows, in every channel: the rows the next layer's share reads.</summary>
    internal sealed class Work : ConvolutionWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            int first = Shape.OutputHeight * part / parts, last = Shape.OutputHeight * (part + 1) / parts, at = first * Shape.OutputWidth;
            // A team larger than the rows leaves some threads none.
            if (first >= last) return;
            Rows(Shape, Plan.Variant, first, last, 0, Shape.OutChannels, Input, Weight, Bias, Residual.IsEmpty ? default : Residual.Slice(at), Activation, Output.Slice(at),
                Shape.OutputHeight * Shape.OutputWidth, RowSums);
        }
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of the channels: whole blocks of the channel-block variant.</summary>
    private static (int First, int Last) ChannelPart(in ConvolutionShape shape, ConvolutionVariant variant, int part, int parts) =>
        variant == ConvolutionVariant.DepthwiseChannelBlocks
            ? (DepthwiseChannelBlocks.PartStart(shape.OutChannels, part, parts), DepthwiseChannelBlocks.PartStart(shape.OutChannels, part + 1, parts))
            : (shape.OutChannels * part / parts, shape.OutChannels * (part + 1) / parts);

    /// <summary>Each thread's run of channels, as <see cref="ChannelWork"/>, with their means; RowSums holds the means.</summary>
    internal sealed class MeansWork : ConvolutionWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            var (first, last) = ChannelPart(Shape, Plan.Variant, part, parts);
            if (first >= last) return;
            ChannelsWithMeans(Shape, Plan.Variant, first, last, Input, Weight, Bias, Residual, Activation, Output, RowSums);
        }
    }

    /// <summary>Each thread's run of channels (whole blocks of the channel-block variant), all rows.</summary>
    internal sealed class ChannelWork : ConvolutionWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            var (first, last) = ChannelPart(Shape, Plan.Variant, part, parts);
            // A team larger than the blocks leaves some threads none.
            if (first >= last) return;
            Rows(Shape, Plan.Variant, 0, Shape.OutputHeight, first, last, Input, Weight, Bias, Residual, Activation, Output, Shape.OutputHeight * Shape.OutputWidth, RowSums);
        }
    }
}

