using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace GroupNetDsl.Generator.Tests.Reference;

/// <summary>The dtypes the tests write weights in.</summary>
public enum WeightDataType
{
    F32,
    F16,
    BF16,
}

/// <summary>
/// Writes a safetensors file in memory, independently of the runtime's reader: an 8-byte little-endian header length,
/// the JSON header (padded with spaces to a multiple of 8, as the reference implementation does), then the data.
/// </summary>
public sealed class SafeTensorsWriter
{
    private readonly List<(string Key, string DataType, int[] Shape, byte[] Data)> _tensors = new();

    /// <summary>Adds floating-point values in <paramref name="dataType"/>; returns the values as the file holds them (rounded).</summary>
    public float[] Add(string key, int[] shape, float[] values, WeightDataType dataType = WeightDataType.F32)
    {
        var stored = new float[values.Length];
        byte[] data;
        switch (dataType)
        {
            case WeightDataType.F32:
                data = new byte[values.Length * 4];
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
                    stored[i] = values[i];
                }
                break;
            case WeightDataType.F16:
                data = new byte[values.Length * 2];
                for (int i = 0; i < values.Length; i++)
                {
                    var half = (Half)values[i];
                    BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(i * 2), half);
                    stored[i] = (float)half;
                }
                break;
            default:
                // bfloat16 is the upper half of a float32: truncate (round toward zero), then read back exactly.
                data = new byte[values.Length * 2];
                for (int i = 0; i < values.Length; i++)
                {
                    ushort bits = (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16);
                    BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(i * 2), bits);
                    stored[i] = BitConverter.UInt32BitsToSingle((uint)bits << 16);
                }
                break;
        }
        _tensors.Add((key, dataType.ToString(), shape, data));
        return stored;
    }

    /// <summary>Adds a 64-bit integer scalar, as PyTorch stores num_batches_tracked.</summary>
    public void AddInt64Scalar(string key, long value)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(data, value);
        _tensors.Add((key, "I64", Array.Empty<int>(), data));
    }

    public byte[] ToArray()
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach (var (key, dataType, shape, data) in _tensors)
        {
            header.Append(",\"").Append(JsonEscape(key)).Append("\":{\"dtype\":\"").Append(dataType).Append("\",\"shape\":[")
                .Append(string.Join(",", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))))
                .Append("],\"data_offsets\":[").Append(offset.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append((offset + data.Length).ToString(CultureInfo.InvariantCulture)).Append("]}");
            offset += data.Length;
        }
        header.Append('}');
        while (Encoding.UTF8.GetByteCount(header.ToString()) % 8 != 0) header.Append(' ');
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToString());

        using var stream = new MemoryStream();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
        stream.Write(length);
        stream.Write(headerBytes);
        foreach (var tensor in _tensors) stream.Write(tensor.Data);
        return stream.ToArray();
    }

    private static string JsonEscape(string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text)
        {
            if (c == '"' || c == '\\') builder.Append('\\').Append(c);
            else if (c < 32) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.ToString();
    }
}
