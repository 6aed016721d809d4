using System;

namespace GroupNetDsl.Kernels;

/// <summary>Which kernel code runs a convolution; chosen at build time by <see cref="ConvolutionPlanner"/>.</summary>
#if GROUPNETDSL_LANGUAGE
internal
#else
public
#endif
enum ConvolutionVariant
{
    /// <summary>A plain 1x1 conv (stride 1, no padding): the packed product reads the input in place.</summary>
    PointwiseProduct,

    /// <summary>
    /// The packed product over zero-padded phase planes whose rows are exactly the output's rows (a strided 1x1 conv): it
    /// writes the output directly.
    /// </summary>
    PlaneProduct,

    /// <summary>
    /// The packed product over zero-padded phase planes, band by band of output rows, into wide columns (a plane row is
    /// wider than an output row) from which the output rows are taken.
    /// </summary>
    WidePlaneProduct,

    /// <summary>
    /// The packed product over zero-padded phase planes, one output row at a time, each row's product writing the
    /// output directly (epilogue and all): for a group with few weights and wide rows (a stem), where taking the rows
    /// out of wide columns would cost more than the products' extra calls.
    /// </summary>
    RowPlaneProduct,

    /// <summary>
    /// Depthwise 3x3, stride 1, padding 1, dilation 1, reading the input in place, four output rows at a time. It needs
    /// 512-bit vectors; without them the runtime runs <see cref="DepthwiseFourRows"/>, which gives the same sums.
    /// </summary>
    DepthwiseInPlace,

    /// <summary>Depthwise 3x3, stride 1, dilation 1 over zero-padded planes, four output rows at a time.</summary>
    DepthwiseFourRows,

    /// <summary>Depthwise 3x3 over zero-padded phase planes, a row at a time, the nine weights in registers.</summary>
    DepthwiseTaps3x3,

    /// <summary>Depthwise 5x5 over zero-padded phase planes, a row at a time, the 25 taps unrolled.</summary>
    DepthwiseTaps5x5,

    /// <summary>Depthwise, any filter, over zero-padded phase planes, a row at a time, tap by tap.</summary>
    DepthwiseTaps,

    /// <summary>
    /// Depthwise at stride 1 with the output as large as the input, on rows narrower than a 512-bit vector: each
    /// channel read as one flat run, a vector covering several rows, the taps that wrap into another row masked.
    /// </summary>
    DepthwiseFlat,

    /// <summary>
    /// Depthwise on output rows narrower than a 512-bit vector, with at least a vector's worth of channels: 16 channels
    /// at a time, one per lane, each output pixel a vector over the block's channels.
    /// </summary>
    DepthwiseChannelBlocks,

    /// <summary>
    /// Depthwise 3x3 or 5x5 at stride 2, dilation 1 and padding up to 2 on rows at least a 512-bit vector wide,
    /// reading the input in place (even and odd columns split in registers), four output rows at a time. It needs
    /// 512-bit vectors; without them the runtime runs <see cref="DepthwiseTaps3x3"/> or <see cref="DepthwiseTaps5x5"/>,
    /// which give the same sums.
    /// </summary>
    DepthwiseStride2InPlace,
}

/// <summary>How a team's threads share a convolution; chosen at build time by <see cref="ConvolutionPlanner"/>.</summary>
#if GROUPNETDSL_LANGUAGE
internal
#else
public
#endif
enum ThreadSplit
{
    /// <summary>The calling thread does it all.</summary>
    None,

    /// <summary>
    /// Each thread takes an even share of the output rows, of every group or channel (a plain 1x1 conv: of the pixels,
    /// in whole column panels of its product).
    /// </summary>
    RowBands,

    /// <summary>Each thread takes whole groups.</summary>
    WholeGroups,

    /// <summary>Each thread takes a run of channels.</summary>
    ChannelRuns,

    /// <summary>One group: each thread takes a run of the product's column panels.</summary>
    ColumnPanels,

    /// <summary>
    /// One group with fewer output pixels than output channels, planes that are not whole cache lines, or a fused pool:
    /// each thread takes a run of the product's row blocks (output channels), so that it reads only its share of the
    /// weights, writes whole channels and (with a pool) sums their rows itself.
    /// </summary>
    OutputChannels,

    /// <summary>
    /// Each thread takes one even share of the output rows as a single band (a fused depthwise and 1x1 conv on a small
    /// plane: the depthwise rows of every channel for its share, then the product over its share's pixels).
    /// </summary>
    RowShares,
}

/// <summary>
/// How a convolution runs: the kernel variant, how a team's threads share it and its band sizes. The generator writes
/// one per layer, from <see cref="ConvolutionPlanner"/>; the kernels execute it and reject any other.
/// </summary>
/// <param name="Variant">The kernel code.</param>
/// <param name="Split">How a team's threads share the work (the team's size is chosen at load).</param>
/// <param name="BandRows">Output rows per band of the product (and, fused, of the depthwise rows) on one thread; 0 when the kernel has no bands.</param>
/// <param name="TeamBandRows">The same within a team's share; 0 when the kernel has no bands.</param>
#if GROUPNETDSL_LANGUAGE
internal
#else
public
#endif
readonly record struct ConvolutionPlan(ConvolutionVariant Variant, ThreadSplit Split, int BandRows, int TeamBandRows);

/// <summary>
/// The planning rules, one definition: the generator calls them at build time and writes their plans into the
/// generated code, and the kernels check that a plan they are given is the one these rules make for the shape.
/// Compiled into the runtime and, linked, into the language library (internal there).
/// </summary>
/// <remarks>
/// The number of threads is known only at load, so a plan fixes the kind of split, not its size. Rules whose natural
/// form depends on the thread count are written for a team of <see cref="PlannedThreads"/>.
/// </remarks>
#if GROUPNETDSL_LANGUAGE
internal
#else
public
#endif
static class ConvolutionPlanner
{
    /// <summary>The team size the thread-count-dependent rules are written for.</summary>
    public const int PlannedThreads = 2;

    // Grouped and dense products. Output pixels per thread below which row bands are not worth it: a band's product
    // would be a few panels, its column tail and per-band setup a large part of it.
    private const int MinimumBandColumns = 256;

    // Multiply-adds below which a product runs on the calling thread alone: handing it to the team and waiting for
    // the other thread (2-10 µs measured for squeeze-and-excitation's 1x1 convs on a 1x1 plane) costs more than the
    // whole product (0.4-4 µs on one thread).
    private const long MinimumSharedMacs = 256 * 1024;

    // ... unless its weights are this many floats or more (512 KB, half an L2 cache): in a network they come from L3
    // or memory each call, several times the in-cache time above (960->240 on a 1x1 plane: 10 µs in cache, 33 µs from
    // memory), and two threads each read half. Measured inside MobileNetV3-Large's Forward on 2 threads, sharing took
    // a quarter off its 960x240 convs and nothing off its 672x168 ones (113K weights).
    private const long MinimumSharedWeights = 128 * 1024;

    // Floats in a 64-byte cache line: a plane of a whole number of lines lets two threads split its columns without
    // writing to the same line (14x14, 196 floats a channel, does not: its products split output channels).
    private const int LineFloats = 16;

    // The parts a team splits work into (WorkerTeam: four per thread), which a row-band split makes bands.
    private const int PlannedParts = PlannedThreads * 4;

    // Columns of a band's product at least (whole panels, so the column tail stays small) ...
    private const int MinimumBandProductColumns = 512;

    /// <summary>Output channels a group needs for its rows to be products of their own: two blocks of 8 rows.</summary>
    private const int RowProductMinimumChannels = 16;

    /// <summary>Output columns a row needs to be a product of its own: one panel of 8-row blocks (48 columns).</summary>
    private const int RowProductMinimumWidth = 48;

    /// <summary>A group's weights at most (floats, 16 KB), so that they stay in the L1 cache from one row's product to the next.</summary>
    private const int RowProductMaximumWeights = 4096;

    // ... else as many rows as keep the band's wide output near 64 KB, inside the L2 cache beside the planes.
    private const int BandWideFloats = 16 * 1024;

    // Depthwise. Channels per thread from which threads take runs of channels: two threads taking bands of rows of
    // the same channels slow each other down.
    private const int MinimumChannelsPerThread = 4;

    // With fewer channels, output pixels per thread per channel below which threads split channels anyway: a band's
    // fixed work (filling its plane rows) would outweigh its few pixels.
    private const int MinimumBandPixels = 1024;

    // Channel blocks: a 512-bit vector of channels at least, and padded input planes of at most this many pixels (the
    // block's buffer holds 16 floats a pixel).
    private const int ChannelBlockLanes = 16;
    private const int ChannelBlockPixels = 4096;

    // Rows the four-row 3x3 kernels take at a time.
    private const int FourRows = 4;

    // Row width from which the in-place 3x3 kernel runs: one 512-bit vector of floats.
    private const int InPlaceMinimumWidth = 16;

    // Fused depthwise + pointwise: depthwise outputs per band buffer, at most, on one thread (12 rows of 32 channels x
    // 64, 96 KB) and in a team (8 rows, 64 KB, as the threads share caches).
    private const int SeparableBandFloats = 32 * 12 * 64;
    private const int SeparableTeamBandFloats = 32 * 8 * 64;

    // ... and with many channels, bands of up to these rows where they fit in four times those floats: at 144x56x56 the
    // floats alone gave 3 rows (4 with the four-row kernel), each band a few panels of product and its own reach of
    // input rows again.
    private const int SeparableBandTargetRows = 12;
    private const int SeparableTeamBandTargetRows = 8;
    private const int SeparableWideBandFactor = 4;

    // Fused depthwise + pointwise: output pixels up to which the depthwise output is computed whole, not in bands.
    private const int SeparableSmallPlane = 16 * 16;

    // ... and output pixels per thread from which the threads take shares of its rows: a product of fewer columns
    // than a panel (48) would run as a padded panel, as slow as all the pixels (7x7: 21 or 28 per thread).
    private const int SeparableShareColumns = 64;

    /// <summary>
    /// The plan for a convolution: on the depthwise kernel when it has one input channel per group
    /// (<see cref="KernelLayout.RunsOnDepthwiseKernel"/>), else on the packed product.
    /// </summary>
    /// <param name="shape">The convolution's sizes.</param>
    /// <returns>Its plan.</returns>
    public static ConvolutionPlan Plan(in ConvolutionShape shape) =>
        KernelLayout.RunsOnDepthwiseKernel(shape.InPerGroup) ? PlanDepthwise(shape) : PlanProduct(shape);

    /// <summary>The plan for a depthwise convolution run by <c>DepthwiseKernel</c>.</summary>
    /// <param name="shape">The convolution's sizes; groups equal to the input channels.</param>
    /// <returns>Its plan.</returns>
    public static ConvolutionPlan PlanDepthwise(in ConvolutionShape shape)
    {
        if (!shape.IsValid || shape.Groups != shape.InChannels) throw new ArgumentException($"{shape} does not describe a depthwise convolution.", nameof(shape));
        // Threads take runs of channels; with few channels for the threads, bands of rows, unless a band would be
        // only a few hundred pixels.
        bool bands = shape.OutChannels < MinimumChannelsPerThread * PlannedThreads
            && shape.OutputHeight >= 2 * PlannedThreads && shape.OutputHeight / PlannedThreads * shape.OutputWidth >= MinimumBandPixels;
        var split = bands ? ThreadSplit.RowBands : shape.OutChannels >= 2 ? ThreadSplit.ChannelRuns : ThreadSplit.None;
        return new ConvolutionPlan(DepthwiseVariant(shape, shape.OutputHeight), split, 0, 0);
    }

    /// <summary>The plan for a convolution run as one packed product per group by <c>Convolution</c>.</summary>
    /// <param name="shape">The convolution's sizes.</param>
    /// <param name="pooled">True when a global average pool is fused in (<c>Convolution.ConvolveAndPool</c>).</param>
    /// <returns>Its plan.</returns>
    public static ConvolutionPlan PlanProduct(in ConvolutionShape shape, bool pooled = false)
    {
        if (!shape.IsValid) throw new ArgumentException($"{shape} does not describe a convolution.", nameof(shape));
        // Threads take whole groups where the groups share out evenly (see SharedByGroups); else bands of output rows (of
        // every group), so that each thread mostly reads what it wrote itself in the layer before, from its own core's
        // cache; with too few rows, whole groups; with one group, the product splits its columns, or its output channels
        // when it has fewer pixels than channels or its planes are not whole cache lines, or a pool is fused in: each
        // thread then sums the rows of the channels it wrote, from its own cache (from the other core's, the calling
        // thread's sums had cost MiniGroupNet's last 1x1 conv a third of its 2-thread time).
        int pixels = shape.OutputHeight * shape.OutputWidth;
        bool rowBands = !SharedByGroups(shape)
            && shape.OutputHeight >= 2 * PlannedThreads && shape.OutputHeight / PlannedThreads * shape.OutputWidth >= MinimumBandColumns;
        var threadSplit = Macs(shape) < MinimumSharedMacs && Weights(shape) < MinimumSharedWeights ? ThreadSplit.None
            : rowBands ? ThreadSplit.RowBands : shape.Groups >= 2 ? ThreadSplit.WholeGroups
            : pixels < shape.OutChannels || pixels % LineFloats != 0 || pooled ? ThreadSplit.OutputChannels : ThreadSplit.ColumnPanels;
        if (shape.Kernel == 1 && shape.Stride == 1 && shape.Padding == 0) return new ConvolutionPlan(ConvolutionVariant.PointwiseProduct, threadSplit, 0, 0);
        int pitch = KernelLayout.PlanePitch(shape);
        int bandRows = Math.Min(shape.OutputHeight, Math.Max((MinimumBandProductColumns + pitch - 1) / pitch, BandWideFloats / (shape.OutPerGroup * pitch)));
        var variant = pitch == shape.OutputWidth ? ConvolutionVariant.PlaneProduct
            : RowByRow(shape, threadSplit, pooled) ? ConvolutionVariant.RowPlaneProduct : ConvolutionVariant.WidePlaneProduct;
        return new ConvolutionPlan(variant, threadSplit, bandRows, bandRows);
    }

    /// <summary>
    /// True when each output row should be a product of its own (<see cref="ConvolutionVariant.RowPlaneProduct"/>): a
    /// row gives at least a whole panel for two row blocks, and a group's weights stay in the L1 cache from one row to
    /// the next. Not with a fused pool (its sums come from the wide columns' bands), nor when the product itself is
    /// shared by a team (a team call per row).
    /// </summary>
    private static bool RowByRow(in ConvolutionShape shape, ThreadSplit split, bool pooled) =>
        !pooled && split is not (ThreadSplit.ColumnPanels or ThreadSplit.OutputChannels)
        && shape.OutPerGroup >= RowProductMinimumChannels && shape.OutputWidth >= RowProductMinimumWidth
        && (long)shape.OutPerGroup * shape.Depth <= RowProductMaximumWeights;

    /// <summary>The plan for a depthwise conv and the 1x1 conv that alone reads it, run band by band by <c>SeparableKernel</c>.</summary>
    /// <param name="depthwise">The depthwise convolution's sizes.</param>
    /// <returns>Its plan: the depthwise variant of each band, and the bands.</returns>
    public static ConvolutionPlan PlanSeparable(in ConvolutionShape depthwise)
    {
        if (!depthwise.IsValid || depthwise.Groups != depthwise.InChannels) throw new ArgumentException($"{depthwise} does not describe a depthwise convolution.", nameof(depthwise));
        // Small planes: one band of every row, as bands of a few rows would each read all the 1x1 conv's weights for a
        // few pixels. Threads take one share of the rows each where that leaves them enough pixels (14x14: 98), so that
        // each reads only the depthwise rows it wrote itself; else runs of the 1x1 conv's output channels.
        if (depthwise.OutputHeight * depthwise.OutputWidth <= SeparableSmallPlane)
        {
            bool shares = depthwise.OutputHeight >= PlannedThreads && depthwise.OutputHeight / PlannedThreads * depthwise.OutputWidth >= SeparableShareColumns;
            return new ConvolutionPlan(DepthwiseVariant(depthwise, depthwise.OutputHeight), shares ? ThreadSplit.RowShares : ThreadSplit.OutputChannels,
                depthwise.OutputHeight, depthwise.OutputHeight);
        }
        int bandRows = SeparableBandRows(depthwise, SeparableBandFloats, SeparableBandTargetRows);
        int teamBandRows = SeparableBandRows(depthwise, SeparableTeamBandFloats, SeparableTeamBandTargetRows);
        var split = depthwise.OutputHeight >= PlannedThreads ? ThreadSplit.RowBands : ThreadSplit.None;
        return new ConvolutionPlan(DepthwiseVariant(depthwise, bandRows), split, bandRows, teamBandRows);
    }

    /// <summary>
    /// The plan of <see cref="SeparableKernel.ConvolveExpanded"/>: a depthwise conv whose input a 1x1 conv computes band by
    /// band. Only planes too large for <see cref="PlanSeparable"/>'s one band of all rows fuse the expansion; the band
    /// rows leave room for the expanded rows too.
    /// </summary>
    /// <param name="depthwise">The depthwise convolution's sizes.</param>
    /// <returns>The plan, or null when the expansion should run as a step of its own.</returns>
    public static ConvolutionPlan? PlanExpandedSeparable(in ConvolutionShape depthwise)
    {
        var plan = PlanSeparable(depthwise);
        if (plan.Split is not (ThreadSplit.RowBands or ThreadSplit.None) || depthwise.OutputHeight * depthwise.OutputWidth <= SeparableSmallPlane) return null;
        return plan;
    }

    /// <summary>Throws unless <paramref name="plan"/> is the one <see cref="PlanExpandedSeparable"/> makes for <paramref name="depthwise"/>.</summary>
    /// <param name="depthwise">The depthwise convolution's sizes.</param>
    /// <param name="plan">The plan to run it with.</param>
    public static void CheckExpandedSeparable(in ConvolutionShape depthwise, in ConvolutionPlan plan)
    {
        var expected = PlanExpandedSeparable(depthwise) ?? throw new ArgumentException($"{depthwise} does not take its expansion band by band.", nameof(depthwise));
        Require(plan, expected, depthwise);
    }

    /// <summary>Throws unless <paramref name="plan"/> is the one <see cref="PlanProduct"/> makes for <paramref name="shape"/>.</summary>
    /// <param name="shape">The convolution's sizes.</param>
    /// <param name="plan">The plan to run it with.</param>
    /// <param name="pooled">True when a global average pool is fused in.</param>
    public static void CheckProduct(in ConvolutionShape shape, in ConvolutionPlan plan, bool pooled = false) => Require(plan, PlanProduct(shape, pooled), shape);

    /// <summary>Throws unless <paramref name="plan"/> is the one <see cref="PlanDepthwise"/> makes for <paramref name="shape"/>.</summary>
    /// <param name="shape">The convolution's sizes.</param>
    /// <param name="plan">The plan to run it with.</param>
    public static void CheckDepthwise(in ConvolutionShape shape, in ConvolutionPlan plan) => Require(plan, PlanDepthwise(shape), shape);

    /// <summary>Throws unless <paramref name="plan"/> is the one <see cref="PlanSeparable"/> makes for <paramref name="depthwise"/>.</summary>
    /// <param name="depthwise">The depthwise convolution's sizes.</param>
    /// <param name="plan">The plan to run it with.</param>
    public static void CheckSeparable(in ConvolutionShape depthwise, in ConvolutionPlan plan) => Require(plan, PlanSeparable(depthwise), depthwise);

    // A kernel runs only the plan these rules make for its shape: its band sizes and reads are sized by them.
    private static void Require(in ConvolutionPlan plan, in ConvolutionPlan expected, in ConvolutionShape shape)
    {
        if (plan != expected) throw new ArgumentException($"{plan} is not the plan for {shape}: that is {expected}.", nameof(plan));
    }

    /// <summary>The plan in words, for the generated code's comments.</summary>
    /// <param name="plan">A plan.</param>
    /// <returns>Which variant and which split.</returns>
    public static string Describe(in ConvolutionPlan plan)
    {
        string variant = plan.Variant switch
        {
            ConvolutionVariant.PointwiseProduct => "packed product reading the input in place",
            ConvolutionVariant.PlaneProduct => $"packed product over zero-padded phase planes, writing the output directly, {plan.BandRows} output rows per band",
            ConvolutionVariant.WidePlaneProduct => $"packed product over zero-padded phase planes into wide columns, {plan.BandRows} output rows per band",
            ConvolutionVariant.RowPlaneProduct => "packed product over zero-padded phase planes, one output row at a time, writing the output directly",
            ConvolutionVariant.DepthwiseInPlace => "3x3 depthwise reading the input in place, four rows at a time (with 512-bit vectors; else over zero-padded planes, the same sums)",
            ConvolutionVariant.DepthwiseFourRows => "3x3 depthwise over zero-padded planes, four rows at a time",
            ConvolutionVariant.DepthwiseTaps3x3 => "3x3 depthwise over zero-padded phase planes, a row at a time",
            ConvolutionVariant.DepthwiseTaps5x5 => "5x5 depthwise over zero-padded phase planes, a row at a time, taps unrolled (at stride 1 with padding 2 on rows at least 16 wide, with 512-bit vectors: reading the input in place, four rows at a time, the same sums)",
            ConvolutionVariant.DepthwiseFlat => "depthwise over each channel as one flat run, several rows a vector",
            ConvolutionVariant.DepthwiseChannelBlocks => "depthwise over blocks of 16 channels, a vector per output pixel",
            ConvolutionVariant.DepthwiseStride2InPlace => "stride-2 depthwise reading the input in place, even and odd columns split in registers (with 512-bit vectors; else over zero-padded phase planes, the same sums)",
            _ => "depthwise over zero-padded phase planes, tap by tap",
        };
        string split = plan.Split switch
        {
            ThreadSplit.RowBands => "threads take bands of output rows",
            ThreadSplit.WholeGroups => "threads take whole groups",
            ThreadSplit.ChannelRuns => "threads take runs of channels",
            ThreadSplit.ColumnPanels => "threads take runs of the product's column panels",
            ThreadSplit.OutputChannels => "threads take runs of output channels",
            ThreadSplit.RowShares => "threads take one share of the output rows each",
            _ => "one thread",
        };
        return variant + "; " + split;
    }

    private static long Macs(in ConvolutionShape shape) =>
        (long)shape.OutChannels * shape.OutputHeight * shape.OutputWidth * shape.Depth;

    private static long Weights(in ConvolutionShape shape) => (long)shape.OutChannels * shape.Depth;

    /// <summary>
    /// Groups the threads take whole: as many for each thread (or enough that the parts even out). A team cuts row
    /// bands into <see cref="PlannedParts"/> parts, and a part's band of each group pays that group's fixed work again
    /// (filling its planes' rows, a product of few columns): at 28x28 and 56x56, banded grouped 3x3 convs ran no faster
    /// on 2 threads than on 1 (ResNeXt-50's 256x28x28 g32: 221 and 227 µs; by groups 117).
    /// </summary>
    private static bool SharedByGroups(in ConvolutionShape shape) =>
        shape.Groups >= PlannedThreads && (shape.Groups % PlannedThreads == 0 || shape.Groups >= PlannedParts);

    /// <summary>
    /// The depthwise kernel for runs of <paramref name="rows"/> output rows: output rows narrower than a 512-bit vector
    /// with a vector's worth of channels take 16 channels at a time (<see cref="ChannelBlocks"/>); otherwise,
    /// at stride 1 with the output as large as the input, rows narrower than a 512-bit vector are read as one flat run per channel (a row-by-row kernel would
    /// leave most lanes of each vector idle); a 3x3 filter at stride 1 and dilation 1
    /// takes four rows at a time (they share the plane rows they read), reading the input in place at padding 1 on
    /// rows at least a 512-bit vector wide (copying each channel into planes is a large share of such a layer); a
    /// 5x5 filter has its taps unrolled (no loop over the taps; the weights stay in registers where there are enough);
    /// at stride 2, 3x3 and 5x5 filters on rows at least a 512-bit vector wide read the input in place (copying each
    /// channel into phase planes was most of such a layer's time).
    /// </summary>
    private static ConvolutionVariant DepthwiseVariant(in ConvolutionShape shape, int rows)
    {
        if (ChannelBlocks(shape)) return ConvolutionVariant.DepthwiseChannelBlocks;
        if (shape.Stride == 1 && shape.OutputHeight == shape.Height && shape.OutputWidth == shape.Width && shape.Width < InPlaceMinimumWidth) return ConvolutionVariant.DepthwiseFlat;
        if (shape.Stride == 2 && shape.Dilation == 1 && shape.Kernel is 3 or 5 && shape.Padding <= 2 && shape.Width >= InPlaceMinimumWidth && shape.OutputWidth >= InPlaceMinimumWidth)
        {
            return ConvolutionVariant.DepthwiseStride2InPlace;
        }
        if (shape.Kernel == 5) return ConvolutionVariant.DepthwiseTaps5x5;
        if (shape.Kernel != 3) return ConvolutionVariant.DepthwiseTaps;
        if (shape.Stride != 1 || shape.Dilation != 1 || rows < FourRows) return ConvolutionVariant.DepthwiseTaps3x3;
        return shape.Padding == 1 && shape.Width >= InPlaceMinimumWidth ? ConvolutionVariant.DepthwiseInPlace : ConvolutionVariant.DepthwiseFourRows;
    }

    /// <summary>
    /// Output rows narrower than a 512-bit vector and a vector's worth of channels, one per input channel, at dilation 1:
    /// blocks of 16 channels, one per lane (the row-by-row and flat kernels leave lanes idle or copy each channel into
    /// planes), when the block's padded input is small.
    /// </summary>
    private static bool ChannelBlocks(in ConvolutionShape shape) =>
        shape.OutputWidth < InPlaceMinimumWidth && shape.OutChannels >= ChannelBlockLanes && shape.OutChannels == shape.InChannels && shape.Dilation == 1
        && ((long)shape.Height + 2L * shape.Padding) * ((long)shape.Width + 2L * shape.Padding) <= ChannelBlockPixels;

    /// <summary>
    /// Output rows per band of the fused kernel: as many as fit in <paramref name="floats"/>, at least one, and up to
    /// <paramref name="targetRows"/> where those fit in <see cref="SeparableWideBandFactor"/> times the floats; at least
    /// the four rows of the four-row 3x3 kernels where they apply and that band fits in twice the floats (fewer rows
    /// would fill phase planes for each band, their rows above and below read again by the next band).
    /// </summary>
    private static int SeparableBandRows(in ConvolutionShape depthwise, int floats, int targetRows)
    {
        int rowFloats = depthwise.OutChannels * depthwise.OutputWidth;
        int rows = Math.Max(1, Math.Min(depthwise.OutputHeight, floats / rowFloats));
        if (rows < targetRows) rows = Math.Max(rows, Math.Min(Math.Min(depthwise.OutputHeight, targetRows), (int)((long)SeparableWideBandFactor * floats / rowFloats)));
        bool fourRowKernel = depthwise.Kernel == 3 && depthwise.Stride == 1 && depthwise.Dilation == 1 && DepthwiseVariant(depthwise, FourRows) is ConvolutionVariant.DepthwiseInPlace or ConvolutionVariant.DepthwiseFourRows;
        return fourRowKernel && rows < FourRows && depthwise.OutputHeight >= FourRows && (long)FourRows * rowFloats <= 2L * floats ? FourRows : rows;
    }
}
