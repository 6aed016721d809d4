using System.Globalization;
using GroupNetDsl.Package.Tests.Infrastructure;

namespace GroupNetDsl.Package.Tests;

/// <summary>
/// samples/MobileNetStyle runs: built (in the copy of the sources, after the packing built its dependencies) and run
/// as its README says. No test project depends on it, so nothing else would notice it breaking.
/// </summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Package")]
public sealed class SampleTests(PackedPackages packages)
{
    [Fact]
    public async Task The_MobileNetStyle_sample_runs_on_its_random_weights_and_prints_the_summary_and_timings()
    {
        string project = Path.Combine(packages.Source, RepositorySources.MobileNetStyleSample, "MobileNetStyle.csproj");
        // With the packing's version, so that the projects the packing built in Release are up to date.
        var build = await Command.DotnetAsync(packages.Source, ConsumerProject.BuildTimeout, ["build", project, "-c", "Release", $"-p:Version={packages.Version}", .. Command.QuietBuild]);
        Assert.True(build.ExitCode == 0, build.ToString());

        var run = await Command.DotnetAsync(packages.Source, ConsumerProject.BuildTimeout, "run", "--project", project, "-c", "Release", "--no-build");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("Network MobileNetStyle, input 3x96x96, output 10", run.OutputLines[0]);
        // The state_dict of MobileNetStyle.gnet: the stem conv 3->16 (3x3) and its batchnorm, seven depthwise-separable
        // blocks (dw: c x 1 x 3 x 3, pw: c' x c, bn: 2 c'), and fc 256 -> 10 with bias.
        (int In, int Out)[] blocks = [(16, 32), (32, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256)];
        long parameters = (16 * 3 * 9) + (2 * 16) + blocks.Sum(b => (long)(b.In * 9) + (b.Out * b.In) + (2 * b.Out)) + (256 * 10) + 10;
        Assert.Contains("Total params: " + parameters.ToString("N0", CultureInfo.InvariantCulture), run.OutputLines);
        Assert.Contains(run.OutputLines, line => line.StartsWith("Class of a random image", StringComparison.Ordinal));
        Assert.Contains(run.OutputLines, line => line.StartsWith("Time per image: ", StringComparison.Ordinal) && line.EndsWith(" ms (1 thread)", StringComparison.Ordinal));
    }
}
