using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GroupNetDsl.Kernels;

/// <summary>
/// One channel of a depthwise convolution. The plane is first copied into a zero-padded buffer, so the main
/// loop has no edge tests: for stride 1 each output vector keeps its sum in a register across all filter taps
/// and is stored once, with the bias, residual and activation applied on the way out.
/// </summary>
public static class DepthwiseKernel
{
    // The zero-padded copy of one plane, per thread, grown to the largest plane seen.
    [ThreadStatic]
    private static float[]? t_padded;

    // One output row filtered at stride 1, for strided convolutions.
    [ThreadStatic]
    private static float[]? t_row;

    /// <summary>output = activation(bias + conv(plane, taps) + residual) for one channel.</summary>
    /// <param name="plane">The input channel, height x width.</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    /// <param name="taps">The channel's kernel x kernel filter, row-major.</param>
    /// <param name="kernel">Square kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="dilation">Dilation.</param>
    /// <param name="outputHeight">Output height.</param>
    /// <param name="outputWidth">Output width.</param>
    /// <param name="bias">The channel's bias (0 for none).</param>
    /// <param name="residual">The channel's residual plane, or empty.</param>
    /// <param name="activation">Applied last.</param>
    /// <param name="output">The output channel, outputHeight x outputWidth.</param>
    public static void Convolve(ReadOnlySpan<float> plane, int height, int width, ReadOnlySpan<float> taps, int kernel, int stride, int padding, int dilation,
        int outputHeight, int outputWidth, float bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output)
    {
        int paddedWidth = width + 2 * padding;
        int paddedHeight = height + 2 * padding;
        if (plane.Length < height * width || taps.Length < kernel * kernel || output.Length < outputHeight * outputWidth
            || (residual.Length != 0 && residual.Length < outputHeight * outputWidth)
            || (outputHeight - 1) * stride + (kernel - 1) * dilation >= paddedHeight || (outputWidth - 1) * stride + (kernel - 1) * dilation >= paddedWidth)
        {
            throw new ArgumentException("The sizes do not describe a valid convolution.");
        }

        int paddedLength = paddedHeight * paddedWidth + 2 * Vector<float>.Count;
        var padded = t_padded is { } buffer && buffer.Length >= paddedLength ? buffer : t_padded = new float[paddedLength];
        var source = padded.AsSpan(0, paddedLength);
        if (padding > 0) source.Clear();
        for (int y = 0; y < height; y++) plane.Slice(y * width, width).CopyTo(source.Slice((y + padding) * paddedWidth + padding, width));

        ref float s = ref MemoryMarshal.GetReference(source);
        ref float t = ref MemoryMarshal.GetReference(taps);
        ref float o = ref MemoryMarshal.GetReference(output);
        int v = Vector<float>.Count;
        for (int oy = 0; oy < outputHeight; oy++)
        {
            int ox = 0;
            if (stride == 1 && outputWidth >= v)
            {
                // The last vector overlaps the one before it instead of leaving a scalar tail: it recomputes a
                // few outputs from the input, with the same result.
                for (int next = 0; next < outputWidth; next += v)
                {
                    ox = Math.Min(next, outputWidth - v);
                    var sum = new Vector<float>(bias);
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        ref float row = ref Unsafe.Add(ref s, (oy + ky * dilation) * paddedWidth + ox);
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            sum += new Vector<float>(Unsafe.Add(ref t, ky * kernel + kx)) * Vector.LoadUnsafe(ref row, (nuint)(kx * dilation));
                        }
                    }
                    int at = oy * outputWidth + ox;
                    if (residual.Length != 0) sum += Vector.LoadUnsafe(ref MemoryMarshal.GetReference(residual), (nuint)at);
                    if (activation != Activation.None) sum = Vector.Max(sum, Vector<float>.Zero);
                    if (activation == Activation.Relu6) sum = Vector.Min(sum, new Vector<float>(6f));
                    sum.StoreUnsafe(ref o, (nuint)at);
                }
                ox = outputWidth;
            }
            else if (stride > 1 && outputWidth >= 2 * v)
            {
                // Strided: filter the row at stride 1 with vectors (stride-times the horizontal work, but no
                // scalar loop), then keep every stride-th column.
                int span = (outputWidth - 1) * stride + 1;
                var full = t_row is { } rowBuffer && rowBuffer.Length >= span + v ? rowBuffer : t_row = new float[span + v];
                ref float f = ref MemoryMarshal.GetArrayDataReference(full);
                for (int x = 0; x < span; x += v)
                {
                    var sum = new Vector<float>(bias);
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        ref float row = ref Unsafe.Add(ref s, (oy * stride + ky * dilation) * paddedWidth + x);
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            sum += new Vector<float>(Unsafe.Add(ref t, ky * kernel + kx)) * Vector.LoadUnsafe(ref row, (nuint)(kx * dilation));
                        }
                    }
                    sum.StoreUnsafe(ref f, (nuint)x);
                }
                for (; ox < outputWidth; ox++)
                {
                    float value = Unsafe.Add(ref f, ox * stride);
                    int at = oy * outputWidth + ox;
                    if (residual.Length != 0) value += residual[at];
                    if (activation != Activation.None) value = value > 0f ? value : 0f;
                    if (activation == Activation.Relu6 && value > 6f) value = 6f;
                    Unsafe.Add(ref o, at) = value;
                }
            }
            for (; ox < outputWidth; ox++)
            {
                float sum = bias;
                for (int ky = 0; ky < kernel; ky++)
                {
                    ref float row = ref Unsafe.Add(ref s, (oy * stride + ky * dilation) * paddedWidth + ox * stride);
                    for (int kx = 0; kx < kernel; kx++) sum += Unsafe.Add(ref t, ky * kernel + kx) * Unsafe.Add(ref row, kx * dilation);
                }
                int at = oy * outputWidth + ox;
                if (residual.Length != 0) sum += residual[at];
                if (activation != Activation.None) sum = sum > 0f ? sum : 0f;
                if (activation == Activation.Relu6 && sum > 6f) sum = 6f;
                Unsafe.Add(ref o, at) = sum;
            }
        }
    }
}
