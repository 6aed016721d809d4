namespace GroupNetDsl.Cli;

/// <summary>What `gnet` returns to the shell. Scripts and CI rely on these values; do not renumber them.</summary>
public static class ExitCodes
{
    /// <summary>The command ran and found nothing wrong (warnings do not count).</summary>
    public const int Success = 0;

    /// <summary>The command ran and found a problem: an error diagnostic, or weights that do not match.</summary>
    public const int ProblemsFound = 1;

    /// <summary>
    /// The command could not run on what it was given: a file that is missing or unreadable, a weight file
    /// that is not valid safetensors, a network name that the file does not declare, or bad arguments.
    /// </summary>
    public const int CannotRun = 2;

    /// <summary>A bug in gnet itself: an exception that no command expected.</summary>
    public const int InternalError = 3;
}
