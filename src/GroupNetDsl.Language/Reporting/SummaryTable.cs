using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Reporting;

/// <summary>
/// One row of a network summary, as torchinfo would list it: a layer, or a module (a block instance or a sequential)
/// with the totals of the layers inside it and the shape of its last layer's output. Depth counts the modules around
/// the row (0 at the network's level).
/// </summary>
public sealed record SummaryRow(string Path, string Op, string Details, string OutputShape, long Parameters, long MultiplyAccumulates, int Depth = 0, bool IsModule = false);

/// <summary>What one image costs in memory, in bytes of float32.</summary>
/// <param name="Input">The input tensor.</param>
/// <param name="Parameters">The parameters as PyTorch counts them (after load, batchnorm is folded into the conv before it, which only shrinks them).</param>
/// <param name="Activations">Every layer's output, summed, as if each were kept (what torchinfo calls the forward pass size).</param>
/// <param name="Scratch">What the generated code holds per thread: its buffers are planned by liveness, so tensors that are not needed at once share memory.</param>
public sealed record SummaryMemory(long Input, long Parameters, long Activations, long Scratch);

/// <summary>
/// The torchinfo-like table of a network. `gnet summary` prints it and every generated class returns it
/// from Summary, so the two never disagree.
/// </summary>
public static class SummaryTable
{
    public static IReadOnlyList<SummaryRow> Rows(Network network) =>
        network.Nodes.Select(n => new SummaryRow(n.Path.Length == 0 ? network.Name : n.Path, n.Operation.OpName, Describe(n.Operation), n.Output.ToString(), n.Parameters, n.MultiplyAccumulates)).ToList();

    /// <summary>
    /// The layers with a row per module before its first layer (a module's layers follow it, one level deeper), down to
    /// <paramref name="maxDepth"/> levels of modules: a module at that depth shows its totals without its layers.
    /// </summary>
    public static IReadOnlyList<SummaryRow> TreeRows(Network network, int? maxDepth = null)
    {
        var pieces = PiecesOfSeveralTensors(network);
        List<string> ModulesAround(string path) => ModulesOf(path).Where(m => !pieces.Contains(m)).ToList();

        var modules = new Dictionary<string, (long Parameters, long Macs, TensorShape Output)>(StringComparer.Ordinal);
        foreach (var node in network.Nodes)
        {
            foreach (string module in ModulesAround(node.Path))
            {
                modules.TryGetValue(module, out var totals);
                modules[module] = (totals.Parameters + node.Parameters, totals.Macs + node.MultiplyAccumulates, node.Output);
            }
        }
        var rows = new List<SummaryRow>();
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in network.Nodes)
        {
            var chain = ModulesAround(node.Path);
            for (int depth = 0; depth < chain.Count; depth++)
            {
                if ((maxDepth is { } limit && depth > limit) || !shown.Add(chain[depth])) continue;
                var totals = modules[chain[depth]];
                rows.Add(new SummaryRow(chain[depth], string.Empty, string.Empty, totals.Output.ToString(), totals.Parameters, totals.Macs, depth, IsModule: true));
            }
            if (maxDepth is { } max && chain.Count > max) continue;
            rows.Add(new SummaryRow(node.Path.Length == 0 ? network.Name : node.Path, node.Operation.OpName, Describe(node.Operation), node.Output.ToString(), node.Parameters, node.MultiplyAccumulates, chain.Count));
        }
        return rows;
    }

    /// <summary>The input, parameters, every activation and the generated code's scratch, in bytes of float32.</summary>
    public static SummaryMemory Memory(Network network) => new(
        network.Input.ElementCount * sizeof(float),
        network.ParameterCount * sizeof(float),
        network.Nodes.Skip(1).Sum(n => n.Output.ElementCount) * sizeof(float),
        Emit.ExecutionPlan.Create(network).ScratchLength * sizeof(float));

    /// <summary>A byte count for people: "1.52 MB" (10^6 bytes, as torchinfo), "824 B".</summary>
    public static string Bytes(long bytes) => bytes < 1000
        ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
        : bytes < 1_000_000
            ? (bytes / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + " kB"
            : (bytes / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + " MB";

    /// <summary>
    /// The paths of ops that give several tensors (<c>(a, b) = chunk(x, 2)</c>: nodes chunk.0 and chunk.1, narrows):
    /// a function in PyTorch, not a module, so its pieces are layer rows where the call is, without a module row. Such
    /// a path holds only narrows, each right under it; a module that holds anything else keeps its row.
    /// </summary>
    private static HashSet<string> PiecesOfSeveralTensors(Network network)
    {
        var pieces = new HashSet<string>(StringComparer.Ordinal);
        var other = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in network.Nodes)
        {
            int dot = node.Path.LastIndexOf('.');
            var around = ModulesOf(node.Path);
            if (node.Operation is NarrowOp && dot > 0)
            {
                pieces.Add(node.Path.Substring(0, dot));
                around.RemoveAt(around.Count - 1);
            }
            other.UnionWith(around);
        }
        pieces.ExceptWith(other);
        return pieces;
    }

    /// <summary>The modules around a layer, outermost first: "stage1.reduce.0" is in "stage1" and "stage1.reduce".</summary>
    private static List<string> ModulesOf(string path)
    {
        var modules = new List<string>();
        for (int dot = path.IndexOf('.'); dot >= 0; dot = path.IndexOf('.', dot + 1)) modules.Add(path.Substring(0, dot));
        return modules;
    }

    /// <summary>A short description of an op's configuration, e.g. "64->64, 3x3, stride 2, pad 1, groups 8".</summary>
    public static string Describe(Operation operation) => operation.Descriptor.Describe(operation);

    /// <summary>
    /// The table as plain text with aligned columns: modules with their totals and, indented under them, their layers
    /// (down to <paramref name="maxDepth"/>), then the totals and the memory of one image.
    /// </summary>
    public static string Format(Network network, int? maxDepth = null)
    {
        var rows = TreeRows(network, maxDepth);
        var header = new[] { "Layer", "Op", "Configuration", "Output", "Params", "MACs" };
        var cells = rows.Select(r => new[] { new string(' ', 2 * r.Depth) + r.Path, r.Op, r.Details, r.OutputShape, Number(r.Parameters), Number(r.MultiplyAccumulates) }).ToList();
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
        var memory = Memory(network);
        text.Append("Input size: ").Append(Bytes(memory.Input)).Append('\n');
        text.Append("Params size: ").Append(Bytes(memory.Parameters)).Append('\n');
        text.Append("Activations (every layer's output): ").Append(Bytes(memory.Activations)).Append('\n');
        text.Append("Scratch per thread (buffers shared by liveness): ").Append(Bytes(memory.Scratch)).Append('\n');
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
