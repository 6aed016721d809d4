using System.CommandLine;
using System.IO;
using System.Linq;
using GroupNetDsl.Cli.Input;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Targets;

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
    public static Command Create(Terminal terminal)
    {
        var ns = new Option<string>("--namespace")
        {
            Description = $"The namespace of the class: the project's RootNamespace in a build (default {CodeTargets.DefaultNamespace}).",
            HelpName = "NS",
            DefaultValueFactory = _ => CodeTargets.DefaultNamespace,
        };
        return NetworkCommand.Create(terminal, "emit", "Print the C# the source generator writes for a network of a .gnet file.", "The network to emit; required when the file declares several.", [ns],
            (source, parseResult) => Run(terminal, source with { Path = Path.GetFullPath(source.Path) }, parseResult.GetRequiredValue(ns)));
    }

    public static int Run(Terminal terminal, NetworkSource source, string ns)
    {
        string csharpNamespace = CheckNamespace(ns);
        var network = NetworkLoader.LoadOne(terminal, source);

        // The generator skips such a network (a class cannot declare a member of its own name, CS0542): say so
        // instead of printing code that would not compile.
        if (CodeTargets.IsNamedLikeItsMember(network))
        {
            throw new CommandFailedException(
                $"network {network.Name} is named like a member of its own generated class, which C# does not allow, so the generator writes no code for it; rename the network.",
                ExitCodes.ProblemsFound);
        }

        terminal.Output.Write(CSharpEmitter.Emit(network, new EmitTarget(csharpNamespace, network.Name, Standalone: true)));
        return ExitCodes.Success;
    }

    /// <summary>
    /// The namespace as C# writes it, keywords escaped as the generator escapes a RootNamespace ("My.class" becomes
    /// "My.@class"); a dotted name of identifiers, or the command fails.
    /// </summary>
    private static string CheckNamespace(string ns)
    {
        if (CodeTargets.TryNamespace(ns, out var csharpNamespace)) return csharpNamespace;
        var bad = ns.Split('.').First(part => !CodeTargets.TryNamespace(part, out _));
        throw new CommandFailedException(bad.Length == 0
            ? $"--namespace '{ns}' has an empty part; write dotted identifiers such as My.Networks."
            : $"--namespace '{ns}': '{bad}' is not a C# identifier; write dotted identifiers such as My.Networks.");
    }
}
