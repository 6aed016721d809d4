using System.Globalization;
using GroupNetDsl.Package.Tests.Infrastructure;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Package.Tests;

/// <summary>
/// The README's "Use it in a project" block, run line by line in an empty folder as a user would paste it: a new
/// console app with its own nuget.config, the package, a .gnet network and a Program.cs that prints its summary.
/// </summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Package")]
public sealed class ReadmeTests(PackedPackages packages)
{
    [Fact]
    public async Task The_READMEs_use_it_in_a_project_block_runs_literally_in_an_empty_folder()
    {
        string block = Assert.Single(FencedBlocks.Of("README.md", info => info == "bash"), b => b.Contains("dotnet new console", StringComparison.Ordinal));
        // The packages are packed already (with this run's prerelease version, which `dotnet add package` only
        // takes when named); everything else runs as written.
        var lines = block.Split('\n')
            .Where(line => !line.StartsWith("dotnet pack ", StringComparison.Ordinal))
            .Select(line => line.Replace("~/packages", packages.Feed, StringComparison.Ordinal))
            .Select(line => line.StartsWith("dotnet add package GroupNetDsl", StringComparison.Ordinal) ? line + " --version " + packages.Version : line);
        string script = $"set -eu\nexport PATH=\"{Command.DotnetRoot}:$PATH\"\n" + string.Join("\n", lines) + "\n";
        string folder = packages.Folder("readme");
        Directory.CreateDirectory(folder);

        var run = await Command.RunAsync("/bin/bash", folder, TimeSpan.FromMinutes(5), "-c", script);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(Path.Combine(folder, "MyApp", "nuget.config")), "the app has no nuget.config of its own");
        // Net's parameters: stem conv 3->16 3x3 and its batchnorm; the separable block's depthwise 16x3x3,
        // pointwise 32x16 and batchnorm; fc 32 -> 10 with bias.
        const long parameters = (16 * 3 * 9) + (2 * 16) + (16 * 9) + (32 * 16) + (2 * 32) + (32 * 10) + 10;
        Assert.Contains("Total params: " + parameters.ToString("N0", CultureInfo.InvariantCulture), run.OutputLines);
    }
}
