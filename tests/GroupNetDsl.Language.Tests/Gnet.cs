using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Language.Tests;

/// <summary>Compiles .gnet text the way every test does, and reads what the tests look at.</summary>
internal static class Gnet
{
    public const string FilePath = "test.gnet";

    public static CompilationResult Compile(string text) => GnetCompiler.Compile(new SourceDocument(FilePath, text));

    /// <summary>Compiles text that must have no errors (warnings allowed) and returns its one network.</summary>
    public static Network Network(string text)
    {
        var result = Compile(text);
        Assert.False(result.HasErrors, "unexpected errors:\n" + Describe(result.Diagnostics));
        var network = Assert.Single(result.Networks).Network;
        Assert.NotNull(network);
        return network;
    }

    /// <summary>The seed's MiniGroupNet as shipped in samples/MiniGroupNet/MiniGroupNet.gnet.</summary>
    public static string MiniGroupNetText => SeedNetworkSources.MiniGroupNetGnet;

    public static IReadOnlyList<GnetDiagnostic> Errors(CompilationResult result) =>
        result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    public static string Describe(IEnumerable<GnetDiagnostic> diagnostics) => string.Join("\n", diagnostics);

    /// <summary>The source text a location covers.</summary>
    public static string Covered(string text, SourceLocation location) => text.Substring(location.Start, location.Length);

    public static Node Node(Network network, string path) => Assert.Single(network.Nodes, n => n.Path == path);

    /// <summary>Where the node at <paramref name="path"/> was declared (positions are kept beside the model, not in it).</summary>
    public static SourceLocation NodeLocation(NetworkResult result, string path) => result.NodeLocations[Node(result.Network!, path).Index];

    /// <summary>A shape as PyTorch prints it without the batch dimension: [C, H, W] or [features].</summary>
    public static int[] Dimensions(TensorShape shape) => shape.IsFlat ? new[] { shape.Channels } : new[] { shape.Channels, shape.Height, shape.Width };
}
