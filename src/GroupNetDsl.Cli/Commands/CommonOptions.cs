using System.CommandLine;

namespace GroupNetDsl.Cli.Commands;

/// <summary>Options that several commands share, spelled the same way in each.</summary>
public static class CommonOptions
{
    /// <summary><c>--network NAME</c> (<c>-n</c>): which network of the file the command works on.</summary>
    public static Option<string?> Network(string description) => new("--network", "-n")
    {
        Description = description,
        HelpName = "NAME",
    };

    /// <summary><c>--include FILE</c> (<c>-i</c>, repeatable): more .gnet files whose blocks the network may use.</summary>
    public static Option<string[]> Include() => new("--include", "-i")
    {
        Description = "Another .gnet file whose blocks the network uses (repeatable); networks are only taken from FILE.",
        HelpName = "FILE",
        DefaultValueFactory = _ => System.Array.Empty<string>(),
    };
}
