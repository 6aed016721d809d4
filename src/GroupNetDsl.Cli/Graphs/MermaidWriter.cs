using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace GroupNetDsl.Cli.Graphs;

/// <summary>
/// Writes a <see cref="NetworkGraph"/> as a Mermaid flowchart, which GitHub renders in Markdown, with a subgraph per
/// module around its layers. Labels are
/// quoted, and the characters Mermaid would read as syntax or HTML are written as its entity codes
/// (<c>#quot;</c>, <c>#lt;</c>, ...).
/// </summary>
public static class MermaidWriter
{
    public static string Write(NetworkGraph graph)
    {
        var text = new StringBuilder();
        text.Append("flowchart TD\n");
        text.Append("    %% network ").Append(graph.Name.Replace('\n', ' ').Replace('\r', ' ')).Append('\n');
        var nodes = graph.Nodes.ToDictionary(n => n.Id);
        foreach (var node in graph.UngroupedNodes().Where(n => n.Id != NetworkGraph.OutputId)) WriteNode(text, node, 1);
        // Each module with several layers is a subgraph around them, nested as the modules are.
        foreach (var group in graph.Groups) WriteGroup(text, group, nodes, 1);
        foreach (var node in graph.UngroupedNodes().Where(n => n.Id == NetworkGraph.OutputId)) WriteNode(text, node, 1);
        foreach (var edge in graph.Edges)
        {
            text.Append("    ").Append(edge.From).Append(" -->|\"").Append(Escape(edge.Label)).Append("\"| ").Append(edge.To).Append('\n');
        }
        return text.ToString();
    }

    private static void WriteGroup(StringBuilder text, GraphGroup group, Dictionary<string, GraphNode> nodes, int depth)
    {
        string indent = new(' ', 4 * depth);
        text.Append(indent).Append("subgraph ").Append(group.Id).Append(" [\"").Append(Escape(group.Path)).Append("\"]\n");
        foreach (string id in group.NodeIds) WriteNode(text, nodes[id], depth + 1);
        foreach (var inner in group.Groups) WriteGroup(text, inner, nodes, depth + 1);
        text.Append(indent).Append("end\n");
    }

    private static void WriteNode(StringBuilder text, GraphNode node, int depth)
    {
        string label = string.Join("<br/>", node.Label.Select(Escape));
        // Stadium shape for the network's input and output, rectangles for layers.
        text.Append(' ', 4 * depth).Append(node.Id).Append(node.IsTerminal ? "([\"" : "[\"").Append(label).Append(node.IsTerminal ? "\"])" : "\"]").Append('\n');
    }

    /// <summary>Makes text safe inside a quoted Mermaid label: entity codes for quotes, angle brackets, '#', '&amp;' and line breaks.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '"' => "#quot;",
                '<' => "#lt;",
                '>' => "#gt;",
                '#' => "#35;",
                '&' => "#amp;",
                '|' => "#124;",
                '\n' or '\r' => " ",
                _ => c.ToString(),
            });
        }
        return escaped.ToString();
    }
}
