using GroupNetDsl.Package.Tests.Infrastructure;

namespace GroupNetDsl.Package.Tests;

/// <summary>
/// Which analyzer configuration files change the severity of a .gnet file's diagnostics in a real build: the
/// compiler applies an .editorconfig's file sections only to diagnostics located in a C# source tree, so
/// <c>[*.gnet]</c> reaches none of them, while a global config (<c>is_global = true</c>) applies to every
/// diagnostic of the compilation. docs/diagnostics/README.md tells users so.
/// </summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Package")]
public sealed class SeverityConfigurationTests(PackedPackages packages)
{
    /// <summary>A depthwise conv with nothing after it to mix the channels: GNET0401, a warning.</summary>
    private const string DepthwiseGnet = """
        network Depthwise(input: 8x8x8) {
            dw = conv(8, 8, 3, padding: 1, groups: 8, bias: false)
        }
        """;

    /// <summary>An unused local: CS0168, a warning located in a C# file.</summary>
    private const string ProgramCs = """
        int unused;
        Console.WriteLine(Severity.Depthwise.InputLength);
        """;

    [Fact]
    public async Task An_editorconfig_gnet_section_does_not_reach_gnet_diagnostics_while_its_cs_section_applies()
    {
        var build = await BuildAsync("editorconfig", ".editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.CS0168.severity = none

            [*.gnet]
            dotnet_diagnostic.GNET0401.severity = none
            """);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain(build.AllLines, line => line.Contains("warning CS0168", StringComparison.Ordinal));
        Assert.Contains(build.AllLines, line => line.Contains("Depthwise.gnet(2,10): warning GNET0401", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_global_config_changes_the_severity_of_gnet_diagnostics()
    {
        var build = await BuildAsync("globalconfig", ".globalconfig", """
            is_global = true
            dotnet_diagnostic.GNET0401.severity = none
            """);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains(build.AllLines, line => line.Contains("warning CS0168", StringComparison.Ordinal));
        Assert.DoesNotContain(build.AllLines, line => line.Contains("GNET0401", StringComparison.Ordinal));
    }

    private async Task<CommandResult> BuildAsync(string folder, string configName, string configText)
    {
        var project = ConsumerProject.Create(packages.Folder("severity-" + folder), "Severity", packages.Feed, packages.Version);
        project.Write("Depthwise.gnet", DepthwiseGnet);
        project.Write("Program.cs", ProgramCs);
        project.Write(configName, configText);
        return await project.BuildAsync();
    }
}
