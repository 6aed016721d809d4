using System.Runtime.CompilerServices;

namespace GroupNetDsl.TestSupport.Samples;

/// <summary>Files of the repository, read where they are at test time (not copies made at build time).</summary>
public static class RepositoryFiles
{
    /// <summary>
    /// The repository root: the first folder that holds GroupNetDsl.sln above this source file, or else (when the build
    /// mapped source paths away) above the test assembly.
    /// </summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The text of a file, by its path from the repository root with '/' separators.</summary>
    public static string Read(string relativePath) => File.ReadAllText(PathOf(relativePath));

    public static string PathOf(string relativePath) => Path.Combine([Root, .. relativePath.Split('/')]);

    private static string FindRoot([CallerFilePath] string sourceFile = "") =>
        Above(Path.GetDirectoryName(sourceFile)) ?? Above(AppContext.BaseDirectory)
        ?? throw new DirectoryNotFoundException($"No folder above {sourceFile} or {AppContext.BaseDirectory} holds GroupNetDsl.sln.");

    private static string? Above(string? start)
    {
        if (string.IsNullOrEmpty(start) || !Path.IsPathFullyQualified(start)) return null;
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "GroupNetDsl.sln"))) return folder.FullName;
        }
        return null;
    }
}
