using System.CommandLine;
using GroupNetDsl.Cli.Graphs;
using GroupNetDsl.Cli.Input;
using GroupNetDsl.Cli.Output;

namespace GroupNetDsl.Cli.Commands;

/// <summary>
/// <c>gnet graph FILE [--network NAME] [--include FILE]... [--format mermaid|dot]</c>: the network graph as a Mermaid flowchart
/// (the default; GitHub renders it in Markdown) or Graphviz DOT, with tensor shapes on the edges.
/// </summary>
public static class GraphCommand
{
    public const string Mermaid = "mermaid";
    public const string Dot = "dot";

    public static Command Create(Terminal terminal)
    {
        var format = new Option<string>("--format", "-f")
        {
            Description = "mermaid (a flowchart for Markdown) or dot (Graphviz).",
            DefaultValueFactory = _ => Mermaid,
        };
        format.AcceptOnlyFromAmong(Mermaid, Dot);
        return NetworkCommand.Create(terminal, "graph", "Print a network's graph as Mermaid or Graphviz DOT, with the tensor shape on every edge.", "The network to draw; required when the file declares several.", [format],
            (source, parseResult) => Run(terminal, source, parseResult.GetRequiredValue(format)));
    }

    public static int Run(Terminal terminal, NetworkSource source, string format)
    {
        var graph = NetworkGraph.From(NetworkLoader.LoadOne(terminal, source));
        terminal.Output.Write(format == Dot ? DotWriter.Write(graph) : MermaidWriter.Write(graph));
        return ExitCodes.Success;
    }
}
