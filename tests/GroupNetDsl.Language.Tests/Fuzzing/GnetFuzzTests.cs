using System.Globalization;
using System.Text;
using CsCheck;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Language.Text;
using GroupNetDsl.TestSupport.Fuzzing;
using GroupNetDsl.TestSupport.Samples;
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

    /// <summary>The seed files: the samples, the standard library and the documentation's examples.</summary>
    private static readonly string[] Seeds =
    [
        RepositoryFiles.Read("samples/MiniGroupNet/MiniGroupNet.gnet"),
        RepositoryFiles.Read("samples/MiniGroupNet/SeparableBlock.gnet"),
        RepositoryFiles.Read("samples/MobileNetStyle/MobileNetStyle.gnet"),
        RepositoryFiles.Read("samples/InvalidNetwork/Networks.gnet"),
        StandardLibrary.Document.Text,
        .. FencedBlocks.Of("docs/language.md", info => info is "" or "gnet"),
        .. FencedBlocks.Of("README.md", info => info is "" or "gnet"),
    ];

    private static readonly string[] Fragments =
    [
        "conv", "batchnorm", "relu", "relu6", "maxpool", "avgpool", "flatten", "linear", "identity", "add", "block", "network",
        "forward(x) = ", "DepthwiseSeparableConv", "GroupedBottleneck", "(", ")", "[", "]", "{", "}", ",", ":", "=", "\n",
        "stride: ", "padding: ", "dilation: ", "groups: ", "bias: ", "0", "1", "2", "3", "7", "65536", "32768", "2147483647",
        "99999999999", "-1", "0.5", "1e999", "3x8x8", "1x1x1", "x", " ", "#", "\u0000", "\uD800", "if", "then", "else",
    ];

    private static readonly Gen<Mutation> MutationGen =
        Gen.Select(Gen.Int[0, 4], Gen.Double[0, 1], Gen.Int[0, 40], Gen.OneOf(Gen.OneOf(Fragments), Gen.String[Gen.Char, 0, 8]))
            .Select((kind, position, length, text) => new Mutation(kind, position, length, text));

    private static readonly Gen<string> MutatedSeed =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], MutationGen.Array[1, 6])
            .Select((seed, mutations) => mutations.Aggregate(Seeds[seed], (text, mutation) => mutation.ApplyTo(text)));

    private static readonly Gen<string> GrammarShaped = Gen.Int.Select(seed => RandomNetworkText(new Random(seed)));

    [Fact]
    public void Mutated_seed_files_compile_and_emit_safely()
    {
        var statistics = FuzzRun.Check(MutatedSeed, 5_000, text => AssertPipelineIsSafe(text), text => text);
        output.WriteLine($"mutated seeds: {statistics}");
    }

    [Fact]
    public void Grammar_shaped_random_networks_compile_and_emit_safely()
    {
        int valid = 0;
        var statistics = FuzzRun.Check(GrammarShaped, 3_000, text => valid += AssertPipelineIsSafe(text), text => text);
        output.WriteLine($"grammar-shaped: {statistics}, {valid} valid networks emitted");

        // The generator must reach the emitter often, or the property would only test the binder's errors.
        Assert.InRange(valid, statistics.Inputs / 5, statistics.Inputs);
    }

    [Fact]
    public void The_seed_files_include_the_documentations_examples()
    {
        // Five files are named above; the rest are the examples, found by their fences.
        Assert.True(Seeds.Length > 5, $"{Seeds.Length} seed files, so no documentation example");
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

    /// <summary>
    /// A sequential network of convs (random channels, groups, kernel, stride, padding, dilation, bias), pools,
    /// batchnorms, activations and standard-library blocks, most layers chained so that many networks are valid, with
    /// now and then a value at or past the limits PyTorch and the kernels accept.
    /// </summary>
    private static string RandomNetworkText(Random random)
    {
        int channels = Pick(random, [1, 2, 3, 4, 6, 8, 16]);
        int height = random.Next(1, 33), width = random.Next(1, 33);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"network N{random.Next(1000)}(input: {channels}x{height}x{width}) {{\n");
        int layers = random.Next(1, 7);
        for (int i = 0; i < layers; i++)
        {
            int inChannels = random.Next(10) == 0 ? random.Next(1, 65) : channels;
            string layer;
            switch (random.Next(8))
            {
                case 0:
                case 1:
                case 2:
                {
                    int groups = Pick(random, [1, 1, inChannels, Divisor(random, inChannels), random.Next(1, 9)]);
                    int outChannels = random.Next(3) == 0 ? inChannels : groups * random.Next(1, Math.Max(2, 32 / groups));
                    if (random.Next(10) == 0) outChannels = random.Next(1, 65);
                    var arguments = new List<string> { $"{inChannels}", $"{outChannels}", $"{Sized(random, Pick(random, [1, 1, 3, 3, 5, 7]))}" };
                    if (random.Next(2) == 0) arguments.Add($"stride: {Sized(random, Pick(random, [1, 2, 3]))}");
                    if (random.Next(2) == 0) arguments.Add($"padding: {Sized(random, random.Next(0, 4))}");
                    if (random.Next(4) == 0) arguments.Add($"dilation: {Sized(random, Pick(random, [1, 2, 3]))}");
                    if (groups != 1 || random.Next(4) == 0) arguments.Add($"groups: {groups}");
                    if (random.Next(3) == 0) arguments.Add($"bias: {(random.Next(2) == 0 ? "true" : "false")}");
                    layer = $"conv({string.Join(", ", arguments)})";
                    channels = outChannels;
                    if (random.Next(2) == 0) layer = $"[{layer}, batchnorm, {Pick(random, ["relu", "relu6"])}]";
                    break;
                }
                case 3:
                    layer = $"{Pick(random, ["maxpool", "avgpool"])}({Sized(random, Pick(random, [2, 3]))}"
                        + (random.Next(2) == 0 ? $", stride: {Sized(random, Pick(random, [1, 2]))}" : "")
                        + (random.Next(3) == 0 ? $", padding: {Sized(random, 1)}" : "") + ")";
                    break;
                case 4:
                    layer = Pick(random, ["relu", "relu6", "batchnorm", "identity", $"batchnorm({channels}, eps: 0.001)"]);
                    break;
                case 5:
                {
                    int outChannels = Pick(random, [channels, 2 * channels, random.Next(1, 33)]);
                    layer = $"DepthwiseSeparableConv({inChannels}, {outChannels}" + (random.Next(2) == 0 ? $", stride: {Pick(random, [1, 2])}" : "") + ")";
                    channels = outChannels;
                    break;
                }
                case 6:
                {
                    int groups = Pick(random, [1, 2, 4, 8]);
                    int outChannels = groups * Pick(random, [2, 4, 8]);
                    layer = $"GroupedBottleneck({inChannels}, {outChannels}, groups: {groups}" + (random.Next(2) == 0 ? ", stride: 2" : "") + ")";
                    channels = outChannels;
                    break;
                }
                default:
                    layer = $"[avgpool, flatten, linear({channels}, {random.Next(1, 11)})]";
                    i = layers; // a head ends the network
                    break;
            }
            text.Append(CultureInfo.InvariantCulture, $"    l{i} = {layer}\n");
        }
        return text.Append("}\n").ToString();
    }

    /// <summary>Mostly the value itself; now and then a value at the edge of what the binder must reject or bound.</summary>
    private static int Sized(Random random, int value) =>
        random.Next(25) == 0 ? Pick(random, [0, 1449, 2000, 32768, 46341, 65536, 16777216, int.MaxValue]) : value;

    private static int Divisor(Random random, int n)
    {
        var divisors = Enumerable.Range(1, n).Where(d => n % d == 0).ToArray();
        return divisors[random.Next(divisors.Length)];
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private sealed record Mutation(int Kind, double Position, int Length, string Text)
    {
        public string ApplyTo(string text)
        {
            int at = Math.Min((int)(Position * text.Length), text.Length);
            int length = Math.Min(Length, text.Length - at);
            return Kind switch
            {
                0 => text.Insert(at, Text),
                1 => text.Remove(at, length),
                2 => text.Remove(at, length).Insert(at, Text),
                3 => text.Insert(at, text.Substring(at, length)),
                _ => text[..at] + text[(at + length)..] + text.Substring(at, length),
            };
        }
    }
}
