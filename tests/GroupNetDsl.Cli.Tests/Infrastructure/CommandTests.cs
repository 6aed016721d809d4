namespace GroupNetDsl.Cli.Tests.Infrastructure;

/// <summary>What the command tests share: a fresh directory for each test's files, and declarations several of them run.</summary>
public abstract class CommandTests : IDisposable
{
    /// <summary>Two networks in one file: a command must be told which one unless it works on all.</summary>
    protected const string TwoNetworks = """
        network First(input: 4x8x8) {
            a = conv(4, 8, 1)
        }
        network Second(input: 4x8x8) {
            b = conv(4, 16, 1, bias: false)
        }
        """;

    protected TemporaryDirectory Files { get; } = new();

    public void Dispose() => Files.Dispose();
}
