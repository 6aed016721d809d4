using GroupNetDsl.TestSupport.Fuzzing;

namespace GroupNetDsl.FuzzWorker;

/// <summary>Writes the worker's side of <see cref="WorkerLines"/> and counts what a run did.</summary>
public sealed class Reporter(TextWriter? output)
{
    private readonly Dictionary<string, long> _counters = new(StringComparer.Ordinal);

    /// <summary>Writes nothing: for the warm-up, which must fail loudly instead.</summary>
    public static Reporter Silent => new(null);

    public void Begin(long index, string stage) => output?.WriteLine(WorkerLines.Begin(index, stage));

    public void Batch() => output?.WriteLine(WorkerLines.Batch);

    public void Fail(long index, string message)
    {
        if (output is null) throw new InvalidOperationException($"The warm-up failed: {message}");
        output.WriteLine(WorkerLines.Fail(index, message));
    }

    public void Count(string name, long count = 1) => _counters[name] = _counters.GetValueOrDefault(name) + count;

    public void End()
    {
        output?.WriteLine(WorkerLines.End(_counters));
        _counters.Clear();
    }
}
