using System.Globalization;

namespace GroupNetDsl.Package.Tests.Infrastructure;

/// <summary>The tests that pack the packages share one packing: they run one after another in this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "Packages";
}

/// <summary>
/// GroupNetDsl, GroupNetDsl.Tool and GroupNetDsl.Imaging packed once for all the package tests, from a copy of the sources, into a
/// temporary folder outside the repository, with a version no other run used.
/// </summary>
/// <remarks>
/// <para>
/// The version is unique (<c>0.1.0-test.t…</c>) because NuGet extracts a package into the machine's global
/// packages folder once per id and version and then always serves that copy: a fixed 0.1.0 would test whatever
/// build first landed there. The extracted copies of this run are deleted afterwards.
/// </para>
/// <para>
/// Everything lives under one folder in the system temp folder, which has no Directory.Build.props or
/// Directory.Packages.props above it, so that the consumer projects see no MSBuild setting of the repository.
/// </para>
/// </remarks>
public sealed class PackedPackages : IAsyncLifetime
{
    public const string PackageId = "GroupNetDsl";
    public const string ToolPackageId = "GroupNetDsl.Tool";
    public const string ImagingPackageId = "GroupNetDsl.Imaging";

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);

    private readonly Lazy<Task<BuiltProject>> _valid;
    private readonly Lazy<Task<BuiltProject>> _invalid;
    private readonly Lazy<Task<InstalledTool>> _tool;

    public PackedPackages()
    {
        Root = Path.Combine(Path.GetTempPath(), "groupnetdsl-package-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Version = "0.1.0-test.t" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        _valid = new(() => ExampleProjects.ValidAsync(this));
        _invalid = new(() => ExampleProjects.InvalidAsync(this));
        _tool = new(() => ExampleProjects.ToolAsync(this));
    }

    /// <summary>The consumer project with valid networks, built once (<see cref="ExampleProjects.ValidAsync"/>).</summary>
    public Task<BuiltProject> Valid => _valid.Value;

    /// <summary>The consumer project with an invalid network, built once (<see cref="ExampleProjects.InvalidAsync"/>).</summary>
    public Task<BuiltProject> Invalid => _invalid.Value;

    /// <summary>gnet, installed once from the packed tool package.</summary>
    public Task<InstalledTool> Tool => _tool.Value;

    /// <summary>The temporary folder of this run.</summary>
    public string Root { get; }

    /// <summary>The version every package was packed with.</summary>
    public string Version { get; }

    /// <summary>The copy of the sources that was packed.</summary>
    public string Source => Path.Combine(Root, "source");

    /// <summary>The folder the packages were packed into: the local package source of the consumer projects.</summary>
    public string Feed => Path.Combine(Root, "feed");

    public string PackagePath => Path.Combine(Feed, $"{PackageId}.{Version}.nupkg");

    public string ToolPackagePath => Path.Combine(Feed, $"{ToolPackageId}.{Version}.nupkg");

    public string ImagingPackagePath => Path.Combine(Feed, $"{ImagingPackageId}.{Version}.nupkg");

    /// <summary>A new folder under <see cref="Root"/> for one project or tool installation.</summary>
    public string Folder(string name)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        EnsureNoMSBuildFilesAbove(Root);
        RepositorySources.CopySources(Source);

        // The commands of the README and src/GroupNetDsl.Cli/README.md, with this run's version.
        foreach (string project in new[] { "src/GroupNetDsl", "src/GroupNetDsl.Cli", "src/GroupNetDsl.Imaging" })
        {
            var result = await Command.DotnetAsync(Source, PackTimeout, ["pack", project, "-o", Feed, $"-p:Version={Version}", .. Command.QuietBuild]);
            if (result.ExitCode != 0) throw new InvalidOperationException($"dotnet pack {project} failed:\n{result}");
        }
    }

    public async Task DisposeAsync()
    {
        // This run's version is in no other run's way, but it should not pile up in the machine's cache.
        var locals = await Command.DotnetAsync(Path.GetTempPath(), TimeSpan.FromMinutes(1), "nuget", "locals", "global-packages", "--list");
        string? globalPackages = locals.OutputLines.Select(line => line.Split(": ", 2)).Where(parts => parts.Length == 2 && parts[0].Trim() == "global-packages").Select(parts => parts[1].Trim()).FirstOrDefault();
        if (globalPackages is not null)
        {
            foreach (string id in new[] { PackageId, ToolPackageId, ImagingPackageId })
            {
                string versions = Path.Combine(globalPackages, id.ToLowerInvariant());
                TryDelete(Path.Combine(versions, Version.ToLowerInvariant()));
                if (Directory.Exists(versions) && !Directory.EnumerateFileSystemEntries(versions).Any()) TryDelete(versions);
            }
        }
        TryDelete(Root);
    }

    private static void EnsureNoMSBuildFilesAbove(string directory)
    {
        for (var folder = new DirectoryInfo(directory); folder is not null; folder = folder.Parent)
        {
            foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                if (File.Exists(Path.Combine(folder.FullName, name)))
                {
                    throw new InvalidOperationException($"{Path.Combine(folder.FullName, name)} would apply to the consumer projects under {directory}; the package test needs a temp folder without one above it.");
                }
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
