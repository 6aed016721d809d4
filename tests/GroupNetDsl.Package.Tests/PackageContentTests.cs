using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using GroupNetDsl.Package.Tests.Infrastructure;

namespace GroupNetDsl.Package.Tests;

/// <summary>What `dotnet pack` puts in the two packages: the files, their target frameworks and the nuspec.</summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Package")]
public sealed class PackageContentTests(PackedPackages packages)
{
    private static readonly string[] BuildTimeAssemblies =
    [
        "analyzers/dotnet/cs/GroupNetDsl.Analyzers.dll",
        "analyzers/dotnet/cs/GroupNetDsl.CodeFixes.dll",
        "analyzers/dotnet/cs/GroupNetDsl.Generator.dll",
        "analyzers/dotnet/cs/GroupNetDsl.Language.dll",
    ];

    [Fact]
    public void The_package_has_the_runtime_in_lib_and_the_build_time_assemblies_in_analyzers()
    {
        using var package = ZipFile.OpenRead(packages.PackagePath);
        var assemblies = package.Entries.Select(entry => entry.FullName).Where(name => name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal);

        // Nothing else: in particular the language library is no runtime assembly of a consumer.
        Assert.Equal([.. BuildTimeAssemblies, "lib/net10.0/GroupNetDsl.dll"], assemblies);
        Assert.Equal(".NETCoreApp,Version=v10.0", TargetFramework(package, "lib/net10.0/GroupNetDsl.dll"));
        foreach (string assembly in BuildTimeAssemblies)
        {
            // The compiler loads analyzers on .NET Framework in Visual Studio too: they must be netstandard2.0.
            Assert.Equal(".NETStandard,Version=v2.0", TargetFramework(package, assembly));
        }
    }

    [Fact]
    public void The_package_ships_the_repositorys_props_file_as_buildTransitive()
    {
        using var package = ZipFile.OpenRead(packages.PackagePath);

        string shipped = ReadEntry(package, "buildTransitive/GroupNetDsl.props");
        Assert.Equal(File.ReadAllText(Path.Combine(RepositorySources.Root, "build", "GroupNetDsl.props")), shipped);
        var items = XDocument.Parse(shipped).Descendants("ItemGroup").Elements().ToList();
        Assert.Contains(items, item => item.Name == "AdditionalFiles" && (string?)item.Attribute("Include") == "**/*.gnet");
        Assert.Contains(items, item => item.Name == "CompilerVisibleProperty" && (string?)item.Attribute("Include") == "RootNamespace");
    }

    [Fact]
    public void The_nuspec_names_the_license_readme_and_tags_and_depends_on_nothing()
    {
        using var package = ZipFile.OpenRead(packages.PackagePath);
        var metadata = Metadata(package, "GroupNetDsl.nuspec");

        Assert.Equal(PackedPackages.PackageId, Value(metadata, "id"));
        Assert.Equal(packages.Version, Value(metadata, "version"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("expression", (string?)Element(metadata, "license").Attribute("type"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Contains("source-generator", Value(metadata, "tags").Split(' '));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Contains("dotnet add package GroupNetDsl", ReadEntry(package, "README.md"), StringComparison.Ordinal);
        // One dependency group for net10.0, empty: the generator, analyzers and language library are no dependencies.
        var groups = Element(metadata, "dependencies").Elements().ToList();
        Assert.All(groups, group => Assert.Empty(group.Elements()));
    }

    [Fact]
    public void The_tool_package_is_a_dotnet_tool_whose_command_is_gnet()
    {
        using var package = ZipFile.OpenRead(packages.ToolPackagePath);
        var metadata = Metadata(package, "GroupNetDsl.Tool.nuspec");

        Assert.Equal(PackedPackages.ToolPackageId, Value(metadata, "id"));
        Assert.Equal("DotnetTool", (string?)Element(metadata, "packageTypes").Elements().Single().Attribute("name"));
        Assert.Equal("MIT", Value(metadata, "license"));
        var settings = XDocument.Parse(ReadEntry(package, "tools/net10.0/any/DotnetToolSettings.xml"));
        var command = Assert.Single(settings.Descendants("Command"));
        Assert.Equal("gnet", (string?)command.Attribute("Name"));
        Assert.Equal("gnet.dll", (string?)command.Attribute("EntryPoint"));
    }

    private static string ReadEntry(ZipArchive package, string name)
    {
        var entry = package.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"The package has no {name}; it has {string.Join(", ", package.Entries.Select(e => e.FullName))}.");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static XElement Metadata(ZipArchive package, string nuspec) =>
        XDocument.Parse(ReadEntry(package, nuspec)).Root!.Elements().Single(element => element.Name.LocalName == "metadata");

    private static XElement Element(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(element => element.Name.LocalName == name) ?? throw new Xunit.Sdk.XunitException($"The nuspec has no <{name}>:\n{metadata}");

    private static string Value(XElement metadata, string name) => Element(metadata, name).Value;

    /// <summary>The assembly's [TargetFramework] value, read from its metadata without loading it.</summary>
    private static string TargetFramework(ZipArchive package, string name)
    {
        using var stream = new MemoryStream();
        using (var entry = package.GetEntry(name)!.Open()) entry.CopyTo(stream);
        stream.Position = 0;
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference) continue;
            var type = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            if (type.Kind != HandleKind.TypeReference || reader.GetString(reader.GetTypeReference((TypeReferenceHandle)type).Name) != "TargetFrameworkAttribute") continue;
            var value = reader.GetBlobReader(attribute.Value);
            value.ReadUInt16(); // the custom attribute prolog
            return value.ReadSerializedString()!;
        }
        throw new Xunit.Sdk.XunitException($"{name} has no TargetFrameworkAttribute.");
    }
}
