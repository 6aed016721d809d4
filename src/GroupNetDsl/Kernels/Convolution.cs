using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GroupNetDsl.Kernels;

/// <summary>
/// Grouped and dense convolutions as one packed matrix product per group (<see cref="PackedGemm"/>), without an
/// im2col matrix: the group's input is copied once into zero-padded phase planes (one per stride phase a tap
/// reads), and row (channel, ky, kx) of B is then the plane shifted by the tap, so the product reads B's rows
/// in place. Columns run over output rows at the planes' pitch; the few columns past each output row are
/// computed and dropped.
/// </summary>
/// <remarks>
/// The variant, the thread split and the band size come from a <see cref="ConvolutionPlan"/> that the generator
/// chose at build time (<see cref="ConvolutionPlanner.PlanProduct"/>); this code executes it and rejects a plan that is not
/// the shape's. Every output is the same sum in the same order whichever split runs, so results do not depend on
/// the number of threads. Each thread keeps its planes in thread-local buffers, allocated on its first call.
/// </remarks>
public static class Convolution
{
    // Floats between consecutive planes (see Group).
    private const int PlaneGap = 16;

    [ThreadStatic]
    private static float[]? t_planes;

    [ThreadStatic]
    private static float[]? t_wide;

    [ThreadStatic]
    private static int[]? t_rowStarts;

    [ThreadStatic]
    private static int[]? t_phaseOffsets;

    // The scaled weights or input of ConvolveScaledInput.
    [ThreadStatic]
    private static float[]? t_scaled;

    /// <summary>
    /// output = activation(conv(input, weight) + bias + residual) with the weights packed by
    /// <see cref="PackedGemm.Pack"/>(weight, groups, out per group, depth).
    /// </summary>
    /// <param name="shape">The sizes.</param>
    /// <param name="plan">How it runs: <see cref="ConvolutionPlanner.PlanProduct"/> of the shape.</param>
    /// <param name="input">The input, channels x height x width.</param>
    /// <param name="packedWeight">The packed weights.</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="output">The output, channels x height x width.</param>
    /// <param name="team">Threads to share the work, or null.</param>
    public static void Convolve(in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, WorkerTeam? team) =>
        Run(shape, plan, input, packedWeight, bias, residual, activation, output, default, team);

    /// <summary>
    /// <see cref="Convolve"/> with a global average pool fused in: pooled[c] = the mean of output channel c. Each
    /// output row is summed as soon as its band is computed, while it is still in cache, into
    /// the row sums at the end of the workspace; the means add those sums up in row order, so they do not depend on the threads.
    /// </summary>
    /// <param name="shape">The sizes.</param>
    /// <param name="plan">How it runs: <see cref="ConvolutionPlanner.PlanProduct"/> of the shape.</param>
    /// <param name="input">The input, channels x height x width.</param>
    /// <param name="packedWeight">The packed weights.</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied before pooling.</param>
    /// <param name="workspace">Working memory of <see cref="KernelLayout.PoolWorkspaceLength"/> floats: the convolution's output, then its row sums.</param>
    /// <param name="pooled">One mean per output channel.</param>
    /// <param name="team">Threads to share the work, or null.</param>
    public static void ConvolveAndPool(in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> workspace, Span<float> pooled, WorkerTeam? team)
    {
        FusedPool.SplitPoolWorkspace(shape, workspace, out var output, out var rowSums);
        FusedPool.CheckPoolLengths(shape, rowSums, pooled);
        Run(shape, plan, input, packedWeight, bias, residual, activation, output, rowSums, team);
        FusedPool.Pool(shape, rowSums, pooled);
    }

    /// <summary>
    /// <see cref="Convolve"/> that also writes the mean of each output channel, for a squeeze-and-excitation block whose
    /// pool reads the output that the block then scales. Where threads take whole groups (or one thread runs them all),
    /// each group's means are taken right after it, from the cache; otherwise in a pass of their own. The means are
    /// <see cref="TensorKernels.ChannelMeans"/>'s, bit for bit.
    /// </summary>
    /// <param name="shape">The sizes.</param>
    /// <param name="plan">How it runs: <see cref="ConvolutionPlanner.PlanProduct"/> of the shape.</param>
    /// <param name="input">The input, channels x height x width.</param>
    /// <param name="packedWeight">The packed weights.</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied before the means are taken.</param>
    /// <param name="output">The output, channels x height x width.</param>
    /// <param name="means">One mean per output channel.</param>
    /// <param name="team">Threads to share the work, or null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ConvolveWithMeans(in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> means, WorkerTeam? team)
    {
        Check(shape, plan, input, packedWeight, bias, residual, output);
        if (means.Length != shape.OutChannels) throw new ArgumentException("The means need one float per output channel.", nameof(means));
        switch (plan.Split)
        {
            case ThreadSplit.WholeGroups when ConvolutionWork.TryRun<MeansWork>(team, shape, plan, input, packedWeight, bias, residual, activation, output, means):
                return;
            case ThreadSplit.None or ThreadSplit.WholeGroups:
                GroupsWithMeans(shape, plan, 0, shape.Groups, input, packedWeight, bias, residual, activation, output, means);
                return;
            default:
                // Bands, column panels or output channels: no thread has whole channels, so the means are a pass of their own.
                Run(shape, plan, input, packedWeight, bias, residual, activation, output, default, team);
                int plane = shape.OutputHeight * shape.OutputWidth;
                TensorKernels.ChannelMeans(output.Slice(0, shape.OutChannels * plane), means, shape.OutChannels, plane, team);
                return;
        }
    }

    /// <summary>Groups [first, last) of <see cref="ConvolveWithMeans"/> on the calling thread, each group's means right after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GroupsWithMeans(in ConvolutionShape shape, in ConvolutionPlan plan, int first, int last, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> means)
    {
        int plane = shape.OutputHeight * shape.OutputWidth;
        for (int g = first; g < last; g++)
        {
            Group(shape, plan, g, 0, shape.OutputHeight, input, packedWeight, bias, residual, activation, output, default, null);
            int channel = g * shape.OutPerGroup, count = shape.OutPerGroup;
            TensorKernels.ChannelMeans(output.Slice(channel * plane, count * plane), means.Slice(channel, count), count, plane);
        }
    }

    /// <summary>
    /// <see cref="Convolve"/> of a plain 1x1 convolution whose input is first scaled channel by channel, as
    /// squeeze-and-excitation's <c>scale * x</c> feeds the block's projection: output = conv(scales[c] x input[c]).
    /// With fewer output channels than pixels the scales go into a copy of the weights (out x in multiplies instead of
    /// in x pixels, and the scaled input is never written); else the input is scaled into a buffer first.
    /// </summary>
    /// <param name="shape">The sizes: a 1x1 convolution, stride 1, no padding, one group.</param>
    /// <param name="plan">How it runs: <see cref="ConvolutionPlanner.PlanProduct"/> of the shape.</param>
    /// <param name="input">The input before scaling, channels x height x width.</param>
    /// <param name="scales">One value per input channel.</param>
    /// <param name="packedWeight">The packed weights.</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="output">The output, channels x height x width.</param>
    /// <param name="team">Threads to share the work, or null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ConvolveScaledInput(in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> scales, ReadOnlySpan<float> packedWeight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, WorkerTeam? team)
    {
        if (!shape.IsValid) throw new ArgumentException($"{shape} does not describe a convolution.", nameof(shape));
        ConvolutionPlanner.CheckProduct(shape, plan);
        if (plan.Variant != ConvolutionVariant.PointwiseProduct || shape.Groups != 1) throw new ArgumentException($"{shape} is not a plain 1x1 convolution.", nameof(shape));
        int pixels = shape.OutputHeight * shape.OutputWidth, inputLength = shape.InChannels * pixels;
        int packedLength = PackedGemm.PackedLength(1, shape.OutChannels, shape.InChannels);
        if (scales.Length != shape.InChannels || input.Length < inputLength || packedWeight.Length < packedLength) throw new ArgumentException("A span is shorter than the sizes require.");
        if (shape.OutChannels < pixels)
        {
            var scaledWeight = ThreadScratch.Get(ref t_scaled, packedLength);
            PackedGemm.ScaleDepth(packedWeight, shape.OutChannels, shape.InChannels, scales, scaledWeight, team);
            Run(shape, plan, input, scaledWeight, bias, residual, activation, output, default, team);
            return;
        }
        var scaledInput = ThreadScratch.Get(ref t_scaled, inputLength);
        TensorKernels.ScaleChannels(input.Slice(0, inputLength), scales, scaledInput, shape.InChannels, pixels, team);
        Run(shape, plan, scaledInput, packedWeight, bias, residual, activation, output, default, team);
    }

    /// <summary>Throws unless the shape is a convolution, the plan its plan (with a fused pool or not) and the spans as long as they must be.</summary>
    private static void Check(in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Span<float> output, bool pooled = false)
    {
        if (!shape.IsValid) throw new ArgumentException($"{shape} does not describe a convolution.", nameof(shape));
        ConvolutionPlanner.CheckProduct(shape, plan, pooled);
        ConvolutionWork.CheckLengths(shape, input, packedWeight, PackedGemm.PackedLength(shape.Groups, shape.OutPerGroup, shape.Depth), bias, residual, output);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> rowSums, WorkerTeam? team)
    {
        Check(shape, plan, input, packedWeight, bias, residual, output, pooled: !rowSums.IsEmpty);
        bool shared = plan.Split switch
        {
            // A plain 1x1 conv's threads take runs of whole panels of pixels, not of image rows: a share of 3 or 4 rows
            // of a 28x28 plane (84 or 112 pixels) left each thread a column tail of its own. The fused pool sums whole rows.
            ThreadSplit.RowBands when plan.Variant == ConvolutionVariant.PointwiseProduct && rowSums.IsEmpty =>
                ConvolutionWork.TryRun<PixelWork>(team, shape, plan, input, packedWeight, bias, residual, activation, output, rowSums),
            ThreadSplit.RowBands => ConvolutionWork.TryRun<BandWork>(team, shape, plan, input, packedWeight, bias, residual, activation, output, rowSums),
            ThreadSplit.WholeGroups => ConvolutionWork.TryRun<Work>(team, shape, plan, input, packedWeight, bias, residual, activation, output, rowSums),
            _ => false,
        };
        if (shared) return;
        // On the calling thread; with one group, the product splits its column panels or row blocks among the team's threads.
        var productTeam = plan.Split is ThreadSplit.ColumnPanels or ThreadSplit.OutputChannels ? team : null;
        for (int g = 0; g < shape.Groups; g++) Group(shape, plan, g, 0, shape.OutputHeight, input, packedWeight, bias, residual, activation, output, rowSums, productTeam);
    }

    /// <summary>Output rows [firstRow, lastRow) of every group, on the calling thread.</summary>
    internal static void Band(in ConvolutionShape shape, in ConvolutionPlan plan, int firstRow, int lastRow, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> rowSums)
    {
        // A team larger than the rows leaves some threads none.
        if (firstRow >= lastRow) return;
        for (int g = 0; g < shape.Groups; g++) Group(shape, plan, g, firstRow, lastRow, input, packedWeight, bias, residual, activation, output, rowSums, null);
    }

    /// <summary>
    /// Output rows [firstRow, lastRow) of one group: the planes' rows they read, then the product over bands of
    /// output rows small enough for the L2 cache, each band's rows taken out of its wide columns at once (and
    /// summed into rowSums, unless empty).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group(in ConvolutionShape shape, in ConvolutionPlan plan, int g, int firstRow, int lastRow, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> rowSums, WorkerTeam? team)
    {
        int inPlane = shape.Height * shape.Width, outPlane = shape.OutputHeight * shape.OutputWidth;
        int rows = shape.OutPerGroup, depth = shape.Depth, packed = PackedGemm.PackedLength(1, rows, depth);
        var groupInput = input.Slice(g * shape.InPerGroup * inPlane, shape.InPerGroup * inPlane);
        var a = packedWeight.Slice(g * packed, packed);
        var groupBias = bias.IsEmpty ? default : bias.Slice(g * rows, rows);
        var groupResidual = residual.IsEmpty ? default : residual.Slice(g * rows * outPlane, rows * outPlane);
        var groupOutput = output.Slice(g * rows * outPlane, rows * outPlane);

        if (plan.Variant == ConvolutionVariant.PointwiseProduct)
        {
            Pixels(shape, plan, g, firstRow * shape.OutputWidth, lastRow * shape.OutputWidth, input, packedWeight, bias, residual, activation, output, team,
                GroupRowSums(shape, g, firstRow, rowSums));
            return;
        }

        var rowStarts = ThreadScratch.Get(ref t_rowStarts, depth);
        int stride = shape.Stride, taps = shape.Kernel * shape.Kernel;
        int pitch = KernelLayout.PlanePitch(shape), planeRows = KernelLayout.PlaneRows(shape);
        // Planes sit a little more than their size apart: at sizes like 32x32 they would otherwise be a power of two
        // apart, and the product, which reads their rows in place, would have them evict each other from the L1 cache.
        int planeLength = planeRows * pitch + PlaneGap;

        // Channel 0's taps first; channel c's read the same places in its own planes.
        // The phase offsets on the stack, unless a large stride and kernel have many (never a stack sized by the stride).
        int offsetCount = KernelLayout.PhaseOffsets(shape);
        Span<int> offsets = (offsetCount <= PhasePlanes.StackOffsets ? stackalloc int[PhasePlanes.StackOffsets] : ThreadScratch.Get(ref t_phaseOffsets, offsetCount)).Slice(0, offsetCount);
        int phases = PhasePlanes.Phases(shape, planeLength, offsets, rowStarts.Slice(0, taps));
        // Channel by channel, without a division per row of B (two per row had been 5% of a grouped conv's time).
        for (int k = taps, channelStart = phases * planeLength; k < depth; k += taps, channelStart += phases * planeLength)
        {
            for (int t = 0; t < taps; t++) rowStarts[k + t] = channelStart + rowStarts[t];
        }

        // Past the last plane: the dropped columns of the last output row read up to a row beyond it.
        int planesLength = shape.InPerGroup * phases * planeLength + pitch;
        var planes = ThreadScratch.Get(ref t_planes, planesLength);
        // Output row oy reads plane rows oy .. oy + reach; rows past lastRow + reach are read only for dropped columns.
        int reach = (shape.Kernel - 1) * shape.Dilation / stride;
        int fillFirst = firstRow, fillLast = Math.Min(planeRows, lastRow + reach);
        if (!PlaneFillWork.TryRun(team, shape, groupInput, offsets, fillFirst, fillLast, planes, planeLength))
        {
            PhasePlanes.FillPlanes(groupInput, shape, offsets, fillFirst, fillLast, planes, planeLength, 0, shape.InPerGroup);
        }
        planes.Slice(shape.InPerGroup * phases * planeLength, pitch).Clear();

        int bandRows = plan.BandRows;
        for (int oy = firstRow; oy < lastRow; oy += bandRows)
        {
            int count = Math.Min(bandRows, lastRow - oy);
            int columns = count * pitch;
            var bandB = planes.Slice(oy * pitch);
            if (plan.Variant == ConvolutionVariant.PlaneProduct)
            {
                // No dropped columns (a strided 1x1 conv): the product writes the output, epilogue and all.
                int at = oy * shape.OutputWidth;
                var bandResidual = groupResidual.IsEmpty ? default : groupResidual.Slice(at);
                if (rowSums.IsEmpty)
                {
                    PackedGemm.Multiply(a, rows, depth, bandB, rowStarts, columns, groupBias, bandResidual, activation, groupOutput.Slice(at), outPlane, team,
                        readRowsInPlace: true, splitRows: plan.Split == ThreadSplit.OutputChannels);
                }
                else
                {
                    PackedGemm.MultiplyAndSumRows(a, rows, depth, bandB, rowStarts, columns, groupBias, bandResidual, activation, groupOutput.Slice(at), outPlane, team,
                        readRowsInPlace: true, GroupRowSums(shape, g, oy, rowSums), shape.OutputWidth, shape.OutputHeight);
                }
                continue;
            }
            if (plan.Variant == ConvolutionVariant.RowPlaneProduct)
            {
                // Each row a product of its own, writing the output (no wide columns to take the rows from); the planner
                // never lets a team share a row's product, so each runs on this thread.
                for (int y = oy; y < oy + count; y++)
                {
                    int at = y * shape.OutputWidth;
                    var rowResidual = groupResidual.IsEmpty ? default : groupResidual.Slice(at);
                    PackedGemm.Multiply(a, rows, depth, planes.Slice(y * pitch), rowStarts, shape.OutputWidth, groupBias, rowResidual, activation, groupOutput.Slice(at), outPlane,
                        readRowsInPlace: true);
                }
                continue;
            }
            int wideLength = rows * columns;
            var wide = ThreadScratch.Get(ref t_wide, wideLength);
            PackedGemm.Multiply(a, rows, depth, bandB, rowStarts, columns, groupBias, default, Activation.None, wide, columns, team, readRowsInPlace: true,
                splitRows: plan.Split == ThreadSplit.OutputChannels);
            TakeRows(wide, rows, count, pitch, shape.OutputWidth, outPlane, oy * shape.OutputWidth, groupResidual, activation, groupOutput);
            FusedPool.SumRows(shape, g * rows, rows, oy, oy + count, groupOutput.Slice(oy * shape.OutputWidth), outPlane, rowSums);
        }
    }

    /// <summary>
    /// Pixels [first, last) of one group of a plain 1x1 conv: B is the input itself, row k a channel, read from the
    /// first pixel. Channels a plane apart are read in place unless the plane is a power of two (see
    /// the readRowsInPlace of <see cref="PackedGemm"/>.Multiply).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Pixels(in ConvolutionShape shape, in ConvolutionPlan plan, int g, int first, int last, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, WorkerTeam? team, Span<float> rowSums = default)
    {
        // A team larger than the pixels leaves some threads none.
        if (first >= last) return;
        int inPlane = shape.Height * shape.Width, plane = shape.OutputHeight * shape.OutputWidth;
        int rows = shape.OutPerGroup, depth = shape.Depth, packed = PackedGemm.PackedLength(1, rows, depth);
        var rowStarts = ThreadScratch.Get(ref t_rowStarts, depth);
        for (int k = 0; k < depth; k++) rowStarts[k] = k * inPlane;
        var groupResidual = residual.IsEmpty ? default : residual.Slice(g * rows * plane, rows * plane);
        var a = packedWeight.Slice(g * packed, packed);
        var b = input.Slice(g * depth * inPlane + first, depth * inPlane - first);
        var groupBias = bias.IsEmpty ? default : bias.Slice(g * rows, rows);
        var pixelResidual = groupResidual.IsEmpty ? default : groupResidual.Slice(first);
        var pixelOutput = output.Slice(g * rows * plane + first, rows * plane - first);
        bool inPlace = (inPlane & (inPlane - 1)) != 0;
        if (rowSums.IsEmpty)
        {
            PackedGemm.Multiply(a, rows, depth, b, rowStarts, last - first, groupBias, pixelResidual, activation, pixelOutput, plane, team, readRowsInPlace: inPlace,
                splitRows: plan.Split == ThreadSplit.OutputChannels);
        }
        else
        {
            // A fused pool: whole rows, each summed by the thread that wrote it.
            PackedGemm.MultiplyAndSumRows(a, rows, depth, b, rowStarts, last - first, groupBias, pixelResidual, activation, pixelOutput, plane, team, inPlace,
                rowSums, shape.OutputWidth, shape.OutputHeight);
        }
    }

    /// <summary>Group g's row sums from output row firstRow of its first channel (channel c's at c x output height), or empty.</summary>
    private static Span<float> GroupRowSums(in ConvolutionShape shape, int g, int firstRow, Span<float> rowSums) =>
        rowSums.IsEmpty ? default : rowSums.Slice((g * shape.OutPerGroup * shape.OutputHeight) + firstRow);

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

    /// <summary>Each thread's share of the groups, as <see cref="Work"/>, with their means; RowSums holds the means.</summary>
    internal sealed class MeansWork : ConvolutionWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts) =>
            GroupsWithMeans(Shape, Plan, Shape.Groups * part / parts, Shape.Groups * (part + 1) / parts, Input, Weight, Bias, Residual, Activation, Output, RowSums);
    }

    /// <summary>Each thread's share of the groups.</summary>
    internal sealed class Work : ConvolutionWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            for (int g = Shape.Groups * part / parts, last = Shape.Groups * (part + 1) / parts; g < last; g++)
            {
                Group(Shape, Plan, g, 0, Shape.OutputHeight, Input, Weight, Bias, Residual, Activation, Output, RowSums, null);
            }
        }
    }
}

/// <summary>
/// Each thread's run of a plain 1x1 conv's pixels, in every group: whole panels of the product's columns, the last
/// share taking what is left (see <see cref="PackedGemm.PanelColumns"/>).
/// </summary>
internal sealed class PixelWork : ConvolutionWork
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int part, int parts)
    {
        int pixels = Shape.OutputHeight * Shape.OutputWidth, width = PackedGemm.PanelColumns(Shape.OutPerGroup);
        // In 64 bits: units times a part number can pass 2^31 with many threads on a large plane.
        long units = (pixels + width - 1) / width;
        int first = (int)Math.Min(pixels, units * part / parts * width);
        int last = part == parts - 1 ? pixels : (int)Math.Min(pixels, units * (part + 1) / parts * width);
        for (int g = 0; g < Shape.Groups; g++) Convolution.Pixels(Shape, Plan, g, first, last, Input, Weight, Bias, Residual, Activation, Output, null);
    }
}

/// <summary>
/// One group's phase planes filled by a team, each thread a run of whole channels: a product split by its column
/// panels or row blocks would otherwise wait for the calling thread to fill them alone (a strided 1x1 conv's planes
/// were about a tenth of its time on one thread).
/// </summary>
internal sealed unsafe class PlaneFillWork : TeamWork
{
    // Values below which the calling thread fills the planes alone: a team call costs a few microseconds.
    private const int MinimumSharedValues = 32 * 1024;

    private readonly int[] _offsets = new int[PhasePlanes.StackOffsets];
    private ConvolutionShape _shape;
    private float* _input, _planes;
    private int _inputLength, _planesLength, _offsetCount, _firstRow, _lastRow, _planeLength;

    /// <summary>Fills the planes on the team when there is one, it is free and the planes are large enough; false otherwise.</summary>
    public static bool TryRun(WorkerTeam? team, in ConvolutionShape shape, ReadOnlySpan<float> input, ReadOnlySpan<int> offsets, int firstRow, int lastRow,
        Span<float> planes, int planeLength)
    {
        long values = (long)shape.InPerGroup * offsets.Length * offsets.Length * (lastRow - firstRow) * KernelLayout.PlanePitch(shape);
        if (team is null || values < MinimumSharedValues || offsets.Length > PhasePlanes.StackOffsets || !team.TryAcquire()) return false;
        try
        {
            fixed (float* inputPointer = input, planesPointer = planes)
            {
                var work = team.WorkOf<PlaneFillWork>();
                work._shape = shape;
                work._input = inputPointer;
                work._inputLength = input.Length;
                work._planes = planesPointer;
                work._planesLength = planes.Length;
                offsets.CopyTo(work._offsets);
                work._offsetCount = offsets.Length;
                work._firstRow = firstRow;
                work._lastRow = lastRow;
                work._planeLength = planeLength;
                team.Run(work);
            }
            return true;
        }
        finally
        {
            team.Release();
        }
    }

    public override void Execute(int part, int parts)
    {
        int channels = _shape.InPerGroup;
        PhasePlanes.FillPlanes(new ReadOnlySpan<float>(_input, _inputLength), _shape, new ReadOnlySpan<int>(_offsets, 0, _offsetCount), _firstRow, _lastRow,
            new Span<float>(_planes, _planesLength), _planeLength, (int)((long)channels * part / parts), (int)((long)channels * (part + 1) / parts));
    }
}

/// <summary>Each thread's band of output rows, in every group.</summary>
internal sealed class BandWork : ConvolutionWork
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int part, int parts) =>
        Convolution.Band(Shape, Plan, Shape.OutputHeight * part / parts, Shape.OutputHeight * (part + 1) / parts, Input, Weight, Bias, Residual, Activation, Output, RowSums);
}
