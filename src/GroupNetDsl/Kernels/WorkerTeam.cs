using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace GroupNetDsl.Kernels;

/// <summary>A piece of work a <see cref="WorkerTeam"/> splits: every member runs one part of it.</summary>
public abstract class TeamWork
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>; parts must not write the same memory.</summary>
    /// <param name="part">This member's part, 0-based.</param>
    /// <param name="parts">How many parts there are.</param>
    public abstract void Execute(int part, int parts);
}

/// <summary>
/// A fixed team of threads for one network instance: the calling thread plus <c>Threads - 1</c> background
/// threads that spin briefly between pieces of work, then block. Work objects are reused, so running work allocates nothing. Each part
/// computes whole outputs with the same arithmetic as one thread would, so results do not depend on the
/// number of threads.
/// </summary>
/// <remarks>
/// One call at a time uses the team; a second thread that finds it busy runs its work alone (same result).
/// The background threads never keep the process alive, and end on <see cref="Dispose"/>; create one team per
/// network instance, not per call.
/// </remarks>
public sealed class WorkerTeam : IDisposable
{
    // Workers spin this long after their last work before they block: layers follow
    // each other within microseconds, and waking a blocked thread costs more than a small layer.
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 500; // 2 ms

    // Each background thread that stopped spinning blocks on its own semaphore, with its flag in _asleep set; Run
    // clears the flag and releases that semaphore. (A monitor's wait and pulse had allocated about 200 B once, on a
    // worker, some time after the first wake-ups: 208-224 B in the process over 100 wake-ups, 0 B with semaphores;
    // the benchmarks' memory diagnoser counted it against whichever 2-thread row it fell in. One semaphore for all
    // workers would let a worker that went back to sleep take the permit meant for one not yet awake.)
    private readonly SemaphoreSlim[] _wakes;
    private readonly int[] _asleep;
    private readonly Thread[] _workers;
    private int _busy;
    private int _disposing;
    private bool _stopped;
    private int _generation;
    private int _pending;
    private TeamWork? _work;

    /// <summary>Starts a team of <paramref name="threads"/> (the caller counts as one).</summary>
    /// <param name="threads">At least 1.</param>
    public WorkerTeam(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "A team needs at least one thread.");
        Threads = threads;
        _wakes = new SemaphoreSlim[threads];
        _asleep = new int[threads];
        _workers = new Thread[threads - 1];
        for (int i = 1; i < threads; i++) _wakes[i] = new SemaphoreSlim(0);
        for (int i = 1; i < threads; i++)
        {
            int part = i;
            // Background: a team that is never disposed must not keep the process alive.
            _workers[i - 1] = new Thread(() => Work(part)) { IsBackground = true, Name = $"GroupNetDsl worker {part}" };
            _workers[i - 1].Start();
        }
    }

    /// <summary>How many threads share the work, the caller included.</summary>
    public int Threads { get; }

    /// <summary>Takes the team for one piece of work; false when another thread has it (then work alone).</summary>
    /// <returns>True when the caller now owns the team and must call <see cref="Release"/>.</returns>
    /// <remarks>Not reentrant: work that runs on the team (an image of a batch) finds it busy and runs alone.</remarks>
    public bool TryAcquire() => Threads > 1 && Volatile.Read(ref _disposing) == 0 && Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    /// <summary>Gives the team back after <see cref="TryAcquire"/>; stops the workers if the team was disposed meanwhile.</summary>
    public void Release()
    {
        // A full fence between the write and the read: either Dispose sees the team free, or this sees Dispose's flag.
        Interlocked.Exchange(ref _busy, 0);
        if (Volatile.Read(ref _disposing) != 0 && Interlocked.CompareExchange(ref _busy, 1, 0) == 0) StopWorkers();
    }

    /// <summary>
    /// Stops the background threads: at once when the team is free, else when the call using it releases it (that
    /// call finishes normally). The team then takes no more work: <see cref="TryAcquire"/> returns false, so
    /// callers run alone, with the same results. Calling it again does nothing.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposing, 1) != 0) return;
        // Whoever takes the team after the flag is set stops the workers and keeps the team: never waits, never hangs.
        if (Interlocked.CompareExchange(ref _busy, 1, 0) == 0) StopWorkers();
    }

    /// <summary>Runs every part of <paramref name="work"/>, the caller taking part 0. The caller must own the team.</summary>
    /// <param name="work">The work to split.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(TeamWork work)
    {
        if (Volatile.Read(ref _busy) != 1) throw new InvalidOperationException("Acquire the team before running work on it.");
        // After Dispose the team is held for good; without workers, waiting for their parts would never end.
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped), this);
        _work = work;
        Volatile.Write(ref _pending, Threads - 1);
        Interlocked.Increment(ref _generation);   // publishes _work and _pending to the workers
        WakeSleepers();
        work.Execute(0, Threads);
        // The other parts finish within microseconds of this one: a pause loop, not a yield (a system call).
        while (Volatile.Read(ref _pending) != 0) { }
        _work = null;
    }

    // Wakes the workers that stopped spinning. A worker sets its flag before it looks at the generation one last
    // time, so either it sees the new generation or this sees its flag: no wake-up is lost.
    private void WakeSleepers()
    {
        for (int i = 1; i < Threads; i++)
        {
            if (Interlocked.Exchange(ref _asleep[i], 0) == 1) _wakes[i].Release();
        }
    }

    // Called once, by whoever owns the team after Dispose (it keeps the team, so no work runs on it again).
    private void StopWorkers()
    {
        Volatile.Write(ref _stopped, true);
        Interlocked.Increment(ref _generation);   // publishes _stopped to the workers
        WakeSleepers();
        foreach (var worker in _workers)
        {
            // Only work running on the team could be a worker here; it must not wait for itself.
            if (worker != Thread.CurrentThread) worker.Join();
        }
    }

    // One reusable work object per kind of work, made on first use: running work allocates nothing after that.
    private readonly System.Collections.Generic.Dictionary<Type, TeamWork> _works = new();

    /// <summary>The team's work object of that kind, to fill and run while the caller owns the team.</summary>
    internal T WorkOf<T>() where T : TeamWork, new()
    {
        if (!_works.TryGetValue(typeof(T), out var work)) _works[typeof(T)] = work = new T();
        return (T)work;
    }

    private void Work(int part)
    {
        int seen = 0;
        while (true)
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _generation) == seen)
            {
                // Pause instructions, not SpinWait.SpinOnce: its yields and sleeps are system calls that delayed
                // the start of a part by 10-40 µs, longer than many layers take.
                if (System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
                {
                    continue;
                }
                Interlocked.Exchange(ref _asleep[part], 1);
                // Still no new work: Run will clear the flag and release. New work: take the flag back, unless Run
                // took it first, in which case its release is (or will be) there for this thread to take.
                if (Volatile.Read(ref _generation) == seen || Interlocked.Exchange(ref _asleep[part], 0) == 0) _wakes[part].Wait();
            }
            seen = Volatile.Read(ref _generation);
            if (Volatile.Read(ref _stopped)) return;
            _work!.Execute(part, Threads);
            Interlocked.Decrement(ref _pending);
        }
    }
}
