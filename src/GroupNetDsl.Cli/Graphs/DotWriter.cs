using System.Linq;
using System.Text;

namespace GroupNetDsl.Cli.Graphs;

/// <summary>
/// Writes a <see cref="NetworkGraph"/> in Graphviz DOT (<c>dot -Tsvg</c>). Every name and label is a quoted
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
        foreach (var node in graph.Nodes)
        {
            string label = string.Join("\\n", node.Label.Select(Escape));
            text.Append("    ").Append(node.Id).Append(" [label=\"").Append(label).Append('"');
            if (node.IsTerminal) text.Append(", shape=oval");
            text.Append("];\n");
        }
        foreach (var edge in graph.Edges)
        {
            text.Append("    ").Append(edge.From).Append(" -> ").Append(edge.To).Append(" [label=").Append(Quote(edge.Label)).Append("];\n");
        }
        text.Append("}\n");
        return text.ToString();
    }

    public static string Quote(string text) => "\"" + Escape(text) + "\"";

    /// <summary>Escapes text for the inside of a DOT quoted string: backslash and quote, and line breaks as spaces.</summary>
    public static string Escape(string text) =>
        text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
}
