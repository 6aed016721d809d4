using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GroupNetDsl.Analyzers.Tests.Infrastructure;

/// <summary>Runs `dotnet build` on a project, as a user would, and reads the diagnostics from its output.</summary>
internal static partial class DotnetBuild
{
    public sealed record Output(int ExitCode, string Text)
    {
        /// <summary>
        /// The GroupNetDsl diagnostics the build printed, as "path(line,col): severity id: message" with the path
        /// relative to <paramref name="root"/>; each once (MSBuild may repeat them in a summary), by file, line and column.
        /// </summary>
        public IReadOnlyList<string> GroupNetDiagnostics(string root) =>
            Text.Split('\n')
                .Select(line => DiagnosticLine().Match(line.TrimEnd('\r')))
                .Where(match => match.Success)
                .Select(match => (
                    Path: Path.GetRelativePath(root, match.Groups["path"].Value).Replace('\\', '/'),
                    Line: int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture),
                    Column: int.Parse(match.Groups["column"].Value, CultureInfo.InvariantCulture),
                    Diagnostic: $"{match.Groups["severity"].Value} {match.Groups["id"].Value}: {match.Groups["message"].Value}"))
                .Distinct()
                .OrderBy(d => d.Path, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column)
                .Select(d => $"{d.Path}({d.Line},{d.Column}): {d.Diagnostic}")
                .ToList();
    }

    /// <summary>
    /// Builds only <paramref name="project"/> (its project references must be built already: the test project
    /// references them), in this test assembly's configuration, from scratch (an up-to-date compile would print
    /// no diagnostics), with no build servers left running.
    /// </summary>
    public static async Task<Output> RunAsync(string project, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        foreach (string argument in new[]
        {
            "build", project, "-c", RepositoryPaths.Configuration, "--no-dependencies", "--no-incremental", "--disable-build-servers",
            "-nodeReuse:false", "-tl:off", "-nologo", "-clp:NoSummary",
        })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new StringBuilder();
        var reading = Task.WhenAll(
            Task.Run(async () => output.Append(await process.StandardOutput.ReadToEndAsync())),
            Task.Run(async () => output.Append(await process.StandardError.ReadToEndAsync())));
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet build {project} did not finish in {timeout}:\n{output}");
        }
        await reading;
        return new Output(process.ExitCode, output.ToString());
    }

    // "/abs/Networks.gnet(4,50): error GNET0202: message (help link) [/abs/Project.csproj]"
    [GeneratedRegex(@"^(?<path>.+?)\((?<line>\d+),(?<column>\d+)\): (?<severity>error|warning|info) (?<id>GNET\d{4}): (?<message>.*?)(?: \(https?://[^ ]*\))? \[[^\]]*\]$")]
    private static partial Regex DiagnosticLine();
}
