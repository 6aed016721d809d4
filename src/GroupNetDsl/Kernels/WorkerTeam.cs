using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace GroupNetDsl.Kernels;

/// <summary>A piece of work a <see cref="WorkerTeam"/> splits into parts, which its threads claim one at a time.</summary>
public abstract class TeamWork
{
    /// <summary>
    /// Runs part <paramref name="part"/> of <paramref name="parts"/>. Parts must not write the same memory, and a part's
    /// results must not depend on <paramref name="parts"/> or on which thread runs it; there may be more parts than
    /// threads (some parts then have nothing to do).
    /// </summary>
    /// <param name="part">The part, 0-based.</param>
    /// <param name="parts">How many parts there are.</param>
    public abstract void Execute(int part, int parts);
}

/// <summary>
/// A fixed team of threads for one network instance: the calling thread plus <c>Threads - 1</c> background threads.
/// Work is split into <see cref="Parts"/> parts that the threads claim as they go, each starting with its own run of
/// parts (the same rows every layer, so it reads what it wrote) and then taking what is left of the others': a thread
/// that the system deschedules holds up only the part it is in. Idle threads spin briefly, then block. Work objects are
/// reused, so running work allocates nothing. Each part computes whole outputs with the same arithmetic as one thread
/// would, so results do not depend on the number of threads.
/// </summary>
/// <remarks>
/// One call at a time uses the team; a second thread that finds it busy runs its work alone (same result).
/// The background threads never keep the process alive, and end on <see cref="Dispose"/>; create one team per
/// network instance, not per call. A team never has more threads than <see cref="Environment.ProcessorCount"/>: more
/// threads than processors only wait for each other.
/// </remarks>
public sealed class WorkerTeam : IDisposable
{
    /// <summary>The largest thread count a team accepts (counts above the processor count are lowered to it).</summary>
    public const int MaxThreads = 1024;

    // Parts per thread: small enough that the others soon take over the rest of a descheduled thread's share, large
    // enough that a part's fixed work (band edges, setup) stays small.
    internal const int PartsPerThread = 4;

    // The kinds of call that prime the team on their first run (see BeginPriming).
    internal const int LayerCalls = 1, BatchCalls = 2;

    // Idle workers spin this long before they block: layers follow each other within microseconds, and waking a
    // blocked thread costs more than a small layer; spinning longer only takes a core from other work.
    private static readonly long WorkerSpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    // The caller spins this long for parts that others are finishing, then blocks, which frees its core for a
    // descheduled holder of a part.
    private static readonly long CallerSpinTicks = Stopwatch.Frequency / 20000; // 50 µs

    // Each thread's claim counter on its own cache line: (generation << 32) | next part of its run.
    private const int ClaimStride = 8;

    // Each background thread that stopped spinning blocks on its own semaphore, with its flag in _asleep set; Run
    // clears the flag and releases that semaphore. (A monitor's wait and pulse had allocated about 200 B once, on a
    // worker, some time after the first wake-ups: 208-224 B in the process over 100 wake-ups, 0 B with semaphores;
    // the benchmarks' memory diagnoser counted it against whichever 2-thread row it fell in. One semaphore for all
    // workers would let a worker that went back to sleep take the permit meant for one not yet awake.)
    private readonly SemaphoreSlim[] _wakes;
    private readonly int[] _asleep;
    private readonly Thread[] _workers;
    private readonly long[] _claims;
    private readonly SemaphoreSlim _callerWake = new(0);
    private int _callerAsleep;
    private int _primedKinds;
    private int _priming;
    private int _busy;
    private int _disposing;
    private bool _stopped;
    private int _generation;
    private int _done;
    private TeamWork? _work;

    /// <summary>Starts a team of <paramref name="threads"/> (the caller counts as one), at most the processor count.</summary>
    /// <param name="threads">1 to <see cref="MaxThreads"/>; above <see cref="Environment.ProcessorCount"/>, the team has that many.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1 or above <see cref="MaxThreads"/>.</exception>
    public WorkerTeam(int threads)
    {
        CheckThreads(threads);
        Threads = Math.Min(threads, Environment.ProcessorCount);
        _wakes = new SemaphoreSlim[Threads];
        _asleep = new int[Threads];
        _claims = new long[Threads * ClaimStride];
        _workers = new Thread[Threads - 1];
        for (int i = 1; i < Threads; i++) _wakes[i] = new SemaphoreSlim(0);
        for (int i = 1; i < Threads; i++)
        {
            int member = i;
            // Background: a team that is never disposed must not keep the process alive.
            _workers[i - 1] = new Thread(() => Work(member)) { IsBackground = true, Name = $"GroupNetDsl worker {member}" };
            _workers[i - 1].Start();
        }
    }

    /// <summary>Throws unless <paramref name="threads"/> is a thread count a team accepts: 1 to <see cref="MaxThreads"/>.</summary>
    /// <param name="threads">A thread count asked for.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1 or above <see cref="MaxThreads"/>.</exception>
    public static void CheckThreads(int threads)
    {
        if (threads < 1 || threads > MaxThreads)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"Use 1 to {MaxThreads} threads (counts above the processor count run on that many).");
        }
    }

    /// <summary>How many threads share the work, the caller included: the count asked for, at most the processor count.</summary>
    public int Threads { get; }

    /// <summary>How many parts each piece of work is split into.</summary>
    public int Parts => Threads * PartsPerThread;

    /// <summary>
    /// Starts the first call of a network on the team: until <see cref="EndPriming()"/>, every run hands each thread only
    /// its own parts. Otherwise a thread that wakes late finds a small layer's parts all taken and meets that layer, and
    /// allocates its working buffers for it, only at some later call; primed, every thread has allocated its buffers by
    /// the end of the first call, and no call after it allocates. The caller waits for the others' parts instead of
    /// taking them, so a descheduled thread delays that one call. One call primes; a second one at the same time does not.
    /// </summary>
    /// <returns>True when this call primes the team and must call <see cref="EndPriming()"/> when its layers are done.</returns>
    public bool BeginPriming() => BeginPriming(LayerCalls);

    /// <summary>Ends the priming that <see cref="BeginPriming()"/> started; later calls split their work as usual.</summary>
    public void EndPriming() => EndPriming(LayerCalls);

    /// <summary>The same for a kind of call (<see cref="LayerCalls"/>, <see cref="BatchCalls"/>): each kind primes once.</summary>
    internal bool BeginPriming(int kind) => (Volatile.Read(ref _primedKinds) & kind) == 0 && Interlocked.CompareExchange(ref _priming, 1, 0) == 0;

    /// <summary>Ends the priming of that kind of call.</summary>
    internal void EndPriming(int kind)
    {
        Interlocked.Or(ref _primedKinds, kind);
        Volatile.Write(ref _priming, 0);
    }

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

    /// <summary>Runs every part of <paramref name="work"/>, the caller taking parts too. The caller must own the team.</summary>
    /// <param name="work">The work to split.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(TeamWork work)
    {
        if (Volatile.Read(ref _busy) != 1) throw new InvalidOperationException("Acquire the team before running work on it.");
        // After Dispose the team is held for good: no worker would take a part.
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped), this);
        int generation = _generation + 1;
        _work = work;
        _done = 0;
        // Every run of parts starts over, tagged with the new generation: a worker still busy with the last generation
        // cannot claim a part of this one.
        for (int member = 0; member < Threads; member++) Volatile.Write(ref _claims[member * ClaimStride], (long)generation << 32);
        Interlocked.Exchange(ref _generation, generation);   // publishes all of the above to the workers
        WakeSleepers();
        RunParts(0, generation);
        if (Volatile.Read(ref _done) != Parts) WaitForParts();
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

    // Claims and runs parts of the generation: the member's own run first, then what is left of the others' (unless
    // the team is priming: then each thread runs its own run only, and every part still runs exactly once).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunParts(int member, int generation)
    {
        int parts = Parts;
        int owners = Volatile.Read(ref _priming) != 0 ? 1 : Threads;
        for (int i = 0; i < owners; i++)
        {
            int owner = member + i < Threads ? member + i : member + i - Threads;
            int part;
            while ((part = Claim(owner, generation)) >= 0)
            {
                // A claimed part keeps its generation's Run waiting, so _work is still that generation's.
                _work!.Execute(part, parts);
                if (Interlocked.Increment(ref _done) == parts && Interlocked.Exchange(ref _callerAsleep, 0) == 1) _callerWake.Release();
            }
        }
    }

    // The next unclaimed part of the owner's run in this generation, or -1.
    private int Claim(int owner, int generation)
    {
        ref long claim = ref _claims[owner * ClaimStride];
        while (true)
        {
            long seen = Volatile.Read(ref claim);
            int next = (int)seen;
            if ((int)(seen >> 32) != generation || next >= PartsPerThread) return -1;
            if (Interlocked.CompareExchange(ref claim, seen + 1, seen) == seen) return owner * PartsPerThread + next;
        }
    }

    // Waits for the parts that other threads are running: spins briefly, then blocks (freeing the core, so that a
    // descheduled holder of a part can run on it). The flag works as the workers' do; a release left over from an
    // earlier run (its last part's thread saw the flag of this one) only makes this look again.
    private void WaitForParts()
    {
        long deadline = Stopwatch.GetTimestamp() + CallerSpinTicks;
        while (Volatile.Read(ref _done) != Parts)
        {
            // A plain load loop, as the workers' (see there).
            if (Stopwatch.GetTimestamp() < deadline) continue;
            Interlocked.Exchange(ref _callerAsleep, 1);
            if (Volatile.Read(ref _done) != Parts || Interlocked.Exchange(ref _callerAsleep, 0) == 0) _callerWake.Wait();
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

    private void Work(int member)
    {
        int seen = 0;
        while (true)
        {
            long deadline = Stopwatch.GetTimestamp() + WorkerSpinTicks;
            while (Volatile.Read(ref _generation) == seen)
            {
                // A plain load loop: SpinWait.SpinOnce's yields and sleeps are system calls that delayed the start of a
                // part by 10-40 µs, longer than many layers take, and pause instructions slowed the other vCPU.
                if (Stopwatch.GetTimestamp() < deadline) continue;
                Interlocked.Exchange(ref _asleep[member], 1);
                // Still no new work: Run will clear the flag and release. New work: take the flag back, unless Run
                // took it first, in which case its release is (or will be) there for this thread to take.
                if (Volatile.Read(ref _generation) == seen || Interlocked.Exchange(ref _asleep[member], 0) == 0) _wakes[member].Wait();
            }
            seen = Volatile.Read(ref _generation);
            if (Volatile.Read(ref _stopped)) return;
            RunParts(member, seen);
        }
    }
}
