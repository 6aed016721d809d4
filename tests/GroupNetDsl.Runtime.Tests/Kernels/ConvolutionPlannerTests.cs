using System.Numerics;
using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// The plans the generator writes: the planner's choice for representative shapes (each expected value worked out
/// by hand from the rules in ConvolutionPlan.cs), each kernel given its plan against the naive reference and the
/// same bits on 1, 2, 3 and 6 threads, and a plan that is not the shape's rejected.
/// </summary>
public class ConvolutionPlannerTests
{
    private const ConvolutionVariant InPlace = ConvolutionVariant.DepthwiseInPlace;
    private const ConvolutionVariant FourRows = ConvolutionVariant.DepthwiseFourRows;
    private const ConvolutionVariant Taps3x3 = ConvolutionVariant.DepthwiseTaps3x3;
    private const ConvolutionVariant Taps5x5 = ConvolutionVariant.DepthwiseTaps5x5;
    private const ConvolutionVariant Taps = ConvolutionVariant.DepthwiseTaps;
    private const ConvolutionVariant Flat = ConvolutionVariant.DepthwiseFlat;
    private const ConvolutionVariant Blocks = ConvolutionVariant.DepthwiseChannelBlocks;
    private const ConvolutionVariant Stride2 = ConvolutionVariant.DepthwiseStride2InPlace;
    private const ConvolutionVariant Pointwise = ConvolutionVariant.PointwiseProduct;
    private const ConvolutionVariant Planes = ConvolutionVariant.PlaneProduct;
    private const ConvolutionVariant Wide = ConvolutionVariant.WidePlaneProduct;
    private const ConvolutionVariant Row = ConvolutionVariant.RowPlaneProduct;

    /// <summary>
    /// in channels, height, width, out channels, kernel, stride, padding, groups; the expected variant, split and
    /// band rows (the same on one thread and in a team).
    /// </summary>
    public static Cases Shapes => new()
    {
        // MobileNetV2's depthwise 3x3 at stride 1: in place on rows of at least 16, in blocks of 16 channels below;
        // channels enough for runs of channels.
        { 32, 112, 112, 32, 3, 1, 1, 32, InPlace, ThreadSplit.ChannelRuns, 0 },
        { 144, 56, 56, 144, 3, 1, 1, 144, InPlace, ThreadSplit.ChannelRuns, 0 },
        { 192, 28, 28, 192, 3, 1, 1, 192, InPlace, ThreadSplit.ChannelRuns, 0 },
        { 576, 14, 14, 576, 3, 1, 1, 576, Blocks, ThreadSplit.ChannelRuns, 0 },
        { 960, 7, 7, 960, 3, 1, 1, 960, Blocks, ThreadSplit.ChannelRuns, 0 },
        // Blocks of 16 channels for any filter and stride on output rows narrower than 16 (MobileNetV3's 5x5 at 7x7,
        // EfficientNet's 5x5 at stride 2 to 7x7) ...
        { 960, 7, 7, 960, 5, 1, 2, 960, Blocks, ThreadSplit.ChannelRuns, 0 },
        { 64, 9, 9, 64, 7, 1, 3, 64, Blocks, ThreadSplit.ChannelRuns, 0 },
        { 576, 14, 14, 576, 3, 2, 1, 576, Blocks, ThreadSplit.ChannelRuns, 0 },
        { 672, 14, 14, 672, 5, 2, 2, 672, Blocks, ThreadSplit.ChannelRuns, 0 },
        // ... with fewer than 16 channels, flat runs where the output is the input's size, else phase planes; also at
        // where a block's padded input would pass 4096 pixels.
        { 8, 9, 9, 8, 7, 1, 3, 8, Flat, ThreadSplit.ChannelRuns, 0 },
        { 15, 14, 14, 15, 3, 2, 1, 15, Taps3x3, ThreadSplit.ChannelRuns, 0 },
        { 32, 300, 15, 32, 3, 1, 1, 32, Flat, ThreadSplit.ChannelRuns, 0 },
        { 8, 12, 12, 8, 3, 1, 0, 8, FourRows, ThreadSplit.ChannelRuns, 0 },
        // ... at stride 2 on output rows of at least 16, 3x3 and 5x5: in place; 5x5 and 7x7 otherwise: over phase
        // planes, a row at a time (5x5 unrolled).
        { 96, 112, 112, 96, 3, 2, 1, 96, Stride2, ThreadSplit.ChannelRuns, 0 },
        { 72, 56, 56, 72, 5, 2, 2, 72, Stride2, ThreadSplit.ChannelRuns, 0 },
        { 144, 33, 33, 144, 3, 2, 0, 144, Stride2, ThreadSplit.ChannelRuns, 0 },  // output 16 wide
        { 144, 32, 32, 144, 3, 2, 0, 144, Blocks, ThreadSplit.ChannelRuns, 0 },   // output 15 wide: narrower than a vector, blocks of channels
        { 32, 56, 56, 32, 7, 2, 3, 32, Taps, ThreadSplit.ChannelRuns, 0 },
        { 240, 28, 28, 240, 5, 1, 2, 240, Taps5x5, ThreadSplit.ChannelRuns, 0 },
        { 32, 30, 30, 32, 7, 1, 3, 32, Taps, ThreadSplit.ChannelRuns, 0 },
        // Few channels: bands of rows once a thread's band is 1024 pixels (64 / 2 x 64), else channels.
        { 2, 64, 64, 2, 3, 1, 1, 2, InPlace, ThreadSplit.RowBands, 0 },
        { 2, 40, 40, 2, 3, 1, 1, 2, InPlace, ThreadSplit.ChannelRuns, 0 },
        { 1, 8, 8, 1, 3, 1, 1, 1, Flat, ThreadSplit.None, 0 },
        { 2, 200, 15, 2, 3, 1, 1, 2, Flat, ThreadSplit.RowBands, 0 },
        { 4, 3, 20, 4, 3, 1, 1, 4, Taps3x3, ThreadSplit.ChannelRuns, 0 }, // three rows: no four-row block
        // 1x1 dense: bands of rows at 32x32 (16 rows x 32 per thread >= 256 pixels); at 7x7 and 14x14 runs of output
        // channels when there are more channels than pixels or the planes' rows are not whole 64-byte lines (196 floats),
        // else column panels (16x16: 256 floats).
        { 64, 32, 32, 128, 1, 1, 0, 1, Pointwise, ThreadSplit.RowBands, 0 },
        // Bands of rows taken as runs of whole panels of pixels: shares that end inside an image row, and a last share
        // with a column tail (28 x 28 = 784 = 16 panels of 48 and 16; 30 x 30 with 6-row blocks, panels of 32 with AVX-512).
        { 512, 28, 28, 256, 1, 1, 0, 1, Pointwise, ThreadSplit.RowBands, 0 },
        { 64, 56, 56, 256, 1, 1, 0, 1, Pointwise, ThreadSplit.RowBands, 0 },
        { 60, 30, 30, 36, 1, 1, 0, 1, Pointwise, ThreadSplit.RowBands, 0 },
        { 960, 7, 7, 320, 1, 1, 0, 1, Pointwise, ThreadSplit.OutputChannels, 0 },
        { 64, 14, 14, 1024, 1, 1, 0, 1, Pointwise, ThreadSplit.OutputChannels, 0 },
        { 256, 14, 14, 196, 1, 1, 0, 1, Pointwise, ThreadSplit.OutputChannels, 0 },
        { 672, 14, 14, 112, 1, 1, 0, 1, Pointwise, ThreadSplit.OutputChannels, 0 },
        { 256, 16, 16, 128, 1, 1, 0, 1, Pointwise, ThreadSplit.ColumnPanels, 0 },
        // Fewer than 256 x 1024 multiply-adds and 128 x 1024 weights: the calling thread alone (squeeze-and-excitation's
        // convs on 1x1, up to 672 x 168); with more weights, runs of output channels.
        { 64, 8, 8, 64, 1, 1, 0, 1, Pointwise, ThreadSplit.ColumnPanels, 0 },
        { 63, 8, 8, 64, 1, 1, 0, 1, Pointwise, ThreadSplit.None, 0 },
        { 1152, 1, 1, 48, 1, 1, 0, 1, Pointwise, ThreadSplit.None, 0 },
        { 8, 1, 1, 32, 1, 1, 0, 1, Pointwise, ThreadSplit.None, 0 },
        { 960, 1, 1, 240, 1, 1, 0, 1, Pointwise, ThreadSplit.OutputChannels, 0 },
        { 168, 1, 1, 672, 1, 1, 0, 1, Pointwise, ThreadSplit.None, 0 },
        { 240, 1, 1, 960, 1, 1, 0, 1, Pointwise, ThreadSplit.OutputChannels, 0 },
        { 1024, 14, 14, 2048, 1, 2, 0, 1, Planes, ThreadSplit.OutputChannels, 7 },
        // Planes of 384 x 14 x 14 floats (past 64 K): the team fills them, each thread a run of channels, then splits the product.
        { 1536, 28, 28, 256, 1, 2, 0, 1, Planes, ThreadSplit.OutputChannels, 14 },
        // Four rows of 128: bands of 2 rows x 128 = 256 pixels; a team of 6 leaves some threads no rows.
        { 32, 4, 128, 64, 1, 1, 0, 1, Pointwise, ThreadSplit.RowBands, 0 },
        // A strided 1x1: the planes' rows are the output's rows (pitch (64 + 1) / 2 = 32); 16 rows make 512 columns.
        { 64, 64, 64, 128, 1, 2, 0, 1, Planes, ThreadSplit.RowBands, 16 },
        // 32 groups of 4 output channels: whole groups; a band is the 56 rows (16384 / (4 x 58) = 70 rows, clamped).
        { 128, 56, 56, 128, 3, 1, 1, 32, Wide, ThreadSplit.WholeGroups, 56 },
        // 32 groups of 8: whole groups, though there are rows for bands; 16384 / (8 x 30) = 68 rows, clamped to 28.
        { 256, 28, 28, 256, 3, 1, 1, 32, Wide, ThreadSplit.WholeGroups, 28 },
        // RegNetY-400MF's 13 groups of 8: odd, but at least the 8 parts of a team of 2, so whole groups.
        { 104, 28, 28, 104, 3, 1, 1, 13, Wide, ThreadSplit.WholeGroups, 28 },
        // 3 groups on 56 rows: the threads cannot share them evenly, so bands of rows; 16384 / (8 x 58) = 35 rows.
        { 24, 56, 56, 24, 3, 1, 1, 3, Wide, ThreadSplit.RowBands, 35 },
        // Groups the threads cannot share evenly (3 groups of 8): bands would be 128 pixels, so whole groups.
        { 24, 16, 16, 24, 3, 1, 1, 3, Wide, ThreadSplit.WholeGroups, 16 },
        // A stride-2 stem: pitch (224 + 2 + 1) / 2 = 113, bands of max(ceil(512 / 113), 16384 / (32 x 113)) = 5 rows;
        // 32 x 27 weights and rows of 112: each row a product of its own.
        { 3, 224, 224, 32, 3, 2, 1, 1, Row, ThreadSplit.RowBands, 5 },
        // MiniGroupNet's stem: 64 x 27 weights, rows of 64; bands of max(ceil(512 / 66), 16384 / (64 x 66)) = 8 rows.
        { 3, 64, 64, 64, 3, 1, 1, 1, Row, ThreadSplit.RowBands, 8 },
        // Just outside each bound of a row product: rows of 47, 8 output channels, 64 x 147 weights (ResNeXt-50's 7x7 stem).
        { 3, 64, 47, 64, 3, 1, 1, 1, Wide, ThreadSplit.RowBands, 11 },
        { 3, 64, 64, 8, 3, 1, 1, 1, Wide, ThreadSplit.RowBands, 31 },
        { 3, 224, 224, 64, 7, 2, 3, 1, Wide, ThreadSplit.RowBands, 5 },
        // 5x5 dense, 10 rows x 20 per thread < 256: column panels; bands of ceil(512 / 24) = 22 rows, clamped to 20.
        { 16, 20, 20, 32, 5, 1, 2, 1, Wide, ThreadSplit.ColumnPanels, 20 },
        // Padded 3x3 on rows a panel wide or wider, too few rows for bands: column panels, or output channels when the
        // output has fewer pixels than channels.
        { 8, 3, 64, 32, 3, 1, 1, 1, Wide, ThreadSplit.ColumnPanels, 3 },
        { 16, 1, 48, 64, 3, 1, 1, 1, Wide, ThreadSplit.OutputChannels, 1 },
    };

    /// <summary>
    /// Depthwise 3x3 then 1x1, as the fused kernel runs them: channels, height, width, stride; the expected depthwise
    /// variant, band rows on one thread (24576 floats, or up to 12 rows in four times that) and in a team (16384
    /// floats, or up to 8 rows in four times that), and split.
    /// </summary>
    public static TheoryData<int, int, int, int, ConvolutionVariant, int, int, ThreadSplit> SeparableShapes => new()
    {
        { 32, 112, 112, 1, InPlace, 12, 8, ThreadSplit.RowBands },    // 24576 / (32 x 112) = 6 and 16384 / (32 x 112) = 4 rows raised to 12 and 8
        { 32, 64, 64, 1, InPlace, 12, 8, ThreadSplit.RowBands },      // the seed's block
        { 144, 56, 56, 1, InPlace, 12, 8, ThreadSplit.RowBands },     // 3 and 2 rows fit; 12 and 8 fit in four times the floats
        { 288, 56, 56, 1, InPlace, 6, 4, ThreadSplit.RowBands },      // 1 row fits; four times the floats hold 6 and 4
        { 576, 56, 56, 1, Taps3x3, 3, 2, ThreadSplit.RowBands },      // four times the floats hold 3 and 2: fewer than the four-row kernel's
        { 96, 112, 112, 2, Stride2, 12, 8, ThreadSplit.RowBands },    // stride 2, 56 wide: in place
        { 160, 30, 15, 1, Blocks, 12, 8, ThreadSplit.RowBands },      // blocks of channels in bands: 24576 / (160 x 15) = 10, 16384 / (160 x 15) = 6, raised
        // Up to 256 pixels: one band of every row; threads take one share of the rows each when that is at least 64
        // pixels (for two threads), else runs of the 1x1 conv's output channels.
        { 960, 7, 7, 1, Blocks, 7, 7, ThreadSplit.OutputChannels },
        { 576, 14, 14, 2, Blocks, 7, 7, ThreadSplit.OutputChannels },
        { 192, 16, 16, 1, InPlace, 16, 16, ThreadSplit.RowShares },
        { 384, 14, 14, 1, Blocks, 14, 14, ThreadSplit.RowShares },    // 7 x 14 = 98 pixels per thread
        { 192, 28, 28, 2, Blocks, 14, 14, ThreadSplit.RowShares },
        { 64, 10, 13, 1, Blocks, 10, 10, ThreadSplit.RowShares },     // 5 x 13 = 65
        { 64, 9, 14, 1, Blocks, 9, 9, ThreadSplit.OutputChannels },   // 4 x 14 = 56
        { 8, 1, 1, 1, Flat, 1, 1, ThreadSplit.OutputChannels },
        { 16, 2, 200, 1, Taps3x3, 2, 2, ThreadSplit.RowBands },       // two rows: a team of 3 or 6 leaves some threads none
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_planner_chooses_the_variant_split_and_bands_written_here(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding,
        int groups, ConvolutionVariant variant, ThreadSplit split, int bandRows)
    {
        var shape = Shape(inChannels, height, width, outChannels, kernel, stride, padding, groups);
        Assert.Equal(new ConvolutionPlan(variant, split, bandRows, bandRows), ConvolutionPlanner.Plan(shape));
    }

    /// <summary>An expansion runs inside the separable step only on planes above one band of all rows, with the separable plan.</summary>
    [Theory]
    [InlineData(144, 56, 56, 1, true)]
    [InlineData(96, 112, 112, 2, true)]
    [InlineData(192, 28, 28, 1, true)]
    [InlineData(144, 56, 56, 2, true)]   // 28x28 outputs
    [InlineData(192, 28, 28, 2, false)]  // 14x14 outputs: one band of all rows
    [InlineData(384, 14, 14, 1, false)]
    [InlineData(64, 16, 16, 1, false)]   // 256 pixels: still one band
    [InlineData(64, 17, 16, 1, true)]
    public void The_expansion_runs_in_bands_only_on_large_planes(int channels, int height, int width, int stride, bool expands)
    {
        var depthwise = Shape(channels, height, width, channels, 3, stride, 1, channels);
        var plan = ConvolutionPlanner.PlanExpandedSeparable(depthwise);
        Assert.Equal(expands, plan is not null);
        if (plan is { } bands) Assert.Equal(ConvolutionPlanner.PlanSeparable(depthwise), bands);
    }

    [Theory]
    [MemberData(nameof(SeparableShapes))]
    public void The_planner_chooses_the_separable_bands_written_here(int channels, int height, int width, int stride, ConvolutionVariant variant, int bandRows, int teamBandRows,
        ThreadSplit split)
    {
        var depthwise = Shape(channels, height, width, channels, 3, stride, 1, channels);
        Assert.Equal(new ConvolutionPlan(variant, split, bandRows, teamBandRows), ConvolutionPlanner.PlanSeparable(depthwise));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Each_kernel_given_its_plan_matches_the_naive_reference_with_the_same_bits_on_any_threads(int inChannels, int height, int width, int outChannels, int kernel,
        int stride, int padding, int groups, ConvolutionVariant variant, ThreadSplit split, int bandRows)
    {
        _ = bandRows;
        // The large shapes at a quarter of their channels, which keeps their variant and split.
        var shape = Smaller(Shape(inChannels, height, width, outChannels, kernel, stride, padding, groups));
        var plan = ConvolutionPlanner.Plan(shape);
        Assert.Equal((variant, split), (plan.Variant, plan.Split));
        var random = new Random(shape.GetHashCode());
        int outputLength = shape.OutChannels * shape.OutputHeight * shape.OutputWidth;
        float[] input = Values(random, shape.InChannels * shape.Height * shape.Width), weight = Values(random, shape.OutChannels * shape.InPerGroup * shape.Kernel * shape.Kernel);
        float[] bias = Values(random, shape.OutChannels), residual = Values(random, outputLength);
        bool depthwise = KernelLayout.RunsOnDepthwiseKernel(shape.InPerGroup);
        var packed = PackedGemm.Pack(weight, shape.Groups, shape.OutPerGroup, shape.Depth);
        double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, residual, Activation.Relu6);

        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3, 6 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var actual = new float[outputLength];
            actual.AsSpan().Fill(float.NaN); // every output must be written
            if (depthwise) DepthwiseKernel.Convolve(shape, plan, input, weight, bias, residual, Activation.Relu6, actual, team);
            else Convolution.Convolve(shape, plan, input, packed, bias, residual, Activation.Relu6, actual, team);
            for (int at = 0; at < expected.Length; at++)
            {
                Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-4 * Math.Max(1, Math.Abs(expected[at])), $"out[{at}]: {actual[at]} vs {expected[at]} ({plan}, {threads} threads)");
            }
            first ??= actual;
            Assert.Equal(first, actual);
        }
    }

    [Theory]
    [InlineData(1536, 28, 28, 256, 1, 2, 0, ThreadSplit.OutputChannels)]   // a strided 1x1 conv: 384 x 14 x 14 floats of planes
    [InlineData(1536, 14, 14, 256, 1, 1, 0, ThreadSplit.OutputChannels)]   // a plain 1x1 conv fills no planes
    public void A_team_fills_the_planes_of_a_product_it_splits_from_each_call_s_own_input(int inChannels, int height, int width, int outChannels, int kernel,
        int stride, int padding, ThreadSplit split)
    {
        var shape = Smaller(Shape(inChannels, height, width, outChannels, kernel, stride, padding, 1));
        var plan = ConvolutionPlanner.Plan(shape);
        Assert.Equal(split, plan.Split);
        var random = new Random(shape.GetHashCode());
        float[] weight = Values(random, shape.OutChannels * shape.InPerGroup * shape.Kernel * shape.Kernel), bias = Values(random, shape.OutChannels);
        var packed = PackedGemm.Pack(weight, shape.Groups, shape.OutPerGroup, shape.Depth);
        int outputLength = shape.OutChannels * shape.OutputHeight * shape.OutputWidth;
        foreach (int threads in new[] { 2, 3, 2 })
        {
            // A new input every call: planes that an earlier call left in a thread's buffers must not stand in for these.
            float[] input = Values(random, shape.InChannels * shape.Height * shape.Width);
            double[] expected = ExpectedConvolution.Of(shape, input, weight, bias, null, Activation.Relu);
            using var team = new WorkerTeam(threads);
            var actual = new float[outputLength];
            Convolution.Convolve(shape, plan, input, packed, bias, default, Activation.Relu, actual, team);
            for (int at = 0; at < expected.Length; at++)
            {
                Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-4 * Math.Max(1, Math.Abs(expected[at])), $"out[{at}]: {actual[at]} vs {expected[at]} ({plan}, {threads} threads)");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SeparableShapes))]
    public void The_separable_kernel_given_its_plan_gives_the_bits_of_the_two_kernels_on_any_threads(int channels, int height, int width, int stride, ConvolutionVariant variant,
        int bandRows, int teamBandRows, ThreadSplit split)
    {
        _ = (variant, bandRows, teamBandRows, split);
        var depthwise = Shape(channels, height, width, channels, 3, stride, 1, channels);
        const int outChannels = 16;
        int pixels = depthwise.OutputHeight * depthwise.OutputWidth;
        var random = new Random(depthwise.GetHashCode());
        float[] input = Values(random, channels * height * width), dwWeight = Values(random, channels * 9), dwBias = Values(random, channels);
        float[] weight = Values(random, outChannels * channels), bias = Values(random, outChannels);
        var packed = PackedGemm.Pack(weight, 1, outChannels, channels);
        var pointwise = Shape(channels, depthwise.OutputHeight, depthwise.OutputWidth, outChannels, 1, 1, 0, 1);

        // The two kernels one after the other, each with its own plan: the fused kernel's sums in the same order.
        var between = new float[channels * pixels];
        var apart = new float[outChannels * pixels];
        DepthwiseKernel.Convolve(depthwise, ConvolutionPlanner.PlanDepthwise(depthwise), input, dwWeight, dwBias, default, Activation.Relu6, between, null);
        Convolution.Convolve(pointwise, ConvolutionPlanner.PlanProduct(pointwise), between, packed, bias, default, Activation.Relu, apart, null);
        foreach (int threads in new[] { 1, 2, 3, 6 })
        {
            using var team = threads > 1 ? new WorkerTeam(threads) : null;
            var fused = new float[outChannels * pixels];
            SeparableKernel.Convolve(depthwise, ConvolutionPlanner.PlanSeparable(depthwise), input, dwWeight, dwBias, Activation.Relu6, outChannels, packed, bias, default,
                Activation.Relu, fused, team);
            Assert.Equal(apart, fused);
        }
    }

    /// <summary>
    /// The unrolled 5x5 kernel sums each output's taps in the per-tap kernel's order, so its bits are those of the
    /// loop written here: from the bias, tap by tap in row-major order, fused where the vector kernels fuse.
    /// </summary>
    [Theory]
    [InlineData(1, 2, 1)]
    [InlineData(2, 2, 1)]
    [InlineData(1, 4, 2)]
    public void A_5x5_depthwise_filter_sums_its_taps_in_order(int stride, int padding, int dilation)
    {
        const int channels = 3, size = 40, kernel = 5;
        int outSize = (size + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        var shape = new ConvolutionShape(channels, size, size, channels, outSize, outSize, kernel, stride, padding, dilation, channels);
        var random = new Random(5);
        float[] input = Values(random, channels * size * size), weight = Values(random, channels * 25), bias = Values(random, channels);
        var actual = new float[channels * outSize * outSize];
        DepthwiseKernel.Convolve(shape, ConvolutionPlanner.PlanDepthwise(shape), input, weight, bias, default, Activation.None, actual, null);

        // Rows of 16 or more run on vectors, which fuse each multiply-add where the hardware has FMA.
        bool fused = Vector.IsHardwareAccelerated && (System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);
        var expected = new float[actual.Length];
        for (int c = 0; c < channels; c++)
        {
            for (int oy = 0; oy < outSize; oy++)
            {
                for (int ox = 0; ox < outSize; ox++)
                {
                    float sum = bias[c];
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            int y = oy * stride - padding + ky * dilation, x = ox * stride - padding + kx * dilation;
                            float value = y >= 0 && y < size && x >= 0 && x < size ? input[(c * size + y) * size + x] : 0f;
                            float w = weight[c * 25 + ky * kernel + kx];
                            sum = fused ? MathF.FusedMultiplyAdd(w, value, sum) : w * value + sum;
                        }
                    }
                    expected[(c * outSize + oy) * outSize + ox] = sum;
                }
            }
        }
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_plan_that_is_not_the_shapes_is_rejected()
    {
        var grouped = Shape(16, 12, 12, 16, 3, 1, 1, 2);
        var depthwise = Shape(16, 12, 20, 16, 3, 1, 1, 16);
        var groupedPlan = ConvolutionPlanner.PlanProduct(grouped);
        var depthwisePlan = ConvolutionPlanner.PlanDepthwise(depthwise);
        var separablePlan = ConvolutionPlanner.PlanSeparable(depthwise);
        var packed = PackedGemm.Pack(new float[16 * 8 * 9], 2, 8, 8 * 9);
        var input = new float[16 * 12 * 20];
        var output = new float[16 * 12 * 20];

        // Band rows the shape's planes were not sized for, another variant, another split, the depthwise kernel's plan.
        foreach (var wrong in new[] { groupedPlan with { BandRows = 100, TeamBandRows = 100 }, groupedPlan with { Variant = ConvolutionVariant.PointwiseProduct },
            groupedPlan with { Split = ThreadSplit.ColumnPanels }, ConvolutionPlanner.Plan(depthwise) })
        {
            var error = Assert.Throws<ArgumentException>(() => Convolution.Convolve(grouped, wrong, input, packed, default, default, Activation.None, output, null));
            Assert.Equal("plan", error.ParamName);
        }
        foreach (var wrong in new[] { depthwisePlan with { Variant = ConvolutionVariant.DepthwiseTaps }, depthwisePlan with { Split = ThreadSplit.RowBands }, separablePlan })
        {
            var error = Assert.Throws<ArgumentException>(() => DepthwiseKernel.Convolve(depthwise, wrong, input, new float[16 * 9], default, default, Activation.None, output, null));
            Assert.Equal("plan", error.ParamName);
        }
        foreach (var wrong in new[] { separablePlan with { BandRows = separablePlan.BandRows + 1 }, separablePlan with { TeamBandRows = 0 }, depthwisePlan })
        {
            var error = Assert.Throws<ArgumentException>(() => SeparableKernel.Convolve(depthwise, wrong, input, new float[16 * 9], default, Activation.None, 4,
                PackedGemm.Pack(new float[4 * 16], 1, 4, 16), default, default, Activation.None, output, null));
            Assert.Equal("plan", error.ParamName);
        }
    }

    /// <summary>Rows of theory data longer than TheoryData takes.</summary>
    public sealed class Cases : IEnumerable<object[]>
    {
        private readonly List<object[]> _rows = [];

        public void Add(params object[] row) => _rows.Add(row);

        public IEnumerator<object[]> GetEnumerator() => _rows.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static ConvolutionShape Shape(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int groups) =>
        new(inChannels, height, width, outChannels, (height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1, kernel, stride, padding, 1, groups);

    /// <summary>A shape of more than 64 channels with a quarter of them (and of its groups, keeping their sizes).</summary>
    private static ConvolutionShape Smaller(ConvolutionShape shape)
    {
        // A 1x1 plane's split depends on its weights, and it is cheap whole.
        if ((shape.InChannels <= 64 && shape.OutChannels <= 64) || shape.Height * shape.Width == 1) return shape;
        int groups = shape.Groups % 4 == 0 ? shape.Groups / 4 : shape.Groups;
        return shape with { InChannels = shape.InChannels / 4, OutChannels = shape.OutChannels / 4, Groups = groups };
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
