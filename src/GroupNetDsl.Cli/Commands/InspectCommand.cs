using System.CommandLine;
using System.Linq;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Weights;
using Spectre.Console;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// <c>gnet inspect WEIGHTS.safetensors [--format text|json]</c>: the tensors of a weight file (name, dtype, shape, elements,
/// bytes) with totals, and the header's metadata. Reads the file with the runtime's
/// <see cref="SafeTensorsFile"/>, so a file that inspects cleanly is one the generated code can load.
/// </summary>
public static class InspectCommand
{
    public static Command Create(Terminal terminal)
    {
        var weights = new Argument<string>("WEIGHTS") { Description = "The .safetensors file to list." };
        var format = NetworkCommand.FormatOption();
        var command = new Command("inspect", "List the tensors of a safetensors weight file: names, dtypes, shapes and sizes.")
        {
            weights,
            format,
        };
        command.SetAction(parseResult => GnetCommandLine.Execute(terminal, () => Run(terminal, parseResult.GetRequiredValue(weights), parseResult.GetRequiredValue(format))));
        return command;
    }

    public static int Run(Terminal terminal, string path, string format = JsonOutput.Text)
    {
        var file = SafeTensorsFile.Open(path);
        if (format == JsonOutput.Json)
        {
            terminal.Output.Write(JsonOutput.Inspect(file));
            return ExitCodes.Success;
        }
        terminal.Write(WeightsView.Heading(file), new Style(decoration: Decoration.Bold));
        terminal.Output.WriteLine();
        WeightsView.Write(terminal, file);
        terminal.Output.WriteLine(WeightsView.Readable(file));
        if (file.Metadata.Count > 0)
        {
            terminal.Output.WriteLine("Metadata:");
            foreach (var entry in file.Metadata.OrderBy(e => e.Key, System.StringComparer.Ordinal))
            {
                terminal.Output.WriteLine($"  {Printable.Of(entry.Key)}: {Printable.Of(entry.Value)}");
            }
        }
        return ExitCodes.Success;
    }
}
