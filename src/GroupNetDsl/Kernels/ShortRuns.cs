using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GroupNetDsl.Kernels;

/// <summary>
/// Zeroing and copying the short runs of floats that the kernels lay out (plane rows, panel rows): vectors, the
/// last one overlapping the one before it instead of a scalar tail.
/// </summary>
internal static class ShortRuns
{
    /// <summary>Zeroes <paramref name="count"/> floats from <paramref name="to"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Zero(ref float to, int count)
    {
        if (count >= 8)
        {
            int i = 0;
            for (; i + 8 <= count; i += 8) Vector256<float>.Zero.StoreUnsafe(ref to, (nuint)i);
            if (i < count) Vector256<float>.Zero.StoreUnsafe(ref to, (nuint)(count - 8));
        }
        else
        {
            for (int i = 0; i < count; i++) Unsafe.Add(ref to, i) = 0f;
        }
    }

    /// <summary>Copies <paramref name="count"/> floats (the runs do not overlap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(ref float from, ref float to, int count)
    {
        if (count >= 16 && Vector512.IsHardwareAccelerated)
        {
            int i = 0;
            for (; i + 16 <= count; i += 16) Vector512.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
            if (i < count) Vector512.LoadUnsafe(ref from, (nuint)(count - 16)).StoreUnsafe(ref to, (nuint)(count - 16));
        }
        else if (count >= 8)
        {
            int i = 0;
            for (; i + 8 <= count; i += 8) Vector256.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
            if (i < count) Vector256.LoadUnsafe(ref from, (nuint)(count - 8)).StoreUnsafe(ref to, (nuint)(count - 8));
        }
        else
        {
            for (int i = 0; i < count; i++) Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
        }
    }
}
