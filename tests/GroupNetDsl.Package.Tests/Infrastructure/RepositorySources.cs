namespace GroupNetDsl.Package.Tests.Infrastructure;

/// <summary>The repository, found from the test assembly's folder, and the part of it the packages are built from.</summary>
public static class RepositorySources
{
    /// <summary>The repository root: the first folder up that holds Directory.Packages.props.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// What <c>dotnet pack</c> of src/GroupNetDsl, src/GroupNetDsl.Cli and src/GroupNetDsl.Imaging needs: the projects in the
    /// packages, the projects they build, the shared props, the analyzer settings and the SDK pin.
    /// </summary>
    public static readonly IReadOnlyList<string> PackageInputs =
    [
        ".editorconfig",
        "Directory.Build.props",
        "Directory.Packages.props",
        "global.json",
        "build",
        "src/GroupNetDsl",
        "src/GroupNetDsl.Language",
        "src/GroupNetDsl.Cli",
        "src/GroupNetDsl.Imaging",
        "generator/GroupNetDsl.Generator",
        "analyzers/GroupNetDsl.Analyzers",
        "analyzers/GroupNetDsl.CodeFixes",
    ];

    /// <summary>The .gnet-only sample, built in the copy as the repository builds it (it is no test project's dependency).</summary>
    public const string MobileNetStyleSample = "samples/MobileNetStyle";

    /// <summary>
    /// Copies <see cref="PackageInputs"/> and <see cref="MobileNetStyleSample"/> without build outputs (bin, obj) to
    /// <paramref name="destination"/>. Packing the copy is packing a fresh clone, and it leaves the repository's own
    /// bin and obj folders alone, which other builds and tests of the solution use at the same time.
    /// </summary>
    public static void CopySources(string destination)
    {
        foreach (string input in PackageInputs.Append(MobileNetStyleSample))
        {
            string source = Path.Combine(Root, input);
            string target = Path.Combine(destination, input);
            if (File.Exists(source))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target);
            }
            else if (Directory.Exists(source)) CopyDirectory(source, target);
            else throw new FileNotFoundException($"The package tests need {input}, which is not in the repository at {Root}.", source);
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        foreach (string directory in Directory.GetDirectories(source))
        {
            string name = Path.GetFileName(directory);
            if (name is "bin" or "obj") continue;
            CopyDirectory(directory, Path.Combine(target, name));
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props"))) return directory.FullName;
        }
        throw new InvalidOperationException("The repository root (with Directory.Packages.props) is not above " + AppContext.BaseDirectory);
    }
}
