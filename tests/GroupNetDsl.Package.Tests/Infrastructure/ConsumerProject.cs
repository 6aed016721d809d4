namespace GroupNetDsl.Package.Tests.Infrastructure;

/// <summary>
/// A console project as a user starts one, outside the repository: a NuGet.config that adds the folder the
/// packages were packed into, a project file whose only reference is the GroupNetDsl package, and the files a
/// test writes into it.
/// </summary>
public sealed class ConsumerProject
{
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);

    private ConsumerProject(string directory, string name)
    {
        Directory = directory;
        Name = name;
    }

    public string Directory { get; }

    /// <summary>The project's name, and so its root namespace, where the .gnet networks' classes go.</summary>
    public string Name { get; }

    public string ProjectFile => Path.Combine(Directory, Name + ".csproj");

    /// <summary>Where the build writes the generator's files (the project builds with EmitCompilerGeneratedFiles).</summary>
    public string GeneratedDirectory => Path.Combine(Directory, "obj", "Debug", "net10.0", "generated", "GroupNetDsl.Generator", "GroupNetDsl.Generator.GroupNetGenerator");

    /// <param name="otherPackages">Packages of the feed referenced besides GroupNetDsl, at the same version (GroupNetDsl.Imaging).</param>
    public static ConsumerProject Create(string directory, string name, string feed, string packageVersion, params string[] otherPackages)
    {
        string references = string.Concat(otherPackages.Select(id => $"\n    <PackageReference Include=\"{id}\" Version=\"{packageVersion}\" />"));
        System.IO.Directory.CreateDirectory(directory);
        var project = new ConsumerProject(directory, name);
        // No <clear/>: the machine's own sources (nuget.org or the mirror this machine is set up with) stay, for
        // anything restore needs besides the package under test.
        project.Write("NuGet.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="groupnetdsl-under-test" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        project.Write(name + ".csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="GroupNetDsl" Version="{packageVersion}" />{references}
              </ItemGroup>
            </Project>
            """);
        return project;
    }

    /// <summary>Writes <paramref name="text"/> to a file of the project and returns its full path.</summary>
    public string Write(string relativePath, string text)
    {
        string path = Path.Combine(Directory, relativePath);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    /// <summary><c>dotnet build</c>, keeping the generated files on disk (obj/…/generated) to compare with <c>gnet emit</c>.</summary>
    public Task<CommandResult> BuildAsync() =>
        Command.DotnetAsync(Directory, BuildTimeout, ["build", ProjectFile, "-p:EmitCompilerGeneratedFiles=true", .. Command.QuietBuild]);

    /// <summary><c>dotnet run --no-build -- arguments</c>.</summary>
    public Task<CommandResult> RunAsync(params string[] arguments) =>
        Command.DotnetAsync(Directory, BuildTimeout, ["run", "--project", ProjectFile, "--no-build", "--", .. arguments]);
}
