namespace GroupNetDsl.TestSupport.Samples;

/// <summary>The fenced code blocks of the repository's Markdown pages, which the documentation tests compile and compare.</summary>
public static class FencedBlocks
{
    /// <summary>
    /// The blocks of <paramref name="page"/> (a path from the repository root), in order, whose info string (what
    /// follows the opening <c>```</c>, empty for none) <paramref name="wanted"/> accepts.
    /// </summary>
    public static List<string> Of(string page, Func<string, bool> wanted)
    {
        var blocks = new List<string>();
        List<string>? current = null;
        bool keep = false;
        foreach (string line in File.ReadAllLines(RepositoryFiles.PathOf(page)))
        {
            if (!line.StartsWith("```", StringComparison.Ordinal)) current?.Add(line);
            else if (current is null)
            {
                current = [];
                keep = wanted(line.Trim().Substring(3));
            }
            else
            {
                if (keep) blocks.Add(string.Join("\n", current));
                current = null;
            }
        }
        return blocks;
    }
}
