using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

public class WorkerTeamTests
{
    [Fact]
    public async Task Every_part_runs_once_also_after_the_workers_blocked()
    {
        var team = new WorkerTeam(3);
        var work = new CountingWork();
        // Pauses longer than the workers' 2 ms of spinning, so that most runs wake blocked workers; a lost
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
                for (int part = 0; part < 3; part++) Assert.Equal(round, work.Runs[part]);
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
        Assert.Throws<InvalidOperationException>(() => team.Run(new CountingWork()));
    }

    [Theory]
    [InlineData(0)]   // workers still spinning after their last work
    [InlineData(20)]  // workers blocked (they spin 2 ms)
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

        var work = new CountingWork();
        team.Run(work);   // the owner's work still runs on every thread
        Assert.Equal([1, 1, 1], work.Runs);
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
        Assert.Throws<ObjectDisposedException>(() => team.Run(new CountingWork()));
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
            var work = new CountingWork();
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
                    for (int part = 0; part < 3; part++) work.Execute(part, 3);
                }
                for (int part = 0; part < 3; part++) Assert.Equal(call, work.Runs[part]);
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

    /// <summary>Runs one piece of work on the team and returns the background threads that ran its parts.</summary>
    private static Thread[] RunOnce(WorkerTeam team)
    {
        var work = new ThreadRecordingWork(team.Threads);
        Assert.True(team.TryAcquire());
        try
        {
            team.Run(work);
        }
        finally
        {
            team.Release();
        }
        return work.Threads.Skip(1).Select(thread => thread!).ToArray();
    }

    private sealed class CountingWork : TeamWork
    {
        public int[] Runs { get; } = new int[3];

        public override void Execute(int part, int parts) => Interlocked.Increment(ref Runs[part]);
    }

    private sealed class ThreadRecordingWork(int parts) : TeamWork
    {
        public Thread?[] Threads { get; } = new Thread?[parts];

        public override void Execute(int part, int parts) => Threads[part] = Thread.CurrentThread;
    }
}
