using System;
using System.IO;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GroupNetDsl.Cli.Output;

/// <summary>
/// Where a command writes: plain text writers for lines that tools parse (diagnostics, Mermaid, DOT) and a
/// Spectre.Console console over the same output for tables and colour.
/// </summary>
/// <remarks>
/// Colour is used only for an interactive terminal. When stdout is redirected, when NO_COLOR is set, or when
/// the caller passes its own writers (tests), the output is plain text laid out for a fixed width, so that
/// it is the same on every machine.
/// </remarks>
public sealed class Terminal
{
    /// <summary>The width tables are laid out for when the output is not a terminal: wide enough that no cell of a summary wraps.</summary>
    public const int PlainWidth = 240;

    private Terminal(TextWriter output, TextWriter error, bool useColor)
    {
        Output = output;
        Error = error;
        UseColor = useColor;
        var settings = new AnsiConsoleSettings
        {
            Ansi = useColor ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = useColor ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = useColor ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        };
        Console = AnsiConsole.Create(settings);
        if (!useColor) Console.Profile.Width = PlainWidth;
    }

    /// <summary>Standard output: the command's result.</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error: messages about the run (missing files, warnings while producing a result).</summary>
    public TextWriter Error { get; }

    /// <summary>Whether styles are rendered as colour.</summary>
    public bool UseColor { get; }

    /// <summary>The Spectre.Console console writing to <see cref="Output"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Plain, uncoloured output to the given writers.</summary>
    public static Terminal Plain(TextWriter output, TextWriter error) => new(output, error, useColor: false);

    /// <summary>The process's console, coloured only when stdout is a terminal and NO_COLOR is not set.</summary>
    public static Terminal FromEnvironment()
    {
        bool noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return new Terminal(System.Console.Out, System.Console.Error, useColor: !noColor && !System.Console.IsOutputRedirected);
    }

    /// <summary>Writes text (a severity, a verdict, a heading) to <see cref="Output"/>, in <paramref name="style"/> when colour is on.</summary>
    /// <remarks>
    /// With colour, Spectre lays the text out and wraps it at the terminal's width. Text that tools parse
    /// (a diagnostic's location and message) is written to <see cref="Output"/> directly, so that it stays
    /// one line; only its severity word goes through here.
    /// </remarks>
    public void Write(string text, Style style)
    {
        if (UseColor)
        {
            Console.Write(new Text(text, style));
        }
        else
        {
            Output.Write(text);
        }
    }

    /// <summary>Renders a table or other Spectre widget to <see cref="Output"/>.</summary>
    public void Render(IRenderable renderable) => Console.Write(renderable);

    /// <summary>A one-line error about the run, on <see cref="Error"/>. Line breaks in the message are folded into spaces.</summary>
    public void WriteError(string message) => Error.WriteLine("error: " + OneLine(message));

    private static string OneLine(string message) => message.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
}
