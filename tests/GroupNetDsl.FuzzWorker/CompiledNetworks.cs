using System.Reflection;
using System.Runtime.Loader;
using GroupNetDsl.TestSupport.Fuzzing;
using GroupNetDsl.Weights;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GroupNetDsl.FuzzWorker;

/// <summary>
/// A network class the emitter wrote, to compile: the input case it came from and its place among the case's
/// networks, its full C# name, its code and the tensors its weight file holds.
/// </summary>
public sealed record EmittedNetwork(long Case, int Place, string TypeName, string Code, IReadOnlyList<ExpectedTensor> Tensors);

/// <summary>
/// Emitted network classes compiled together by Roslyn, as a user project compiles them (the .NET 10 reference
/// assemblies and the runtime library, nullable on, warnings reported), and loaded into a collectible context. Each
/// class gets a small adapter compiled with it, since spans cannot pass through reflection.
/// </summary>
public sealed class CompiledNetworks : IDisposable
{
    private const string AdapterNamespace = "GroupNetDsl.FuzzWorker.Adapters";

    private static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Preview)
        .WithDocumentationMode(DocumentationMode.Diagnose);

    // Every run adds its trees to this one empty compilation, which keeps the referenced assemblies bound once.
    private static readonly CSharpCompilation Empty = CSharpCompilation.Create(
        "FuzzNetworks",
        [],
        [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(SafeTensorsFile).Assembly.Location)],
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable, deterministic: true));

    private readonly AssemblyLoadContext? _context;
    private readonly Assembly? _assembly;

    private CompiledNetworks(IReadOnlyList<EmittedNetwork> networks, byte[]? image)
    {
        Networks = networks;
        if (image is null) return;
        _context = new AssemblyLoadContext("GroupNetDsl.FuzzWorker." + Guid.NewGuid().ToString("N"), isCollectible: true);
        using var stream = new MemoryStream(image);
        _assembly = _context.LoadFromStream(stream);
    }

    /// <summary>The networks that compiled, in the order given.</summary>
    public IReadOnlyList<EmittedNetwork> Networks { get; }

    /// <summary>
    /// Compiles <paramref name="networks"/>; a class whose code (or adapter) has an error or a warning is reported to
    /// <paramref name="fail"/> with the compiler's messages and left out, and the others are compiled again.
    /// </summary>
    public static CompiledNetworks Compile(IReadOnlyList<EmittedNetwork> networks, Action<long, string> fail)
    {
        var remaining = networks.ToList();
        while (remaining.Count > 0)
        {
            var trees = remaining.SelectMany((network, i) => new[]
            {
                CSharpSyntaxTree.ParseText(network.Code, ParseOptions, $"network{i}.g.cs"),
                CSharpSyntaxTree.ParseText(AdapterSource(i, network.TypeName), ParseOptions, $"adapter{i}.cs"),
            }).ToList();
            var compilation = Empty.AddSyntaxTrees(trees);
            using var image = new MemoryStream();
            var result = compilation.Emit(image);
            var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            if (problems.Count == 0) return new CompiledNetworks(remaining, image.ToArray());

            var broken = problems.GroupBy(d => d.Location.SourceTree is { } tree ? trees.IndexOf(tree) / 2 : -1).ToList();
            if (broken.Any(group => group.Key < 0))
            {
                // A problem of the whole compilation: every class shares it.
                foreach (var network in remaining) fail(network.Case, "the emitted code does not compile: " + Describe(problems));
                break;
            }
            foreach (var group in broken.OrderByDescending(g => g.Key))
            {
                fail(remaining[group.Key].Case, $"the emitted class {remaining[group.Key].TypeName} does not compile cleanly: " + Describe(group));
                remaining.RemoveAt(group.Key);
            }
        }
        return new CompiledNetworks([], null);
    }

    /// <summary>The <paramref name="index"/>th compiled network, bound to delegates.</summary>
    public NetworkEntry Entry(int index)
    {
        var adapter = _assembly!.GetType($"{AdapterNamespace}.Adapter{index}", throwOnError: true)!;
        var sizes = Bind<Func<long[]>>(adapter, "Sizes")();
        return new NetworkEntry(
            Networks[index],
            Bind<Func<byte[], object>>(adapter, "Load"),
            Bind<Action<object, float[], float[]>>(adapter, "Forward"),
            Bind<Action<object>>(adapter, "Dispose"),
            (int)sizes[0],
            (int)sizes[1],
            sizes[2],
            sizes[3]);
    }

    public void Dispose() => _context?.Unload();

    private static T Bind<T>(Type adapter, string name) where T : Delegate =>
        adapter.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<T>();

    private static string Describe(IEnumerable<Diagnostic> problems) => string.Join(" | ", problems.Take(5).Select(d => d.ToString()));

    private static string AdapterSource(int index, string typeName) => $$"""
        namespace {{AdapterNamespace}}
        {
            internal static class Adapter{{index}}
            {
                public static object Load(byte[] bytes) => {{typeName}}.Load(new global::System.ReadOnlyMemory<byte>(bytes), "fuzz.safetensors");

                public static void Forward(object network, float[] input, float[] output) => (({{typeName}})network).Forward(input, output);

                public static void Dispose(object network) => (({{typeName}})network).Dispose();

                public static long[] Sizes() => [{{typeName}}.InputLength, {{typeName}}.OutputLength, {{typeName}}.ScratchLength, {{typeName}}.MultiplyAccumulates];
            }
        }
        """;
}

/// <summary>A compiled network class: its sizes, and its Load, Forward and Dispose as delegates.</summary>
public sealed record NetworkEntry(
    EmittedNetwork Network,
    Func<byte[], object> Load,
    Action<object, float[], float[]> Forward,
    Action<object> Dispose,
    int InputLength,
    int OutputLength,
    long ScratchLength,
    long MultiplyAccumulates);
