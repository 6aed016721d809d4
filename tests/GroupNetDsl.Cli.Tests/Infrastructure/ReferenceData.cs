using System.Globalization;
using System.Text.Json;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Cli.Tests.Infrastructure;

/// <summary>One leaf module of a PyTorch model as tests/reference/counts.py measured it.</summary>
public sealed record TorchLayer(string Path, string Type, int[] OutputShape, long Parameters, long MultiplyAccumulates)
{
    /// <summary>The shape as gnet writes it: 64x32x32, or 10 for a vector.</summary>
    public string ShapeText => string.Join("x", OutputShape);
}

/// <summary>
/// The files these tests check against: the MiniGroupNet sample, and what PyTorch says about it
/// (tests/reference/data/counts.json and the exported state_dict), so that no expected number comes from
/// gnet itself.
/// </summary>
public static class ReferenceData
{
    private static readonly Lazy<JsonDocument> Counts = new(() => JsonDocument.Parse(File.ReadAllText(PathOf("counts.json"))));

    /// <summary>samples/MiniGroupNet/MiniGroupNet.gnet, where it is in the repository.</summary>
    public static string MiniGroupNetSource => RepositoryFiles.PathOf("samples/MiniGroupNet/MiniGroupNet.gnet");

    public static string MiniGroupNetWeights => PathOf("minigroupnet_g8.safetensors");

    /// <summary>A batch of 2 inputs ("input") and the PyTorch module's outputs for them ("output").</summary>
    public static string MiniGroupNetInputAndOutput => PathOf("minigroupnet_g8.io.safetensors");

    public static long MiniGroupNetParameters => MiniGroupNet.GetProperty("total_params").GetInt64();

    public static long MiniGroupNetMultiplyAccumulates => MiniGroupNet.GetProperty("total_macs").GetInt64();

    public static long MiniGroupNetBufferElements => MiniGroupNet.GetProperty("total_buffer_elements").GetInt64();

    public static IReadOnlyList<TorchLayer> MiniGroupNetLayers => MiniGroupNet.GetProperty("layers").EnumerateArray()
        .Select(layer => new TorchLayer(
            layer.GetProperty("path").GetString()!,
            layer.GetProperty("type").GetString()!,
            layer.GetProperty("output_shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
            layer.GetProperty("params").GetInt64(),
            layer.GetProperty("macs").GetInt64()))
        .ToList();

    public static TorchLayer Layer(string path) => MiniGroupNetLayers.Single(l => l.Path == path);

    /// <summary>Thousands separators, as gnet prints counts: 132,170.</summary>
    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static JsonElement MiniGroupNet => Counts.Value.RootElement.GetProperty("models").GetProperty("minigroupnet_g8");

    private static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);
}
