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

    /// <summary>A shape the way PyTorch prints it: <c>[64, 3, 3, 3]</c>, or <c>[]</c> for a scalar.</summary>
    public static string FormatShape(IEnumerable<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <inheritdoc cref="FormatShape(IEnumerable{long})"/>
    public static string FormatShape(IEnumerable<int> shape) => FormatShape(shape.Select(d => (long)d));
}
