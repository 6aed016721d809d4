using System;
using System.CommandLine;
using System.Linq;
using GroupNetDsl.Cli.Input;
using GroupNetDsl.Cli.Output;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// A command that works on a network of a .gnet file. Its FILE, <c>--network NAME</c> (<c>-n</c>) and
/// <c>--include FILE</c> (<c>-i</c>, repeatable) are spelled the same way in each, and read as a <see cref="NetworkSource"/>.
/// </summary>
public static class NetworkCommand
{
    /// <summary><c>--format text|json</c>: text for people (the default), or one JSON document (<see cref="JsonOutput"/>) for scripts.</summary>
    public static Option<string> FormatOption()
    {
        var format = new Option<string>("--format", "-f")
        {
            Description = "text (the default) or json (one document; its schema is in docs/schemas).",
            DefaultValueFactory = _ => JsonOutput.Text,
        };
        format.AcceptOnlyFromAmong(JsonOutput.Text, JsonOutput.Json);
        return format;
    }

    /// <summary>
    /// The command <paramref name="name"/>: FILE and the arguments of <paramref name="more"/>, then --network (which picks
    /// <paramref name="networkDescription"/>), --include and the options of <paramref name="more"/>. Its action is <paramref name="run"/>.
    /// </summary>
    public static Command Create(Terminal terminal, string name, string description, string networkDescription, Symbol[] more, Func<NetworkSource, ParseResult, int> run)
    {
        var file = new Argument<string>("FILE") { Description = "The .gnet file that declares the network." };
        var network = new Option<string?>("--network", "-n")
        {
            Description = networkDescription,
            HelpName = "NAME",
        };
        var include = new Option<string[]>("--include", "-i")
        {
            Description = "Another .gnet file whose blocks the network uses, imported by FILE (repeatable); networks are only taken from FILE.",
            HelpName = "FILE",
            DefaultValueFactory = _ => Array.Empty<string>(),
        };
        var command = new Command(name, description) { file };
        foreach (var argument in more.OfType<Argument>()) command.Add(argument);
        command.Add(network);
        command.Add(include);
        foreach (var option in more.OfType<Option>()) command.Add(option);
        command.SetAction(parseResult => GnetCommandLine.Execute(terminal, () =>
            run(new NetworkSource(parseResult.GetRequiredValue(file), parseResult.GetRequiredValue(include), parseResult.GetValue(network)), parseResult)));
        return command;
    }
}
