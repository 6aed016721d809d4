using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace GroupNetDsl.Runtime.Tests.Weights;

/// <summary>
/// Writes safetensors files for tests, independently of the reader under test: tensors are packed one after
/// another in the order added, and the header is padded with spaces to a multiple of 8 bytes, as the
/// reference writer does. <see cref="Assemble(string, byte[])"/> builds files from hand-written header JSON
/// for the malformed cases.
/// </summary>
internal sealed class SafeTensorsBuilder
{
    private readonly List<(string Name, string DataType, long[] Shape, byte[] Data)> _tensors = [];
    private readonly List<KeyValuePair<string, string>> _metadata = [];

    public SafeTensorsBuilder Add(string name, string dataType, long[] shape, byte[] data)
    {
        _tensors.Add((name, dataType, shape, data));
        return this;
    }

    public SafeTensorsBuilder AddFloat32(string name, long[] shape, params float[] values)
    {
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
        return Add(name, "F32", shape, data);
    }

    public SafeTensorsBuilder AddFloat16(string name, long[] shape, params ushort[] bits) => AddUInt16(name, "F16", shape, bits);

    public SafeTensorsBuilder AddBFloat16(string name, long[] shape, params ushort[] bits) => AddUInt16(name, "BF16", shape, bits);

    public SafeTensorsBuilder AddFloat64(string name, long[] shape, params double[] values)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), values[i]);
        return Add(name, "F64", shape, data);
    }

    public SafeTensorsBuilder AddInt64(string name, long[] shape, params long[] values)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8 * i), values[i]);
        return Add(name, "I64", shape, data);
    }

    public SafeTensorsBuilder AddMetadata(string key, string value)
    {
        _metadata.Add(new(key, value));
        return this;
    }

    public string HeaderJson()
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (_metadata.Count > 0)
            {
                writer.WriteStartObject("__metadata__");
                foreach (var (key, value) in _metadata) writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, dataType, shape, data) in _tensors)
            {
                writer.WriteStartObject(name);
                writer.WriteString("dtype", dataType);
                writer.WriteStartArray("shape");
                foreach (long dimension in shape) writer.WriteNumberValue(dimension);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + data.Length);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += data.Length;
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(json.ToArray());
    }

    public byte[] DataBuffer() => _tensors.SelectMany(tensor => tensor.Data).ToArray();

    public byte[] ToBytes() => Assemble(HeaderJson(), DataBuffer());

    /// <summary>The length prefix, the header padded with spaces to a multiple of 8 bytes, then the buffer.</summary>
    public static byte[] Assemble(string headerJson, byte[] dataBuffer)
    {
        var header = new List<byte>(Encoding.UTF8.GetBytes(headerJson));
        while (header.Count % 8 != 0) header.Add((byte)' ');
        return Assemble((ulong)header.Count, header.ToArray(), dataBuffer);
    }

    /// <summary>Exactly the given pieces, with a length prefix that may lie.</summary>
    public static byte[] Assemble(ulong headerLength, byte[] header, byte[] dataBuffer)
    {
        var file = new byte[8 + header.Length + dataBuffer.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength);
        header.CopyTo(file, 8);
        dataBuffer.CopyTo(file, 8 + header.Length);
        return file;
    }

    private SafeTensorsBuilder AddUInt16(string name, string dataType, long[] shape, ushort[] bits)
    {
        var data = new byte[bits.Length * 2];
        for (int i = 0; i < bits.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), bits[i]);
        return Add(name, dataType, shape, data);
    }
}
