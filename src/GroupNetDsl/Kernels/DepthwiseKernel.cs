using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GroupNetDsl.Kernels;

/// <summary>
/// Depthwise convolutions (one input channel per group), channel by channel. Each input channel is first copied
/// into zero-padded phase planes (<see cref="Convolution"/>'s layout: one plane per stride phase that a tap
/// reads), so every tap reads a contiguous run of a plane at any stride, with no edge tests. Each output vector
/// keeps its sum in a register across the taps (a 3x3 filter's nine weights stay in registers for the whole
/// plane) and is stored once, with the residual and activation applied on the way out.
/// </summary>
/// <remarks>
/// Vectors are 512 bits wide where AVX-512 is accelerated and the rows are at least 16 wide, else
/// <see cref="Vector{T}"/>'s width; a row's last vector overlaps the one before it instead of leaving a
/// scalar tail. With a team, each thread takes a band of output rows of every channel: layers split alike keep
/// each thread's data in its own core's cache (a pointwise conv after it splits its columns, the same pixels).
/// </remarks>
public static class DepthwiseKernel
{
    // Output pixels per thread per channel below which threads split channels instead of rows (measured on the
    // 28x28 and 14x14 layers of the benchmark suite).
    private const int MinimumBandPixels = 1024;

    [ThreadStatic]
    private static float[]? t_planes;

    [ThreadStatic]
    private static int[]? t_tapStarts;

    /// <summary>output = activation(conv(input, weight) + bias + residual) for a depthwise convolution.</summary>
    /// <param name="shape">The sizes; groups must equal the input channels.</param>
    /// <param name="input">The input, channels x height x width.</param>
    /// <param name="weight">PyTorch's weight, [out channels][kernel][kernel].</param>
    /// <param name="bias">One value per output channel, or empty.</param>
    /// <param name="residual">A tensor the size of the output to add (not overlapping it), or empty.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="output">The output, channels x height x width.</param>
    /// <param name="team">Threads to share the channels, or null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Convolve(in ConvolutionShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Activation activation, Span<float> output, WorkerTeam? team)
    {
        if (!shape.IsValid || shape.Groups != shape.InChannels) throw new ArgumentException($"{shape} does not describe a depthwise convolution.", nameof(shape));
        ConvolutionWork.CheckLengths(shape, input, weight, shape.OutChannels * shape.Kernel * shape.Kernel, bias, residual, output);
        // Threads take bands of output rows of every channel (the pixels a pointwise conv after it reads on the same
        // thread); when a band would be only a few hundred pixels, per-channel setup outweighs that, and they take
        // runs of channels instead.
        bool bands = team is not null && shape.OutputHeight >= 2 * team.Threads && shape.OutputHeight / team.Threads * shape.OutputWidth >= MinimumBandPixels;
        if (ConvolutionWork.TryRun<Work>(team, bands, shape, input, weight, bias, residual, activation, output)) return;
        if (ConvolutionWork.TryRun<ChannelWork>(team, shape.OutChannels >= 2, shape, input, weight, bias, residual, activation, output)) return;
        Rows(shape, 0, shape.OutputHeight, 0, shape.OutChannels, input, weight, bias, residual, activation, output, shape.OutputHeight * shape.OutputWidth);
    }

    /// <summary>
    /// Output rows [firstRow, lastRow) of channels [firstChannel, lastChannel), written to <paramref name="output"/>
    /// with channel oc's row firstRow at oc x <paramref name="channelStride"/> (the residual laid out alike).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(in ConvolutionShape shape, int firstRow, int lastRow, int firstChannel, int lastChannel, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int channelStride)
    {
        int stride = shape.Stride, kernel = shape.Kernel, taps = kernel * kernel;
        int pitch = Convolution.PlanePitch(shape), planeRows = Convolution.PlaneRows(shape);
        int planeLength = planeRows * pitch;
        int inPlane = shape.Height * shape.Width;

        // The phases some tap reads, and where each tap's run starts in the channel's planes.
        Span<int> phaseOf = stackalloc int[stride * stride];
        var starts = t_tapStarts is { } s && s.Length >= taps ? s : t_tapStarts = new int[taps];
        int phases = Convolution.Phases(shape, planeLength, phaseOf, starts.AsSpan(0, taps));
        var planes = t_planes is { } p && p.Length >= phases * planeLength ? p : t_planes = new float[phases * planeLength];

        // Output row oy reads plane rows oy .. oy + reach.
        int reach = (kernel - 1) * shape.Dilation / stride;
        int fillLast = Math.Min(planeRows, lastRow + reach);
        int filled = -1;
        for (int oc = firstChannel; oc < lastChannel; oc++)
        {
            int channel = oc / shape.OutPerGroup;
            if (channel != filled)
            {
                for (int phase = 0; phase < phaseOf.Length; phase++)
                {
                    if (phaseOf[phase] < 0) continue;
                    Convolution.FillPlane(input.Slice(channel * inPlane, inPlane), shape.Height, shape.Width, shape.Padding, stride, phase / stride, phase % stride,
                        firstRow, fillLast, pitch, planes.AsSpan(phaseOf[phase] * planeLength, planeLength));
                }
                filled = channel;
            }
            int written = (lastRow - firstRow) * shape.OutputWidth;
            var channelOutput = output.Slice(oc * channelStride, written);
            var channelResidual = residual.IsEmpty ? default : residual.Slice(oc * channelStride, written);
            float channelBias = bias.IsEmpty ? 0f : bias[oc];
            var filter = weight.Slice(oc * taps, taps);
            if (Vector512.IsHardwareAccelerated && shape.OutputWidth >= Vector512<float>.Count)
            {
                if (taps == 9) Plane3x3Wide(planes, starts, pitch, filter, channelBias, channelResidual, activation, firstRow, lastRow, shape.OutputWidth, channelOutput);
                else PlaneWide(planes, starts.AsSpan(0, taps), pitch, filter, channelBias, channelResidual, activation, firstRow, lastRow, shape.OutputWidth, channelOutput);
            }
            else if (Vector.IsHardwareAccelerated && shape.OutputWidth >= Vector<float>.Count)
            {
                if (taps == 9) Plane3x3(planes, starts, pitch, filter, channelBias, channelResidual, activation, firstRow, lastRow, shape.OutputWidth, channelOutput);
                else Plane(planes, starts.AsSpan(0, taps), pitch, filter, channelBias, channelResidual, activation, firstRow, lastRow, shape.OutputWidth, channelOutput);
            }
            else
            {
                PlaneScalar(planes, starts.AsSpan(0, taps), pitch, filter, channelBias, channelResidual, activation, firstRow, lastRow, shape.OutputWidth, channelOutput);
            }
        }
    }

    // The plane kernels write output row oy at (oy - firstRow) x outputWidth, and read planes[start[tap] +
    // oy * pitch + ox] for ox < outputWidth only: inside the planes by construction (see Convolution), so
    // they read without bounds checks.

    /// <summary>A 3x3 filter with 512-bit vectors: the nine weights stay in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane3x3Wide(float[] planes, int[] starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        const int v = 16;
        var w0 = Vector512.Create(filter[0]); var w1 = Vector512.Create(filter[1]); var w2 = Vector512.Create(filter[2]);
        var w3 = Vector512.Create(filter[3]); var w4 = Vector512.Create(filter[4]); var w5 = Vector512.Create(filter[5]);
        var w6 = Vector512.Create(filter[6]); var w7 = Vector512.Create(filter[7]); var w8 = Vector512.Create(filter[8]);
        int s0 = starts[0], s1 = starts[1], s2 = starts[2], s3 = starts[3], s4 = starts[4], s5 = starts[5], s6 = starts[6], s7 = starts[7], s8 = starts[8];
        var b = Vector512.Create(bias);
        ref float p = ref MemoryMarshal.GetArrayDataReference(planes);
        ref float o = ref MemoryMarshal.GetReference(output);
        ref float r = ref MemoryMarshal.GetReference(residual);
        bool add = !residual.IsEmpty;
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
                nuint index = (nuint)((oy - firstRow) * outputWidth + ox);
                if (add) sum += Vector512.LoadUnsafe(ref r, index);
                if (activation != Activation.None) sum = Vector512.Max(sum, Vector512<float>.Zero);
                if (activation == Activation.Relu6) sum = Vector512.Min(sum, Vector512.Create(6f));
                sum.StoreUnsafe(ref o, index);
            }
        }
    }

    /// <summary>Any filter with 512-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlaneWide(float[] planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        const int v = 16;
        ref float p = ref MemoryMarshal.GetArrayDataReference(planes);
        ref float o = ref MemoryMarshal.GetReference(output);
        ref float r = ref MemoryMarshal.GetReference(residual);
        bool add = !residual.IsEmpty;
        for (int oy = firstRow; oy < lastRow; oy++)
        {
            ref float row = ref Unsafe.Add(ref p, oy * pitch);
            for (int next = 0; next < outputWidth; next += v)
            {
                int ox = Math.Min(next, outputWidth - v);
                ref float at = ref Unsafe.Add(ref row, ox);
                var sum = Vector512.Create(bias);
                for (int tap = 0; tap < starts.Length; tap++) sum = Vector512.FusedMultiplyAdd(Vector512.Create(filter[tap]), Vector512.LoadUnsafe(ref at, (nuint)starts[tap]), sum);
                nuint index = (nuint)((oy - firstRow) * outputWidth + ox);
                if (add) sum += Vector512.LoadUnsafe(ref r, index);
                if (activation != Activation.None) sum = Vector512.Max(sum, Vector512<float>.Zero);
                if (activation == Activation.Relu6) sum = Vector512.Min(sum, Vector512.Create(6f));
                sum.StoreUnsafe(ref o, index);
            }
        }
    }

    /// <summary>A 3x3 filter with <see cref="Vector{T}"/>: the nine weights stay in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane3x3(float[] planes, int[] starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        int v = Vector<float>.Count;
        var w0 = new Vector<float>(filter[0]); var w1 = new Vector<float>(filter[1]); var w2 = new Vector<float>(filter[2]);
        var w3 = new Vector<float>(filter[3]); var w4 = new Vector<float>(filter[4]); var w5 = new Vector<float>(filter[5]);
        var w6 = new Vector<float>(filter[6]); var w7 = new Vector<float>(filter[7]); var w8 = new Vector<float>(filter[8]);
        int s0 = starts[0], s1 = starts[1], s2 = starts[2], s3 = starts[3], s4 = starts[4], s5 = starts[5], s6 = starts[6], s7 = starts[7], s8 = starts[8];
        var b = new Vector<float>(bias);
        ref float p = ref MemoryMarshal.GetArrayDataReference(planes);
        ref float o = ref MemoryMarshal.GetReference(output);
        ref float r = ref MemoryMarshal.GetReference(residual);
        bool add = !residual.IsEmpty;
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
                nuint index = (nuint)((oy - firstRow) * outputWidth + ox);
                if (add) sum += Vector.LoadUnsafe(ref r, index);
                if (activation != Activation.None) sum = Vector.Max(sum, Vector<float>.Zero);
                if (activation == Activation.Relu6) sum = Vector.Min(sum, new Vector<float>(6f));
                sum.StoreUnsafe(ref o, index);
            }
        }
    }

    /// <summary>Any filter with <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane(float[] planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        int v = Vector<float>.Count;
        ref float p = ref MemoryMarshal.GetArrayDataReference(planes);
        ref float o = ref MemoryMarshal.GetReference(output);
        ref float r = ref MemoryMarshal.GetReference(residual);
        bool add = !residual.IsEmpty;
        for (int oy = firstRow; oy < lastRow; oy++)
        {
            ref float row = ref Unsafe.Add(ref p, oy * pitch);
            for (int next = 0; next < outputWidth; next += v)
            {
                int ox = Math.Min(next, outputWidth - v);
                ref float at = ref Unsafe.Add(ref row, ox);
                var sum = new Vector<float>(bias);
                for (int tap = 0; tap < starts.Length; tap++) sum = Madd(new Vector<float>(filter[tap]), Vector.LoadUnsafe(ref at, (nuint)starts[tap]), sum);
                nuint index = (nuint)((oy - firstRow) * outputWidth + ox);
                if (add) sum += Vector.LoadUnsafe(ref r, index);
                if (activation != Activation.None) sum = Vector.Max(sum, Vector<float>.Zero);
                if (activation == Activation.Relu6) sum = Vector.Min(sum, new Vector<float>(6f));
                sum.StoreUnsafe(ref o, index);
            }
        }
    }

    /// <summary>Rows narrower than a vector, or no vectors at all.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlaneScalar(float[] planes, ReadOnlySpan<int> starts, int pitch, ReadOnlySpan<float> filter, float bias, ReadOnlySpan<float> residual,
        Activation activation, int firstRow, int lastRow, int outputWidth, Span<float> output)
    {
        for (int oy = firstRow; oy < lastRow; oy++)
        {
            for (int ox = 0; ox < outputWidth; ox++)
            {
                int at = oy * pitch + ox;
                float sum = bias;
                for (int tap = 0; tap < starts.Length; tap++) sum += filter[tap] * planes[starts[tap] + at];
                int index = (oy - firstRow) * outputWidth + ox;
                if (!residual.IsEmpty) sum += residual[index];
                if (activation != Activation.None) sum = sum > 0f ? (activation == Activation.Relu6 && sum > 6f ? 6f : sum) : 0f;
                output[index] = sum;
            }
        }
    }

    /// <summary>a * b + c, fused where the hardware has FMA (the JIT folds the check away).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Madd(Vector<float> a, Vector<float> b, Vector<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported
            ? Vector.FusedMultiplyAdd(a, b, c)
            : a * b + c;

    /// <summary>Each thread's band of output rows, in every channel: the rows the next layer's share reads.</summary>
    internal sealed class Work : ConvolutionWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            int first = Shape.OutputHeight * part / parts, last = Shape.OutputHeight * (part + 1) / parts, at = first * Shape.OutputWidth;
            Rows(Shape, first, last, 0, Shape.OutChannels, Input, Weight, Bias, Residual.IsEmpty ? default : Residual.Slice(at), Activation, Output.Slice(at),
                Shape.OutputHeight * Shape.OutputWidth);
        }
    }

    /// <summary>Each thread's run of channels, all rows.</summary>
    internal sealed class ChannelWork : ConvolutionWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts) =>
            Rows(Shape, 0, Shape.OutputHeight, Shape.OutChannels * part / parts, Shape.OutChannels * (part + 1) / parts, Input, Weight, Bias, Residual, Activation, Output,
                Shape.OutputHeight * Shape.OutputWidth);
    }
}
