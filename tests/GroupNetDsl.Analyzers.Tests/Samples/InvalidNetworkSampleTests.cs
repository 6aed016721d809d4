using GroupNetDsl.Analyzers.Tests.Infrastructure;

namespace GroupNetDsl.Analyzers.Tests.Samples;

/// <summary>Builds samples/InvalidNetwork once with `dotnet build`, for all the tests that read its output.</summary>
public sealed class InvalidNetworkBuild
{
    private readonly Lazy<Task<DotnetBuild.Output>> _output = new(() =>
        DotnetBuild.RunAsync(Path.Combine(RepositoryPaths.InvalidNetworkSample, "InvalidNetwork.csproj"), TimeSpan.FromMinutes(5)));

    internal Task<DotnetBuild.Output> Output => _output.Value;
}

/// <summary>
/// samples/InvalidNetwork is deliberately wrong: a .gnet network whose groups do not divide its channels and
/// an attribute network whose channels do not chain. These are the exact lines a user sees (the README of the
/// sample shows them), from an in-memory compilation with the generator and the analyzer, and from a real
/// `dotnet build`, which must fail.
/// </summary>
public class InvalidNetworkSampleTests(InvalidNetworkBuild build) : IClassFixture<InvalidNetworkBuild>
{
    private const string ChannelMismatch =
        "Attributes.cs(9,9): error GNET0203: features: expects 32 input channels but receives 16 (input 16x32x32); set in_channels to 16 or change the layer before it";

    // gcd(24, 36) = 12, whose divisors are the valid groups.
    private const string GroupsDoNotDivide =
        "Networks.gnet(4,50): error GNET0202: group.0: out_channels 36 is not divisible by groups 8; use a groups value that divides both channel counts (valid: 1, 2, 3, 4, 6, 12)";

    private const string DepthwiseUnmixed =
        "Networks.gnet(12,10): warning GNET0401: dw: depthwise convolution output never passes through a 1x1 convolution before the head, so channels are never mixed; add a pointwise conv";

    private const string GroupedAfterGrouped =
        "Attributes.cs(21,2): warning GNET0402: b: grouped convolution follows grouped convolution a with no channel mixing in between; groups never exchange information, add a 1x1 conv or a channel shuffle";

    private static string Sample => RepositoryPaths.InvalidNetworkSample;

    [Fact]
    public async Task Compiled_with_the_analyzers_it_reports_exactly_these_diagnostics()
    {
        var result = await CompileInMemoryAsync();

        var groupNet = result.Diagnostics.Where(d => d.Id.StartsWith("GNET", StringComparison.Ordinal)).Select(d => AnalyzerRunner.Format(d, Sample));
        Assert.Equal([ChannelMismatch, GroupedAfterGrouped, GroupsDoNotDivide, DepthwiseUnmixed], groupNet);
        // Nothing else is wrong with the sample: no C# error, in particular none in generated code.
        Assert.Empty(result.Diagnostics.Where(d => !d.Id.StartsWith("GNET", StringComparison.Ordinal) && d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
    }

    [Fact]
    public async Task The_generator_reports_nothing_and_emits_only_the_valid_networks_and_the_shells_of_the_others()
    {
        var result = await CompileInMemoryAsync();

        Assert.Empty(result.GeneratorDiagnostics);
        // gnet_errors: the empty classes of the networks without code, so that code naming them shows their errors.
        Assert.Equal(
            ["GroupNetDsl.Networks.Filter.gnet.2bf72ae5.g.cs", "GroupNetDsl.Networks.gnet_errors.3526dc69.g.cs", "InvalidNetworkSample.GroupedPair.493f945c.g.cs"],
            result.GeneratedHintNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Dotnet_build_fails_with_the_errors_at_their_lines_and_columns()
    {
        var output = await build.Output;

        Assert.True(output.ExitCode != 0, "the build of an invalid network must fail:\n" + output.Text);
        Assert.Equal([ChannelMismatch, GroupsDoNotDivide, DepthwiseUnmixed], output.GroupNetDiagnostics(Sample));
    }

    [Fact]
    public async Task The_editorconfig_beside_the_sample_turns_GNET0402_off_in_the_build()
    {
        // In memory (no .editorconfig) the advice is reported; the build reads the sample's .editorconfig,
        // which sets dotnet_diagnostic.GNET0402.severity = none for C# files.
        Assert.Contains(File.ReadAllLines(Path.Combine(Sample, ".editorconfig")), line => line.Trim() == "dotnet_diagnostic.GNET0402.severity = none");
        var inMemory = await CompileInMemoryAsync();
        Assert.Contains(inMemory.Diagnostics, d => d.Id == "GNET0402");

        var output = await build.Output;
        Assert.DoesNotContain("GNET0402", output.Text, StringComparison.Ordinal);
        Assert.Contains(output.GroupNetDiagnostics(Sample), line => line.Contains("GNET0401", StringComparison.Ordinal));
    }

    private static Task<AnalyzerRunner.Result> CompileInMemoryAsync()
    {
        var sources = Directory.GetFiles(Sample, "*.cs").Select(path => new ProjectFile(path, File.ReadAllText(path)));
        var gnet = Directory.GetFiles(Sample, "*.gnet").Select(path => new ProjectFile(path, File.ReadAllText(path)));
        return AnalyzerRunner.RunAsync(sources, gnet);
    }
}
