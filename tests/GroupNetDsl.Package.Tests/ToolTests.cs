using GroupNetDsl.Package.Tests.Infrastructure;

namespace GroupNetDsl.Package.Tests;

/// <summary>
/// gnet as a user installs it (`dotnet tool install --add-source` from the packed folder): it checks files as the
/// build does, `gnet emit` prints the very code the build compiled, and `gnet compare` compiles and runs it.
/// </summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Package")]
public sealed class ToolTests(PackedPackages packages)
{
    [Fact]
    public async Task Gnet_installs_from_the_packed_folder_and_checks_a_valid_file()
    {
        var tool = await packages.Tool;
        Assert.True(tool.Install.ExitCode == 0, tool.Install.ToString());
        var (project, _) = await packages.Valid;

        var check = await tool.RunAsync(project.Directory, "check", "Networks.gnet");

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Equal(["Checked 1 file: 0 errors, 0 warnings."], check.OutputLines);
    }

    [Fact]
    public async Task Gnet_check_reports_the_error_the_build_reports()
    {
        var tool = await packages.Tool;
        Assert.True(tool.Install.ExitCode == 0, tool.Install.ToString());
        var (project, _) = await packages.Invalid;

        var check = await tool.RunAsync(project.Directory, "check", Path.Combine(project.Directory, "Bad.gnet"));

        Assert.Equal(1, check.ExitCode);
        Assert.Contains(check.OutputLines, line => line.StartsWith(ExampleProjects.ExpectedGroupsError(project), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gnet_emit_prints_exactly_the_code_the_build_generated_for_the_network()
    {
        var tool = await packages.Tool;
        Assert.True(tool.Install.ExitCode == 0, tool.Install.ToString());
        var (project, build) = await packages.Valid;
        Assert.True(build.ExitCode == 0, build.ToString());

        var emit = await tool.RunAsync(project.Directory, "emit", "Networks.gnet", "--namespace", project.Name);

        Assert.True(emit.ExitCode == 0, emit.ToString());
        Assert.Equal(string.Empty, emit.Error);
        // The compiler writes generated files as UTF-8 with a byte order mark; the text is the same.
        string generated = File.ReadAllText(Path.Combine(project.GeneratedDirectory, "Consumer.SeparableBlock.gnet.cf2a3a41.g.cs"));
        Assert.Equal(generated, emit.Output);
        Assert.Contains(emit.OutputLines, line => line.StartsWith("public sealed partial class SeparableBlock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Installed_gnet_compare_runs_the_sample_on_pytorchs_input_and_agrees_with_its_output()
    {
        // The in-memory compilation references the assemblies of the process: here those of an installed tool.
        var tool = await packages.Tool;
        Assert.True(tool.Install.ExitCode == 0, tool.Install.ToString());
        string folder = packages.Folder("compare");
        string data = Path.Combine(RepositorySources.Root, "tests", "reference", "data");
        File.Copy(Path.Combine(RepositorySources.Root, "samples", "MiniGroupNet", "MiniGroupNet.gnet"), Path.Combine(folder, "MiniGroupNet.gnet"));
        foreach (string file in new[] { "minigroupnet_g8.safetensors", "minigroupnet_g8.io.safetensors" }) File.Copy(Path.Combine(data, file), Path.Combine(folder, file));

        var compare = await tool.RunAsync(folder, "compare", "MiniGroupNet.gnet", "minigroupnet_g8.safetensors", "minigroupnet_g8.io.safetensors", "minigroupnet_g8.io.safetensors");

        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.Equal("network MiniGroupNet on minigroupnet_g8.io.safetensors (2 images), compared with minigroupnet_g8.io.safetensors:", compare.OutputLines[0]);
        Assert.Equal("OK: the outputs agree within the tolerance.", compare.OutputLines[^1]);
    }
}
