using System;
using System.CommandLine;
using System.IO;
using GroupNetDsl.Cli.Commands;
using GroupNetDsl.Cli.Output;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Cli;

/// <summary>
/// The <c>gnet</c> command line: builds the commands and runs one. <see cref="Program"/> runs it on the
/// process's console; tests run it in-process on their own writers.
/// </summary>
public static class GnetCommandLine
{
    /// <summary>Runs <c>gnet</c> with plain, uncoloured output to the given writers.</summary>
    /// <returns>One of <see cref="ExitCodes"/>.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, Terminal.Plain(output, error));

    /// <summary>Runs <c>gnet</c> on a terminal.</summary>
    /// <returns>One of <see cref="ExitCodes"/>; bad arguments give <see cref="ExitCodes.CannotRun"/>.</returns>
    public static int Run(string[] args, Terminal terminal)
    {
        var parseResult = CreateRootCommand(terminal).Parse(args);
        bool usageError = parseResult.Errors.Count > 0;
        var configuration = new InvocationConfiguration
        {
            // On bad arguments System.CommandLine prints the errors and the usage: all of it belongs on
            // standard error, so that standard output only ever carries a command's result.
            Output = usageError ? terminal.Error : terminal.Output,
            Error = terminal.Error,
            EnableDefaultExceptionHandler = false,
        };
        int exitCode = parseResult.Invoke(configuration);
        terminal.Output.Flush();
        terminal.Error.Flush();
        return usageError ? ExitCodes.CannotRun : exitCode;
    }

    public static RootCommand CreateRootCommand(Terminal terminal) => new("gnet: check, summarize, draw, emit, verify and run GroupNetDsl networks (.gnet files) and their weights; import ONNX models.")
    {
        CheckCommand.Create(terminal),
        SummaryCommand.Create(terminal),
        GraphCommand.Create(terminal),
        InspectCommand.Create(terminal),
        VerifyCommand.Create(terminal),
        CompareCommand.Create(terminal),
        EmitCommand.Create(terminal),
        ImportCommand.Create(terminal),
    };

    /// <summary>
    /// Runs a command's body and turns its expected failures into messages and exit codes: nothing a user
    /// types or any file they pass makes <c>gnet</c> crash.
    /// </summary>
    public static int Execute(Terminal terminal, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CommandFailedException e)
        {
            foreach (string message in e.Messages) terminal.WriteError(message);
            return e.ExitCode;
        }
        catch (WeightFileException e)
        {
            // The reader's messages already name the file (and the tensor, when there is one).
            terminal.WriteError(e.Message);
            return ExitCodes.CannotRun;
        }
        catch (Exception e)
        {
            terminal.Error.WriteLine($"error: internal error in gnet, please report it with the command that caused it:{Environment.NewLine}{e}");
            return ExitCodes.InternalError;
        }
    }
}
