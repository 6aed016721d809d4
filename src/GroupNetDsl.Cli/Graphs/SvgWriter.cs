using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace GroupNetDsl.Cli.Graphs;

/// <summary>
/// Draws a <see cref="NetworkGraph"/> as SVG, laid out here so that a browser shows it with no other tool: layers
/// top to bottom in ranks (a node's rank is the longest path to it from the input), nodes of a rank side by side in
/// model order, a rounded box per module around its layers (nested as the modules are), and edges as curves
/// labeled with the tensor's shape. Text is monospace, so its width is known without measuring; every text is
/// XML-escaped. <see cref="WriteHtml"/> wraps the drawing in a page.
/// </summary>
public static class SvgWriter
{
    private const double CharWidth = 6.6;   // 11px monospace
    private const double LineHeight = 15;
    private const double TitleHeight = 14;
    private const double PassWidth = 10;

    public static string Write(NetworkGraph graph)
    {
        var layout = Layout.Of(graph);
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{layout.Width:0}\" height=\"{layout.Height:0}\" viewBox=\"0 0 {layout.Width:0} {layout.Height:0}\" font-family=\"monospace\" font-size=\"11\">\n"));
        svg.Append("  <title>").Append(Xml(graph.Name)).Append("</title>\n");
        svg.Append("  <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n");
        foreach (var (group, box, depth) in layout.Groups)
        {
            string fill = depth % 2 == 0 ? "#f4f6fa" : "#e9edf5";
            svg.Append(Invariant($"  <g class=\"module\"><rect x=\"{box.X:0.#}\" y=\"{box.Y:0.#}\" width=\"{box.Width:0.#}\" height=\"{box.Height:0.#}\" rx=\"8\" fill=\"{fill}\" stroke=\"#9aa5b8\"/>"));
            svg.Append(Invariant($"<text x=\"{box.X + 8:0.#}\" y=\"{box.Y + 12:0.#}\" fill=\"#44506a\">")).Append(Xml(group.Path)).Append("</text></g>\n");
        }
        for (int e = 0; e < graph.Edges.Count; e++)
        {
            var edge = graph.Edges[e];
            // Source bottom, then down each rank it passes (its own column there), then target top.
            var points = new List<(double X, double Y)>();
            var from = layout.Nodes[edge.From];
            points.Add((from.X + (from.Width / 2), from.Y + from.Height));
            foreach (var pass in layout.Passes.GetValueOrDefault(e, []))
            {
                points.Add((pass.X, pass.Y));
                points.Add((pass.X, pass.Y + pass.Height));
            }
            var to = layout.Nodes[edge.To];
            points.Add((to.X + (to.Width / 2), to.Y));
            var path = new StringBuilder(Invariant($"M {points[0].X:0.#} {points[0].Y:0.#}"));
            for (int i = 1; i < points.Count; i++)
            {
                var (x1, y1) = points[i - 1];
                var (x2, y2) = points[i];
                double middle = (y1 + y2) / 2;
                path.Append(Invariant($" C {x1:0.#} {middle:0.#}, {x2:0.#} {middle:0.#}, {x2:0.#} {y2:0.#}"));
            }
            svg.Append("  <path d=\"").Append(path).Append("\" fill=\"none\" stroke=\"#555\" marker-end=\"url(#arrow)\"/>\n");
            // The shape, beside the edge just below its source.
            double labelY = points[0].Y + Math.Min(18, (points[1].Y - points[0].Y) / 2);
            svg.Append(Invariant($"  <text x=\"{((points[0].X + points[1].X) / 2) + 4:0.#}\" y=\"{labelY + 4:0.#}\" fill=\"#333\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">")).Append(Xml(edge.Label)).Append("</text>\n");
        }
        foreach (var node in graph.Nodes)
        {
            var box = layout.Nodes[node.Id];
            string shape = node.IsTerminal ? "rx=\"16\"" : "rx=\"3\"";
            svg.Append(Invariant($"  <g class=\"layer\"><rect x=\"{box.X:0.#}\" y=\"{box.Y:0.#}\" width=\"{box.Width:0.#}\" height=\"{box.Height:0.#}\" {shape} fill=\"{Fill(node)}\" stroke=\"#4a5568\"/>"));
            for (int i = 0; i < node.Label.Count; i++)
            {
                string weight = i == 0 ? " font-weight=\"bold\"" : string.Empty;
                svg.Append(Invariant($"<text x=\"{box.X + 8:0.#}\" y=\"{box.Y + 15 + (i * LineHeight):0.#}\"{weight}>")).Append(Xml(node.Label[i])).Append("</text>");
            }
            svg.Append("</g>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>A page that shows the drawing, for a browser: <c>gnet graph net.gnet --format html &gt; net.html</c>.</summary>
    public static string WriteHtml(NetworkGraph graph)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(Xml(graph.Name)).Append("</title>\n");
        page.Append("<style>body { font-family: sans-serif; margin: 16px; } h1 { font-size: 18px; }</style>\n</head>\n<body>\n");
        page.Append("<h1>").Append(Xml(graph.Name)).Append("</h1>\n");
        page.Append(Write(graph));
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>Text safe in SVG/HTML content and attribute values.</summary>
    public static string Xml(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ when c < ' ' => " ",
                _ => c.ToString(),
            });
        }
        return escaped.ToString();
    }

    private static string Fill(GraphNode node) => node.IsTerminal ? "#e2e8f0" : (node.Label.Count > 1 ? node.Label[1] : string.Empty) switch
    {
        "conv" => "#dbeafe",
        "batchnorm" => "#fef9c3",
        "linear" => "#e0e7ff",
        "add" or "mul" or "cat" => "#fed7aa",
        "maxpool" or "avgpool" or "mean" => "#ede9fe",
        "relu" or "relu6" or "sigmoid" or "hardsigmoid" or "hardswish" or "silu" or "gelu" => "#dcfce7",
        _ => "#ffffff",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Box(double X, double Y, double Width, double Height);

    private sealed class Layout
    {
        public Dictionary<string, Box> Nodes { get; } = [];

        public List<(GraphGroup Group, Box Box, int Depth)> Groups { get; } = [];

        /// <summary>Per long edge, where it passes each rank between its ends: x, and the rank's vertical extent.</summary>
        public Dictionary<int, List<Box>> Passes { get; } = [];

        public void AddPass(int edge, Box box)
        {
            if (!Passes.TryGetValue(edge, out var boxes)) Passes[edge] = boxes = [];
            boxes.Add(box);
        }

        public double Width { get; private set; }

        public double Height { get; private set; }

        public static Layout Of(NetworkGraph graph)
        {
            var layout = new Layout();
            var heights = graph.AllGroups().ToDictionary(g => g.Group.Id, g => NestingHeight(g.Group));
            int nesting = graph.Groups.Count == 0 ? 0 : graph.Groups.Max(NestingHeight);
            // Room between ranks and columns for the boxes of the modules that end and start there.
            double gapY = 40 + (2 * Pad(nesting)) + TitleHeight, gapX = 24 + (2 * Pad(nesting));

            var rank = new Dictionary<string, int>();
            var order = new Dictionary<string, double>();
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                rank[graph.Nodes[i].Id] = 0;
                order[graph.Nodes[i].Id] = i;
            }
            // Model order is execution order, so one pass in it sees every input before its reader.
            foreach (var node in graph.Nodes)
            {
                foreach (var edge in graph.Edges.Where(e => e.To == node.Id)) rank[node.Id] = Math.Max(rank[node.Id], rank[edge.From] + 1);
            }
            // An edge that spans several ranks passes each rank between in a slot of its own (ordered after its
            // source), so that it runs beside the layers of that rank rather than through them.
            var items = graph.Nodes.Select(n => (Id: n.Id, Edge: -1, Rank: rank[n.Id], Order: order[n.Id], Width: NodeWidth(n), Height: NodeHeight(n))).ToList();
            for (int e = 0; e < graph.Edges.Count; e++)
            {
                var edge = graph.Edges[e];
                for (int r = rank[edge.From] + 1; r < rank[edge.To]; r++) items.Add((string.Empty, e, r, order[edge.From] + 0.5 + (e * 1e-6), PassWidth, 0));
            }
            var ranks = items.GroupBy(item => item.Rank).OrderBy(g => g.Key).Select(g => g.OrderBy(item => item.Order).ToList()).ToList();
            double widest = ranks.Max(r => r.Sum(item => item.Width) + (gapX * (r.Count - 1)));
            double margin = 16 + Pad(nesting);
            double y = margin + 24;
            foreach (var row in ranks)
            {
                double x = margin + ((widest - (row.Sum(item => item.Width) + (gapX * (row.Count - 1)))) / 2);
                double height = row.Max(item => item.Height);
                foreach (var item in row)
                {
                    if (item.Edge < 0) layout.Nodes[item.Id] = new Box(x, y, item.Width, item.Height);
                    else layout.AddPass(item.Edge, new Box(x + (item.Width / 2), y, 0, height));
                    x += item.Width + gapX;
                }
                y += height + gapY;
            }
            foreach (var (group, depth) in graph.AllGroups())
            {
                var boxes = Members(group).Select(id => layout.Nodes[id]).ToList();
                double pad = Pad(heights[group.Id]);
                double left = boxes.Min(b => b.X) - pad, top = boxes.Min(b => b.Y) - pad - TitleHeight;
                layout.Groups.Add((group, new Box(left, top, boxes.Max(b => b.X + b.Width) + pad - left, boxes.Max(b => b.Y + b.Height) + pad - top), depth));
            }
            layout.Width = widest + (2 * margin);
            layout.Height = y - gapY + margin;
            return layout;
        }

        private static IEnumerable<string> Members(GraphGroup group) => group.NodeIds.Concat(group.Groups.SelectMany(Members));

        private static int NestingHeight(GraphGroup group) => 1 + (group.Groups.Count == 0 ? 0 : group.Groups.Max(NestingHeight));

        private static double Pad(int height) => height == 0 ? 0 : 8 + (12 * (height - 1));

        private static double NodeWidth(GraphNode node) => 16 + (CharWidth * node.Label.Max(l => l.Length));

        private static double NodeHeight(GraphNode node) => 8 + (LineHeight * node.Label.Count);
    }
}
