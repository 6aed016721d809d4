using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Language.Text;
using GroupNetDsl.TestSupport.Fuzzing;
using Xunit.Abstractions;

namespace GroupNetDsl.Language.Tests.Fuzzing;

/// <summary>
/// The .gnet pipeline as the generator runs it (compile, then <see cref="CodeTargets.ForNetwork"/> and
/// <see cref="CSharpEmitter.Emit"/> for each valid network) on mutated seed files and on random networks shaped by
/// the grammar: it never throws, every diagnostic is a catalog entry located inside the file, and the emitted text
/// is the same on a second compile. Counts scale with <see cref="FuzzRun.IterationsVariable"/>.
/// </summary>
public sealed class GnetFuzzTests(ITestOutputHelper output)
{
    private const string FilePath = "fuzz.gnet";
    private const string Namespace = "Fuzz";

    private static readonly HashSet<string> CatalogIds = DiagnosticDescriptors.All.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Mutated_seed_files_compile_and_emit_safely()
    {
        var statistics = FuzzRun.Check(GnetInputs.MutatedSeed, 5_000, text => AssertPipelineIsSafe(text), text => text);
        output.WriteLine($"mutated seeds: {statistics}");
    }

    [Fact]
    public void Grammar_shaped_random_networks_compile_and_emit_safely()
    {
        int valid = 0;
        var statistics = FuzzRun.Check(GnetInputs.GrammarShaped, 3_000, text => valid += AssertPipelineIsSafe(text), text => text);
        output.WriteLine($"grammar-shaped: {statistics}, {valid} valid networks emitted");

        // The generator must reach the emitter often, or the property would only test the binder's errors.
        Assert.InRange(valid, statistics.Inputs / 5, statistics.Inputs);
    }

    [Fact]
    public void The_seed_files_include_the_documentations_examples()
    {
        // The first files are named; the rest are the examples, found by their fences.
        Assert.True(GnetInputs.Seeds.Length > GnetInputs.SeedFiles, $"{GnetInputs.Seeds.Length} seed files, so no documentation example");
    }

    /// <summary>The property of every input; returns how many networks were emitted.</summary>
    private static int AssertPipelineIsSafe(string text)
    {
        var result = GnetCompiler.Compile(new SourceDocument(FilePath, text));
        foreach (var diagnostic in result.Diagnostics)
        {
            Assert.True(CatalogIds.Contains(diagnostic.Id), $"{diagnostic.Id} is not in the catalog: {diagnostic}");
            var location = diagnostic.Location;
            Assert.True(location.FilePath == FilePath, $"located outside the file: {diagnostic}");
            Assert.True(location.Start >= 0 && location.Length >= 0 && location.Start + location.Length <= text.Length, $"span outside the text: {diagnostic}");
            Assert.True(location.Line >= 1 && location.Column >= 1, diagnostic.ToString());
        }

        var emitted = Emit(result);
        if (emitted.Count > 0)
        {
            // Deterministic: a second compile of the same text emits the same code.
            Assert.Equal(emitted, Emit(GnetCompiler.Compile(new SourceDocument(FilePath, text))));
        }
        return emitted.Count;
    }

    /// <summary>What the generator writes for the file's valid networks (no [GroupNet] class binds any).</summary>
    private static List<string> Emit(CompilationResult result)
    {
        var texts = new List<string>();
        foreach (var network in result.Networks)
        {
            if (CodeTargets.ForNetwork(network, [], Namespace, []) is { } target)
            {
                string code = CSharpEmitter.Emit(network.Network!, target);
                Assert.Contains("class " + CSharpEmitter.Identifier(network.Name), code, StringComparison.Ordinal);
                texts.Add(code);
            }
        }
        return texts;
    }
}
