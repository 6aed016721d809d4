using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GroupNetDsl.Kernels;

/// <summary>
/// Row-level building blocks that generated code calls with compile-time sizes and offsets. They are shared
/// because they need no specializing: the generator specializes the loops around them. The vectorized ones pick
/// the widest vector the machine accelerates (Vector256, else Vector128, else scalar); the JIT removes the other paths.
/// </summary>
public static class VectorKernels
{
    /// <summary>y[i] += x[i]: a residual connection.</summary>
    /// <param name="x">The tensor to add.</param>
    /// <param name="y">The tensor added to, in place.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = y.Length;
        if ((uint)x.Length < (uint)n) ThrowTooShort();
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8) (Vector256.LoadUnsafe(ref yr, (nuint)i) + Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4) (Vector128.LoadUnsafe(ref yr, (nuint)i) + Vector128.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) += Unsafe.Add(ref xr, i);
    }

    /// <summary>y[i] = y[i] * scale + shift: a batchnorm that could not be folded.</summary>
    /// <param name="y">The channel plane, in place.</param>
    /// <param name="scale">gamma / sqrt(var + eps).</param>
    /// <param name="shift">beta - mean * scale.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleShift(Span<float> y, float scale, float shift)
    {
        for (int i = 0; i < y.Length; i++) y[i] = y[i] * scale + shift;
    }

    /// <summary>y = max(y, 0), in place.</summary>
    /// <param name="y">The values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Relu(Span<float> y)
    {
        int n = y.Length;
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8) Vector256.Max(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero).StoreUnsafe(ref yr, (nuint)i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4) Vector128.Max(Vector128.LoadUnsafe(ref yr, (nuint)i), Vector128<float>.Zero).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++)
        {
            ref float v = ref Unsafe.Add(ref yr, i);
            if (!(v > 0f)) v = 0f;
        }
    }

    /// <summary>y = min(max(y, 0), 6), in place.</summary>
    /// <param name="y">The values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Relu6(Span<float> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            float v = y[i];
            y[i] = v > 0f ? (v < 6f ? v : 6f) : 0f;
        }
    }

    /// <summary>y = 1 / (1 + exp(-x)), in place (nn.Sigmoid); the same bits as in a kernel's epilogue.</summary>
    /// <param name="y">The values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sigmoid(Span<float> y) => Epilogue.ActivateInPlace(y, Activation.Sigmoid);

    /// <summary>nn.Sigmoid of one value, the same bits as <see cref="Sigmoid(Span{float})"/>.</summary>
    /// <param name="x">The value.</param>
    /// <returns>1 / (1 + exp(-x)).</returns>
    public static float Sigmoid(float x) => ActivationMath.Apply(x, Activation.Sigmoid);

    /// <summary>y = min(max(x + 3, 0), 6) / 6, in place (nn.Hardsigmoid); the same bits as in a kernel's epilogue.</summary>
    /// <param name="y">The values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hardsigmoid(Span<float> y) => Epilogue.ActivateInPlace(y, Activation.Hardsigmoid);

    /// <summary>nn.Hardsigmoid of one value, the same bits as <see cref="Hardsigmoid(Span{float})"/>.</summary>
    /// <param name="x">The value.</param>
    /// <returns>min(max(x + 3, 0), 6) / 6.</returns>
    public static float Hardsigmoid(float x) => ActivationMath.Apply(x, Activation.Hardsigmoid);

    /// <summary>y = x * min(max(x + 3, 0), 6) / 6, in place (nn.Hardswish); the same bits as in a kernel's epilogue.</summary>
    /// <param name="y">The values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hardswish(Span<float> y) => Epilogue.ActivateInPlace(y, Activation.Hardswish);

    /// <summary>nn.Hardswish of one value, the same bits as <see cref="Hardswish(Span{float})"/>.</summary>
    /// <param name="x">The value.</param>
    /// <returns>x * min(max(x + 3, 0), 6) / 6.</returns>
    public static float Hardswish(float x) => ActivationMath.Apply(x, Activation.Hardswish);

    /// <summary>y = x / (1 + exp(-x)), in place (nn.SiLU); the same bits as in a kernel's epilogue.</summary>
    /// <param name="y">The values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Silu(Span<float> y) => Epilogue.ActivateInPlace(y, Activation.Silu);

    /// <summary>nn.SiLU of one value, the same bits as <see cref="Silu(Span{float})"/>.</summary>
    /// <param name="x">The value.</param>
    /// <returns>x / (1 + exp(-x)).</returns>
    public static float Silu(float x) => ActivationMath.Apply(x, Activation.Silu);

    /// <summary>y = x * 0.5 * (1 + erf(x / sqrt(2))), in place (nn.GELU()); the same bits as in a kernel's epilogue.</summary>
    /// <param name="y">The values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gelu(Span<float> y) => Epilogue.ActivateInPlace(y, Activation.Gelu);

    /// <summary>nn.GELU() of one value, the same bits as <see cref="Gelu(Span{float})"/>.</summary>
    /// <param name="x">The value.</param>
    /// <returns>x * 0.5 * (1 + erf(x / sqrt(2))).</returns>
    public static float Gelu(float x) => ActivationMath.Apply(x, Activation.Gelu);

    /// <summary>The dot product of two equally long rows.</summary>
    /// <param name="a">First row.</param>
    /// <param name="b">Second row (at least as long as <paramref name="a"/>).</param>
    /// <returns>sum of a[i] * b[i].</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if ((uint)b.Length < (uint)n) ThrowTooShort();
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        int i = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8) acc += Vector256.LoadUnsafe(ref ar, (nuint)i) * Vector256.LoadUnsafe(ref br, (nuint)i);
            sum = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            var acc = Vector128<float>.Zero;
            for (; i <= n - 4; i += 4) acc += Vector128.LoadUnsafe(ref ar, (nuint)i) * Vector128.LoadUnsafe(ref br, (nuint)i);
            sum = Vector128.Sum(acc);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref ar, i) * Unsafe.Add(ref br, i);
        return sum;
    }

    /// <summary>The mean of a row.</summary>
    /// <param name="x">The values.</param>
    /// <returns>sum(x) / x.Length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Mean(ReadOnlySpan<float> x) => Sum(x) / x.Length;

    /// <summary>The sum of a row, vector lanes first: the same order on every call for the same length.</summary>
    /// <param name="x">The values.</param>
    /// <returns>sum(x).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Sum(ReadOnlySpan<float> x)
    {
        if (!Vector512.IsHardwareAccelerated || x.Length < LongSum) return ShortSum(ref MemoryMarshal.GetReference(x), x.Length);
        // Four running sums: each add waits for its own sum's last add, not for every vector's (a plane of 3136
        // values took 0.5 µs with one sum, latency-bound).
        ref float r = ref MemoryMarshal.GetReference(x);
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i <= x.Length - LongSum; i += LongSum)
        {
            s0 += Vector512.LoadUnsafe(ref r, (nuint)i);
            s1 += Vector512.LoadUnsafe(ref r, (nuint)i + 16);
            s2 += Vector512.LoadUnsafe(ref r, (nuint)i + 32);
            s3 += Vector512.LoadUnsafe(ref r, (nuint)i + 48);
        }
        for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count) s0 += Vector512.LoadUnsafe(ref r, (nuint)i);
        float total = Vector512.Sum(s0 + s1 + (s2 + s3));
        for (; i < x.Length; i++) total += Unsafe.Add(ref r, i);
        return total;
    }

    /// <summary>Values from which <see cref="Sum"/> takes four 512-bit running sums; below, it is <see cref="ShortSum"/>.</summary>
    internal const int LongSum = 4 * 16;

    /// <summary>
    /// <see cref="Sum"/> of <paramref name="length"/> values from <paramref name="x"/> when there are fewer than
    /// <see cref="LongSum"/> (or no 512-bit vectors): whole <see cref="System.Numerics.Vector{T}"/>s, then the rest in
    /// order. Inlined where many short rows are summed (a 7x7 plane's), which a call per row had made slow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ShortSum(ref float x, int length)
    {
        var sum = System.Numerics.Vector<float>.Zero;
        int i = 0;
        for (; i <= length - System.Numerics.Vector<float>.Count; i += System.Numerics.Vector<float>.Count) sum += System.Numerics.Vector.LoadUnsafe(ref x, (nuint)i);
        float total = System.Numerics.Vector.Sum(sum);
        for (; i < length; i++) total += Unsafe.Add(ref x, i);
        return total;
    }

    private static void ThrowTooShort() => throw new ArgumentException("The source span is shorter than the destination.");
}
