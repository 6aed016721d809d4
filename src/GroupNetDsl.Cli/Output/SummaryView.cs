using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Reporting;
using Spectre.Console;

namespace GroupNetDsl.Cli.Output;

/// <summary>
/// The summary of a network as a Spectre.Console table: the module and layer rows and totals of
/// <see cref="SummaryTable"/> (modules in bold, layers indented under them), numbers right-aligned with thousands
/// separators, totals in the footer; the memory lines follow the table.
/// </summary>
public static class SummaryView
{
    /// <summary>The line above the table, e.g. "MiniGroupNet: input 3x64x64, output 10, 56 state_dict entries".</summary>
    public static string Heading(Network network) =>
        $"{network.Name}: input {network.Input}, output {network.Output}, {network.Weights.Count} state_dict entries";

    /// <summary>The memory of one image, after the table (the lines <see cref="SummaryTable.Format"/> ends with).</summary>
    public static string MemoryLines(Network network)
    {
        var memory = SummaryTable.Memory(network);
        return $"Input size: {SummaryTable.Bytes(memory.Input)}, params size: {SummaryTable.Bytes(memory.Parameters)}, activations (every layer's output): {SummaryTable.Bytes(memory.Activations)}, scratch per thread: {SummaryTable.Bytes(memory.Scratch)}";
    }

    public static Table Create(Network network, int? maxDepth = null)
    {
        var rows = SummaryTable.TreeRows(network, maxDepth);
        var table = new Table
        {
            Border = TableBorder.Rounded,
            ShowFooters = true,
        };
        table.AddColumn(new TableColumn("Layer").Footer("Total").NoWrap());
        table.AddColumn(new TableColumn("Op").NoWrap());
        table.AddColumn(new TableColumn("Configuration"));
        table.AddColumn(new TableColumn("Output").NoWrap());
        table.AddColumn(new TableColumn("Params").RightAligned().NoWrap().Footer(new Text(SummaryTable.Number(network.ParameterCount))));
        table.AddColumn(new TableColumn("MACs").RightAligned().NoWrap().Footer(new Text(SummaryTable.Number(network.MultiplyAccumulates))));
        foreach (var row in rows)
        {
            table.AddRow(
                new Text(new string(' ', 2 * row.Depth) + row.Path, row.IsModule ? new Style(decoration: Decoration.Bold) : Style.Plain),
                new Text(row.Op),
                new Text(row.Details),
                new Text(row.OutputShape),
                new Text(SummaryTable.Number(row.Parameters)),
                new Text(SummaryTable.Number(row.MultiplyAccumulates)));
        }
        return table;
    }
}
