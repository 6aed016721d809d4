namespace GroupNetDsl.Benchmarks.Engines;

/// <summary>
/// Other load on the machine: a thread that spins without pause on one core until disposed, the way a busy process
/// would. The engines' threads then share the cores with it, and a thread of theirs may be descheduled mid-layer.
/// </summary>
public sealed class BusyCore : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;

    private BusyCore()
    {
        _thread = new Thread(Spin) { IsBackground = true, Name = "busy core" };
        _thread.Start();
    }

    /// <summary>Starts the spinning thread.</summary>
    public static BusyCore Start() => new();

    /// <summary>Stops the spinning thread and waits for it.</summary>
    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Spin()
    {
        long count = 0;
        while (!_stop) count++;
        GC.KeepAlive(count);
    }
}
