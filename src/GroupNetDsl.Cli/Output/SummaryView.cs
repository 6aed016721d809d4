using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Reporting;
using Spectre.Console;

namespace GroupNetDsl.Cli.Output;

/// <summary>
/// The summary of a network as a Spectre.Console table: the rows and totals of <see cref="SummaryTable"/>,
/// numbers right-aligned with thousands separators, totals in the footer.
/// </summary>
public static class SummaryView
{
    /// <summary>The line above the table, e.g. "MiniGroupNet: input 3x64x64, output 10, 56 state_dict entries".</summary>
    public static string Heading(Network network) =>
        $"{network.Name}: input {network.Input}, output {network.Output}, {network.Weights.Count} state_dict entries";

    public static Table Create(Network network)
    {
        var rows = SummaryTable.Rows(network);
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
                new Text(row.Path),
                new Text(row.Op),
                new Text(row.Details),
                new Text(row.OutputShape),
                new Text(SummaryTable.Number(row.Parameters)),
                new Text(SummaryTable.Number(row.MultiplyAccumulates)));
        }
        return table;
    }
}
