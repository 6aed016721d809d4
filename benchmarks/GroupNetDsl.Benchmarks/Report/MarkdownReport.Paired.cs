using System.Text;
using GroupNetDsl.Benchmarks.Probe;

namespace GroupNetDsl.Benchmarks.Report;

/// <summary>The section of ORT/ours from alternating rounds (<see cref="PairedRounds"/>).</summary>
public static partial class MarkdownReport
{
    private static void WritePaired(StringBuilder page, IReadOnlyList<PairedResult> paired)
    {
        if (paired.Count == 0) return;
        page.AppendLine("## ORT/ours in alternating rounds");
        page.AppendLine();
        page.AppendLine("The tables above divide two BenchmarkDotNet means taken minutes apart; on a shared host the load changes in between. Here, after");
        page.AppendLine(Invariant, $"the BenchmarkDotNet cases, each network and each layer with a target ran {paired[0].Rounds} rounds at batch 1, each round timing ours and then ONNX Runtime (or the other way");
        page.AppendLine("round, in turn) for at least 100 ms each, so both numbers of a round share the host's state. \"ORT/ours\" is the median of the");
        page.AppendLine("rounds' ratios, the times the medians of the rounds' means; \"lowest\" and \"highest\" are the extreme rounds. The ratio");
        page.AppendLine("targets of issue 16 are judged on this median (`--paired [name]` runs it alone).");
        page.AppendLine();
        page.AppendLine("| network | threads | ours | ORT | ORT/ours | lowest | highest |");
        page.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in paired)
        {
            page.AppendLine(Invariant,
                $"| {result.Network} | {result.Threads} | {Time(result.OursMicroseconds)} | {Time(result.OrtMicroseconds)} | {result.Ratio:0.00} | {result.LowestRatio:0.00} | {result.HighestRatio:0.00} |");
        }
        page.AppendLine();
    }
}
