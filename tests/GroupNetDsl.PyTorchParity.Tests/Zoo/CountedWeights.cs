using System.Buffers.Binary;
using System.Text.Json;
using GroupNetDsl.TestSupport.SafeTensors;

namespace GroupNetDsl.PyTorchParity.Tests.Zoo;

/// <summary>
/// The weights of a zoo network checked in CI, computed from the manifest tests/reference/export_zoo.py wrote with
/// torchvision's state_dict keys and shapes: element i of the t-th float tensor is offset + u(t, i) x scale, the
/// counter-based formula of that script's docstring, which PyTorch used for the expected outputs. Full-size weights
/// are tens of MB per network; the manifest is 20 KB.
/// </summary>
public static class CountedWeights
{
    /// <summary>A safetensors file holding the manifest's tensors in its order (num_batches_tracked as an I64 scalar).</summary>
    public static byte[] Create(JsonElement manifest)
    {
        var writer = new SafeTensorsWriter();
        int t = 0;
        foreach (var entry in manifest.GetProperty("tensors").EnumerateArray())
        {
            string key = entry[0].GetString()!;
            long[] shape = entry[1].EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (entry[2].ValueKind == JsonValueKind.Null)
            {
                writer.AddInt64Scalar(key, 0);
                continue;
            }
            // Exact float32 values written as doubles: the cast loses nothing.
            float offset = (float)entry[2].GetDouble(), scale = (float)entry[3].GetDouble();
            int count = checked((int)shape.Aggregate(1L, (product, d) => product * d));
            var data = new byte[4 * count];
            for (int i = 0; i < count; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), Uniform(t, i) * scale + offset);
            writer.Add(key, "F32", shape, data);
            t++;
        }
        return writer.ToBytes();
    }

    /// <summary>u(t, i) in [-1, 1): the top 24 bits of a hash of the tensor's index and the element's, exact in float32.</summary>
    public static float Uniform(int tensor, int element)
    {
        uint x = unchecked(((uint)element * 0x9E3779B1u) + ((uint)(tensor + 1) * 0x85EBCA77u));
        x ^= x >> 16;
        x = unchecked(x * 0x7FEB352Du);
        x ^= x >> 15;
        x = unchecked(x * 0x846CA68Bu);
        x ^= x >> 16;
        return ((int)(x >> 8) - (1 << 23)) * (1f / (1 << 23));
    }
}
