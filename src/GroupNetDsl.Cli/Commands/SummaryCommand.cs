using System.CommandLine;
using GroupNetDsl.Cli.Input;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Language.Reporting;
using Spectre.Console;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// <c>gnet summary FILE [--network NAME] [--include FILE]... [--plain] [--format text|json] [--depth N]</c>: the torchinfo-like table of a network (of every
/// network in the file when none is named). <c>--plain</c> prints <see cref="SummaryTable.Format"/>, the
/// same text every generated class returns, for scripts and tests.
/// </summary>
public static class SummaryCommand
{
    public static Command Create(Terminal terminal)
    {
        var plain = new Option<bool>("--plain") { Description = "Print plain aligned text instead of a table, for scripts." };
        var format = NetworkCommand.FormatOption();
        var depth = new Option<int?>("--depth", "-d") { Description = "Show modules nested at most this deep (0: only the network's own members), with their totals.", HelpName = "N" };
        depth.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0) result.AddError("--depth must be 0 or more.");
        });
        return NetworkCommand.Create(terminal, "summary", "Print a network's modules and layers with configuration, output shape, parameters and multiply-accumulates, and its memory.", "The network to summarize; all networks of the file when omitted.", [plain, format, depth],
            (source, parseResult) => Run(terminal, source, parseResult.GetValue(plain), parseResult.GetRequiredValue(format), parseResult.GetValue(depth)));
    }

    public static int Run(Terminal terminal, NetworkSource source, bool plain, string format = JsonOutput.Text, int? depth = null)
    {
        var networks = NetworkLoader.LoadSome(terminal, source);
        if (format == JsonOutput.Json)
        {
            terminal.Output.Write(JsonOutput.Summary(networks));
            return ExitCodes.Success;
        }
        for (int i = 0; i < networks.Count; i++)
        {
            if (i > 0) terminal.Output.WriteLine();
            if (plain) terminal.Output.Write(SummaryTable.Format(networks[i], depth));
            else
            {
                terminal.Write(SummaryView.Heading(networks[i]), new Style(decoration: Decoration.Bold));
                terminal.Output.WriteLine();
                terminal.Render(SummaryView.Create(networks[i], depth));
                terminal.Output.WriteLine(SummaryView.MemoryLines(networks[i]));
            }
        }
        return ExitCodes.Success;
    }
}
