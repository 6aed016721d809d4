using GroupNetDsl.Cli.Output;

namespace GroupNetDsl.Cli;

public static class Program
{
    public static int Main(string[] args) => GnetCommandLine.Run(args, Terminal.FromEnvironment());
}
