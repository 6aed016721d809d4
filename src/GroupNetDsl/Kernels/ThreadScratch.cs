using System;
using System.Runtime.CompilerServices;

namespace GroupNetDsl.Kernels;

/// <summary>
/// The kernels' per-thread working buffers (their <c>[ThreadStatic]</c> fields): each grows to the largest length asked
/// for, so nothing is allocated after the first calls, and keeps 16 KB clear of any other object on the heap.
/// </summary>
/// <remarks>
/// The buffers of a team's threads are allocated at about the same time and could sit next to each other; close
/// together they slowed both threads (benchmarks/ANALYSIS.md has the measurements). The guard costs 32 KB per buffer
/// and thread.
/// </remarks>
internal static class ThreadScratch
{
    // Clear space before and after each buffer: 4 KB was not enough.
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
