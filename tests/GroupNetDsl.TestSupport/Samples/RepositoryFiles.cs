using System.Runtime.CompilerServices;

namespace GroupNetDsl.TestSupport.Samples;

/// <summary>Files of the repository, read where they are at test time (not copies made at build time).</summary>
public static class RepositoryFiles
{
    /// <summary>The repository root: the first folder above this source file that holds GroupNetDsl.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The text of a file, by its path from the repository root with '/' separators.</summary>
    public static string Read(string relativePath) => File.ReadAllText(PathOf(relativePath));

    public static string PathOf(string relativePath) => Path.Combine([Root, .. relativePath.Split('/')]);

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        for (var folder = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "GroupNetDsl.sln"))) return folder.FullName;
        }
        throw new DirectoryNotFoundException($"No folder above {sourceFile} holds GroupNetDsl.sln.");
    }
}
