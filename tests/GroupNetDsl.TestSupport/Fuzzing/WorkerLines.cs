using System.Globalization;

namespace GroupNetDsl.TestSupport.Fuzzing;

/// <summary>
/// The line protocol between <see cref="ChildProcessFuzz"/> and the fuzz worker (tests/GroupNetDsl.FuzzWorker).
/// The parent writes <c>run SEED FIRST COUNT</c>; the worker answers <c>ready</c> once when it has warmed up, then per
/// run <c>begin CASE STAGE</c> before each step of one input, <c>batch</c> before a step shared by the run's inputs
/// (the Roslyn compile), <c>fail CASE MESSAGE</c> for an input that broke a property, and <c>end NAME=COUNT ...</c>.
/// </summary>
public static class WorkerLines
{
    public const string Ready = "ready";

    public const string Batch = "batch";

    public static string Run(ulong seed, long first, int count) => string.Create(CultureInfo.InvariantCulture, $"run {seed} {first} {count}");

    public static string Begin(long index, string stage) => string.Create(CultureInfo.InvariantCulture, $"begin {index} {stage}");

    /// <summary>The message on one line: line breaks and other control characters escaped.</summary>
    public static string Fail(long index, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"fail {index} ") + string.Concat(message.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    public static string End(IReadOnlyDictionary<string, long> counters) =>
        "end" + string.Concat(counters.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => string.Create(CultureInfo.InvariantCulture, $" {c.Key}={c.Value}")));
}
