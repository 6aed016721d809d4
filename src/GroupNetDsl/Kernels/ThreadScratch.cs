using System;
using System.Runtime.CompilerServices;

namespace GroupNetDsl.Kernels;

/// <summary>
/// The kernels' per-thread working buffers (their <c>[ThreadStatic]</c> fields): each grows to the largest length asked
/// for, so nothing is allocated after the first calls, and keeps 16 KB clear of any other object on the heap.
/// </summary>
/// <remarks>
/// The buffers of a team's threads are allocated at about the same time and could sit next to each other. Close
/// together they slowed both threads: MiniGroupNet's layers timed one at a time on 2 threads went from 944 to 805-806
/// µs with 16 KB around each buffer (the stem 104-105 -> 69-70 µs, GC3_256_G8_14 157-160 -> 107); 4 KB around each
/// did not help the stem, and one thread did not change. What couples them (a prefetcher, cache sets) was not found
/// without hardware counters; the guard costs 32 KB per buffer and thread.
/// </remarks>
internal static class ThreadScratch
{
    private const int GuardBytes = 16 * 1024;

    /// <summary>The first <paramref name="length"/> elements of the thread's buffer, reallocated when too short.</summary>
    /// <param name="buffer">The thread-static field that holds the buffer.</param>
    /// <param name="length">Elements needed.</param>
    /// <returns>Working memory; zero on first use, afterwards whatever the last user left.</returns>
    public static Span<T> Get<T>(ref T[]? buffer, int length) where T : unmanaged
    {
        int guard = GuardBytes / Unsafe.SizeOf<T>();
        if (buffer is null || buffer.Length - 2 * guard < length) buffer = new T[length + 2 * guard];
        return buffer.AsSpan(guard, length);
    }
}
