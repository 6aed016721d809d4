using System.Globalization;

namespace GroupNetDsl.Cli.Output;

/// <summary>Small pieces of English that several commands print the same way.</summary>
public static class Wording
{
    /// <summary>"1 error", "2 errors", "0 warnings".</summary>
    public static string Count(long count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun + "s");
}
