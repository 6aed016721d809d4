using System.Text.Json;

namespace GroupNetDsl.Benchmarks.Report;

/// <summary>
/// What BenchmarkDotNet does not record about a run: when it started and ended, the machine's load average then (a
/// busy machine makes every number slower and noisier) and whether its two cores were two cores then. Saved beside BenchmarkDotNet's results as run-info.json.
/// </summary>
/// <param name="Started">Start (UTC).</param>
/// <param name="Ended">End (UTC).</param>
/// <param name="LoadBefore">/proc/loadavg's 1-minute load average before the run.</param>
/// <param name="LoadAfter">The same after the run.</param>
/// <param name="Arguments">The BenchmarkDotNet arguments of the run.</param>
/// <param name="CoresBefore">Two threads' FMA throughput against one's just before the run (<see cref="Probe.CoreCheck"/>).</param>
/// <param name="CoresAfter">The same just after it.</param>
public sealed record RunInfo(DateTime Started, DateTime Ended, double? LoadBefore, double? LoadAfter, string Arguments,
    Probe.CoreCheck? CoresBefore = null, Probe.CoreCheck? CoresAfter = null)
{
    private const string FileName = "run-info.json";

    /// <summary>The 1-minute load average, where /proc/loadavg exists.</summary>
    public static double? LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Writes the record into the results folder.</summary>
    public void Save(string resultsDirectory)
    {
        Directory.CreateDirectory(resultsDirectory);
        File.WriteAllText(Path.Combine(resultsDirectory, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The record of the last run, if the results folder has one.</summary>
    public static RunInfo? Load(string resultsDirectory)
    {
        string path = Path.Combine(resultsDirectory, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<RunInfo>(File.ReadAllText(path)) : null;
    }
}
