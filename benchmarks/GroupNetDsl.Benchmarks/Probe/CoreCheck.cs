using System.Diagnostics;
using System.Runtime.Intrinsics;
using GroupNetDsl.Benchmarks.Suites;

namespace GroupNetDsl.Benchmarks.Probe;

/// <summary>
/// Whether the machine's two cores are two cores right now: the FMA loop of <see cref="FmaPeakBenchmarks"/> on one thread,
/// then on two threads at once. On this project's 2-vCPU VM the two threads at once made 110 + 110 GMAC/s at some times
/// and 57 + 57 at others (the host had put both vCPUs on one core), and every 2-thread row of a run follows that.
/// </summary>
/// <param name="Alone">GMAC/s of one thread running alone.</param>
/// <param name="Together">GMAC/s of the two threads running at once, added.</param>
public sealed record CoreCheck(double Alone, double Together)
{
    /// <summary>Two threads at once against one alone: 2 with two real cores, 1 when they share one.</summary>
    public double Scaling => Alone > 0 ? Together / Alone : 0;

    /// <summary>Below this scaling, the report says the 2-thread rows ran on less than two cores.</summary>
    public const double TwoCores = 1.8;

    /// <summary>Measures for about <paramref name="milliseconds"/> per phase (alone, then together).</summary>
    public static CoreCheck Measure(int milliseconds = 300)
    {
        Rate(20);
        double alone = Rate(milliseconds);
        double first = 0, second = 0;
        var threads = new[] { new Thread(() => first = Rate(milliseconds)), new Thread(() => second = Rate(milliseconds)) };
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        return new CoreCheck(alone, first + second);
    }

    /// <summary>
    /// Measures, and while the two threads get less than two cores, measures again every 30 seconds for up to
    /// <paramref name="minutes"/> minutes; returns the last check.
    /// </summary>
    public static CoreCheck WaitForTwoCores(int minutes)
    {
        var deadline = DateTime.UtcNow.AddMinutes(minutes);
        while (true)
        {
            var check = Measure();
            Console.WriteLine($"Two threads before the run: {check}");
            if (check.Scaling >= TwoCores || DateTime.UtcNow >= deadline) return check;
            Thread.Sleep(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>GMAC/s of the widest accelerated FMA loop on the calling thread.</summary>
    private static double Rate(int milliseconds)
    {
        var loop = new FmaPeakBenchmarks();
        bool wide = Vector512.IsHardwareAccelerated;
        long macs = wide ? FmaPeakBenchmarks.Vector512MultiplyAccumulates : FmaPeakBenchmarks.Vector256MultiplyAccumulates;
        long calls = 0;
        float sink = 0;
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < milliseconds)
        {
            sink += wide ? loop.Vector512Fma() : loop.Vector256Fma();
            calls++;
        }
        GC.KeepAlive(sink);
        return calls * macs / clock.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary>For the console: "one thread 111 GMAC/s, two at once 220 (1.98x)".</summary>
    public override string ToString() => $"one thread {Alone:0} GMAC/s, two at once {Together:0} ({Scaling:0.00}x)";
}
