using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

public class WorkerTeamTests
{
    [Fact]
    public async Task Every_part_runs_once_also_after_the_workers_blocked()
    {
        var team = new WorkerTeam(3);
        var work = new CountingWork(team.Parts);
        // Pauses longer than the workers' 0.2 ms of spinning, so that most runs wake blocked workers; a lost
        // wake-up would leave Run waiting forever, which the timeout turns into a failure.
        var rounds = Task.Run(() =>
        {
            for (int round = 1; round <= 40; round++)
            {
                if (round % 2 == 0) Thread.Sleep(4);
                Assert.True(team.TryAcquire());
                try
                {
                    team.Run(work);
                }
                finally
                {
                    team.Release();
                }
                for (int part = 0; part < team.Parts; part++) Assert.Equal(round, work.Runs[part]);
            }
        });
        var finished = await Task.WhenAny(rounds, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(finished == rounds, "A run did not finish: a worker was not woken.");
        await rounds;
    }

    [Fact]
    public void Running_without_the_team_is_rejected()
    {
        var team = new WorkerTeam(2);
        Assert.Throws<InvalidOperationException>(() => team.Run(new CountingWork(team.Parts)));
    }

    [Theory]
    [InlineData(0)]   // workers still spinning after their last work
    [InlineData(20)]  // workers blocked (they spin 0.2 ms)
    public void Dispose_ends_every_worker(int pauseMilliseconds)
    {
        var team = new WorkerTeam(3);
        var workers = RunOnce(team);
        Assert.All(workers, worker => Assert.True(worker.IsAlive && worker.IsBackground));
        Thread.Sleep(pauseMilliseconds);

        team.Dispose();

        // Dispose of a free team joins its workers: they have ended when it returns.
        Assert.All(workers, worker => Assert.False(worker.IsAlive, $"{worker.Name} still runs after Dispose."));
        Assert.False(team.TryAcquire());
        team.Dispose();   // twice: nothing more to do
    }

    [Fact]
    public void Dispose_of_a_team_in_use_stops_the_workers_when_the_owner_releases_it()
    {
        var team = new WorkerTeam(3);
        var workers = RunOnce(team);
        Assert.True(team.TryAcquire());

        team.Dispose();   // returns at once: the owner is still using the team

        var work = new CountingWork(team.Parts);
        team.Run(work);   // the owner's work still runs, every part once
        Assert.All(work.Runs, runs => Assert.Equal(1, runs));
        Assert.All(workers, worker => Assert.True(worker.IsAlive));
        team.Release();
        Assert.All(workers, worker => Assert.False(worker.IsAlive, $"{worker.Name} still runs after Release."));
        Assert.False(team.TryAcquire());
    }

    [Fact]
    public void A_team_of_one_thread_can_be_disposed()
    {
        var team = new WorkerTeam(1);
        Assert.False(team.TryAcquire());
        team.Dispose();
        team.Dispose();
        Assert.False(team.TryAcquire());
    }

    [Fact]
    public void Running_work_after_Dispose_is_rejected_rather_than_waiting_forever()
    {
        var team = new WorkerTeam(2);
        team.Dispose();
        Assert.Throws<ObjectDisposedException>(() => team.Run(new CountingWork(team.Parts)));
    }

    [Fact]
    public async Task Dispose_while_other_threads_use_the_team_neither_hangs_nor_loses_work()
    {
        var team = new WorkerTeam(3);
        var workers = RunOnce(team);
        using var started = new CountdownEvent(2);
        // Two callers that take the team when they can and work alone when they cannot, as the kernels do; each
        // call must run every part exactly once whether the team is disposed before, during or after it.
        var callers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var work = new CountingWork(team.Parts);
            for (int call = 1; call <= 2000; call++)
            {
                if (call == 10) started.Signal();
                if (team.TryAcquire())
                {
                    try
                    {
                        team.Run(work);
                    }
                    finally
                    {
                        team.Release();
                    }
                }
                else
                {
                    for (int part = 0; part < team.Parts; part++) work.Execute(part, team.Parts);
                }
                for (int part = 0; part < team.Parts; part++) Assert.Equal(call, work.Runs[part]);
            }
        })).ToArray();
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "The callers did not start.");
        team.Dispose();

        var all = Task.WhenAll(callers);
        var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(finished == all, "A caller did not finish after Dispose.");
        await all;
        Assert.All(workers, worker => Assert.False(worker.IsAlive, $"{worker.Name} still runs after Dispose and the last Release."));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(WorkerTeam.MaxThreads + 1)]
    [InlineData(int.MaxValue)]
    public void Thread_counts_outside_1_to_the_limit_are_rejected_naming_the_range(int threads)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerTeam(threads));
        Assert.Equal("threads", error.ParamName);
        Assert.Contains($"1 to {WorkerTeam.MaxThreads}", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(WorkerTeam.MaxThreads)]
    public void A_team_has_at_most_one_thread_per_processor(int threads)
    {
        using var team = new WorkerTeam(threads);
        Assert.Equal(Math.Min(threads, Environment.ProcessorCount), team.Threads);
        Assert.Equal(team.Threads * 4, team.Parts);
    }

    [Fact]
    public void Idle_workers_block_instead_of_spinning()
    {
        using var team = new WorkerTeam(2);
        var workers = RunOnce(team);
        // They spin 0.2 ms after their last part, then wait on their semaphore; a busy machine may take a while to
        // give them that long, so look for up to 10 s. The semaphore itself spins briefly before it blocks, with short
        // sleeps that show as WaitSleepJoin too (a CI run saw a worker "blocked", then running): so the workers must be
        // seen blocked five times in a row, 10 ms apart.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        int seen = 0;
        while (seen < 5 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(10);
            seen = workers.All(Blocked) ? seen + 1 : 0;
        }
        Assert.All(workers, worker => Assert.True(Blocked(worker), $"{worker.Name} is {worker.ThreadState}, not blocked."));

        static bool Blocked(Thread worker) => (worker.ThreadState & ThreadState.WaitSleepJoin) != 0;
    }

    [Fact]
    public void Parts_of_a_stalled_thread_are_taken_by_the_caller()
    {
        using var team = new WorkerTeam(2);
        if (team.Threads < 2) return;   // one processor: no background thread to stall
        var caller = Thread.CurrentThread;
        int stalls = 0;
        // The first part the background thread claims stalls (as if the system had descheduled it) until the
        // caller has run every other part: with shares fixed in advance, this run would never end. The caller's
        // first part waits for that stall to begin.
        var work = new DelegateWork(team.Parts, (part, runs) =>
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            if (Thread.CurrentThread == caller)
            {
                while (Volatile.Read(ref stalls) == 0 && waited.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(1);
                return;
            }
            if (Interlocked.Increment(ref stalls) != 1) return;
            while (runs.Sum() < team.Parts - 1 && waited.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(1);
        });
        Assert.True(team.TryAcquire());
        try
        {
            team.Run(work);
        }
        finally
        {
            team.Release();
        }
        Assert.All(work.Runs, runs => Assert.Equal(1, runs));
        Assert.Equal(team.Parts - 1, work.RunsBy(caller));
    }

    [Fact]
    public void While_priming_each_thread_runs_exactly_its_own_parts()
    {
        using var team = new WorkerTeam(2);
        if (team.Threads < 2) return;   // one processor: no background thread
        var caller = Thread.CurrentThread;
        // Parts that take no time and a worker blocked for long (its spinning ends after 0.2 ms): unprimed, the caller
        // takes every part before the worker wakes.
        var work = new DelegateWork(team.Parts, (_, _) => { });
        Thread.Sleep(20);
        Assert.True(team.BeginPriming());
        Assert.False(team.BeginPriming());   // one call primes
        Assert.True(team.TryAcquire());
        try
        {
            team.Run(work);
        }
        finally
        {
            team.Release();
        }
        team.EndPriming();

        Assert.All(work.Runs, runs => Assert.Equal(1, runs));
        for (int part = 0; part < team.Parts; part++)
        {
            Assert.True((part < team.Parts / team.Threads) == (work.ThreadOf(part) == caller), $"part {part} ran on the wrong thread");
        }
        Assert.False(team.BeginPriming());   // primed once for good
    }

    [Fact]
    public void A_batch_of_one_image_primes_the_team_as_a_one_image_Forward_does()
    {
        using var team = new WorkerTeam(2);
        if (team.Threads < 2) return;
        var output = new float[1];
        BatchRunner.Run(team, new ImageRecorder(1), new float[] { 0 }, 1, output, 1, 1);
        Assert.False(team.BeginPriming());   // primed by that call
        Assert.Equal(0, output[0]);
    }

    [Fact]
    public void The_first_batch_gives_every_thread_an_image_of_its_own()
    {
        using var team = new WorkerTeam(2);
        if (team.Threads < 2) return;
        var network = new ImageRecorder(4);
        Thread.Sleep(20);   // the worker blocked
        var outputs = new float[4];
        BatchRunner.Run(team, network, new float[] { 0, 1, 2, 3 }, 1, outputs, 1, 4);

        // Thread t's own images are t, t + 2, ...: images 0 and 2 on the caller, 1 and 3 on the worker.
        Assert.Equal(Thread.CurrentThread, network.Threads[0]);
        Assert.Equal(Thread.CurrentThread, network.Threads[2]);
        Assert.NotEqual(Thread.CurrentThread, network.Threads[1]);
        Assert.Equal(network.Threads[1], network.Threads[3]);
        Assert.Equal(new float[] { 0, 1, 2, 3 }, outputs);
    }

    /// <summary>Runs work on the team until every background thread has run a part of it, and returns those threads.</summary>
    private static Thread[] RunOnce(WorkerTeam team)
    {
        var work = new ThreadRecordingWork(team.Parts);
        for (int round = 0; round < 100 && work.Threads.Distinct().Count(thread => thread is not null && thread != Thread.CurrentThread) < team.Threads - 1; round++)
        {
            Assert.True(team.TryAcquire());
            try
            {
                team.Run(work);
            }
            finally
            {
                team.Release();
            }
        }
        var workers = work.Threads.Where(thread => thread is not null && thread != Thread.CurrentThread).Distinct().Select(thread => thread!).ToArray();
        Assert.Equal(team.Threads - 1, workers.Length);
        return workers;
    }

    private sealed class CountingWork(int parts) : TeamWork
    {
        public int[] Runs { get; } = new int[parts];

        public override void Execute(int part, int parts) => Interlocked.Increment(ref Runs[part]);
    }

    private sealed class ThreadRecordingWork(int parts) : TeamWork
    {
        public Thread?[] Threads { get; } = new Thread?[parts];

        public override void Execute(int part, int parts)
        {
            // Parts that take a while, so that no thread runs them all before the others wake.
            Thread.Sleep(1);
            Threads[part] = Thread.CurrentThread;
        }
    }

    private sealed class DelegateWork(int parts, Action<int, int[]> body) : TeamWork
    {
        private readonly Thread?[] _threads = new Thread?[parts];

        public int[] Runs { get; } = new int[parts];

        public int RunsBy(Thread thread) => _threads.Count(t => t == thread);

        public Thread? ThreadOf(int part) => _threads[part];

        public override void Execute(int part, int parts)
        {
            body(part, Runs);
            _threads[part] = Thread.CurrentThread;
            Interlocked.Increment(ref Runs[part]);
        }
    }

    /// <summary>A network of one-float images, each holding its index: it copies the image and records the thread that ran it.</summary>
    private sealed class ImageRecorder(int images) : IImageNetwork
    {
        public Thread?[] Threads { get; } = new Thread?[images];

        public void ForwardImageOfBatch(ReadOnlySpan<float> input, Span<float> output)
        {
            output[0] = input[0];
            Threads[(int)input[0]] = Thread.CurrentThread;
        }

        public void Dispose()
        {
        }
    }
}
