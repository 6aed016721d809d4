using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace GroupNetDsl.TestSupport.Fuzzing;

/// <summary>
/// Runs fuzz cases in a child process (the fuzz worker, tests/GroupNetDsl.FuzzWorker), so that what would end the
/// test run, a crash (access violation, stack overflow, abort) or an input that never finishes, fails one case
/// instead. The cases go in runs of <c>batchSize</c>, one <see cref="WorkerLines.Run"/> line each; the worker says
/// which case each step belongs to (<see cref="WorkerLines"/>). When the worker dies, or a step runs past the hang
/// limit, the case of that step is a failure, the worker is started again and the run goes on after it; a step shared
/// by the run (the Roslyn compile) is retried with each case alone, to find the one to blame.
/// </summary>
/// <remarks>
/// The hang limit counts the worker's processor time from the start of the step (on a machine shared with other
/// builds, wall time measures the neighbours too), with ten times as much wall time as a backstop for a worker that
/// waits instead of working.
/// </remarks>
public sealed class ChildProcessFuzz(string workerPath, string mode, TimeSpan hangLimit)
{
    /// <summary>The hang limit of every step of every input.</summary>
    public static readonly TimeSpan DefaultHangLimit = TimeSpan.FromSeconds(5);

    // A worker serves this many runs, then a fresh one takes over, so no slow leak builds up across a long run.
    private const int RunsPerWorker = 1000;

    /// <summary>Runs cases 0 to <paramref name="count"/> - 1 of <paramref name="seed"/>.</summary>
    public ChildProcessReport Run(ulong seed, long count, int batchSize)
    {
        var report = new ChildProcessReport(count);
        var clock = Stopwatch.StartNew();
        var pending = new LinkedList<(long First, int Count)>();
        for (long first = 0; first < count; first += batchSize) pending.AddLast((first, (int)Math.Min(batchSize, count - first)));

        Worker? worker = null;
        int runs = 0, batches = 0;
        try
        {
            while (pending.First is { } next)
            {
                pending.RemoveFirst();
                var (first, n) = next.Value;
                if (worker is null || runs == RunsPerWorker)
                {
                    worker?.Dispose();
                    worker = Worker.Start(workerPath, mode);
                    report.WorkersStarted++;
                    runs = 0;
                }
                runs++;
                worker.Send(WorkerLines.Run(seed, first, n));
                if (!Follow(worker, seed, first, n, report, pending))
                {
                    worker.Dispose();
                    worker = null;
                }
                if (++batches % 50 == 0) FuzzRun.Log($"{mode} seed {seed}: cases up to {first + n} of {count} after {clock.Elapsed.TotalSeconds:0} s; {report.Outcomes()}");
            }
        }
        finally
        {
            worker?.Dispose();
        }
        report.Elapsed = clock.Elapsed;
        FuzzRun.Log($"{mode} seed {seed}: done, {report}");
        return report;
    }

    /// <summary>Reads one run's lines; false when the worker died or hung (the rest of the run is queued again).</summary>
    private bool Follow(Worker worker, ulong seed, long first, int n, ChildProcessReport report, LinkedList<(long First, int Count)> pending)
    {
        long current = -1;
        string stage = "start";
        while (true)
        {
            var (line, outcome) = worker.ReadLine(hangLimit);
            if (line is null)
            {
                string what = outcome == Outcome.Hang ? $"hang: the step '{stage}' ran past {hangLimit.TotalSeconds:0.#} s" : $"crash: the worker exited with code {worker.ExitCode()}";
                string detail = $"{what}\n{worker.ErrorTail()}";
                if (stage == WorkerLines.Batch && n > 1)
                {
                    // A step of the whole run: each case alone finds the one to blame.
                    for (long index = first + n - 1; index >= first; index--) pending.AddFirst((index, 1));
                }
                else
                {
                    long blamed = current < 0 || stage == WorkerLines.Batch ? first : current;
                    report.Add(new ChildProcessFailure(seed, blamed, outcome == Outcome.Hang ? "hang" : "crash", detail));
                    if (blamed + 1 < first + n) pending.AddFirst((blamed + 1, (int)(first + n - blamed - 1)));
                    // Cases before it passed the first stage only: they go again.
                    if (stage == "compile" && blamed > first) pending.AddFirst((first, (int)(blamed - first)));
                }
                return false;
            }

            string[] parts = line.Split(' ', 3);
            switch (parts[0])
            {
                case "begin":
                    current = long.Parse(parts[1], CultureInfo.InvariantCulture);
                    stage = parts[2];
                    break;
                case WorkerLines.Batch:
                    stage = WorkerLines.Batch;
                    break;
                case "fail":
                    report.Add(new ChildProcessFailure(seed, long.Parse(parts[1], CultureInfo.InvariantCulture), "exception", parts.Length > 2 ? parts[2] : ""));
                    break;
                case "end":
                    foreach (string counter in line.Split(' ').Skip(1))
                    {
                        int equals = counter.IndexOf('=', StringComparison.Ordinal);
                        report.Count(counter[..equals], long.Parse(counter[(equals + 1)..], CultureInfo.InvariantCulture));
                    }
                    return true;
                default:
                    throw new InvalidOperationException($"The worker wrote an unknown line: {line}");
            }
        }
    }

    private enum Outcome
    {
        Line,
        Exited,
        Hang,
    }

    /// <summary>A running worker process: its standard output as a queue of lines, the end of its standard error.</summary>
    private sealed class Worker : IDisposable
    {
        private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(2);

        private readonly Process _process;
        private readonly BlockingCollection<string?> _lines = new();
        private readonly StringBuilder _errors = new();

        private Worker(Process process)
        {
            _process = process;
            var reader = new Thread(() =>
            {
                while (_process.StandardOutput.ReadLine() is { } line) _lines.Add(line);
                _lines.Add(null);
            })
            { IsBackground = true };
            reader.Start();
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_errors)
                {
                    _errors.Append(e.Data).Append('\n');
                    if (_errors.Length > 8000) _errors.Remove(0, _errors.Length - 4000);
                }
            };
            _process.BeginErrorReadLine();
        }

        public static Worker Start(string path, string mode)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(path);
            start.ArgumentList.Add(mode);
            // A worker that allocates without bound fails inside itself, not on the shared machine.
            start.Environment["DOTNET_GCHeapHardLimit"] = "0xC0000000";
            var worker = new Worker(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}."));
            var (line, _) = worker.ReadLine(StartLimit);
            if (line != WorkerLines.Ready)
            {
                worker.Dispose();
                throw new InvalidOperationException($"The fuzz worker did not start ({line ?? "no answer"}):\n{worker.ErrorTail()}");
            }
            return worker;
        }

        public void Send(string line) => _process.StandardInput.WriteLine(line);

        /// <summary>The next line, or null with why: the worker exited, or used <paramref name="limit"/> of processor time (or ten times that of wall time).</summary>
        public (string? Line, Outcome Outcome) ReadLine(TimeSpan limit)
        {
            var processorAtStart = ProcessorTime();
            var wall = Stopwatch.StartNew();
            while (true)
            {
                if (_lines.TryTake(out string? line, TimeSpan.FromMilliseconds(100))) return line is null ? (null, Outcome.Exited) : (line, Outcome.Line);
                if (ProcessorTime() - processorAtStart > limit || wall.Elapsed > limit * 10) return (null, Outcome.Hang);
            }
        }

        public string ExitCode()
        {
            // The timed wait does not wait for the error stream's last lines (the crash message); the untimed one
            // does, once the process is gone.
            if (_process.WaitForExit(5000)) _process.WaitForExit();
            return _process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "unknown";
        }

        public string ErrorTail()
        {
            lock (_errors) return _errors.ToString().Trim();
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            _process.Dispose();
        }

        private TimeSpan ProcessorTime()
        {
            try
            {
                _process.Refresh();
                return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone, possibly between HasExited and reading /proc (a Win32Exception then).
                return TimeSpan.Zero;
            }
        }
    }
}

/// <summary>One case that failed in the child process: a crash, a hang, or an exception its property forbids.</summary>
public sealed record ChildProcessFailure(ulong Seed, long Case, string Kind, string Message);

/// <summary>What a <see cref="ChildProcessFuzz"/> run did: the cases, the worker's counters, the failures.</summary>
public sealed class ChildProcessReport(long inputs)
{
    private readonly SortedDictionary<string, long> _counters = new(StringComparer.Ordinal);
    private readonly List<ChildProcessFailure> _failures = [];

    public long Inputs { get; } = inputs;

    public IReadOnlyDictionary<string, long> Counters => _counters;

    public IReadOnlyList<ChildProcessFailure> Failures => _failures;

    public int WorkersStarted { get; set; }

    public TimeSpan Elapsed { get; set; }

    public long Counter(string name) => _counters.GetValueOrDefault(name);

    public void Count(string name, long count) => _counters[name] = _counters.GetValueOrDefault(name) + count;

    public void Add(ChildProcessFailure failure)
    {
        _failures.Add(failure);
        FuzzRun.Log($"{failure.Kind} at case {failure.Case} of seed {failure.Seed}: {failure.Message}");
    }

    public int CountOf(string kind) => _failures.Count(f => f.Kind == kind);

    /// <summary>The worker's counters and the failures by kind.</summary>
    public string Outcomes() =>
        $"{WorkersStarted} worker(s); " + string.Join(", ", _counters.Select(c => $"{c.Key} {c.Value}"))
        + $"; {CountOf("crash")} crashes, {CountOf("hang")} hangs, {CountOf("exception")} exceptions";

    public override string ToString() =>
        $"{Inputs} inputs in {Elapsed.TotalSeconds:0.0} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 0.001):0} per second), {Outcomes()}";
}
