using System.Globalization;
using System.Text.RegularExpressions;
using GroupNetDsl.Package.Tests.Infrastructure;
using GroupNetDsl.Package.Tests.Reference;
using GroupNetDsl.TestSupport.SafeTensors;

namespace GroupNetDsl.Package.Tests;

/// <summary>
/// Weight files declared by networks, as a user of the package meets them: a file that lacks a key, has a tensor of
/// the wrong shape or carries a wrapper's <c>model.</c> prefix fails the build with the GNET error at the declaration;
/// correct files, embedded, build and run with <c>Load()</c> and compute what the reference computes.
/// </summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Package")]
public sealed partial class DeclaredWeightsTests(PackedPackages packages)
{
    private const string MissingGnet = """
        network Missing(input: 32x8x8, weights: "missing.safetensors") = DepthwiseSeparableConv(32, 64)
        """;

    private const string WrongShapeGnet = """
        network WrongShape(input: 32x8x8, weights: "shapes/wrong.safetensors") = DepthwiseSeparableConv(32, 64)
        """;

    private const string PrefixedCs = """
        using GroupNetDsl;

        namespace Weights;

        [GroupNet(Input = "32x8x8", Weights = "prefixed.safetensors")]
        [Conv2d(32, 32, 3, Padding = 1, Groups = 32, Bias = false, Name = "dw")]
        [Conv2d(32, 64, 1, Bias = false, Name = "pw")]
        [BatchNorm2d(Name = "bn")]
        [ReLU(Name = "act")]
        public partial class Prefixed;
        """;

    [Fact]
    public async Task A_missing_key_a_wrong_shape_and_a_model_prefix_fail_the_build_at_each_declaration()
    {
        var project = ConsumerProject.Create(packages.Folder("weights-bad"), "Weights", packages.Feed, packages.Version);
        string missing = project.Write("Missing.gnet", MissingGnet);
        Directory.CreateDirectory(Path.Combine(project.Directory, "shapes"));
        string wrongShape = project.Write("WrongShape.gnet", WrongShapeGnet);
        string prefixed = project.Write("Prefixed.cs", PrefixedCs);
        project.Write("Program.cs", "System.Console.WriteLine(Weights.Missing.Summary + Weights.WrongShape.Summary + Weights.Prefixed.Summary);\n");
        var reference = SeparableBlockReference.Random(ExampleProjects.WeightSeed);
        Write(reference, Path.Combine(project.Directory, "missing.safetensors"), skip: "bn.running_var");
        Write(reference, Path.Combine(project.Directory, "shapes", "wrong.safetensors"), pointwiseShape: [64, 32]);
        Write(reference, Path.Combine(project.Directory, "prefixed.safetensors"), prefix: "model.");

        var build = await project.BuildAsync();

        Assert.NotEqual(0, build.ExitCode);
        // Each error at the quoted path of its declaration (line 1; the column of the opening quote) or at Weights = ...
        Assert.Contains(build.AllLines, line => line.StartsWith(
            $"{missing}(1,{Column(MissingGnet, "\"missing")}): error GNET0311: missing.safetensors: missing tensor 'bn.running_var' (expected shape [64]) of network Missing;", StringComparison.Ordinal));
        Assert.Contains(build.AllLines, line => line.StartsWith(
            $"{wrongShape}(1,{Column(WrongShapeGnet, "\"shapes")}): error GNET0313: shapes/wrong.safetensors: tensor 'pw.weight' has shape [64, 32], but network WrongShape expects [64, 32, 1, 1];", StringComparison.Ordinal));
        Assert.Contains(build.AllLines, line => line.StartsWith(
            $"{prefixed}(5,29): error GNET0312: prefixed.safetensors: the keys carry the prefix 'model.' (the file has 'model.dw.weight' for 'dw.weight', and 5 more like it). Save the state_dict without 'model.'", StringComparison.Ordinal));
        // Nothing else is wrong with the three files: no other weight error, and the code compiles.
        Assert.Equal(3, build.AllLines.Where(line => WeightError().IsMatch(line)).Select(line => line.Split(" [")[0]).Distinct().Count());
        Assert.DoesNotContain(build.AllLines, line => line.Contains("error CS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Embedded_weights_build_without_warnings_and_run_with_Load_as_the_reference_computes()
    {
        var project = ConsumerProject.Create(packages.Folder("weights-embedded"), "Consumer", packages.Feed, packages.Version);
        string csproj = File.ReadAllText(project.ProjectFile);
        project.Write(project.Name + ".csproj", csproj.Replace("</PropertyGroup>", "  <GroupNetDslEmbedWeights>true</GroupNetDslEmbedWeights>\n  </PropertyGroup>", StringComparison.Ordinal));
        project.Write("Networks.gnet", ExampleProjects.NetworksGnet.Replace("(input: 32x8x8)", "(input: 32x8x8, weights: \"weights.safetensors\")", StringComparison.Ordinal));
        project.Write("AttributeBlock.cs", ExampleProjects.AttributeBlockCs.Replace("[GroupNet(Input = \"32x8x8\")]", "[GroupNet(Input = \"32x8x8\", Weights = \"weights.safetensors\")]", StringComparison.Ordinal));
        project.Write("Program.cs", ExampleProjects.ProgramCs.Replace(".Load(args[0])", ".Load()", StringComparison.Ordinal));
        var reference = SeparableBlockReference.Random(ExampleProjects.WeightSeed);
        string weights = Path.Combine(project.Directory, "weights.safetensors");
        reference.WriteSafeTensors(weights);

        var build = await project.BuildAsync();
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain(build.AllLines, line => line.Contains(": warning ", StringComparison.Ordinal));
        // Run without the file: the weights come from the assembly.
        File.Delete(weights);
        var run = await project.RunAsync();

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = reference.Forward(ExampleProjects.Input(), ExampleProjects.Height, ExampleProjects.Width);
        double tolerance = 1e-4 * (expected.Sum(Math.Abs) + 1);
        foreach (string name in new[] { "SeparableBlock", "AttributeBlock" })
        {
            var line = Assert.Single(run.OutputLines, l => l.StartsWith(name + ":", StringComparison.Ordinal));
            double sum = double.Parse(SumOf().Match(line).Groups["sum"].Value, CultureInfo.InvariantCulture);
            Assert.InRange(sum, expected.Sum() - tolerance, expected.Sum() + tolerance);
        }
    }

    /// <summary>The reference's state_dict with one change: a key left out, a wrapper's prefix, or the pointwise weight saved with another shape.</summary>
    private static void Write(SeparableBlockReference reference, string path, string? skip = null, string prefix = "", long[]? pointwiseShape = null)
    {
        var writer = new SafeTensorsWriter();
        void Add(string key, long[] shape, float[] values)
        {
            if (key != skip) writer.AddFloat32(prefix + key, shape, values);
        }
        Add("dw.weight", [SeparableBlockReference.InputChannels, 1, 3, 3], reference.DepthwiseWeight);
        Add("pw.weight", pointwiseShape ?? [SeparableBlockReference.OutputChannels, SeparableBlockReference.InputChannels, 1, 1], reference.PointwiseWeight);
        Add("bn.weight", [SeparableBlockReference.OutputChannels], reference.Gamma);
        Add("bn.bias", [SeparableBlockReference.OutputChannels], reference.Beta);
        Add("bn.running_mean", [SeparableBlockReference.OutputChannels], reference.RunningMean);
        Add("bn.running_var", [SeparableBlockReference.OutputChannels], reference.RunningVariance);
        writer.WriteTo(path);
    }

    private static int Column(string text, string at) => text.IndexOf(at, StringComparison.Ordinal) + 1;

    [GeneratedRegex(@": error GNET03(1\d):")]
    private static partial Regex WeightError();

    [GeneratedRegex(@", sum (?<sum>\S+),")]
    private static partial Regex SumOf();
}
