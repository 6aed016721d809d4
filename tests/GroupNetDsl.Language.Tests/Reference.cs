using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace GroupNetDsl.Language.Tests;

/// <summary>One leaf module of a PyTorch model as tests/reference/counts.py measured it.</summary>
internal sealed record ReferenceLayer(string Path, string Type, int[] OutputShape, long Parameters, long BufferElements, long MultiplyAccumulates);

/// <summary>One state_dict entry as PyTorch saved it (the header of a .safetensors file).</summary>
internal sealed record ReferenceTensor(string Key, string DataType, int[] Shape);

/// <summary>
/// The PyTorch ground truth in tests/reference/data (copied next to the test assembly by the project file):
/// counts.json from counts.py and the state_dict headers of the safetensors files from export.py.
/// </summary>
internal static class Reference
{
    private static readonly Lazy<JsonElement> CountsRoot = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DataPath("counts.json")));
        return document.RootElement.Clone();
    });

    public static string DataPath(string file) => Path.Combine(AppContext.BaseDirectory, "reference", file);

    public static JsonElement Counts => CountsRoot.Value;

    /// <summary>The rows of nn.Conv2d(64, 128, 3, groups=G, bias=False) for G = 1, 2, 3, 4, 8, 16, 32, 64.</summary>
    public static IEnumerable<JsonElement> GroupedConvRows => Counts.GetProperty("conv2d_64_128_k3_groups").GetProperty("rows").EnumerateArray();

    public static JsonElement GroupedConvRow(int groups) => GroupedConvRows.Single(r => r.GetProperty("groups").GetInt32() == groups);

    /// <summary>minigroupnet_g8, dsconv_32_64 or bottleneck_64_128_g8_s2.</summary>
    public static JsonElement Model(string key) => Counts.GetProperty("models").GetProperty(key);

    public static IReadOnlyList<ReferenceLayer> Layers(string key) =>
        Model(key).GetProperty("layers").EnumerateArray().Select(layer => new ReferenceLayer(
            layer.GetProperty("path").GetString()!,
            layer.GetProperty("type").GetString()!,
            Ints(layer.GetProperty("output_shape")),
            layer.GetProperty("params").GetInt64(),
            layer.GetProperty("buffer_elements").GetInt64(),
            layer.GetProperty("macs").GetInt64())).ToList();

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>The state_dict of a safetensors file in file order: u64 little-endian header length, then a JSON header.</summary>
    public static IReadOnlyList<ReferenceTensor> StateDict(string file)
    {
        using var stream = File.OpenRead(DataPath(file));
        var lengthBytes = new byte[8];
        stream.ReadExactly(lengthBytes);
        var header = new byte[checked((int)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes))];
        stream.ReadExactly(header);
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(header));
        return json.RootElement.EnumerateObject()
            .Where(p => p.Name != "__metadata__")
            .Select(p => new ReferenceTensor(p.Name, p.Value.GetProperty("dtype").GetString()!, Ints(p.Value.GetProperty("shape"))))
            .ToList();
    }
}
