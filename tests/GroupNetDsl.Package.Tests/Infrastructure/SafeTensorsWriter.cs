using System.Buffers.Binary;
using System.Text.Json;

namespace GroupNetDsl.Package.Tests.Infrastructure;

/// <summary>
/// Writes a safetensors file as PyTorch's <c>save_file</c> does: an 8-byte little-endian header length, the JSON
/// header (name -> dtype, shape, data_offsets) padded with spaces to a multiple of 8, then the little-endian data.
/// Written here, not taken from the runtime, so that the package's reader is tested against an independent writer.
/// </summary>
public sealed class SafeTensorsWriter
{
    private readonly List<(string Name, string DataType, int[] Shape, byte[] Data)> _tensors = [];

    public SafeTensorsWriter Float32(string name, int[] shape, float[] values)
    {
        if (values.Length != shape.Aggregate(1, (product, dimension) => product * dimension)) throw new ArgumentException($"{name}: {values.Length} values do not fill shape [{string.Join(", ", shape)}].");
        var data = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * sizeof(float)), values[i]);
        _tensors.Add((name, "F32", shape, data));
        return this;
    }

    /// <summary>A scalar int64, as batchnorm's num_batches_tracked.</summary>
    public SafeTensorsWriter Int64Scalar(string name, long value)
    {
        var data = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(data, value);
        _tensors.Add((name, "I64", [], data));
        return this;
    }

    public void WriteTo(string path)
    {
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            long offset = 0;
            foreach (var tensor in _tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DataType);
                json.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + tensor.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += tensor.Data.Length;
            }
            json.WriteEndObject();
        }
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        header.WriteTo(file);
        foreach (var tensor in _tensors) file.Write(tensor.Data);
    }
}
