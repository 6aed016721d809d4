using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace GroupNetDsl.TestSupport.SafeTensors;

/// <summary>
/// Writes safetensors files for tests, independently of the runtime's reader: an 8-byte little-endian header
/// length, the JSON header (name -> dtype, shape, data_offsets) padded with spaces to a multiple of 8 bytes as
/// the reference writer does, then the tensors' little-endian bytes back to back in the order added.
/// </summary>
/// <remarks>
/// Two layers: the typed <c>Add…</c> methods for valid files, and <see cref="Add(string, string, long[], byte[])"/>
/// with <see cref="Assemble(string, byte[])"/> and <see cref="Assemble(ulong, byte[], byte[])"/> for the malformed
/// files of the strictness tests (any dtype string, any bytes, hand-written header JSON, a lying length prefix).
/// </remarks>
public sealed class SafeTensorsWriter
{
    private readonly List<(string Name, string DataType, long[] Shape, byte[] Data)> _tensors = [];
    private readonly List<KeyValuePair<string, string>> _metadata = [];

    /// <summary>A tensor as given: any dtype string, any shape, any bytes (they need not match).</summary>
    public SafeTensorsWriter Add(string name, string dataType, long[] shape, byte[] data)
    {
        _tensors.Add((name, dataType, shape, data));
        return this;
    }

    public SafeTensorsWriter AddFloat32(string name, long[] shape, params float[] values)
    {
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
        return Add(name, "F32", shape, data);
    }

    public SafeTensorsWriter AddFloat16(string name, long[] shape, params ushort[] bits) => AddUInt16(name, "F16", shape, bits);

    public SafeTensorsWriter AddBFloat16(string name, long[] shape, params ushort[] bits) => AddUInt16(name, "BF16", shape, bits);

    public SafeTensorsWriter AddFloat64(string name, long[] shape, params double[] values)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), values[i]);
        return Add(name, "F64", shape, data);
    }

    public SafeTensorsWriter AddInt64(string name, long[] shape, params long[] values)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8 * i), values[i]);
        return Add(name, "I64", shape, data);
    }

    /// <summary>A scalar int64, as PyTorch stores batchnorm's num_batches_tracked.</summary>
    public SafeTensorsWriter AddInt64Scalar(string name, long value) => AddInt64(name, [], value);

    /// <summary>A tensor of zeros, for tests that look only at names, dtypes and shapes.</summary>
    public SafeTensorsWriter AddZeros(string name, string dataType, long[] shape) =>
        Add(name, dataType, shape, new byte[shape.Aggregate(1L, (product, dimension) => product * dimension) * ElementSize(dataType)]);

    /// <summary>
    /// Floating-point values stored in <paramref name="dataType"/>; returns the values as the file holds them, after
    /// rounding (F16: to nearest; BF16: the upper half of the float32, truncated toward zero).
    /// </summary>
    public float[] AddRounded(string name, int[] shape, float[] values, WeightDataType dataType = WeightDataType.F32)
    {
        if (values.Length != shape.Aggregate(1, (product, dimension) => product * dimension)) throw new ArgumentException($"{name}: {values.Length} values do not fill shape [{string.Join(", ", shape)}].");
        long[] longShape = shape.Select(dimension => (long)dimension).ToArray();
        var stored = new float[values.Length];
        switch (dataType)
        {
            case WeightDataType.F32:
                values.CopyTo(stored, 0);
                AddFloat32(name, longShape, values);
                break;
            case WeightDataType.F16:
                var halves = new ushort[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    var half = (Half)values[i];
                    halves[i] = BitConverter.HalfToUInt16Bits(half);
                    stored[i] = (float)half;
                }
                AddFloat16(name, longShape, halves);
                break;
            default:
                var upper = new ushort[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    upper[i] = (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16);
                    stored[i] = BitConverter.UInt32BitsToSingle((uint)upper[i] << 16);
                }
                AddBFloat16(name, longShape, upper);
                break;
        }
        return stored;
    }

    public SafeTensorsWriter AddMetadata(string key, string value)
    {
        _metadata.Add(new(key, value));
        return this;
    }

    /// <summary>The header as JSON, before padding.</summary>
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

    /// <summary>The tensors' bytes back to back.</summary>
    public byte[] DataBuffer()
    {
        var buffer = new byte[_tensors.Sum(tensor => tensor.Data.Length)];
        int offset = 0;
        foreach (var tensor in _tensors)
        {
            tensor.Data.CopyTo(buffer, offset);
            offset += tensor.Data.Length;
        }
        return buffer;
    }

    public byte[] ToBytes() => Assemble(HeaderJson(), DataBuffer());

    public void WriteTo(string path) => File.WriteAllBytes(path, ToBytes());

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

    private SafeTensorsWriter AddUInt16(string name, string dataType, long[] shape, ushort[] bits)
    {
        var data = new byte[bits.Length * 2];
        for (int i = 0; i < bits.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), bits[i]);
        return Add(name, dataType, shape, data);
    }

    private static int ElementSize(string dataType) => dataType switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "U8" or "I8" or "BOOL" => 1,
        _ => throw new ArgumentException($"The test writer does not know dtype {dataType}.", nameof(dataType)),
    };
}
