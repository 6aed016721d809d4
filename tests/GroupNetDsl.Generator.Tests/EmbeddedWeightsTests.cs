using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.TestSupport.SafeTensors;
using Microsoft.CodeAnalysis;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// A network whose declared weight file the build embeds gets <c>Load()</c>, reading the manifest resource the build
/// names (build/GroupNetDsl.props); without the embedding it does not; and the header's text is no input of the emitted
/// code, so a new weight file of the same name re-emits nothing.
/// </summary>
public sealed class EmbeddedWeightsTests
{
    private const string Resource = "GroupNetDsl.Weights.tiny.safetensors";
    private const string HeaderPath = "/app/obj/GroupNetDsl/tiny.1.header.json";
    private const string TinyGnet = "network Tiny(input: 3x4x4, weights: \"tiny.safetensors\") {\n    conv = conv(3, 2, 1)\n}\n";
    private const string Header = "{\"conv.weight\": {\"dtype\": \"F32\", \"shape\": [2, 3, 1, 1], \"data_offsets\": [0, 24]}, \"conv.bias\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [24, 32]}}";

    private static GeneratorHarness Project(string? resource) => GeneratorHarness.Create()
        .WithRootNamespace("App")
        .WithAdapterFor("App.Tiny")
        .WithGnet("/app/Tiny.gnet", TinyGnet)
        .WithWeightHeader(HeaderPath, "/app/tiny.safetensors", resource, Header);

    private static string TinySource(GeneratorRun run) => run.Files.Single(f => f.HintName.StartsWith("App.Tiny.gnet", StringComparison.Ordinal)).Text;

    [Fact]
    public void An_embedded_file_gives_Load_without_a_path_that_reads_the_named_resource()
    {
        var run = Project(Resource).Run();

        run.AssertCompilesCleanly();
        string source = TinySource(run);
        Assert.Contains("public static Tiny Load(int threads = 1)", source, StringComparison.Ordinal);
        Assert.Contains($"GetManifestResourceStream(\"{Resource}\")", source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_declared_file_that_is_not_embedded_gives_only_the_loads_with_a_source()
    {
        var run = Project(resource: null).Run();

        run.AssertCompilesCleanly();
        Assert.DoesNotContain("Load(int threads", TinySource(run), StringComparison.Ordinal);
        Assert.Contains("Load(string path, int threads = 1)", TinySource(run), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reads_the_embedded_resource_and_the_network_computes_with_its_weights()
    {
        var run = Project(Resource).Run();
        run.AssertCompilesCleanly();
        // A 1x1 conv: out[o] = bias[o] + sum over c of weight[o, c] * in[c] at every pixel.
        float[] weight = [1f, 2f, 3f, -1f, 0.5f, 0f];
        float[] bias = [0.25f, -2f];
        string file = Path.Combine(Path.GetTempPath(), "groupnetdsl-embedded-" + Guid.NewGuid().ToString("N") + ".safetensors");
        new SafeTensorsWriter().AddFloat32("conv.weight", [2, 3, 1, 1], weight).AddFloat32("conv.bias", [2], bias).WriteTo(file);
        byte[] content = File.ReadAllBytes(file);
        File.Delete(file);
        using var image = new MemoryStream();
        var emitted = run.Output.Emit(image, manifestResources: [new ResourceDescription(Resource, () => new MemoryStream(content), isPublic: true)]);
        Assert.True(emitted.Success, run.Describe(emitted.Diagnostics));

        using var loaded = new LoadedAssembly(image.ToArray());
        var type = loaded.Assembly.GetType("App.Tiny")!;
        var network = type.GetMethod("Load", [typeof(int)])!.Invoke(null, [1])!;
        var input = Enumerable.Range(0, 3 * 16).Select(i => (float)(i % 7) - 3f).ToArray();
        var output = new float[2 * 16];
        var adapter = loaded.Assembly.GetType(NetworkAdapter.Namespace + "." + NetworkAdapter.ClassName("App.Tiny"))!;
        adapter.GetMethod("Forward")!.Invoke(null, [network, input, output]);
        ((IDisposable)network).Dispose();

        for (int o = 0; o < 2; o++)
        {
            for (int p = 0; p < 16; p++)
            {
                float expected = bias[o] + (weight[(o * 3) + 0] * input[p]) + (weight[(o * 3) + 1] * input[16 + p]) + (weight[(o * 3) + 2] * input[32 + p]);
                Assert.Equal(expected, output[(o * 16) + p], 5);
            }
        }
    }

    [Fact]
    public void A_new_header_of_the_same_file_leaves_the_emitted_network_Cached()
    {
        var harness = Project(Resource);
        var compilation = harness.CreateCompilation();
        var texts = harness.AdditionalTexts();
        var driver = harness.CreateDriver(texts).RunGenerators(compilation);

        var header = texts.Single(t => t.Path == HeaderPath);
        var changed = new InMemoryAdditionalText(HeaderPath, Header.Replace("[2]", "[3]", StringComparison.Ordinal));
        driver = driver.ReplaceAdditionalText(header, changed).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();

        var reasons = result.TrackedSteps[GroupNetGenerator.TrackingNames.FileRequests].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));
    }
}
