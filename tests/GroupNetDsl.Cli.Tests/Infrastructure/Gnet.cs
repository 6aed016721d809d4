namespace GroupNetDsl.Cli.Tests.Infrastructure;

/// <summary>What one in-process run of gnet printed and returned.</summary>
public sealed record GnetRun(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>Asserts that the run failed with <paramref name="exitCode"/> and, as every failure must, printed nothing on standard output.</summary>
    public void AssertFailed(int exitCode)
    {
        Assert.Equal(exitCode, ExitCode);
        Assert.Equal(string.Empty, Output);
    }

    /// <summary>Asserts that the run could not start (exit 2) and said why in one error line that names <paramref name="path"/>.</summary>
    public void AssertCannotRun(string path)
    {
        AssertFailed(ExitCodes.CannotRun);
        string line = Assert.Single(ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(path, line, StringComparison.Ordinal);
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the gnet command line in-process, capturing both streams as plain text.</summary>
public static class Gnet
{
    public static GnetRun Run(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        int exitCode = GnetCommandLine.Run(args, output, error);
        return new GnetRun(exitCode, output.ToString(), error.ToString());
    }
}
