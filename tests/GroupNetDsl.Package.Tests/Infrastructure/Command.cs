using System.Diagnostics;
using System.Text;

namespace GroupNetDsl.Package.Tests.Infrastructure;

/// <summary>What a finished process printed and returned.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Lines(Output);

    public string[] AllLines => Lines(Output + "\n" + Error);

    /// <summary>Everything, to explain a failed assertion.</summary>
    public override string ToString() => $"$ {CommandLine}\nexit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";

    private static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToArray();
}

/// <summary>
/// Runs <c>dotnet</c> (or an installed tool) the way a user at a terminal would: in a given folder, with the
/// environment of this process minus the MSBuild variables that <c>dotnet test</c> sets for itself, no build
/// servers left running afterwards, English messages and no colour; killed with its children after a timeout.
/// </summary>
public static class Command
{
    /// <summary>The folder of the dotnet host this test runs on (…/dotnet), so that children use the same SDKs.</summary>
    public static string DotnetRoot { get; } = FindDotnetRoot();

    public static string Dotnet => Path.Combine(DotnetRoot, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/>.</summary>
    public static Task<CommandResult> DotnetAsync(string directory, TimeSpan timeout, params string[] arguments) =>
        RunAsync(Dotnet, directory, timeout, arguments);

    /// <summary>Runs <paramref name="executable"/>; throws <see cref="TimeoutException"/> with what it printed if it takes too long.</summary>
    public static async Task<CommandResult> RunAsync(string executable, string directory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardErrorEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        PrepareEnvironment(start.Environment);
        string commandLine = Path.GetFileName(executable) + " " + string.Join(" ", arguments);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"'{commandLine}' in {directory} did not finish in {timeout}:\n{await output}\n{await error}");
        }
        return new CommandResult(commandLine, process.ExitCode, await output, await error);
    }

    private static void PrepareEnvironment(IDictionary<string, string?> environment)
    {
        // `dotnet test` runs this test host from MSBuild and leaves variables such as MSBuildExtensionsPath and
        // MSBuildSDKsPath behind; a user's shell has none of them, and a child build must find its own.
        foreach (string name in environment.Keys.Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            environment.Remove(name);
        }
        environment["DOTNET_ROOT"] = DotnetRoot;
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["NO_COLOR"] = "1";
    }

    private static string FindDotnetRoot()
    {
        // The runtime this process runs on lives in DOTNET_ROOT/shared/Microsoft.NETCore.App/<version>/.
        var runtime = new DirectoryInfo(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        string? root = runtime.Parent?.Parent?.Parent?.FullName;
        if (root is null || !File.Exists(Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")))
        {
            throw new InvalidOperationException($"Cannot find the dotnet host above the runtime folder {runtime.FullName}.");
        }
        return root;
    }

    /// <summary>Arguments every build, pack and run gets: no build server or node left behind, plain console output.</summary>
    public static readonly string[] QuietBuild = ["--disable-build-servers", "-nodeReuse:false", "-tl:off", "-nologo"];
}
