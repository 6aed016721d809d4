using System;
using System.Collections.Generic;
using System.Linq;

namespace GroupNetDsl.Cli;

/// <summary>
/// Ends a command early with one-line messages for the user and an exit code. Commands throw it for input
/// they cannot work with; <see cref="GnetCommandLine"/> prints each message as <c>error: message</c>.
/// </summary>
public sealed class CommandFailedException : Exception
{
    public CommandFailedException(string message, int exitCode = ExitCodes.CannotRun)
        : this(new[] { message }, exitCode)
    {
    }

    public CommandFailedException(IEnumerable<string> messages, int exitCode = ExitCodes.CannotRun)
        : this(messages.ToArray(), exitCode)
    {
    }

    private CommandFailedException(string[] messages, int exitCode)
        : base(string.Join(" ", messages))
    {
        Messages = messages;
        ExitCode = exitCode;
    }

    /// <summary>Each problem, one line each.</summary>
    public IReadOnlyList<string> Messages { get; }

    public int ExitCode { get; }
}
