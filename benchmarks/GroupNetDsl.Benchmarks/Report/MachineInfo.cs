using System.Diagnostics;
using System.Runtime.InteropServices;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Engines;

namespace GroupNetDsl.Benchmarks.Report;

/// <summary>What the numbers were measured on and with.</summary>
/// <param name="Processor">lscpu's model name.</param>
/// <param name="LogicalCores">Logical processors.</param>
/// <param name="Runtime">The .NET runtime the benchmarks ran on.</param>
/// <param name="OnnxRuntimeVersion">The ONNX Runtime native library's version.</param>
/// <param name="BenchmarkDotNetVersion">BenchmarkDotNet's version.</param>
/// <param name="OperatingSystem">The operating system.</param>
/// <param name="HardwareIntrinsics">The instruction sets the JIT may use, as BenchmarkDotNet reports them.</param>
/// <param name="KernelsCommit">The commit whose kernels were measured.</param>
/// <param name="Date">The date of the report (UTC).</param>
public sealed record MachineInfo(
    string Processor, int LogicalCores, string Runtime, string OnnxRuntimeVersion, string BenchmarkDotNetVersion,
    string OperatingSystem, string HardwareIntrinsics, string KernelsCommit, DateTime Date)
{
    /// <summary>Reads the machine, prefering what BenchmarkDotNet recorded in its results.</summary>
    public static MachineInfo Collect(BenchmarkResults results, string? commit) => new(
        Processor: LscpuModelName() ?? results.Host.GetValueOrDefault("ProcessorName", "unknown"),
        LogicalCores: Environment.ProcessorCount,
        Runtime: results.Host.GetValueOrDefault("RuntimeVersion", RuntimeInformation.FrameworkDescription),
        OnnxRuntimeVersion: OnnxRuntimeEngine.Version,
        BenchmarkDotNetVersion: results.Host.GetValueOrDefault("BenchmarkDotNetVersion", "?"),
        OperatingSystem: results.Host.GetValueOrDefault("OsVersion", RuntimeInformation.OSDescription),
        HardwareIntrinsics: results.Host.GetValueOrDefault("HardwareIntrinsics", "?"),
        KernelsCommit: commit ?? GitCommit() ?? "unknown",
        Date: DateTime.UtcNow);

    private static string? LscpuModelName()
    {
        string? output = Run("lscpu", null);
        string? line = output?.Split('\n').FirstOrDefault(l => l.StartsWith("Model name:", StringComparison.Ordinal));
        return line?["Model name:".Length..].Trim();
    }

    // "abc1234", or "abc1234 + uncommitted changes to the runtime, the emitter or the generator" when the code under test
    // differs from the commit.
    private static string? GitCommit()
    {
        string? root = RepositoryPaths.FindRoot();
        if (root is null) return null;
        string? head = Run("git", $"-C \"{root}\" rev-parse --short HEAD")?.Trim();
        if (string.IsNullOrEmpty(head)) return null;
        string? dirty = Run("git", $"-C \"{root}\" status --porcelain -- src/GroupNetDsl src/GroupNetDsl.Language generator")?.Trim();
        return string.IsNullOrEmpty(dirty) ? head : head + " + uncommitted changes to the runtime, the emitter or the generator";
    }

    private static string? Run(string program, string? arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments ?? "") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
