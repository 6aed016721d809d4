using System.Linq;
using System.Text;

namespace GroupNetDsl.Cli.Graphs;

/// <summary>
/// Writes a <see cref="NetworkGraph"/> as a Mermaid flowchart, which GitHub renders in Markdown. Labels are
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
        foreach (var node in graph.Nodes)
        {
            string label = string.Join("<br/>", node.Label.Select(Escape));
            // Stadium shape for the network's input and output, rectangles for layers.
            text.Append("    ").Append(node.Id).Append(node.IsTerminal ? "([\"" : "[\"").Append(label).Append(node.IsTerminal ? "\"])" : "\"]").Append('\n');
        }
        foreach (var edge in graph.Edges)
        {
            text.Append("    ").Append(edge.From).Append(" -->|\"").Append(Escape(edge.Label)).Append("\"| ").Append(edge.To).Append('\n');
        }
        return text.ToString();
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
