using System.Globalization;
using System.Text.RegularExpressions;
using GroupNetDsl.Package.Tests.Infrastructure;
using GroupNetDsl.Package.Tests.Reference;

namespace GroupNetDsl.Package.Tests;

/// <summary>
/// A user's first steps: a fresh console project that references only the GroupNetDsl package gets a class for its
/// .gnet network and for its attribute network, builds, loads PyTorch-named weights and computes what a naive
/// reference computes; a wrong network fails the build with the diagnostic at its line and column.
/// </summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Package")]
public sealed partial class ConsumerProjectTests(PackedPackages packages)
{
    [Fact]
    public async Task A_fresh_console_project_builds_and_runs_both_forms_of_the_network_as_the_reference_computes()
    {
        var (project, build) = await packages.Valid;
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain(build.AllLines, line => CompilerWarning().IsMatch(line));

        var run = await project.RunAsync("weights.safetensors");

        Assert.True(run.ExitCode == 0, run.ToString());
        var reference = SeparableBlockReference.Random(ExampleProjects.WeightSeed).Forward(ExampleProjects.Input(), ExampleProjects.Height, ExampleProjects.Width);
        // pw makes 64 channels; the 3x3 depthwise conv with padding 1 and stride 1 keeps 8x8.
        Assert.Equal(64 * 8 * 8, reference.Length);
        // dw 32x1x3x3, pw 64x32x1x1, bn weight and bias 64 each (running statistics are buffers, not parameters).
        const long parameters = (32 * 9) + (64 * 32) + (2 * 64);
        double expectedSum = reference.Sum();
        double expectedWeighted = reference.Select((value, i) => value * ((i % 13) - 6)).Sum();
        double tolerance = 1e-4 * (reference.Sum(Math.Abs) + 1);

        foreach (string name in new[] { "SeparableBlock", "AttributeBlock" })
        {
            var line = Assert.Single(run.OutputLines, l => l.StartsWith(name + ":", StringComparison.Ordinal));
            var numbers = OutputLine().Match(line);
            Assert.True(numbers.Success, $"unexpected output line: {line}");
            Assert.Equal("64x8x8", numbers.Groups["shape"].Value);
            Assert.Equal(reference.Length, int.Parse(numbers.Groups["length"].Value, CultureInfo.InvariantCulture));
            Assert.Equal(parameters, long.Parse(numbers.Groups["parameters"].Value, CultureInfo.InvariantCulture));
            Assert.InRange(double.Parse(numbers.Groups["sum"].Value, CultureInfo.InvariantCulture), expectedSum - tolerance, expectedSum + tolerance);
            Assert.InRange(double.Parse(numbers.Groups["weighted"].Value, CultureInfo.InvariantCulture), expectedWeighted - tolerance, expectedWeighted + tolerance);
        }
        // The reference is not a trivial one: the relu keeps a good part of the outputs.
        Assert.InRange(reference.Count(value => value > 0), reference.Length / 5, reference.Length * 4 / 5);
    }

    [Fact]
    public async Task The_generator_writes_one_class_per_network_into_the_projects_root_namespace()
    {
        var (project, build) = await packages.Valid;
        Assert.True(build.ExitCode == 0, build.ToString());

        // Hint names: RootNamespace.Network.gnet for a .gnet network, Namespace.Class for an attribute class.
        Assert.Equal(
            ["Consumer.AttributeBlock.0e5e11c0.g.cs", "Consumer.SeparableBlock.gnet.cf2a3a41.g.cs"],
            Directory.GetFiles(project.GeneratedDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string separable = File.ReadAllText(Path.Combine(project.GeneratedDirectory, "Consumer.SeparableBlock.gnet.cf2a3a41.g.cs"));
        Assert.Contains("namespace Consumer;", separable, StringComparison.Ordinal);
        Assert.Contains("public sealed partial class SeparableBlock", separable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_application_gets_the_runtime_and_none_of_the_build_time_assemblies()
    {
        var (project, build) = await packages.Valid;
        Assert.True(build.ExitCode == 0, build.ToString());

        string output = Path.Combine(project.Directory, "bin", "Debug", "net10.0");
        var assemblies = Directory.GetFiles(output, "*.dll").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["Consumer.dll", "GroupNetDsl.dll"], assemblies);
        string dependencies = File.ReadAllText(Path.Combine(output, "Consumer.deps.json"));
        Assert.Contains($"\"GroupNetDsl/{packages.Version}\"", dependencies, StringComparison.Ordinal);
        Assert.DoesNotContain("GroupNetDsl.Language", dependencies, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_using_style_app_with_an_invalid_gnet_file_prints_GNET0201_at_its_line_and_column_not_CS0246()
    {
        var (project, build) = await packages.Invalid;

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains(build.AllLines, line => line.StartsWith(ExampleProjects.ExpectedGroupsError(project), StringComparison.Ordinal));
        // The network gets no code, only an empty class (obsolete as an error), so `using Invalid;` resolves; a
        // CS0246 there would stop the compiler before the analyzers and hide the GNET error.
        Assert.DoesNotContain(build.AllLines, line => line.Contains("error CS0246", StringComparison.Ordinal));
        string program = Path.Combine(project.Directory, "Program.cs");
        Assert.Contains(build.AllLines, line => line.StartsWith(program + "(3,17): error CS0619: 'Bad' is obsolete: 'The network Bad has no code: Bad.gnet(3,36): GNET0201: head: in_channels 64", StringComparison.Ordinal));
        Assert.All(
            build.AllLines.Where(line => line.Contains("error CS", StringComparison.Ordinal)),
            line => Assert.Matches(@"error CS0619: 'Bad(\.[^']+)?' is obsolete", line));
    }

    // "Program.cs(3,5): warning CS8600: ..." or "Networks.gnet(1,1): warning GNET0401: ...".
    [GeneratedRegex(@": warning (CS|GNET)\d{4}:")]
    private static partial Regex CompilerWarning();

    [GeneratedRegex(@"^\w+: shape (?<shape>\S+), length (?<length>\d+), parameters (?<parameters>\d+), sum (?<sum>\S+), weighted (?<weighted>\S+)$")]
    private static partial Regex OutputLine();
}
