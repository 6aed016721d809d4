using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GroupNetDsl.Kernels;

/// <summary>
/// What every kernel does to a sum on its way out: add the residual, apply the activation, store. The bias is
/// already in the sum (the kernels start from it or add it first), so in every kernel and at every vector width the
/// residual is added last, then the activation applied.
/// </summary>
/// <remarks>
/// Every member inlines into the kernels' loops: whether there is a residual and which activation are the same for
/// a whole call, so their tests are made per vector or per row of vectors and are always predicted. They apply relu
/// and relu6 only: the other activations (<see cref="ActivationMath"/>) are a call, and a call among a kernel's
/// accumulators pushed them out of registers (the packed product ran three times slower), so the kernels store the
/// sums and then apply those activations to what they stored (<see cref="ActivateInPlace"/>): the same values.
/// </remarks>
internal static class Epilogue
{
    /// <summary>The activation of 16 values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Activate(Vector512<float> value, Activation activation)
    {
        Debug.Assert(activation <= Activation.Relu6, "Kernels apply the other activations after storing.");
        if (activation != Activation.None)
        {
            value = Vector512.Max(value, Vector512<float>.Zero);
            if (activation == Activation.Relu6) value = Vector512.Min(value, Vector512.Create(6f));
        }
        return value;
    }

    /// <summary>The activation of one <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Activate(Vector<float> value, Activation activation)
    {
        Debug.Assert(activation <= Activation.Relu6, "Kernels apply the other activations after storing.");
        if (activation != Activation.None)
        {
            value = Vector.Max(value, Vector<float>.Zero);
            if (activation == Activation.Relu6) value = Vector.Min(value, new Vector<float>(6f));
        }
        return value;
    }

    /// <summary>The activation of one value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Activate(float value, Activation activation) =>
        activation == Activation.None ? value : value > 0f ? (activation == Activation.Relu6 && value > 6f ? 6f : value) : 0f;

    /// <summary>output[index..] = activation(sum + residual[index..]), the residual added only when <paramref name="addResidual"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> sum, ref float residual, bool addResidual, Activation activation, ref float output, nuint index)
    {
        if (addResidual) sum += Vector512.LoadUnsafe(ref residual, index);
        Activate(sum, activation).StoreUnsafe(ref output, index);
    }

    /// <summary>The same with <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<float> sum, ref float residual, bool addResidual, Activation activation, ref float output, nuint index)
    {
        if (addResidual) sum += Vector.LoadUnsafe(ref residual, index);
        Activate(sum, activation).StoreUnsafe(ref output, index);
    }

    /// <summary>
    /// <see cref="Store(Vector512{float}, ref float, bool, Activation, ref float, nuint)"/> for <paramref name="vectors"/>
    /// (2 or 3) consecutive vectors, each test made once for all of them: the packed product's tile rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int vectors, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, ref float residual, bool addResidual, Activation activation, ref float output)
    {
        Debug.Assert(activation <= Activation.Relu6, "Kernels apply the other activations after storing.");
        const int v = 16;
        if (addResidual)
        {
            s0 += Vector512.LoadUnsafe(ref residual);
            s1 += Vector512.LoadUnsafe(ref residual, v);
            if (vectors == 3) s2 += Vector512.LoadUnsafe(ref residual, 2 * v);
        }
        if (activation != Activation.None)
        {
            s0 = Vector512.Max(s0, Vector512<float>.Zero);
            s1 = Vector512.Max(s1, Vector512<float>.Zero);
            s2 = Vector512.Max(s2, Vector512<float>.Zero);
            if (activation == Activation.Relu6)
            {
                s0 = Vector512.Min(s0, Vector512.Create(6f));
                s1 = Vector512.Min(s1, Vector512.Create(6f));
                s2 = Vector512.Min(s2, Vector512.Create(6f));
            }
        }
        s0.StoreUnsafe(ref output);
        s1.StoreUnsafe(ref output, v);
        if (vectors == 3) s2.StoreUnsafe(ref output, 2 * v);
    }

    /// <summary>The same with <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int vectors, Vector<float> s0, Vector<float> s1, Vector<float> s2, ref float residual, bool addResidual, Activation activation, ref float output)
    {
        Debug.Assert(activation <= Activation.Relu6, "Kernels apply the other activations after storing.");
        nuint v = (nuint)Vector<float>.Count;
        if (addResidual)
        {
            s0 += Vector.LoadUnsafe(ref residual);
            s1 += Vector.LoadUnsafe(ref residual, v);
            if (vectors == 3) s2 += Vector.LoadUnsafe(ref residual, 2 * v);
        }
        if (activation != Activation.None)
        {
            s0 = Vector.Max(s0, Vector<float>.Zero);
            s1 = Vector.Max(s1, Vector<float>.Zero);
            s2 = Vector.Max(s2, Vector<float>.Zero);
            if (activation == Activation.Relu6)
            {
                s0 = Vector.Min(s0, new Vector<float>(6f));
                s1 = Vector.Min(s1, new Vector<float>(6f));
                s2 = Vector.Min(s2, new Vector<float>(6f));
            }
        }
        s0.StoreUnsafe(ref output);
        s1.StoreUnsafe(ref output, v);
        if (vectors == 3) s2.StoreUnsafe(ref output, 2 * v);
    }

    /// <summary>
    /// output[index..] = activation(sum + residual[index..]), one 512-bit vector, no residual when it is empty. The
    /// caller has checked that a vector at index lies inside both spans.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> sum, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int index) =>
        Store(sum, ref MemoryMarshal.GetReference(residual), !residual.IsEmpty, activation, ref MemoryMarshal.GetReference(output), (nuint)index);

    /// <summary>The same with <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<float> sum, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int index) =>
        Store(sum, ref MemoryMarshal.GetReference(residual), !residual.IsEmpty, activation, ref MemoryMarshal.GetReference(output), (nuint)index);

    /// <summary>The same for one value, bounds checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float sum, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int index)
    {
        Debug.Assert(activation <= Activation.Relu6, "Kernels apply the other activations after storing.");
        if (!residual.IsEmpty) sum += residual[index];
        output[index] = Activate(sum, activation);
    }

    /// <summary>
    /// output = activation(sums + residual), no residual when it is empty; a run's last vector overlaps the one
    /// before it instead of leaving a scalar tail (output overlaps neither sums nor residual, so the values written
    /// twice agree).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRun(ReadOnlySpan<float> sums, ReadOnlySpan<float> residual, Activation activation, Span<float> output)
    {
        if (output.Length < sums.Length || (!residual.IsEmpty && residual.Length < sums.Length)) throw new ArgumentException("A span is shorter than the sizes require.");
        StoreRun(ref MemoryMarshal.GetReference(sums), ref MemoryMarshal.GetReference(residual), !residual.IsEmpty, activation, ref MemoryMarshal.GetReference(output), sums.Length);
    }

    /// <summary><see cref="StoreRun(ReadOnlySpan{float}, ReadOnlySpan{float}, Activation, Span{float})"/> on references the caller has checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRun(ref float sums, ref float residual, bool addResidual, Activation activation, ref float output, int count)
    {
        if (activation > Activation.Relu6)
        {
            StoreRunThenActivate(ref sums, ref residual, addResidual, activation, ref output, count);
            return;
        }
        if (Vector512.IsHardwareAccelerated && count >= Vector512<float>.Count)
        {
            for (int next = 0; next < count; next += Vector512<float>.Count)
            {
                nuint i = (nuint)Math.Min(next, count - Vector512<float>.Count);
                Store(Vector512.LoadUnsafe(ref sums, i), ref residual, addResidual, activation, ref output, i);
            }
            return;
        }
        if (Vector.IsHardwareAccelerated && count >= Vector<float>.Count)
        {
            for (int next = 0; next < count; next += Vector<float>.Count)
            {
                nuint i = (nuint)Math.Min(next, count - Vector<float>.Count);
                Store(Vector.LoadUnsafe(ref sums, i), ref residual, addResidual, activation, ref output, i);
            }
            return;
        }
        for (int i = 0; i < count; i++)
        {
            float value = Unsafe.Add(ref sums, i);
            if (addResidual) value += Unsafe.Add(ref residual, i);
            Unsafe.Add(ref output, i) = Activate(value, activation);
        }
    }

    /// <summary>A run with an activation past relu6: stored with the residual, then activated where it lies.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreRunThenActivate(ref float sums, ref float residual, bool addResidual, Activation activation, ref float output, int count)
    {
        StoreRun(ref sums, ref residual, addResidual, Activation.None, ref output, count);
        ActivateInPlace(MemoryMarshal.CreateSpan(ref output, count), activation);
    }

    /// <summary>
    /// values = activation(values) in place, for an activation past relu6: vector by vector, then value by value, which
    /// gives the vector lanes' bits (<see cref="ActivationMath"/>), so the result does not depend on where a run starts.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ActivateInPlace(Span<float> values, Activation activation)
    {
        // One loop per activation, each compiled for its constant: no test of the activation per vector.
        switch (activation)
        {
            case Activation.Sigmoid: Activate(values, Activation.Sigmoid); break;
            case Activation.Silu: Activate(values, Activation.Silu); break;
            case Activation.Hardswish: Activate(values, Activation.Hardswish); break;
            case Activation.Hardsigmoid: Activate(values, Activation.Hardsigmoid); break;
            default: Activate(values, activation); break;
        }
    }

    /// <summary>
    /// <see cref="ActivateInPlace(Span{float}, Activation)"/> on <paramref name="rows"/> runs of <paramref name="width"/>
    /// values, <paramref name="stride"/> apart from <paramref name="offset"/>: a stored tile in one call.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ActivateRowsInPlace(Span<float> values, int offset, int rows, int stride, int width, Activation activation)
    {
        if (rows <= 0) return;
        if (offset < 0 || (long)offset + (long)(rows - 1) * stride + width > values.Length) throw new ArgumentException("A span is shorter than the sizes require.");
        switch (activation)
        {
            case Activation.Sigmoid: ActivateRows(values, offset, rows, stride, width, Activation.Sigmoid); break;
            case Activation.Silu: ActivateRows(values, offset, rows, stride, width, Activation.Silu); break;
            case Activation.Hardswish: ActivateRows(values, offset, rows, stride, width, Activation.Hardswish); break;
            case Activation.Hardsigmoid: ActivateRows(values, offset, rows, stride, width, Activation.Hardsigmoid); break;
            default: ActivateRows(values, offset, rows, stride, width, activation); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ActivateRows(Span<float> values, int offset, int rows, int stride, int width, Activation activation)
    {
        for (int row = 0; row < rows; row++) Activate(values.Slice(offset + row * stride, width), activation);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Activate(Span<float> values, Activation activation)
    {
        int n = values.Length;
        ref float y = ref MemoryMarshal.GetReference(values);
        int i = 0;
        // A run that ends between vectors: its last whole vector is read before the loop changes it, and stored last over
        // the lanes the loop wrote (the same values, from the same inputs), instead of a scalar tail.
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            nuint lastAt = (nuint)(n - Vector512<float>.Count);
            var last = Vector512.LoadUnsafe(ref y, lastAt);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count) ActivationMath.Apply(Vector512.LoadUnsafe(ref y, (nuint)i), activation).StoreUnsafe(ref y, (nuint)i);
            if (i < n) ActivationMath.Apply(last, activation).StoreUnsafe(ref y, lastAt);
            return;
        }
        if (!Vector512.IsHardwareAccelerated && Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            nuint lastAt = (nuint)(n - Vector<float>.Count);
            var last = Vector.LoadUnsafe(ref y, lastAt);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count) ActivationMath.Apply(Vector.LoadUnsafe(ref y, (nuint)i), activation).StoreUnsafe(ref y, (nuint)i);
            if (i < n) ActivationMath.Apply(last, activation).StoreUnsafe(ref y, lastAt);
            return;
        }
        for (; i < n; i++) Unsafe.Add(ref y, i) = ActivationMath.Apply(Unsafe.Add(ref y, i), activation);
    }
}
