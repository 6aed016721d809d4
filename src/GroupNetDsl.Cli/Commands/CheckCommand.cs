using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Cli.Input;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Cli.Weights;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Language.Weights;
using Spectre.Console;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// <c>gnet check FILE... [--format text|json]</c>: compiles the files together (a file may import another's blocks) and prints every
/// diagnostic as the MSBuild line editors and CI logs understand, then a count. Exit 1 on any error. A network's declared
/// weight file (<c>weights: "net.safetensors"</c>) is checked against it as the build checks it.
/// </summary>
public static class CheckCommand
{
    public static Command Create(Terminal terminal)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "The .gnet files to check, compiled together.",
            Arity = ArgumentArity.OneOrMore,
            // The root help's command list shows only this name, not the arity: say there that several are taken.
            HelpName = "FILE...",
        };
        var format = NetworkCommand.FormatOption();
        var command = new Command("check", "Check .gnet files and print their diagnostics as path(line,col): error GNETxxxx: message.")
        {
            files,
            format,
        };
        command.SetAction(parseResult => GnetCommandLine.Execute(terminal, () => Run(terminal, parseResult.GetRequiredValue(files), parseResult.GetRequiredValue(format))));
        return command;
    }

    public static int Run(Terminal terminal, string[] paths, string format = JsonOutput.Text)
    {
        var documents = DeclarationFiles.ReadAll(paths);
        var compilation = GnetCompiler.Compile(documents);
        // What the generator adds for a valid network of a project that has no [GroupNet] class (the only kind of
        // project these files alone describe): a network named like a member of its own class gets no code.
        string ns = CodeTargets.NamespaceFor(null);
        // A valid network's declared weight file is checked as the build checks it (GNET0310-0316, at the declaration).
        var diagnostics = compilation.Diagnostics
            .Concat(compilation.Networks.SelectMany(network => CodeTargets.ForNetworkProblems(network, [], ns, [])))
            .Concat(compilation.Networks
                .Where(n => n is { HasErrors: false, Network: not null, Weights: not null })
                .SelectMany(n => DeclaredWeightsCheck.Run(n.Network!, n.Weights!, DeclaredWeightsHeader.Read(n.Weights!.FullPath))))
            .ToList();
        // Past the cap, one GNET0106 stands for the errors it did not print: the count is of them all.
        long errors = diagnostics.Sum(d => d.Descriptor == DiagnosticDescriptors.TooManyErrors
            ? long.Parse(d.Arguments[0], CultureInfo.InvariantCulture)
            : d.Severity == DiagnosticSeverity.Error ? 1 : 0);
        int warnings = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
        if (format == JsonOutput.Json)
        {
            terminal.Output.Write(JsonOutput.Check(documents.Count, diagnostics, errors, warnings));
            return errors > 0 ? ExitCodes.ProblemsFound : ExitCodes.Success;
        }
        foreach (var diagnostic in diagnostics) WriteDiagnostic(terminal, diagnostic);

        string verdict = $"Checked {Wording.Count(documents.Count, "file")}: {Wording.Count(errors, "error")}, {Wording.Count(warnings, "warning")}.";
        terminal.Write(verdict, errors > 0 ? new Style(Color.Red) : warnings > 0 ? new Style(Color.Yellow) : new Style(Color.Green));
        terminal.Output.WriteLine();
        return errors > 0 ? ExitCodes.ProblemsFound : ExitCodes.Success;
    }

    /// <summary>The diagnostic's MSBuild line, exactly as <see cref="GnetDiagnostic.ToString"/> writes it; only the severity word is coloured.</summary>
    private static void WriteDiagnostic(Terminal terminal, GnetDiagnostic diagnostic)
    {
        WriteDiagnosticLine(terminal, diagnostic);
        // An error inside a block: the calls that instantiated it, innermost first.
        foreach (var location in diagnostic.AdditionalLocations) terminal.Output.WriteLine($"{location}: note: the block is used here");
    }

    private static void WriteDiagnosticLine(Terminal terminal, GnetDiagnostic diagnostic)
    {
        string line = diagnostic.ToString();
        string location = diagnostic.Location + ": ";
        int severityEnd = line.IndexOf(' ', location.Length);
        if (!terminal.UseColor || !line.StartsWith(location, StringComparison.Ordinal) || severityEnd < 0)
        {
            terminal.Output.WriteLine(line);
            return;
        }
        terminal.Output.Write(location);
        terminal.Write(line.Substring(location.Length, severityEnd - location.Length), diagnostic.Severity switch
        {
            DiagnosticSeverity.Error => new Style(Color.Red, decoration: Decoration.Bold),
            DiagnosticSeverity.Warning => new Style(Color.Yellow, decoration: Decoration.Bold),
            _ => new Style(Color.Blue),
        });
        terminal.Output.WriteLine(line.AsSpan(severityEnd));
    }
}
