using System.CommandLine;
using System.Linq;
using GroupNetDsl.Cli.Input;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// What every command that works on a network of a .gnet file takes, spelled the same way in each: FILE,
/// <c>--network NAME</c> (<c>-n</c>) and <c>--include FILE</c> (<c>-i</c>, repeatable), read as a <see cref="NetworkSource"/>.
/// </summary>
public sealed class NetworkArguments
{
    /// <param name="networkDescription">What <c>--network</c> picks, in the command's words.</param>
    public NetworkArguments(string networkDescription) => Network = new("--network", "-n")
    {
        Description = networkDescription,
        HelpName = "NAME",
    };

    public Argument<string> File { get; } = new("FILE") { Description = "The .gnet file that declares the network." };

    public Option<string?> Network { get; }

    public Option<string[]> Include { get; } = new("--include", "-i")
    {
        Description = "Another .gnet file whose blocks the network uses (repeatable); networks are only taken from FILE.",
        HelpName = "FILE",
        DefaultValueFactory = _ => System.Array.Empty<string>(),
    };

    /// <summary>A command taking FILE and the arguments of <paramref name="more"/>, then --network, --include and the options of <paramref name="more"/>.</summary>
    public Command Command(string name, string description, params Symbol[] more)
    {
        var command = new Command(name, description) { File };
        foreach (var argument in more.OfType<Argument>()) command.Add(argument);
        command.Add(Network);
        command.Add(Include);
        foreach (var option in more.OfType<Option>()) command.Add(option);
        return command;
    }

    public NetworkSource Read(ParseResult parseResult) =>
        new(parseResult.GetRequiredValue(File), parseResult.GetRequiredValue(Include), parseResult.GetValue(Network));
}
