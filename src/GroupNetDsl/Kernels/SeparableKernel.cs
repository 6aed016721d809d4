using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace GroupNetDsl.Kernels;

/// <summary>
/// A depthwise convolution and the 1x1 convolution that reads it, band by band of output rows: the depthwise
/// rows of every channel go to a small per-thread buffer that the matrix product reads right away, so the depthwise
/// output is never written out whole (in a depthwise-separable block it is as large as the input).
/// </summary>
/// <remarks>
/// Each band's outputs are the sums the two kernels compute on their own (<see cref="DepthwiseKernel"/>, then
/// <see cref="PackedGemm"/> over the band's columns), in the same order, so results do not depend on the band
/// size or the number of threads. The depthwise variant and the band sizes come from a <see cref="ConvolutionPlan"/>
/// chosen at build time (<see cref="ConvolutionPlanner.PlanSeparable"/>); with a team, each thread takes an even
/// share of the rows, in the plan's team bands. On small planes one band holds every row: threads take one share of
/// the rows each as a band of its own (<see cref="ThreadSplit.RowShares"/>), or, where a share would have too few
/// pixels (<see cref="ThreadSplit.OutputChannels"/>), each computes the whole depthwise output into its own buffer and
/// then the 1x1 conv's outputs for its run of output channels.
/// </remarks>
public static class SeparableKernel
{
    [ThreadStatic]
    private static float[]? t_band;

    // The team call whose whole depthwise output t_band holds (OutputChannelShare), 0 for none. Calls are numbered
    // across all teams, from 1, and a thread runs nothing but the call's parts until the call ends: once another
    // call (or a band) has used t_band, the number no longer matches any call still to come.
    [ThreadStatic]
    private static long t_bandCall;

    // ExpandedBands' expanded rows: the band's and the last band's, swapped each band; and the expansion's B row starts.
    [ThreadStatic]
    private static float[]? t_expanded, t_expandedNext;

    [ThreadStatic]
    private static int[]? t_expandStarts;

    private static readonly StrongBox<long> Calls = new();

    /// <summary>
    /// output = activation(pointwise(depthwiseActivation(depthwise(input) + depthwiseBias)) + bias + residual).
    /// </summary>
    /// <param name="depthwise">The depthwise convolution's sizes (groups equal to its input channels).</param>
    /// <param name="plan">How it runs: <see cref="ConvolutionPlanner.PlanSeparable"/> of the depthwise sizes.</param>
    /// <param name="input">Its input, channels x height x width.</param>
    /// <param name="depthwiseWeight">Its weights, [channels][kernel][kernel].</param>
    /// <param name="depthwiseBias">One value per depthwise output channel, or empty.</param>
    /// <param name="depthwiseActivation">Applied to the depthwise output.</param>
    /// <param name="outChannels">Output channels of the 1x1 convolution.</param>
    /// <param name="packedPointwise">The 1x1 convolution's weights, packed (<see cref="PackedGemm.Pack"/> with one group).</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="output">The output, outChannels x the depthwise output's height x width.</param>
    /// <param name="team">Threads to share the bands, or null.</param>
    /// <param name="outputChannelStride">
    /// Floats from one output channel's plane to the next's, at least a plane; 0 for one plane (packed channels). A
    /// larger stride writes the channels apart, into every other plane of a shuffled concatenation, for example.
    /// </param>
    public static unsafe void Convolve(in ConvolutionShape depthwise, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> depthwiseWeight, ReadOnlySpan<float> depthwiseBias,
        Activation depthwiseActivation, int outChannels, ReadOnlySpan<float> packedPointwise, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual,
        Activation activation, Span<float> output, WorkerTeam? team, int outputChannelStride = 0)
    {
        ConvolutionPlanner.CheckSeparable(depthwise, plan);
        int channels = depthwise.OutChannels, pixels = depthwise.OutputHeight * depthwise.OutputWidth;
        int stride = OutputStride(outputChannelStride, pixels, residual);
        if (input.Length < depthwise.InChannels * depthwise.Height * depthwise.Width || depthwiseWeight.Length < channels * depthwise.Kernel * depthwise.Kernel
            || (depthwiseBias.Length != 0 && depthwiseBias.Length < channels) || outChannels <= 0 || packedPointwise.Length < PackedGemm.PackedLength(1, outChannels, channels)
            || output.Length < (long)(outChannels - 1) * stride + pixels || (bias.Length != 0 && bias.Length < outChannels) || (residual.Length != 0 && residual.Length < (long)outChannels * pixels))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }

        if (plan.Split == ThreadSplit.OutputChannels && !SharesOutputChannels(outChannels, team))
        {
            Whole(depthwise, input, depthwiseWeight, depthwiseBias, depthwiseActivation, outChannels, packedPointwise, bias, residual, activation, output, stride, team);
            return;
        }
        if (team is not null && plan.Split != ThreadSplit.None && team.TryAcquire())
        {
            try
            {
                fixed (float* inputPointer = input, weightPointer = depthwiseWeight, dwBiasPointer = depthwiseBias, packedPointer = packedPointwise,
                    biasPointer = bias, residualPointer = residual, outputPointer = output)
                {
                    var work = team.WorkOf<Work>();
                    work.Set(depthwise, inputPointer, input.Length, weightPointer, depthwiseWeight.Length, dwBiasPointer, depthwiseBias.Length, depthwiseActivation,
                        outChannels, packedPointer, packedPointwise.Length, biasPointer, bias.Length, residualPointer, residual.Length, activation, outputPointer, output.Length,
                        stride, plan.Variant, plan.Split, plan.TeamBandRows, team.Threads);
                    team.Run(work);
                }
                return;
            }
            finally
            {
                team.Release();
            }
        }
        Bands(depthwise, plan.Variant, 0, depthwise.OutputHeight, plan.BandRows, input, depthwiseWeight, depthwiseBias, depthwiseActivation, outChannels, packedPointwise, bias, residual, activation, output, stride);
    }

    /// <summary>The output's channel stride: a plane unless given, never less, and only with no residual to add (which has packed channels).</summary>
    private static int OutputStride(int outputChannelStride, int pixels, ReadOnlySpan<float> residual)
    {
        if (outputChannelStride == 0 || outputChannelStride == pixels) return pixels;
        if (outputChannelStride < pixels) throw new ArgumentOutOfRangeException(nameof(outputChannelStride), outputChannelStride, $"Output channels {outputChannelStride} floats apart would overlap planes of {pixels}.");
        if (!residual.IsEmpty) throw new ArgumentException("A residual is added only to an output with packed channels.", nameof(outputChannelStride));
        return outputChannelStride;
    }

    /// <summary>
    /// output = activation(pointwise(depthwiseActivation(depthwise(expandActivation(expand(input) + expandBias)) + depthwiseBias)) + bias + residual):
    /// <see cref="Convolve"/> of a depthwise conv whose input is a plain 1x1 conv's output (an inverted residual's
    /// expansion), which is computed band by band too and never written out whole.
    /// </summary>
    /// <param name="depthwise">The depthwise convolution's sizes; its input is the expansion's output.</param>
    /// <param name="plan">How it runs: <see cref="ConvolutionPlanner.PlanExpandedSeparable"/> of the depthwise sizes.</param>
    /// <param name="inChannels">The expansion's input channels.</param>
    /// <param name="input">The expansion's input, inChannels x the depthwise input's height x width.</param>
    /// <param name="packedExpand">The expansion's weights, packed (<see cref="PackedGemm.Pack"/> with one group).</param>
    /// <param name="expandBias">One value per expanded channel, or empty.</param>
    /// <param name="expandActivation">Applied to the expansion's output.</param>
    /// <param name="depthwiseWeight">The depthwise weights, [channels][kernel][kernel].</param>
    /// <param name="depthwiseBias">One value per depthwise output channel, or empty.</param>
    /// <param name="depthwiseActivation">Applied to the depthwise output.</param>
    /// <param name="outChannels">Output channels of the last 1x1 convolution.</param>
    /// <param name="packedPointwise">Its weights, packed (<see cref="PackedGemm.Pack"/> with one group).</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="output">The output, outChannels x the depthwise output's height x width.</param>
    /// <param name="team">Threads to share the rows, or null.</param>
    /// <param name="outputChannelStride">Floats from one output channel's plane to the next's (see <see cref="Convolve"/>); 0 for one plane.</param>
    public static unsafe void ConvolveExpanded(in ConvolutionShape depthwise, in ConvolutionPlan plan, int inChannels, ReadOnlySpan<float> input,
        ReadOnlySpan<float> packedExpand, ReadOnlySpan<float> expandBias, Activation expandActivation, ReadOnlySpan<float> depthwiseWeight,
        ReadOnlySpan<float> depthwiseBias, Activation depthwiseActivation, int outChannels, ReadOnlySpan<float> packedPointwise, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, WorkerTeam? team, int outputChannelStride = 0)
    {
        ConvolutionPlanner.CheckExpandedSeparable(depthwise, plan);
        int channels = depthwise.OutChannels, pixels = depthwise.OutputHeight * depthwise.OutputWidth;
        int stride = OutputStride(outputChannelStride, pixels, residual);
        long outputLength = (long)outChannels * pixels;
        if (inChannels <= 0 || input.Length < (long)inChannels * depthwise.Height * depthwise.Width || packedExpand.Length < PackedGemm.PackedLength(1, depthwise.InChannels, inChannels)
            || (expandBias.Length != 0 && expandBias.Length < depthwise.InChannels) || depthwiseWeight.Length < channels * depthwise.Kernel * depthwise.Kernel
            || (depthwiseBias.Length != 0 && depthwiseBias.Length < channels) || outChannels <= 0 || packedPointwise.Length < PackedGemm.PackedLength(1, outChannels, channels)
            || output.Length < (long)(outChannels - 1) * stride + pixels || (bias.Length != 0 && bias.Length < outChannels) || (residual.Length != 0 && residual.Length < outputLength))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        if (team is not null && plan.Split != ThreadSplit.None && team.TryAcquire())
        {
            try
            {
                fixed (float* inputPointer = input, expandPointer = packedExpand, expandBiasPointer = expandBias, weightPointer = depthwiseWeight, dwBiasPointer = depthwiseBias,
                    packedPointer = packedPointwise, biasPointer = bias, residualPointer = residual, outputPointer = output)
                {
                    var work = team.WorkOf<Work>();
                    work.Set(depthwise, inputPointer, input.Length, weightPointer, depthwiseWeight.Length, dwBiasPointer, depthwiseBias.Length, depthwiseActivation,
                        outChannels, packedPointer, packedPointwise.Length, biasPointer, bias.Length, residualPointer, residual.Length, activation, outputPointer, output.Length,
                        stride, plan.Variant, plan.Split, plan.TeamBandRows, team.Threads);
                    work.SetExpansion(inChannels, expandPointer, packedExpand.Length, expandBiasPointer, expandBias.Length, expandActivation);
                    team.Run(work);
                }
                return;
            }
            finally
            {
                team.Release();
            }
        }
        ExpandedBands(depthwise, plan.Variant, 0, depthwise.OutputHeight, plan.BandRows, inChannels, input, packedExpand, expandBias, expandActivation,
            depthwiseWeight, depthwiseBias, depthwiseActivation, outChannels, packedPointwise, bias, residual, activation, output, stride);
    }

    /// <summary>
    /// True when each thread of <paramref name="team"/> can take a run of at least two of the product's row blocks
    /// that is a product of its own: rows that make blocks of the same height (<see cref="PackedGemm.BlockRows"/>), so
    /// that its packed weights are the run's slice of them.
    /// </summary>
    private static bool SharesOutputChannels(int outChannels, WorkerTeam? team)
    {
        if (team is null) return false;
        int blockRows = PackedGemm.BlockRows(outChannels), blocks = (outChannels + blockRows - 1) / blockRows;
        if (blocks < 2 * team.Threads) return false;
        for (int share = 0; share < team.Threads; share++)
        {
            OutputChannelRun(outChannels, share, team.Threads, out int firstRow, out int lastRow);
            if (PackedGemm.BlockRows(lastRow - firstRow) != blockRows) return false;
        }
        return true;
    }

    /// <summary>Output channels [firstRow, lastRow) of a share: whole row blocks of the product.</summary>
    private static void OutputChannelRun(int outChannels, int share, int shares, out int firstRow, out int lastRow)
    {
        int blockRows = PackedGemm.BlockRows(outChannels), blocks = (outChannels + blockRows - 1) / blockRows;
        firstRow = (int)((long)blocks * share / shares) * blockRows;
        lastRow = Math.Min(outChannels, (int)((long)blocks * (share + 1) / shares) * blockRows);
    }

    /// <summary>
    /// The whole depthwise output into the thread's band buffer, then the product's output channels [firstRow, lastRow)
    /// over all its pixels. Every thread computes the same depthwise output: at 7x7 that was faster than sharing it out
    /// by channels and reading the other thread's half (benchmarks/ANALYSIS.md). A thread that takes a second share of
    /// the same call (the other thread was descheduled) computes the depthwise output only once.
    /// </summary>
    private static void OutputChannelShare(long call, in ConvolutionShape depthwise, ConvolutionVariant variant, int firstRow, int lastRow, ReadOnlySpan<float> input, ReadOnlySpan<float> depthwiseWeight,
        ReadOnlySpan<float> depthwiseBias, Activation depthwiseActivation, ReadOnlySpan<float> packedPointwise, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, int outputStride)
    {
        int channels = depthwise.OutChannels, pixels = depthwise.OutputHeight * depthwise.OutputWidth;
        if (firstRow >= lastRow) return;
        var rows = ThreadScratch.Get(ref t_band, channels * pixels);
        if (t_bandCall != call)
        {
            t_bandCall = 0;
            DepthwiseKernel.Rows(depthwise, variant, 0, depthwise.OutputHeight, 0, channels, input, depthwiseWeight, depthwiseBias, default, depthwiseActivation, rows, pixels, default);
            t_bandCall = call;
        }
        // Row block b of the packed weights starts at b x blockRows x depth.
        PackedGemm.Multiply(packedPointwise.Slice(firstRow * channels), lastRow - firstRow, channels, rows, default, pixels, bias.IsEmpty ? default : bias.Slice(firstRow),
            residual.IsEmpty ? default : residual.Slice(firstRow * pixels), activation, output.Slice(firstRow * outputStride), outputStride, null,
            readRowsInPlace: (pixels & (pixels - 1)) != 0);
    }

    /// <summary>
    /// The plan's one band of every output row, each half shared by the team its own way: the depthwise output by runs
    /// of channels, into the calling thread's band buffer, then the product by runs of its output channels.
    /// </summary>
    private static void Whole(in ConvolutionShape depthwise, ReadOnlySpan<float> input, ReadOnlySpan<float> depthwiseWeight, ReadOnlySpan<float> depthwiseBias,
        Activation depthwiseActivation, int outChannels, ReadOnlySpan<float> packedPointwise, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual,
        Activation activation, Span<float> output, int outputStride, WorkerTeam? team)
    {
        int channels = depthwise.OutChannels, pixels = depthwise.OutputHeight * depthwise.OutputWidth;
        var rows = ThreadScratch.Get(ref t_band, channels * pixels);
        // The same variant over the same rows as a band of the plan: PlanDepthwise runs the whole height with it.
        DepthwiseKernel.Convolve(depthwise, ConvolutionPlanner.PlanDepthwise(depthwise), input, depthwiseWeight, depthwiseBias, default, depthwiseActivation, rows, team);
        PackedGemm.Multiply(packedPointwise, outChannels, channels, rows, default, pixels, bias, residual, activation, output, outputStride, team,
            readRowsInPlace: (pixels & (pixels - 1)) != 0, splitRows: true);
    }

    /// <summary>Output rows [firstRow, lastRow), band by band.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Bands(in ConvolutionShape depthwise, ConvolutionVariant variant, int firstRow, int lastRow, int bandRows, ReadOnlySpan<float> input, ReadOnlySpan<float> depthwiseWeight,
        ReadOnlySpan<float> depthwiseBias, Activation depthwiseActivation, int outChannels, ReadOnlySpan<float> packedPointwise, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, int outputStride)
    {
        int width = depthwise.OutputWidth, channels = depthwise.OutChannels;
        int length = channels * bandRows * width;
        var band = ThreadScratch.Get(ref t_band, length);
        for (int first = firstRow; first < lastRow; first += bandRows)
        {
            int last = Math.Min(lastRow, first + bandRows);
            int columns = (last - first) * width;
            // The band's depthwise output: channel c's rows at c x columns, B of the product as it is.
            var rows = band.Slice(0, channels * columns);
            DepthwiseKernel.Rows(depthwise, variant, first, last, 0, channels, input, depthwiseWeight, depthwiseBias, default, depthwiseActivation, rows, columns, default);
            int at = first * width;
            // The band's rows are read in place unless a power of two apart (they would evict each other from L1).
            PackedGemm.Multiply(packedPointwise, outChannels, channels, rows, default, columns, bias,
                residual.IsEmpty ? default : residual.Slice(at), activation, output.Slice(at), outputStride, null, readRowsInPlace: (columns & (columns - 1)) != 0);
        }
    }

    /// <summary>
    /// Output rows [firstRow, lastRow), band by band, of a depthwise conv whose input is a 1x1 conv's output (an inverted
    /// residual's expansion): each band first computes the expanded rows its depthwise rows read, into a per-thread
    /// buffer, so the expanded tensor is never written out whole. Rows the last band computed and this one reads again
    /// are copied over, not computed twice.
    /// </summary>
    /// <remarks>
    /// The band's depthwise rows are those of a shape cut to the buffer's rows with the same padding (<see cref="Cut"/>):
    /// the kernels then pad exactly where the whole input would be padded, so the sums are those of the whole conv.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExpandedBands(in ConvolutionShape depthwise, ConvolutionVariant variant, int firstRow, int lastRow, int bandRows, int inChannels, ReadOnlySpan<float> input,
        ReadOnlySpan<float> packedExpand, ReadOnlySpan<float> expandBias, Activation expandActivation, ReadOnlySpan<float> depthwiseWeight,
        ReadOnlySpan<float> depthwiseBias, Activation depthwiseActivation, int outChannels, ReadOnlySpan<float> packedPointwise, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, int outputStride)
    {
        int width = depthwise.OutputWidth, channels = depthwise.OutChannels;
        int expanded = depthwise.InChannels, inWidth = depthwise.Width, plane = depthwise.Height * inWidth;
        int capacity = ExpandedRows(depthwise, bandRows);
        var band = ThreadScratch.Get(ref t_band, channels * bandRows * width);
        var held = ThreadScratch.Get(ref t_expanded, expanded * capacity * inWidth);
        var next = ThreadScratch.Get(ref t_expandedNext, expanded * capacity * inWidth);
        Span<int> starts = ThreadScratch.Get(ref t_expandStarts, inChannels);
        int heldStart = 0, heldEnd = 0;
        for (int first = firstRow; first < lastRow; first += bandRows)
        {
            int last = Math.Min(lastRow, first + bandRows);
            var cut = Cut(depthwise, first, last, out int start, out int firstCutRow, out int needed);
            int cutRows = cut.Height, cutPlane = cutRows * inWidth;
            // Rows before `needed` are in the cut only to align its padding with the stride: no output reads them, but
            // the kernels may copy them into their planes, so they hold zeros rather than the last band's values.
            if (needed > start)
            {
                for (int c = 0; c < expanded; c++) next.Slice(c * cutPlane, (needed - start) * inWidth).Clear();
            }
            int from = needed;
            if (heldStart <= from && from < heldEnd)
            {
                int kept = Math.Min(heldEnd, start + cutRows) - from;
                for (int c = 0; c < expanded; c++)
                {
                    held.Slice(c * (heldEnd - heldStart) * inWidth + (from - heldStart) * inWidth, kept * inWidth).CopyTo(next.Slice(c * cutPlane + (from - start) * inWidth));
                }
                from += kept;
            }
            int end = start + cutRows;
            if (from < end)
            {
                for (int k = 0; k < inChannels; k++) starts[k] = k * plane + from * inWidth;
                int columns = (end - from) * inWidth;
                PackedGemm.Multiply(packedExpand, expanded, inChannels, input, starts, columns, expandBias, default, expandActivation,
                    next.Slice((from - start) * inWidth), cutPlane, null, readRowsInPlace: (plane & (plane - 1)) != 0);
            }
            int bandColumns = (last - first) * width;
            var rows = band.Slice(0, channels * bandColumns);
            DepthwiseKernel.Rows(cut, variant, firstCutRow, firstCutRow + last - first, 0, channels, next.Slice(0, expanded * cutPlane), depthwiseWeight, depthwiseBias, default,
                depthwiseActivation, rows, bandColumns, default);
            int at = first * width;
            PackedGemm.Multiply(packedPointwise, outChannels, channels, rows, default, bandColumns, bias,
                residual.IsEmpty ? default : residual.Slice(at), activation, output.Slice(at), outputStride, null, readRowsInPlace: (bandColumns & (bandColumns - 1)) != 0);
            var swap = held;
            held = next;
            next = swap;
            heldStart = start;
            heldEnd = end;
        }
    }

    /// <summary>
    /// The depthwise shape cut to the input rows that output rows [first, last) read, with the same padding: input row
    /// start is its row 0, and its output row firstCutRow is output row first. needed is the first input row read.
    /// </summary>
    /// <param name="depthwise">The whole depthwise convolution's sizes.</param>
    /// <param name="first">The band's first output row.</param>
    /// <param name="last">The row after its last.</param>
    /// <param name="start">The input row that is the cut's row 0.</param>
    /// <param name="firstCutRow">The cut's output row that is output row <paramref name="first"/>.</param>
    /// <param name="needed">The first input row the band reads (the cut's rows above it are never read).</param>
    /// <returns>The cut's sizes.</returns>
    /// <remarks>
    /// Where the rows begin inside the input, the cut starts a little above them so that its padding rows fall on
    /// whole strides (start = stride x (first - ceil(padding / stride))); its own padding is then never read above, and
    /// below only past the input's last row, where the whole input is padded too.
    /// </remarks>
    public static ConvolutionShape Cut(in ConvolutionShape depthwise, int first, int last, out int start, out int firstCutRow, out int needed)
    {
        int stride = depthwise.Stride, padding = depthwise.Padding;
        int reach = depthwise.Dilation * (depthwise.Kernel - 1) + 1;
        if (first * stride < padding)
        {
            start = 0;
            firstCutRow = first;
            needed = 0;
        }
        else
        {
            firstCutRow = (padding + stride - 1) / stride;
            start = stride * (first - firstCutRow);
            needed = first * stride - padding;
        }
        int end = Math.Min(depthwise.Height, (last - 1) * stride - padding + reach);
        int height = end - start;
        int outputHeight = (height + 2 * padding - reach) / stride + 1;
        return depthwise with { Height = height, OutputHeight = outputHeight };
    }

    /// <summary>The most input rows a cut of <paramref name="bandRows"/> output rows holds.</summary>
    /// <param name="depthwise">The whole depthwise convolution's sizes.</param>
    /// <param name="bandRows">Output rows per band.</param>
    /// <returns>Rows of the expanded input per band buffer.</returns>
    public static int ExpandedRows(in ConvolutionShape depthwise, int bandRows) =>
        Math.Min(depthwise.Height, (bandRows - 1) * depthwise.Stride + depthwise.Dilation * (depthwise.Kernel - 1) + depthwise.Stride);

    /// <summary>The arguments as pointers, so that other threads can run their share of the work.</summary>
    private sealed unsafe class Work : TeamWork
    {
        private ConvolutionShape _depthwise;
        private float* _input, _weight, _depthwiseBias, _packed, _bias, _residual, _output;
        private int _inputLength, _weightLength, _depthwiseBiasLength, _packedLength, _biasLength, _residualLength, _outputLength, _outputStride, _outChannels, _bandRows, _threads;
        private ConvolutionVariant _variant;
        private ThreadSplit _split;
        private long _call;
        private Activation _depthwiseActivation, _activation;
        private float* _expand, _expandBias;
        private int _inChannels, _expandLength, _expandBiasLength;
        private Activation _expandActivation;

        public void Set(in ConvolutionShape depthwise, float* input, int inputLength, float* weight, int weightLength, float* depthwiseBias, int depthwiseBiasLength,
            Activation depthwiseActivation, int outChannels, float* packed, int packedLength, float* bias, int biasLength, float* residual, int residualLength,
            Activation activation, float* output, int outputLength, int outputStride, ConvolutionVariant variant, ThreadSplit split, int bandRows, int threads)
        {
            _outputStride = outputStride;
            _split = split;
            _threads = threads;
            _call = Interlocked.Increment(ref Calls.Value);
            _depthwise = depthwise;
            _input = input;
            _inputLength = inputLength;
            _weight = weight;
            _weightLength = weightLength;
            _depthwiseBias = depthwiseBias;
            _depthwiseBiasLength = depthwiseBiasLength;
            _depthwiseActivation = depthwiseActivation;
            _outChannels = outChannels;
            _packed = packed;
            _packedLength = packedLength;
            _bias = bias;
            _biasLength = biasLength;
            _residual = residual;
            _residualLength = residualLength;
            _activation = activation;
            _output = output;
            _outputLength = outputLength;
            _variant = variant;
            _bandRows = bandRows;
            _inChannels = 0;
        }

        /// <summary>The expansion that computes the depthwise input, after <see cref="Set"/>.</summary>
        public void SetExpansion(int inChannels, float* expand, int expandLength, float* expandBias, int expandBiasLength, Activation expandActivation)
        {
            _inChannels = inChannels;
            _expand = expand;
            _expandLength = expandLength;
            _expandBias = expandBias;
            _expandBiasLength = expandBiasLength;
            _expandActivation = expandActivation;
        }

        public override void Execute(int part, int parts)
        {
            var input = new ReadOnlySpan<float>(_input, _inputLength);
            var weight = new ReadOnlySpan<float>(_weight, _weightLength);
            var depthwiseBias = new ReadOnlySpan<float>(_depthwiseBias, _depthwiseBiasLength);
            var packed = new ReadOnlySpan<float>(_packed, _packedLength);
            var bias = new ReadOnlySpan<float>(_bias, _biasLength);
            var residual = new ReadOnlySpan<float>(_residual, _residualLength);
            var output = new Span<float>(_output, _outputLength);
            if (_inChannels > 0)
            {
                // One share of the rows per thread, run by the first part of the thread's run: each share computes the
                // expanded rows above its first band again, so smaller shares would repeat more of the expansion.
                int expandedShare = (int)((long)part * _threads / parts);
                if (part != (int)(((long)expandedShare * parts + _threads - 1) / _threads)) return;
                int first = (int)((long)_depthwise.OutputHeight * expandedShare / _threads), last = (int)((long)_depthwise.OutputHeight * (expandedShare + 1) / _threads);
                ExpandedBands(_depthwise, _variant, first, last, _bandRows, _inChannels, input, new ReadOnlySpan<float>(_expand, _expandLength),
                    new ReadOnlySpan<float>(_expandBias, _expandBiasLength), _expandActivation, weight, depthwiseBias, _depthwiseActivation, _outChannels, packed, bias,
                    residual, _activation, output, _outputStride);
                return;
            }
            if (_split == ThreadSplit.RowBands)
            {
                // Each part is an even share of the rows, in bands.
                int first = _depthwise.OutputHeight * part / parts, last = _depthwise.OutputHeight * (part + 1) / parts;
                Bands(_depthwise, _variant, first, last, _bandRows, input, weight, depthwiseBias, _depthwiseActivation, _outChannels, packed, bias, residual, _activation, output, _outputStride);
                return;
            }
            // One share per thread, run by the first part of the thread's run of parts (the others are empty): smaller
            // shares would each read all the 1x1 conv's weights for fewer pixels, or compute the depthwise output again.
            int share = (int)((long)part * _threads / parts);
            if (part != (int)(((long)share * parts + _threads - 1) / _threads)) return;
            if (_split == ThreadSplit.RowShares)
            {
                int first = (int)((long)_depthwise.OutputHeight * share / _threads), last = (int)((long)_depthwise.OutputHeight * (share + 1) / _threads);
                if (first < last) Bands(_depthwise, _variant, first, last, last - first, input, weight, depthwiseBias, _depthwiseActivation, _outChannels, packed, bias, residual, _activation, output, _outputStride);
                return;
            }
            OutputChannelRun(_outChannels, share, _threads, out int firstRow, out int lastRow);
            OutputChannelShare(_call, _depthwise, _variant, firstRow, lastRow, input, weight, depthwiseBias, _depthwiseActivation, packed, bias, residual, _activation, output, _outputStride);
        }
    }
}
