using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GroupNetDsl.Kernels;

/// <summary>
/// Whole-tensor operations on one image (NCHW, batch 1) that generated code calls with compile-time sizes: the
/// elementwise and per-channel multiply, and the layer norm over channels. Each checks its spans' lengths once, then
/// runs unchecked; the vector paths compute each output with the same operations in the same order as the scalar
/// one, so the instruction set does not change a result.
/// </summary>
public static class TensorKernels
{
    /// <summary>output[i] = left[i] * right[i]: torch.mul of two tensors of one shape.</summary>
    /// <param name="left">One operand.</param>
    /// <param name="right">The other, as long as <paramref name="output"/>.</param>
    /// <param name="output">The product; as long as each operand.</param>
    /// <param name="team">Threads to share the values, or null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> output, WorkerTeam? team = null)
    {
        int n = output.Length;
        if (left.Length != n || right.Length != n) throw new ArgumentException("The operands and the output must have one length.");
        if (!Shared(ChannelWork.Kind.Multiply, left, right, output, 1, n, team)) MultiplyRun(left, right, output);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyRun(ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> output)
    {
        int n = output.Length;
        ref float lr = ref MemoryMarshal.GetReference(left);
        ref float rr = ref MemoryMarshal.GetReference(right);
        ref float or = ref MemoryMarshal.GetReference(output);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16) (Vector512.LoadUnsafe(ref lr, (nuint)i) * Vector512.LoadUnsafe(ref rr, (nuint)i)).StoreUnsafe(ref or, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8) (Vector256.LoadUnsafe(ref lr, (nuint)i) * Vector256.LoadUnsafe(ref rr, (nuint)i)).StoreUnsafe(ref or, (nuint)i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4) (Vector128.LoadUnsafe(ref lr, (nuint)i) * Vector128.LoadUnsafe(ref rr, (nuint)i)).StoreUnsafe(ref or, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref or, i) = Unsafe.Add(ref lr, i) * Unsafe.Add(ref rr, i);
    }

    /// <summary>
    /// output[c, p] = input[c, p] * scales[c]: a Cx1x1 tensor times a CxHxW one, as PyTorch broadcasts
    /// squeeze-and-excitation's <c>scale * input</c> (multiplication commutes exactly, so the order of the operands
    /// does not matter).
    /// </summary>
    /// <param name="input">channels x plane values.</param>
    /// <param name="scales">One value per channel.</param>
    /// <param name="output">channels x plane values.</param>
    /// <param name="channels">The channels.</param>
    /// <param name="plane">Height x width.</param>
    /// <param name="team">Threads to share the channels, or null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleChannels(ReadOnlySpan<float> input, ReadOnlySpan<float> scales, Span<float> output, int channels, int plane, WorkerTeam? team = null)
    {
        if (channels < 0 || plane < 0 || scales.Length != channels || input.Length != (long)channels * plane || output.Length != input.Length)
        {
            throw new ArgumentException("The spans do not match channels x plane.");
        }
        if (!Shared(ChannelWork.Kind.Scale, input, scales, output, channels, plane, team)) ScaleRun(input, scales, output, 0, channels, plane);
    }

    /// <summary>Channels [first, last) of <see cref="ScaleChannels"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleRun(ReadOnlySpan<float> input, ReadOnlySpan<float> scales, Span<float> output, int first, int last, int plane)
    {
        ref float ir = ref MemoryMarshal.GetReference(input);
        ref float or = ref MemoryMarshal.GetReference(output);
        for (int c = first; c < last; c++)
        {
            float scale = scales[c];
            nuint start = (nuint)c * (nuint)plane;
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var s = Vector512.Create(scale);
                for (; i <= plane - 16; i += 16) (Vector512.LoadUnsafe(ref ir, start + (nuint)i) * s).StoreUnsafe(ref or, start + (nuint)i);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var s = Vector256.Create(scale);
                for (; i <= plane - 8; i += 8) (Vector256.LoadUnsafe(ref ir, start + (nuint)i) * s).StoreUnsafe(ref or, start + (nuint)i);
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                var s = Vector128.Create(scale);
                for (; i <= plane - 4; i += 4) (Vector128.LoadUnsafe(ref ir, start + (nuint)i) * s).StoreUnsafe(ref or, start + (nuint)i);
            }
            for (; i < plane; i++) Unsafe.Add(ref or, start + (nuint)i) = Unsafe.Add(ref ir, start + (nuint)i) * scale;
        }
    }

    /// <summary>
    /// torchvision's LayerNorm2d: at each pixel, the channels' values normalized by their mean and (biased) variance,
    /// then scaled and shifted per channel: (x - mean) / sqrt(var + eps) * weight[c] + bias[c]. Pixels are independent,
    /// so a vector holds consecutive pixels of a row and each lane computes exactly what the scalar loop does.
    /// </summary>
    /// <param name="input">channels x plane values (NCHW).</param>
    /// <param name="weight">One scale per channel.</param>
    /// <param name="bias">One shift per channel.</param>
    /// <param name="output">channels x plane values.</param>
    /// <param name="channels">The channels normalized over.</param>
    /// <param name="plane">Height x width.</param>
    /// <param name="epsilon">Added to the variance.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LayerNorm2d(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, int channels, int plane, float epsilon)
    {
        if (channels <= 0 || plane < 0 || weight.Length != channels || bias.Length != channels
            || input.Length != (long)channels * plane || output.Length != input.Length)
        {
            throw new ArgumentException("The spans do not match channels x plane.");
        }
        ref float ir = ref MemoryMarshal.GetReference(input);
        ref float wr = ref MemoryMarshal.GetReference(weight);
        ref float br = ref MemoryMarshal.GetReference(bias);
        ref float or = ref MemoryMarshal.GetReference(output);
        float inverseCount = 1f / channels;
        int p = 0;
        // A vector of pixels at a time: each pixel's statistics are computed lane by lane, in the same order as the tail.
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<float>.Count;
            for (; p <= plane - lanes; p += lanes)
            {
                var sum = Vector<float>.Zero;
                for (int c = 0; c < channels; c++) sum += Vector.LoadUnsafe(ref ir, (nuint)c * (nuint)plane + (nuint)p);
                var mean = sum * inverseCount;
                var squares = Vector<float>.Zero;
                for (int c = 0; c < channels; c++)
                {
                    var d = Vector.LoadUnsafe(ref ir, (nuint)c * (nuint)plane + (nuint)p) - mean;
                    squares += d * d;
                }
                var inverseDeviation = Vector<float>.One / Vector.SquareRoot(squares * inverseCount + new Vector<float>(epsilon));
                for (int c = 0; c < channels; c++)
                {
                    nuint at = (nuint)c * (nuint)plane + (nuint)p;
                    var normalized = (Vector.LoadUnsafe(ref ir, at) - mean) * inverseDeviation;
                    (normalized * Unsafe.Add(ref wr, c) + new Vector<float>(Unsafe.Add(ref br, c))).StoreUnsafe(ref or, at);
                }
            }
        }
        for (; p < plane; p++)
        {
            float sum = 0f;
            for (int c = 0; c < channels; c++) sum += Unsafe.Add(ref ir, (nuint)c * (nuint)plane + (nuint)p);
            float mean = sum * inverseCount;
            float squares = 0f;
            for (int c = 0; c < channels; c++)
            {
                float d = Unsafe.Add(ref ir, (nuint)c * (nuint)plane + (nuint)p) - mean;
                squares += d * d;
            }
            float inverseDeviation = 1f / MathF.Sqrt(squares * inverseCount + epsilon);
            for (int c = 0; c < channels; c++)
            {
                nuint at = (nuint)c * (nuint)plane + (nuint)p;
                float normalized = (Unsafe.Add(ref ir, at) - mean) * inverseDeviation;
                Unsafe.Add(ref or, at) = normalized * Unsafe.Add(ref wr, c) + Unsafe.Add(ref br, c);
            }
        }
    }

    /// <summary>
    /// nn.Linear at each pixel of a channels-last image whose data is NCHW: output[o, p] = bias[o] + the sum over i, in
    /// order, of weight[o, i] * input[i, p] (a 1x1 conv). Four output channels are computed at once for a vector of
    /// pixels, their sums held in registers across the inputs; every pixel gets the same sum in the same order.
    /// </summary>
    /// <param name="input">inFeatures x plane values.</param>
    /// <param name="weight">outFeatures x inFeatures values, PyTorch's [out, in].</param>
    /// <param name="bias">outFeatures values, or empty for none.</param>
    /// <param name="output">outFeatures x plane values.</param>
    /// <param name="inFeatures">Channels of the input.</param>
    /// <param name="outFeatures">Channels of the output.</param>
    /// <param name="plane">Height x width.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PixelLinear(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, int inFeatures, int outFeatures, int plane)
    {
        if (inFeatures <= 0 || outFeatures <= 0 || plane < 0 || (bias.Length != 0 && bias.Length != outFeatures)
            || weight.Length != (long)outFeatures * inFeatures || input.Length != (long)inFeatures * plane || output.Length != (long)outFeatures * plane)
        {
            throw new ArgumentException("The spans do not match the linear's features and plane.");
        }
        ref float ir = ref MemoryMarshal.GetReference(input);
        ref float wr = ref MemoryMarshal.GetReference(weight);
        ref float br = ref MemoryMarshal.GetReference(bias);
        ref float or = ref MemoryMarshal.GetReference(output);
        bool hasBias = bias.Length != 0;
        int o = 0;
        if (Vector256.IsHardwareAccelerated || Vector128.IsHardwareAccelerated)
        {
            for (; o <= outFeatures - 4; o += 4)
            {
                ref float w0 = ref Unsafe.Add(ref wr, (nuint)o * (nuint)inFeatures);
                ref float w1 = ref Unsafe.Add(ref w0, inFeatures);
                ref float w2 = ref Unsafe.Add(ref w1, inFeatures);
                ref float w3 = ref Unsafe.Add(ref w2, inFeatures);
                float b0 = hasBias ? Unsafe.Add(ref br, o) : 0f, b1 = hasBias ? Unsafe.Add(ref br, o + 1) : 0f;
                float b2 = hasBias ? Unsafe.Add(ref br, o + 2) : 0f, b3 = hasBias ? Unsafe.Add(ref br, o + 3) : 0f;
                int p = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; p <= plane - 8; p += 8)
                    {
                        Vector256<float> a0 = Vector256.Create(b0), a1 = Vector256.Create(b1), a2 = Vector256.Create(b2), a3 = Vector256.Create(b3);
                        for (int i = 0; i < inFeatures; i++)
                        {
                            var x = Vector256.LoadUnsafe(ref ir, (nuint)i * (nuint)plane + (nuint)p);
                            a0 += Unsafe.Add(ref w0, i) * x;
                            a1 += Unsafe.Add(ref w1, i) * x;
                            a2 += Unsafe.Add(ref w2, i) * x;
                            a3 += Unsafe.Add(ref w3, i) * x;
                        }
                        a0.StoreUnsafe(ref or, (nuint)o * (nuint)plane + (nuint)p);
                        a1.StoreUnsafe(ref or, (nuint)(o + 1) * (nuint)plane + (nuint)p);
                        a2.StoreUnsafe(ref or, (nuint)(o + 2) * (nuint)plane + (nuint)p);
                        a3.StoreUnsafe(ref or, (nuint)(o + 3) * (nuint)plane + (nuint)p);
                    }
                }
                else
                {
                    for (; p <= plane - 4; p += 4)
                    {
                        Vector128<float> a0 = Vector128.Create(b0), a1 = Vector128.Create(b1), a2 = Vector128.Create(b2), a3 = Vector128.Create(b3);
                        for (int i = 0; i < inFeatures; i++)
                        {
                            var x = Vector128.LoadUnsafe(ref ir, (nuint)i * (nuint)plane + (nuint)p);
                            a0 += Unsafe.Add(ref w0, i) * x;
                            a1 += Unsafe.Add(ref w1, i) * x;
                            a2 += Unsafe.Add(ref w2, i) * x;
                            a3 += Unsafe.Add(ref w3, i) * x;
                        }
                        a0.StoreUnsafe(ref or, (nuint)o * (nuint)plane + (nuint)p);
                        a1.StoreUnsafe(ref or, (nuint)(o + 1) * (nuint)plane + (nuint)p);
                        a2.StoreUnsafe(ref or, (nuint)(o + 2) * (nuint)plane + (nuint)p);
                        a3.StoreUnsafe(ref or, (nuint)(o + 3) * (nuint)plane + (nuint)p);
                    }
                }
                for (int row = o; row < o + 4; row++) PixelLinearScalar(ref ir, ref wr, hasBias ? Unsafe.Add(ref br, row) : 0f, ref or, inFeatures, plane, row, p);
            }
        }
        for (; o < outFeatures; o++) PixelLinearScalar(ref ir, ref wr, hasBias ? Unsafe.Add(ref br, o) : 0f, ref or, inFeatures, plane, o, 0);
    }

    /// <summary>Output row <paramref name="o"/> of <see cref="PixelLinear"/> from pixel <paramref name="start"/> on, one pixel at a time.</summary>
    private static void PixelLinearScalar(ref float input, ref float weight, float bias, ref float output, int inFeatures, int plane, int o, int start)
    {
        ref float w = ref Unsafe.Add(ref weight, (nuint)o * (nuint)inFeatures);
        for (int p = start; p < plane; p++)
        {
            float sum = bias;
            for (int i = 0; i < inFeatures; i++) sum += Unsafe.Add(ref w, i) * Unsafe.Add(ref input, (nuint)i * (nuint)plane + (nuint)p);
            Unsafe.Add(ref output, (nuint)o * (nuint)plane + (nuint)p) = sum;
        }
    }

    /// <summary>output[c] = the mean of channel c's plane: torch's <c>x.mean((2, 3))</c>, with or without keepdim.</summary>
    /// <param name="input">channels x plane values.</param>
    /// <param name="output">One mean per channel.</param>
    /// <param name="channels">The channels.</param>
    /// <param name="plane">Height x width.</param>
    /// <param name="team">Threads to share the channels, or null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ChannelMeans(ReadOnlySpan<float> input, Span<float> output, int channels, int plane, WorkerTeam? team = null)
    {
        if (channels < 0 || plane <= 0 || output.Length != channels || input.Length != (long)channels * plane)
        {
            throw new ArgumentException("The spans do not match channels x plane.");
        }
        if (!Shared(ChannelWork.Kind.Means, input, default, output, channels, plane, team)) MeansRun(input, output, 0, channels, plane);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MeansRun(ReadOnlySpan<float> input, Span<float> output, int first, int last, int plane)
    {
        for (int c = first; c < last; c++) output[c] = VectorKernels.Mean(input.Slice(c * plane, plane));
    }

    // Values below which a per-channel pass runs on the calling thread alone: handing it to the team and waiting for
    // the other threads costs a few microseconds, as long as the pass itself.
    private const int MinimumSharedValues = 64 * 1024;

    /// <summary>
    /// Runs the pass on the team, each thread a run of whole channels (each value computed as on one thread), when
    /// it is large enough and the team free; false when the caller must run it alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool Shared(ChannelWork.Kind kind, ReadOnlySpan<float> input, ReadOnlySpan<float> other, Span<float> output, int channels, int plane, WorkerTeam? team)
    {
        if (team is null || channels * (long)plane < MinimumSharedValues || !team.TryAcquire()) return false;
        try
        {
            fixed (float* inputPointer = input, otherPointer = other, outputPointer = output)
            {
                var work = team.WorkOf<ChannelWork>();
                work.Set(kind, inputPointer, input.Length, otherPointer, other.Length, outputPointer, output.Length, channels, plane);
                team.Run(work);
            }
            return true;
        }
        finally
        {
            team.Release();
        }
    }

    /// <summary>The arguments of a per-channel pass as pointers, so that other threads can run their share of the channels.</summary>
    private sealed unsafe class ChannelWork : TeamWork
    {
        public enum Kind { Multiply, Scale, Means }

        private Kind _kind;
        private float* _input, _other, _output;
        private int _inputLength, _otherLength, _outputLength, _channels, _plane;

        public void Set(Kind kind, float* input, int inputLength, float* other, int otherLength, float* output, int outputLength, int channels, int plane)
        {
            _kind = kind;
            _input = input;
            _inputLength = inputLength;
            _other = other;
            _otherLength = otherLength;
            _output = output;
            _outputLength = outputLength;
            _channels = channels;
            _plane = plane;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            var input = new ReadOnlySpan<float>(_input, _inputLength);
            var other = new ReadOnlySpan<float>(_other, _otherLength);
            var output = new Span<float>(_output, _outputLength);
            switch (_kind)
            {
                case Kind.Multiply:
                    // One "channel" of all the values, in runs of whole vectors.
                    int vectors = (_plane + 15) / 16;
                    int first = Math.Min(_plane, vectors * part / parts * 16), last = Math.Min(_plane, vectors * (part + 1) / parts * 16);
                    if (first < last) MultiplyRun(input.Slice(first, last - first), other.Slice(first, last - first), output.Slice(first, last - first));
                    break;
                case Kind.Scale:
                    ScaleRun(input, other, output, _channels * part / parts, _channels * (part + 1) / parts, _plane);
                    break;
                default:
                    MeansRun(input, output, _channels * part / parts, _channels * (part + 1) / parts, _plane);
                    break;
            }
        }
    }
}
