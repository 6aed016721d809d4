using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace GroupNetDsl.Cli.Graphs;

/// <summary>
/// Writes a <see cref="NetworkGraph"/> in Graphviz DOT (<c>dot -Tsvg</c>), with a cluster per module around its
/// layers. Every name and label is a quoted
/// string with quotes and backslashes escaped; label lines are joined with DOT's <c>\n</c>.
/// </summary>
public static class DotWriter
{
    public static string Write(NetworkGraph graph)
    {
        var text = new StringBuilder();
        text.Append("digraph ").Append(Quote(graph.Name)).Append(" {\n");
        text.Append("    rankdir=TB;\n");
        text.Append("    node [shape=box, fontname=\"Helvetica\"];\n");
        text.Append("    edge [fontname=\"Helvetica\", fontsize=10];\n");
        var nodes = graph.Nodes.ToDictionary(n => n.Id);
        foreach (var node in graph.UngroupedNodes()) WriteNode(text, node, 1);
        // Each module with several layers is a cluster (a box) around them, nested as the modules are.
        foreach (var group in graph.Groups) WriteGroup(text, group, nodes, 1);
        foreach (var edge in graph.Edges)
        {
            text.Append("    ").Append(edge.From).Append(" -> ").Append(edge.To).Append(" [label=").Append(Quote(edge.Label)).Append("];\n");
        }
        text.Append("}\n");
        return text.ToString();
    }

    private static void WriteGroup(StringBuilder text, GraphGroup group, Dictionary<string, GraphNode> nodes, int depth)
    {
        string indent = new(' ', 4 * depth);
        text.Append(indent).Append("subgraph cluster_").Append(group.Id).Append(" {\n");
        text.Append(indent).Append("    label=").Append(Quote(group.Path)).Append("; style=rounded; fontname=\"Helvetica\";\n");
        foreach (string id in group.NodeIds) WriteNode(text, nodes[id], depth + 1);
        foreach (var inner in group.Groups) WriteGroup(text, inner, nodes, depth + 1);
        text.Append(indent).Append("}\n");
    }

    private static void WriteNode(StringBuilder text, GraphNode node, int depth)
    {
        string label = string.Join("\\n", node.Label.Select(Escape));
        text.Append(' ', 4 * depth).Append(node.Id).Append(" [label=\"").Append(label).Append('"');
        if (node.IsTerminal) text.Append(", shape=oval");
        text.Append("];\n");
    }

    public static string Quote(string text) => "\"" + Escape(text) + "\"";

    /// <summary>Escapes text for the inside of a DOT quoted string: backslash and quote, and line breaks as spaces.</summary>
    public static string Escape(string text) =>
        text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
}
