using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Language.Reporting;
using GroupNetDsl.Weights;
using Spectre.Console;

namespace GroupNetDsl.Cli.Output;

/// <summary>The tensors of a safetensors file as a Spectre.Console table, with totals in the footer.</summary>
public static class WeightsView
{
    /// <summary>The line above the table, e.g. "weights.safetensors: 56 tensors".</summary>
    public static string Heading(SafeTensorsFile file) => $"{Printable.Of(file.SourceName)}: {Wording.Count(file.Tensors.Count, "tensor")}";

    /// <summary>
    /// Which tensors a network can take as weights: the dtypes <see cref="SafeTensorDataTypeExtensions.CanReadAsFloat32"/>
    /// accepts (the loader's own rule), e.g. "Weights: 50 tensors F32, F16, BF16 or F64 (read as F32); 6 tensors of other dtypes (I64)".
    /// </summary>
    public static string Readable(SafeTensorsFile file)
    {
        int readable = file.Tensors.Count(t => t.DataType.CanReadAsFloat32());
        var others = file.Tensors.Where(t => !t.DataType.CanReadAsFloat32()).Select(t => t.DataType.GetFormatName()).Distinct().OrderBy(name => name, System.StringComparer.Ordinal).ToList();
        string line = $"Weights: {Wording.Count(readable, "tensor")} F32, F16, BF16 or F64 (read as F32)";
        int other = file.Tensors.Count - readable;
        return other == 0 ? line + "." : line + $"; {Wording.Count(other, "tensor")} of other dtypes ({string.Join(", ", others)}), which no network reads as weights.";
    }

    public static Table Create(SafeTensorsFile file)
    {
        var tensors = file.Tensors;
        var table = new Table
        {
            Border = TableBorder.Rounded,
            ShowFooters = true,
        };
        table.AddColumn(new TableColumn("Name").Footer("Total").NoWrap());
        table.AddColumn(new TableColumn("DType").NoWrap());
        table.AddColumn(new TableColumn("Shape").NoWrap());
        table.AddColumn(new TableColumn("Elements").RightAligned().NoWrap().Footer(new Text(SummaryTable.Number(tensors.Sum(t => t.ElementCount)))));
        table.AddColumn(new TableColumn("Bytes").RightAligned().NoWrap().Footer(new Text(SummaryTable.Number(tensors.Sum(t => t.ByteLength)))));
        foreach (var tensor in tensors)
        {
            table.AddRow(
                new Text(Printable.Of(tensor.Name)),
                new Text(tensor.DataType.GetFormatName()),
                new Text(FormatShape(tensor.Shape)),
                new Text(SummaryTable.Number(tensor.ElementCount)),
                new Text(SummaryTable.Number(tensor.ByteLength)));
        }
        return table;
    }

    /// <summary>
    /// Above this many tensors <see cref="Write"/> streams the rows itself instead of building a Spectre table, which
    /// holds several kilobytes per cell while it lays out.
    /// </summary>
    public const int LargestLaidOutTable = 10_000;

    /// <summary>
    /// Writes the table of <paramref name="file"/>: laid out by Spectre (<see cref="Create"/>) up to
    /// <see cref="LargestLaidOutTable"/> tensors, else in the same rounded layout, one row at a time, so that time
    /// and memory stay linear in the number of tensors.
    /// </summary>
    public static void Write(Terminal terminal, SafeTensorsFile file)
    {
        if (file.Tensors.Count <= LargestLaidOutTable)
        {
            terminal.Render(Create(file));
            return;
        }

        var tensors = file.Tensors;
        string[] header = ["Name", "DType", "Shape", "Elements", "Bytes"];
        string[] footer = ["Total", "", "", SummaryTable.Number(tensors.Sum(t => t.ElementCount)), SummaryTable.Number(tensors.Sum(t => t.ByteLength))];
        bool[] rightAligned = [false, false, false, true, true];
        var widths = new int[header.Length];
        Widen(widths, header);
        Widen(widths, footer);
        foreach (var tensor in tensors) Widen(widths, Row(tensor));

        var output = terminal.Output;
        output.WriteLine(Rule(widths, '╭', '┬', '╮'));
        output.WriteLine(Line(header, widths, rightAligned));
        output.WriteLine(Rule(widths, '├', '┼', '┤'));
        foreach (var tensor in tensors) output.WriteLine(Line(Row(tensor), widths, rightAligned));
        output.WriteLine(Rule(widths, '├', '┼', '┤'));
        output.WriteLine(Line(footer, widths, rightAligned));
        output.WriteLine(Rule(widths, '╰', '┴', '╯'));
    }

    private static string[] Row(SafeTensorInfo tensor) =>
    [
        Printable.Of(tensor.Name),
        tensor.DataType.GetFormatName(),
        FormatShape(tensor.Shape),
        SummaryTable.Number(tensor.ElementCount),
        SummaryTable.Number(tensor.ByteLength),
    ];

    private static void Widen(int[] widths, string[] cells)
    {
        for (int i = 0; i < widths.Length; i++) widths[i] = System.Math.Max(widths[i], cells[i].Length);
    }

    private static string Rule(int[] widths, char left, char middle, char right) =>
        left + string.Join(middle, widths.Select(width => new string('─', width + 2))) + right;

    private static string Line(string[] cells, int[] widths, bool[] rightAligned) =>
        "│" + string.Concat(cells.Select((cell, i) => " " + (rightAligned[i] ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i])) + " │"));

    /// <summary>A shape the way PyTorch prints it: <c>[64, 3, 3, 3]</c>, or <c>[]</c> for a scalar.</summary>
    public static string FormatShape(IEnumerable<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <inheritdoc cref="FormatShape(IEnumerable{long})"/>
    public static string FormatShape(IEnumerable<int> shape) => FormatShape(shape.Select(d => (long)d));
}
