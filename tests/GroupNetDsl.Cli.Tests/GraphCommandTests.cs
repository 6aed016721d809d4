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
            Assert.Matches(@"^(    )+((n\d+|out)(\(\[""[^""]*""\]\)|\[""[^""]*""\]| -->\|""[^""]*""\| (n\d+|out))|subgraph g\d+ \[""[a-z0-9_.]+""\]|end)$", line);
        }
        string groupConv = MermaidNodeIds(run.Output)["stage1.group_conv.0"];
        string node = Assert.Single(run.OutputLines, l => l.TrimStart().StartsWith($"{groupConv}[", StringComparison.Ordinal)).TrimStart();
        Assert.StartsWith($"{groupConv}[\"stage1.group_conv.0<br/>conv<br/>64-#gt;64, 3x3, stride 2", node, StringComparison.Ordinal);
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
    public void Modules_are_nested_subgraphs_in_Mermaid_and_clusters_in_DOT()
    {
        var mermaid = Gnet.Run("graph", ReferenceData.MiniGroupNetSource).OutputLines;
        var dot = Gnet.Run("graph", ReferenceData.MiniGroupNetSource, "--format", "dot").OutputLines;

        // stage1 holds its add and act, and the four sequentials of the bottleneck, each around its layers.
        int stage1 = Array.IndexOf(mermaid, "    subgraph g1 [\"stage1\"]");
        Assert.True(stage1 > 0, string.Join("\n", mermaid));
        Assert.StartsWith("        n14[\"stage1.add<br/>", mermaid[stage1 + 1], StringComparison.Ordinal);
        Assert.Equal("        subgraph g2 [\"stage1.reduce\"]", mermaid[stage1 + 3]);
        Assert.StartsWith("            n4[\"stage1.reduce.0<br/>", mermaid[stage1 + 4], StringComparison.Ordinal);
        Assert.Equal(mermaid.Count(l => l.TrimStart().StartsWith("subgraph ", StringComparison.Ordinal)), mermaid.Count(l => l.Trim() == "end"));
        // stem, stage1 and stage2 with four sequentials each.
        Assert.Equal(11, mermaid.Count(l => l.TrimStart().StartsWith("subgraph ", StringComparison.Ordinal)));

        Assert.Contains("    subgraph cluster_g1 {", dot);
        Assert.Contains("        label=\"stage1\"; style=rounded; fontname=\"Helvetica\";", dot);
        Assert.Contains("        subgraph cluster_g2 {", dot);
        Assert.Equal(11, dot.Count(l => l.TrimStart().StartsWith("subgraph cluster_", StringComparison.Ordinal)));
    }

    [Fact]
    public void Svg_is_well_formed_with_a_box_per_layer_and_per_module_and_html_wraps_it()
    {
        var svg = Gnet.Run("graph", ReferenceData.MiniGroupNetSource, "--format", "svg");
        var html = Gnet.Run("graph", ReferenceData.MiniGroupNetSource, "--format", "html");

        Assert.Equal(ExitCodes.Success, svg.ExitCode);
        var document = System.Xml.Linq.XDocument.Parse(svg.Output);
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        var groups = document.Descendants(ns + "g").ToList();
        // 31 nodes and the output; 11 modules; one path per edge (33).
        Assert.Equal(32, groups.Count(g => (string?)g.Attribute("class") == "layer"));
        Assert.Equal(11, groups.Count(g => (string?)g.Attribute("class") == "module"));
        Assert.Equal(33, document.Descendants(ns + "path").Count(p => p.Parent?.Name == ns + "svg"));
        Assert.Contains(document.Descendants(ns + "text"), t => t.Value == "stage1.group_conv.0");
        // Every layer box lies inside the drawing.
        double width = double.Parse(document.Root!.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(document.Descendants(ns + "rect"), r => Assert.InRange(double.Parse(r.Attribute("x")!.Value, System.Globalization.CultureInfo.InvariantCulture), 0, width));

        Assert.StartsWith("<!DOCTYPE html>", html.Output, StringComparison.Ordinal);
        Assert.Contains("<title>MiniGroupNet</title>", html.Output, StringComparison.Ordinal);
        Assert.Contains(svg.Output, html.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Svg_text_is_escaped()
    {
        var graph = new NetworkGraph(
            "Odd <name> & \"x\"",
            new[] { new GraphNode("n0", new[] { "say \"hi\" <b>", "a & b" }, IsTerminal: false), new GraphNode("out", new[] { "output" }, IsTerminal: true) },
            new[] { new GraphEdge("n0", "out", "3x8x8") });

        string svg = SvgWriter.Write(graph);

        var document = System.Xml.Linq.XDocument.Parse(svg);
        Assert.Contains(document.Descendants(), e => e.Name.LocalName == "text" && e.Value == "say \"hi\" <b>");
        Assert.Contains(document.Descendants(), e => e.Name.LocalName == "title" && e.Value == "Odd <name> & \"x\"");
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
        var run = Gnet.Run("graph", ReferenceData.MiniGroupNetSource, "--format", "png");

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Contains("png", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    /// <summary>Layer path to node id, read from the node lines: n7["stage1.group_conv.0&lt;br/&gt;...</summary>
    private static Dictionary<string, string> MermaidNodeIds(string output) =>
        MermaidNode().Matches(output).ToDictionary(m => m.Groups["path"].Value, m => m.Groups["id"].Value);

    private static Dictionary<string, string> DotNodeIds(string output) =>
        DotNode().Matches(output).ToDictionary(m => m.Groups["path"].Value, m => m.Groups["id"].Value);

    [GeneratedRegex(@"^ +(?<id>n\d+)\[""(?<path>[^<""]+)<br/>", RegexOptions.Multiline)]
    private static partial Regex MermaidNode();

    [GeneratedRegex(@"^ +(?<id>n\d+) \[label=""(?<path>[^\\""]+)\\n", RegexOptions.Multiline)]
    private static partial Regex DotNode();
}
