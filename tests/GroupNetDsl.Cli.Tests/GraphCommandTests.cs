using System.Text.RegularExpressions;
using GroupNetDsl.Cli.Graphs;
using GroupNetDsl.Cli.Tests.Infrastructure;

namespace GroupNetDsl.Cli.Tests;

public sealed partial class GraphCommandTests : CommandTests
{
    [Fact]
    public void Mermaid_is_the_default_and_labels_edges_with_the_shapes_pytorch_computes()
    {
        var run = Gnet.Run("graph", ReferenceData.MiniGroupNetSource);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("flowchart TD", run.OutputLines[0]);
        var ids = MermaidNodeIds(run.Output);

        // The grouped conv of stage 1 reads what stage1.reduce.2 (a ReLU) produces.
        string into = ReferenceData.Layer("stage1.reduce.2").ShapeText;
        Assert.Equal("64x64x64", into);
        Assert.Contains($"    {ids["stage1.reduce.2"]} -->|\"{into}\"| {ids["stage1.group_conv.0"]}", run.OutputLines);

        // The residual add has two inputs: the expanded path and the skip path, both 128x32x32.
        Assert.Contains($"    {ids["stage1.expand.1"]} -->|\"{ReferenceData.Layer("stage1.expand.1").ShapeText}\"| {ids["stage1.add"]}", run.OutputLines);
        Assert.Contains($"    {ids["stage1.skip.1"]} -->|\"{ReferenceData.Layer("stage1.skip.1").ShapeText}\"| {ids["stage1.add"]}", run.OutputLines);

        // The network's output: what fc produces.
        Assert.Contains($"    {ids["fc"]} -->|\"{ReferenceData.Layer("fc").ShapeText}\"| out", run.OutputLines);
    }

    [Fact]
    public void Mermaid_node_ids_are_safe_identifiers_and_labels_are_quoted()
    {
        var run = Gnet.Run("graph", ReferenceData.MiniGroupNetSource, "--format", "mermaid");

        foreach (string line in run.OutputLines.Skip(1).Where(l => !l.TrimStart().StartsWith("%%", StringComparison.Ordinal)))
        {
            Assert.Matches(@"^    (n\d+|out)(\(\[""[^""]*""\]\)|\[""[^""]*""\]| -->\|""[^""]*""\| (n\d+|out))$", line);
        }
        string groupConv = MermaidNodeIds(run.Output)["stage1.group_conv.0"];
        string node = Assert.Single(run.OutputLines, l => l.StartsWith($"    {groupConv}[", StringComparison.Ordinal));
        Assert.StartsWith($"    {groupConv}[\"stage1.group_conv.0<br/>conv<br/>64-#gt;64, 3x3, stride 2", node, StringComparison.Ordinal);
    }

    [Fact]
    public void Dot_output_is_a_digraph_with_shapes_on_the_edges()
    {
        var run = Gnet.Run("graph", ReferenceData.MiniGroupNetSource, "--format", "dot");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("digraph \"MiniGroupNet\" {", run.OutputLines[0]);
        Assert.Equal("}", run.OutputLines[^1]);
        var ids = DotNodeIds(run.Output);
        Assert.Contains($"    {ids["stage1.reduce.2"]} -> {ids["stage1.group_conv.0"]} [label=\"{ReferenceData.Layer("stage1.reduce.2").ShapeText}\"];", run.OutputLines);
        Assert.Contains($"    {ids["pool"]} -> {ids["flatten"]} [label=\"{ReferenceData.Layer("pool").ShapeText}\"];", run.OutputLines);
        Assert.Contains($"    {ids["fc"]} -> out [label=\"{ReferenceData.Layer("fc").ShapeText}\"];", run.OutputLines);
    }

    [Fact]
    public void Every_model_edge_appears_once_in_both_formats()
    {
        var mermaid = Gnet.Run("graph", ReferenceData.MiniGroupNetSource);
        var dot = Gnet.Run("graph", ReferenceData.MiniGroupNetSource, "--format", "dot");

        // Nodes: PyTorch's 27 leaf modules, the input, the two residual adds and the flatten, 31 in all.
        // Each node but the input reads one tensor, each add a second one; one more edge leads to the output.
        int nodes = ReferenceData.MiniGroupNetLayers.Count + 1 + 2 + 1;
        Assert.Equal(31, nodes);
        int edges = (nodes - 1) + 2 + 1;
        Assert.Equal(edges, mermaid.OutputLines.Count(l => l.Contains(" -->|", StringComparison.Ordinal)));
        Assert.Equal(edges, dot.OutputLines.Count(l => l.Contains(" -> ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Quotes_and_markup_in_labels_are_escaped_for_each_format()
    {
        var graph = new NetworkGraph(
            "Odd \"name\"",
            new[] { new GraphNode("n0", new[] { "say \"hi\" <b>", "a\\b #1 | x & y" }, IsTerminal: false), new GraphNode("out", new[] { "output" }, IsTerminal: true) },
            new[] { new GraphEdge("n0", "out", "3x8x8") });

        string mermaid = MermaidWriter.Write(graph);
        string dot = DotWriter.Write(graph);

        Assert.Contains("n0[\"say #quot;hi#quot; #lt;b#gt;<br/>a\\b #35;1 #124; x #amp; y\"]", mermaid, StringComparison.Ordinal);
        Assert.Contains("digraph \"Odd \\\"name\\\"\" {", dot, StringComparison.Ordinal);
        Assert.Contains("n0 [label=\"say \\\"hi\\\" <b>\\na\\\\b #1 | x & y\"];", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_with_several_networks_needs_network()
    {
        string path = Files.Write("two.gnet", "network A(input: 1x4x4) {\n    c = conv(1, 2, 1)\n}\nnetwork B(input: 1x4x4) {\n    c = conv(1, 3, 1)\n}\n");

        var ambiguous = Gnet.Run("graph", path);
        var chosen = Gnet.Run("graph", path, "-n", "B", "-f", "dot");

        Assert.Equal(ExitCodes.CannotRun, ambiguous.ExitCode);
        Assert.Equal(new[] { $"error: '{path}' declares 2 networks (A, B); choose one with --network." }, ambiguous.ErrorLines);
        Assert.Equal(ExitCodes.Success, chosen.ExitCode);
        Assert.Contains("    n1 -> out [label=\"3x4x4\"];", chosen.OutputLines);
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error()
    {
        var run = Gnet.Run("graph", ReferenceData.MiniGroupNetSource, "--format", "svg");

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Contains("svg", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    /// <summary>Layer path to node id, read from the node lines: n7["stage1.group_conv.0&lt;br/&gt;...</summary>
    private static Dictionary<string, string> MermaidNodeIds(string output) =>
        MermaidNode().Matches(output).ToDictionary(m => m.Groups["path"].Value, m => m.Groups["id"].Value);

    private static Dictionary<string, string> DotNodeIds(string output) =>
        DotNode().Matches(output).ToDictionary(m => m.Groups["path"].Value, m => m.Groups["id"].Value);

    [GeneratedRegex(@"^    (?<id>n\d+)\[""(?<path>[^<""]+)<br/>", RegexOptions.Multiline)]
    private static partial Regex MermaidNode();

    [GeneratedRegex(@"^    (?<id>n\d+) \[label=""(?<path>[^\\""]+)\\n", RegexOptions.Multiline)]
    private static partial Regex DotNode();
}
