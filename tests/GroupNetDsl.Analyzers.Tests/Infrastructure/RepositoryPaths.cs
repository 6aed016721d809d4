namespace GroupNetDsl.Analyzers.Tests.Infrastructure;

/// <summary>Where things are in the repository, found from the test assembly's folder.</summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root: the first folder up that holds Directory.Packages.props.</summary>
    public static string Root { get; } = FindRoot();

    public static string InvalidNetworkSample => Path.Combine(Root, "samples", "InvalidNetwork");

    public static string AnalyzersProject => Path.Combine(Root, "analyzers", "GroupNetDsl.Analyzers");

    public static string DiagnosticsDocs => Path.Combine(Root, "docs", "diagnostics");

    /// <summary>The configuration this test assembly was built in (bin/Debug/net10.0 gives Debug).</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props"))) return directory.FullName;
        }
        throw new InvalidOperationException("The repository root (with Directory.Packages.props) is not above " + AppContext.BaseDirectory);
    }
}
