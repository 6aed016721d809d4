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
/// A module that holds several layers (a block instance or a sequential), drawn as a box around them: a safe
/// identifier, its PyTorch path, the groups directly inside it and the nodes directly inside it.
/// </summary>
public sealed record GraphGroup(string Id, string Path, IReadOnlyList<GraphGroup> Groups, IReadOnlyList<string> NodeIds);

/// <summary>
/// A network as boxes and arrows, independent of the drawing language: one node per model node (id
/// <c>n{index}</c>, label the layer path, the op and its configuration, one a line), an edge per input labeled with the input's
/// shape, and a final <c>out</c> node that shows the network's output shape. Nodes are nested in groups by their
/// module path (<c>stage1.reduce.0</c> is in <c>stage1.reduce</c>, in <c>stage1</c>). The writers only lay out, escape and
/// spell it.
/// </summary>
public sealed record NetworkGraph(string Name, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges)
{
    public const string OutputId = "out";

    /// <summary>The modules that contain layers, outermost first (none for a graph made without them).</summary>
    public IReadOnlyList<GraphGroup> Groups { get; init; } = [];

    /// <summary>The nodes in no group (the input, the output, top-level layers), in order.</summary>
    public IEnumerable<GraphNode> UngroupedNodes()
    {
        var grouped = new HashSet<string>(AllGroups().SelectMany(g => g.Group.NodeIds));
        return Nodes.Where(n => !grouped.Contains(n.Id));
    }

    public static string NodeId(int index) => "n" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static NetworkGraph From(Network network)
    {
        var nodes = new List<GraphNode>();
        var edges = new List<GraphEdge>();
        var tree = new GroupBuilder(string.Empty);
        foreach (var node in network.Nodes)
        {
            bool isInput = node.Operation.Descriptor == NetworkInput.Descriptor;
            nodes.Add(new GraphNode(NodeId(node.Index), Label(node), isInput));
            edges.AddRange(node.Inputs.Select(input => new GraphEdge(NodeId(input), NodeId(node.Index), network.Nodes[input].Output.ToString())));
            tree.Add(isInput ? [] : node.Path.Split('.'), 0, NodeId(node.Index));
        }
        nodes.Add(new GraphNode(OutputId, OutputLabel, IsTerminal: true));
        edges.Add(new GraphEdge(NodeId(network.OutputNode), OutputId, network.Output.ToString()));
        int next = 0;
        return new NetworkGraph(network.Name, nodes, edges) { Groups = tree.Children.Select(g => g.Build(ref next)).ToList() };
    }

    /// <summary>Every group, outermost first, each before the groups inside it.</summary>
    public IEnumerable<(GraphGroup Group, int Depth)> AllGroups()
    {
        var stack = new Stack<(GraphGroup, int)>(Groups.Reverse().Select(g => (g, 0)));
        while (stack.Count > 0)
        {
            var (group, depth) = stack.Pop();
            yield return (group, depth);
            foreach (var inner in group.Groups.Reverse()) stack.Push((inner, depth + 1));
        }
    }

    private static readonly string[] OutputLabel = { "output" };

    private static string[] Label(Node node)
    {
        if (node.Operation.Descriptor == NetworkInput.Descriptor) return new[] { "input", node.Output.ToString() };
        string details = SummaryTable.Describe(node.Operation);
        return details.Length == 0 ? new[] { node.Path, node.Operation.OpName } : new[] { node.Path, node.Operation.OpName, details };
    }

    /// <summary>The module tree while nodes are added: a node goes into the group of every path segment but its last.</summary>
    private sealed class GroupBuilder(string path)
    {
        public List<GroupBuilder> Children { get; } = [];

        public List<string> NodeIds { get; } = [];

        public void Add(string[] segments, int at, string nodeId)
        {
            if (at >= segments.Length - 1)
            {
                NodeIds.Add(nodeId);
                return;
            }
            string childPath = path.Length == 0 ? segments[at] : path + "." + segments[at];
            var child = Children.FirstOrDefault(c => c.Path == childPath);
            if (child is null) Children.Add(child = new GroupBuilder(childPath));
            child.Add(segments, at + 1, nodeId);
        }

        public string Path => path;

        public GraphGroup Build(ref int next)
        {
            string id = "g" + next++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var groups = new List<GraphGroup>();
            foreach (var child in Children) groups.Add(child.Build(ref next));
            return new GraphGroup(id, path, groups, NodeIds);
        }
    }
}
