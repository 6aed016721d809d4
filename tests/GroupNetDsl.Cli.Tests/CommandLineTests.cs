using GroupNetDsl.Cli.Output;
using GroupNetDsl.Cli.Tests.Infrastructure;

namespace GroupNetDsl.Cli.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void No_command_prints_usage_on_standard_error_and_exits_2()
    {
        var run = Gnet.Run();

        run.AssertFailed(ExitCodes.CannotRun);
        Assert.Contains("check", run.Error, StringComparison.Ordinal);
        Assert.Contains("summary", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_every_command_and_exits_0()
    {
        var run = Gnet.Run("--help");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        foreach (string command in new[] { "check", "summary", "graph", "emit", "inspect", "verify", "compare", "import" })
        {
            Assert.Contains("  " + command + " ", run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_root_help_shows_each_commands_arguments_and_which_take_several()
    {
        // The rows are built from what each command accepts (its arguments' arities), not from the help under test.
        var root = GnetCommandLine.CreateRootCommand(Terminal.Plain(TextWriter.Null, TextWriter.Null));
        var help = Gnet.Run("--help").Output;

        foreach (var command in root.Subcommands)
        {
            var arguments = command.Arguments.Select(a => a.Arity.MaximumNumberOfValues > 1 ? $"<{a.Name}...>" : $"<{a.Name}>");
            Assert.Contains("  " + string.Join(" ", arguments.Prepend(command.Name)) + "  ", help, StringComparison.Ordinal);
        }
        Assert.Contains("  check <FILE...>  ", help, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_option_that_takes_a_value_names_it_in_capitals()
    {
        var root = GnetCommandLine.CreateRootCommand(Terminal.Plain(TextWriter.Null, TextWriter.Null));
        foreach (var command in root.Subcommands)
        {
            string help = Gnet.Run(command.Name, "--help").Output;
            // A default is printed by System.CommandLine from the option itself; a description that repeats it would show it twice.
            Assert.DoesNotContain(help.Split('\n'), line => line.Split("[default:").Length > 2);
            foreach (var option in command.Options.Where(o => o.ValueType != typeof(bool) && !o.Name.StartsWith("--help", StringComparison.Ordinal)))
            {
                // A list of choices (--format <json|text>) is its own placeholder.
                string placeholder = option.HelpName ?? (option.CompletionSources.Count > 0 ? "" : null)!;
                Assert.True(placeholder is not null, $"gnet {command.Name} {option.Name} shows its lower-case name as the value's placeholder");
                if (placeholder.Length > 0)
                {
                    Assert.Equal(placeholder.ToUpperInvariant(), placeholder);
                    Assert.Contains($"{option.Name} <{placeholder}>", help, StringComparison.Ordinal);
                }
            }
        }
    }

    [Theory]
    [InlineData("check")]
    [InlineData("verify")]
    [InlineData("summary", "a.gnet", "--no-such-option")]
    [InlineData("frobnicate")]
    [InlineData("import")]
    public void Bad_arguments_exit_2(params string[] args)
    {
        var run = Gnet.Run(args);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.NotEqual(string.Empty, run.Error);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public void Captured_output_is_plain_text_without_escape_codes()
    {
        foreach (var run in new[]
        {
            Gnet.Run("summary", ReferenceData.MiniGroupNetSource),
            Gnet.Run("inspect", ReferenceData.MiniGroupNetWeights),
            Gnet.Run("check", ReferenceData.MiniGroupNetSource),
            Gnet.Run("verify", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights),
        })
        {
            Assert.Equal(ExitCodes.Success, run.ExitCode);
            Assert.DoesNotContain('\u001b', run.Output);
        }
    }

    [Fact]
    public void Plain_tables_are_laid_out_wide_so_no_cell_wraps()
    {
        using var output = new StringWriter();
        var terminal = Terminal.Plain(output, TextWriter.Null);

        Assert.False(terminal.UseColor);
        Assert.Equal(Terminal.PlainWidth, terminal.Console.Profile.Width);
    }
}
