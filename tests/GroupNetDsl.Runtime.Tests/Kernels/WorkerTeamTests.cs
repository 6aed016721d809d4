using System;
using System.Threading;
using System.Threading.Tasks;
using GroupNetDsl.Kernels;
using Xunit;

namespace GroupNetDsl.Runtime.Tests.Kernels;

public class WorkerTeamTests
{
    [Fact]
    public async Task EveryPartRunsOnceAlsoAfterTheWorkersBlocked()
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
    public void RunningWithoutTheTeamIsRejected()
    {
        var team = new WorkerTeam(2);
        Assert.Throws<InvalidOperationException>(() => team.Run(new CountingWork()));
    }

    private sealed class CountingWork : TeamWork
    {
        public int[] Runs { get; } = new int[3];

        public override void Execute(int part, int parts) => Interlocked.Increment(ref Runs[part]);
    }
}
