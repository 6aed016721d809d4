using GroupNetDsl.Benchmarks.Cases;

namespace GroupNetDsl.Benchmarks.Report;

/// <summary>The program's own options; everything else goes to BenchmarkDotNet.</summary>
/// <param name="ReportOnly">Write the report from existing results without running anything.</param>
/// <param name="OutputPath">The markdown file to write.</param>
/// <param name="Commit">The kernels' commit to name in the report, or null to ask git.</param>
/// <param name="WaitForCores">Minutes to wait, before running, for two threads to get two cores' throughput (0: do not wait).</param>
public sealed record ReportOptions(bool ReportOnly, string OutputPath, string? Commit, int WaitForCores)
{
    /// <summary>Takes the program's options out of <paramref name="args"/>.</summary>
    public static ReportOptions Parse(string[] args, out string[] benchmarkArgs)
    {
        bool reportOnly = false;
        string? output = null, commit = null;
        int waitForCores = 0;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--report-only": reportOnly = true; break;
                case "--output": output = Value(args, ref i); break;
                case "--commit": commit = Value(args, ref i); break;
                case "--wait-for-cores": waitForCores = int.Parse(Value(args, ref i), System.Globalization.CultureInfo.InvariantCulture); break;
                default: rest.Add(args[i]); break;
            }
        }
        benchmarkArgs = [.. rest];
        output ??= Path.Combine(RepositoryPaths.FindRoot() ?? Environment.CurrentDirectory, "docs", "benchmarks.md");
        return new ReportOptions(reportOnly, Path.GetFullPath(output), commit, waitForCores);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
