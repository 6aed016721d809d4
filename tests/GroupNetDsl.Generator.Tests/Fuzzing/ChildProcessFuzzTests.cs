using System.Text;
using GroupNetDsl.FuzzWorker;
using GroupNetDsl.TestSupport.Fuzzing;
using Xunit.Abstractions;

namespace GroupNetDsl.Generator.Tests.Fuzzing;

/// <summary>
/// The full chain in a child process (<see cref="ChildProcessFuzz"/>, the worker is tests/GroupNetDsl.FuzzWorker):
/// .gnet inputs through compile, emit, a Roslyn compile and Load and Forward (<see cref="FullChain"/>), and weight files
/// through the generated MiniGroupNet's Load (<see cref="WeightFileLoads"/>). A crash, a step past the 5 s hang limit or
/// an exception other than <c>WeightFileException</c> fails the test with the case's input, written to a file. Counts
/// scale with <see cref="FuzzRun.IterationsVariable"/>.
/// </summary>
public sealed class ChildProcessFuzzTests(ITestOutputHelper output)
{
    private static readonly string WorkerPath = Path.Combine(AppContext.BaseDirectory, "GroupNetDsl.FuzzWorker.dll");

    [Fact]
    public void Gnet_inputs_through_the_full_chain_in_a_child_process_never_crash_hang_or_throw()
    {
        var report = new ChildProcessFuzz(WorkerPath, "gnet", ChildProcessFuzz.DefaultHangLimit).Run(FuzzRun.Seed, 128L * FuzzRun.Factor, 64);
        output.WriteLine($"full chain: {report}");
        AssertNoFailures(report, failure => ("gnet", Encoding.UTF8.GetBytes(FuzzRun.Draw(GnetInputs.Any, failure.Seed, failure.Case))));

        // The chain must reach Forward often, or the property would only test the compiler's errors.
        Assert.InRange(report.Counter("ran"), report.Inputs / 5, report.Inputs);
    }

    [Fact]
    public void Weight_files_through_a_generated_networks_Load_in_a_child_process_only_throw_WeightFileException()
    {
        var report = new ChildProcessFuzz(WorkerPath, "weights", ChildProcessFuzz.DefaultHangLimit).Run(FuzzRun.Seed, 500L * FuzzRun.Factor, 500);
        output.WriteLine($"weight files through MiniGroupNet.Load: {report}");
        AssertNoFailures(report, failure => ("safetensors", FuzzRun.Draw(WeightFileLoads.Files, failure.Seed, failure.Case)));

        // Both outcomes must occur, or one of the paths would go untested.
        Assert.InRange(report.Counter("loaded"), report.Inputs / 20, report.Inputs - (report.Inputs / 20));
        Assert.Equal(report.Inputs, report.Counter("loaded") + report.Counter("rejected"));
    }

    [Theory]
    [InlineData("crash")]
    [InlineData("hang")]
    public void A_crash_or_a_hang_fails_its_case_and_the_run_goes_on(string mode)
    {
        // The self-test worker ends the process (or spins) at every odd case.
        var report = new ChildProcessFuzz(WorkerPath, mode, TimeSpan.FromSeconds(0.5)).Run(7, 5, 5);

        Assert.Equal([(1L, mode), (3L, mode)], report.Failures.Select(f => (f.Case, f.Kind)));
        Assert.Equal(3, report.WorkersStarted);
        Assert.Equal(1, report.Counter("inputs")); // case 4's run; the runs that died report no counts
        if (mode == "crash") Assert.Contains("Self-test crash at case 1", report.Failures[0].Message, StringComparison.Ordinal);
    }

    /// <summary>Fails with every failure and its input, each input also written to a file to replay it.</summary>
    private void AssertNoFailures(ChildProcessReport report, Func<ChildProcessFailure, (string Extension, byte[] Bytes)> input)
    {
        if (report.Failures.Count == 0) return;
        string folder = Path.Combine(Path.GetTempPath(), "groupnetdsl-fuzz");
        Directory.CreateDirectory(folder);
        var message = new StringBuilder($"{report.Failures.Count} failing case(s) of {report.Inputs}:\n");
        foreach (var failure in report.Failures.Take(20))
        {
            var (extension, bytes) = input(failure);
            string path = Path.Combine(folder, $"seed{failure.Seed}-case{failure.Case}.{extension}");
            File.WriteAllBytes(path, bytes);
            message.Append($"\n{failure.Kind} at case {failure.Case} of seed {failure.Seed} (input in {path}): {failure.Message}\n");
            if (extension == "gnet") message.Append("Input:\n").Append(Encoding.UTF8.GetString(bytes)).Append('\n');
        }
        output.WriteLine(message.ToString());
        Assert.Fail(message.ToString());
    }
}
