using System.CommandLine;
using GroupNetDsl.Cli.Graphs;
using GroupNetDsl.Cli.Input;
using GroupNetDsl.Cli.Output;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// <c>gnet graph FILE [--network NAME] [--include FILE]... [--format mermaid|dot|svg|html]</c>: the network graph as a
/// Mermaid flowchart (the default; GitHub renders it in Markdown), Graphviz DOT, an SVG drawing or an HTML page with
/// it, each with modules boxed around their layers and tensor shapes on the edges.
/// </summary>
public static class GraphCommand
{
    public const string Mermaid = "mermaid";
    public const string Dot = "dot";
    public const string Svg = "svg";
    public const string Html = "html";

    public static Command Create(Terminal terminal)
    {
        var format = new Option<string>("--format", "-f")
        {
            Description = "mermaid (a flowchart for Markdown), dot (Graphviz), svg (a drawing) or html (a page with the drawing, for a browser).",
            DefaultValueFactory = _ => Mermaid,
        };
        format.AcceptOnlyFromAmong(Mermaid, Dot, Svg, Html);
        return NetworkCommand.Create(terminal, "graph", "Print a network's graph as Mermaid, Graphviz DOT, SVG or an HTML page, modules boxed around their layers, with the tensor shape on every edge.", "The network to draw; required when the file declares several.", [format],
            (source, parseResult) => Run(terminal, source, parseResult.GetRequiredValue(format)));
    }

    public static int Run(Terminal terminal, NetworkSource source, string format)
    {
        var graph = NetworkGraph.From(NetworkLoader.LoadOne(terminal, source));
        terminal.Output.Write(format switch
        {
            Dot => DotWriter.Write(graph),
            Svg => SvgWriter.Write(graph),
            Html => SvgWriter.WriteHtml(graph),
            _ => MermaidWriter.Write(graph),
        });
        return ExitCodes.Success;
    }
}
