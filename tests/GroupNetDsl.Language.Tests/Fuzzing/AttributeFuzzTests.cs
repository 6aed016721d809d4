using CsCheck;
using GroupNetDsl.Language.Attributes;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;
using GroupNetDsl.TestSupport.Fuzzing;
using Xunit.Abstractions;

namespace GroupNetDsl.Language.Tests.Fuzzing;

/// <summary>
/// The attribute form as the generator hands it over (the Roslyn-free <see cref="AttributeNetwork"/>) with random
/// layer attributes and argument sets: <see cref="GnetCompiler.CompileAttributes"/> never throws, reports only catalog
/// diagnostics located in the C# file, and a valid network emits the same code twice.
/// </summary>
public sealed class AttributeFuzzTests(ITestOutputHelper output)
{
    private const string FilePath = "Fuzz.cs";

    private static readonly HashSet<string> CatalogIds = DiagnosticDescriptors.All.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);

    private static readonly string[] LayerNames = [.. AttributeForm.Layers.Keys, "Conv3d", "GroupNet", ""];

    private static readonly string?[] PropertyNames =
    [
        null, null, null, "Stride", "Padding", "Dilation", "Groups", "Bias", "Eps", "Name", "BottleneckRatio", "K",
        "KernelSize", "InChannels", "OutChannels", "InFeatures", "OutFeatures", "Momentum", "stride", "Unknown", "",
    ];

    private static readonly string?[] Texts = [null, "", "a", "a.0", "stem.0", "a-b", "0", "3x8x8", "c\nx", "\u0000", "input", "A\u0301"];

    private static readonly string?[] Inputs = [null, "", "3x8x8", "1x1x1", "8x16x16", "4x7x9", "0x8x8", "3x8", "65536x65536x65536", "3x64x64", "x"];

    private static readonly Gen<AttributeNetwork> Networks = Gen.Int.Select(seed => RandomNetwork(new Random(seed)));

    [Fact]
    public void Random_attribute_networks_compile_and_emit_safely()
    {
        int valid = 0;
        var statistics = FuzzRun.Check(Networks, 10_000, network => valid += AssertSafe(network), Describe);
        output.WriteLine($"attribute networks: {statistics}, {valid} valid networks emitted");

        // Some inputs must be valid, or the emitter would never run.
        Assert.InRange(valid, statistics.Inputs / 20, statistics.Inputs);
    }

    private static int AssertSafe(AttributeNetwork declaration)
    {
        var result = GnetCompiler.CompileAttributes(declaration);
        foreach (var diagnostic in result.Diagnostics)
        {
            Assert.True(CatalogIds.Contains(diagnostic.Id), $"{diagnostic.Id} is not in the catalog: {diagnostic}");
            Assert.True(diagnostic.Location.FilePath == FilePath, $"located outside the C# file: {diagnostic}");
        }
        if (result.Network is not { } model || result.HasErrors) return 0;

        var target = new EmitTarget("Fuzz", declaration.ClassName, Standalone: false);
        string code = CSharpEmitter.Emit(model, target);
        Assert.Equal(code, CSharpEmitter.Emit(GnetCompiler.CompileAttributes(declaration).Network!, target));
        return 1;
    }

    /// <summary>Layers chained on the channel count most of the time, with random extra, missing and odd arguments.</summary>
    private static AttributeNetwork RandomNetwork(Random random)
    {
        int channels = Pick(random, [1, 2, 3, 4, 8]);
        string? input = random.Next(8) == 0 ? Pick(random, Inputs) : $"{channels}x{random.Next(1, 17)}x{random.Next(1, 17)}";
        var layers = new List<AttributeLayer>();
        int count = random.Next(0, 6);
        for (int i = 0; i < count; i++)
        {
            var arguments = new List<AttributeArgument>();
            string name;
            if (random.Next(3) != 0)
            {
                // A plausible conv: in, out, kernel and some named properties.
                name = Pick(random, ["Conv2d", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "AvgPool2d"]);
                if (name == "Conv2d")
                {
                    int groups = Pick(random, [1, 1, channels]);
                    int outChannels = groups * random.Next(1, 5);
                    arguments.Add(Argument(null, AttributeValue.Of((long)channels)));
                    arguments.Add(Argument(null, AttributeValue.Of((long)outChannels)));
                    arguments.Add(Argument(null, AttributeValue.Of((long)Pick(random, [1, 3, 5]))));
                    if (groups != 1) arguments.Add(Argument("Groups", AttributeValue.Of((long)groups)));
                    if (random.Next(2) == 0) arguments.Add(Argument("Padding", AttributeValue.Of((long)random.Next(0, 3))));
                    channels = outChannels;
                }
                else if (name.EndsWith("Pool2d", StringComparison.Ordinal))
                {
                    arguments.Add(Argument(null, AttributeValue.Of((long)Pick(random, [1, 2, 3]))));
                }
            }
            else
            {
                name = Pick(random, LayerNames);
            }
            int extra = random.Next(3) == 0 ? random.Next(1, 4) : 0;
            for (int a = 0; a < extra; a++) arguments.Add(Argument(Pick(random, PropertyNames), RandomValue(random)));
            if (random.Next(5) == 0) arguments.Add(Argument("Name", AttributeValue.Of(Pick(random, Texts))));
            layers.Add(new AttributeLayer(name, arguments.ToEquatableArray(), Location()));
        }
        return new AttributeNetwork(Pick(random, ["Net", "Dup", "N1"]), input, Location(), layers.ToEquatableArray());
    }

    private static AttributeValue RandomValue(Random random) => random.Next(4) switch
    {
        0 => AttributeValue.Of(Pick(random, [0L, 1L, 2L, 3L, 8L, -1L, 1449L, 32768L, 65536L, int.MaxValue, long.MaxValue, long.MinValue])),
        1 => AttributeValue.Of(Pick(random, [0.25, 0.5, 1.0, 0.0, -1.0, 1e-5, 1e300, double.NaN, double.PositiveInfinity])),
        2 => AttributeValue.Of(random.Next(2) == 0),
        _ => AttributeValue.Of(Pick(random, Texts)),
    };

    private static AttributeArgument Argument(string? name, AttributeValue value) => new(name, value, Location());

    private static SourceLocation Location() => SourceLocation.None(FilePath);

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Describe(AttributeNetwork network) =>
        $"class {network.ClassName}, Input = {network.Input ?? "null"}\n" + string.Join("\n", network.Layers.Select(layer =>
            $"[{layer.AttributeName}({string.Join(", ", layer.Arguments.Select(a => (a.Name is null ? "" : a.Name + " = ") + a.Value))})]"));
}
