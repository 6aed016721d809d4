using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Reporting;

/// <summary>One row of a network summary: a layer as torchinfo would list it.</summary>
public sealed record SummaryRow(string Path, string Op, string Details, string OutputShape, long Parameters, long MultiplyAccumulates);

/// <summary>
/// The torchinfo-like table of a network. `gnet summary` prints it and every generated class returns it
/// from Summary, so the two never disagree.
/// </summary>
public static class SummaryTable
{
    public static IReadOnlyList<SummaryRow> Rows(Network network) =>
        network.Nodes.Select(n => new SummaryRow(n.Path.Length == 0 ? network.Name : n.Path, n.Operation.OpName, Describe(n.Operation), n.Output.ToString(), n.Parameters, n.MultiplyAccumulates)).ToList();

    /// <summary>A short description of an op's configuration, e.g. "64->64, 3x3, stride 2, pad 1, groups 8".</summary>
    public static string Describe(Operation operation) => operation.Descriptor.Describe(operation);

    /// <summary>The table as plain text with aligned columns and totals.</summary>
    public static string Format(Network network)
    {
        var rows = Rows(network);
        var header = new[] { "Layer", "Op", "Configuration", "Output", "Params", "MACs" };
        var cells = rows.Select(r => new[] { r.Path, r.Op, r.Details, r.OutputShape, Number(r.Parameters), Number(r.MultiplyAccumulates) }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => cells.Select(c => c[i].Length).Concat(new[] { header[i].Length }).Max()).ToArray();

        var text = new StringBuilder();
        text.Append("Network ").Append(network.Name).Append(", input ").Append(network.Input).Append(", output ").Append(network.Output).Append('\n');
        string rule = new('-', widths.Sum() + 2 * (widths.Length - 1));
        text.Append(rule).Append('\n');
        AppendRow(text, header, widths);
        text.Append(rule).Append('\n');
        foreach (var row in cells) AppendRow(text, row, widths);
        text.Append(rule).Append('\n');
        text.Append("Total params: ").Append(Number(network.ParameterCount)).Append('\n');
        text.Append("Total MACs: ").Append(Number(network.MultiplyAccumulates)).Append('\n');
        return text.ToString();
    }

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static void AppendRow(StringBuilder text, string[] row, int[] widths)
    {
        for (int i = 0; i < row.Length; i++)
        {
            bool numeric = i >= 4;
            string cell = numeric ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]);
            text.Append(cell);
            if (i < row.Length - 1) text.Append("  ");
        }
        text.Append('\n');
        // Trailing spaces make diffs noisy; strip them.
        while (text.Length > 1 && text[text.Length - 2] == ' ') text.Remove(text.Length - 2, 1);
    }
}
