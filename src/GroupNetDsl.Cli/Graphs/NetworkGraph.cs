using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Ops;
using GroupNetDsl.Language.Reporting;

namespace GroupNetDsl.Cli.Graphs;

/// <summary>A node to draw: a safe identifier and the lines of its label, unescaped.</summary>
public sealed record GraphNode(string Id, IReadOnlyList<string> Label, bool IsTerminal);

/// <summary>An edge to draw, labeled with the shape of the tensor that flows on it.</summary>
public sealed record GraphEdge(string From, string To, string Label);

/// <summary>
/// A network as boxes and arrows, independent of the drawing language: one node per model node (id
/// <c>n{index}</c>, label the layer path, the op and its configuration, one a line), an edge per input labeled with the input's
/// shape, and a final <c>out</c> node that shows the network's output shape. The writers only escape and
/// spell it.
/// </summary>
public sealed record NetworkGraph(string Name, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges)
{
    public const string OutputId = "out";

    public static string NodeId(int index) => "n" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static NetworkGraph From(Network network)
    {
        var nodes = new List<GraphNode>();
        var edges = new List<GraphEdge>();
        foreach (var node in network.Nodes)
        {
            nodes.Add(new GraphNode(NodeId(node.Index), Label(node), node.Operation.Descriptor == NetworkInput.Descriptor));
            edges.AddRange(node.Inputs.Select(input => new GraphEdge(NodeId(input), NodeId(node.Index), network.Nodes[input].Output.ToString())));
        }
        nodes.Add(new GraphNode(OutputId, OutputLabel, IsTerminal: true));
        edges.Add(new GraphEdge(NodeId(network.OutputNode), OutputId, network.Output.ToString()));
        return new NetworkGraph(network.Name, nodes, edges);
    }

    private static readonly string[] OutputLabel = { "output" };

    private static string[] Label(Node node)
    {
        if (node.Operation.Descriptor == NetworkInput.Descriptor) return new[] { "input", node.Output.ToString() };
        string details = SummaryTable.Describe(node.Operation);
        return details.Length == 0 ? new[] { node.Path, node.Operation.OpName } : new[] { node.Path, node.Operation.OpName, details };
    }
}
