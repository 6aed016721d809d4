using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace GroupNetDsl.Cli.Tests.Infrastructure;

/// <summary>One tensor to write: its key, safetensors dtype string and shape. Its data is all zeros.</summary>
public sealed record TensorSpec(string Name, string DataType, long[] Shape);

/// <summary>
/// A minimal safetensors writer for test files: 8-byte little-endian header length, the JSON header padded
/// with spaces to a multiple of 8, then each tensor's bytes back to back (zeros, since verify and inspect
/// only look at names, dtypes and shapes).
/// </summary>
public static class SafeTensorsTestWriter
{
    public static void Write(string path, IEnumerable<TensorSpec> tensors)
    {
        var header = new MemoryStream();
        long offset = 0;
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            foreach (var tensor in tensors)
            {
                long bytes = tensor.Shape.Aggregate(1L, (product, dim) => product * dim) * ElementSize(tensor.DataType);
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DataType);
                json.WriteStartArray("shape");
                foreach (long dim in tensor.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        header.Position = 0;
        header.CopyTo(file);
        file.Write(new byte[offset]);
    }

    private static int ElementSize(string dataType) => dataType switch
    {
        "F64" or "I64" => 8,
        "F32" or "I32" => 4,
        "F16" or "BF16" => 2,
        "U8" or "I8" => 1,
        _ => throw new ArgumentException($"The test writer does not know dtype {dataType}.", nameof(dataType)),
    };

    /// <summary>A valid file's text as UTF-8 garbage: not a safetensors file.</summary>
    public static byte[] NotSafeTensors => Encoding.UTF8.GetBytes("network Oops(input: 3x8x8) {}\n");
}
