using System.CommandLine;
using System.IO;
using System.Linq;
using GroupNetDsl.Cli.Input;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Language.Emit;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// <c>gnet emit FILE [--network NAME] [--namespace NS] [--include FILE]...</c>: the C# source the generator writes for a
/// network of a .gnet file, exactly as a build adds it to a project whose root namespace is <c>NS</c>.
/// </summary>
/// <remarks>
/// The text comes from the one emitter the generator calls, with the generator's target for a .gnet network (a
/// standalone <c>public sealed partial class</c> named after the network). FILE is made absolute first, as the build
/// passes additional files to the generator by full path (the header of the code names only the file).
/// </remarks>
public static class EmitCommand
{
    /// <summary>
    /// The namespace when <c>--namespace</c> is not given: the one the generator uses for a project without a
    /// RootNamespace (<c>GroupNetGenerator.DefaultNamespace</c>; a project normally has one, its name).
    /// </summary>
    public const string DefaultNamespace = "GroupNetDsl.Networks";

    public static Command Create(Terminal terminal)
    {
        var file = new Argument<string>("FILE") { Description = "The .gnet file that declares the network." };
        var network = CommonOptions.Network("The network to emit; required when the file declares several.");
        var include = CommonOptions.Include();
        var ns = new Option<string>("--namespace")
        {
            Description = $"The namespace of the class: the project's RootNamespace in a build (default {DefaultNamespace}).",
            HelpName = "NS",
            DefaultValueFactory = _ => DefaultNamespace,
        };
        var command = new Command("emit", "Print the C# the source generator writes for a network of a .gnet file.")
        {
            file,
            network,
            include,
            ns,
        };
        command.SetAction(parseResult => GnetCommandLine.Execute(
            terminal,
            () => Run(
                terminal,
                new NetworkSource(Path.GetFullPath(parseResult.GetRequiredValue(file)), parseResult.GetRequiredValue(include), parseResult.GetValue(network)),
                parseResult.GetRequiredValue(ns))));
        return command;
    }

    public static int Run(Terminal terminal, NetworkSource source, string ns)
    {
        CheckNamespace(ns);
        var network = NetworkLoader.LoadOne(terminal, source);

        // The generator skips such a network (a class cannot declare a member of its own name, CS0542): say so
        // instead of printing code that would not compile.
        if (CSharpEmitter.MemberNames(network).Contains(network.Name))
        {
            throw new CommandFailedException(
                $"network {network.Name} is named like a member of its own generated class, which C# does not allow, so the generator writes no code for it; rename the network.",
                ExitCodes.ProblemsFound);
        }

        terminal.Output.Write(CSharpEmitter.Emit(network, new EmitTarget(ns, network.Name, Standalone: true)));
        return ExitCodes.Success;
    }

    /// <summary>A dotted name of plain C# identifiers; keywords would need '@', which a project's RootNamespace does not have.</summary>
    private static void CheckNamespace(string ns)
    {
        var parts = ns.Split('.');
        var bad = parts.FirstOrDefault(part => part.Length == 0 || CSharpEmitter.Identifier(part) != part);
        if (bad is not null)
        {
            throw new CommandFailedException(bad.Length == 0
                ? $"--namespace '{ns}' has an empty part; write dotted identifiers such as My.Networks."
                : $"--namespace '{ns}': '{bad}' is not a C# identifier or is a keyword; write dotted identifiers such as My.Networks.");
        }
    }
}
