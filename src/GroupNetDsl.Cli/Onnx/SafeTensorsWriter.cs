using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace GroupNetDsl.Cli.Onnx;

/// <summary>A named F32 tensor to write, its data C-contiguous.</summary>
public sealed record NamedTensor(string Name, long[] Shape, float[] Data);

/// <summary>
/// Writes F32 tensors as safetensors, the layout tests/reference/README.md describes: a little-endian u64 header
/// length, the JSON header (padded with spaces to a multiple of 8), then the data packed in header order.
/// </summary>
public static class SafeTensorsWriter
{
    public static byte[] Write(IReadOnlyList<NamedTensor> tensors)
    {
        using var headerStream = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerStream))
        {
            json.WriteStartObject();
            long offset = 0;
            foreach (var tensor in tensors)
            {
                long bytes = (long)tensor.Data.Length * sizeof(float);
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (long dimension in tensor.Shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        var header = new List<byte>(headerStream.ToArray());
        while (header.Count % 8 != 0) header.Add((byte)' ');

        using var file = new MemoryStream();
        file.Write(BitConverter.IsLittleEndian ? BitConverter.GetBytes((ulong)header.Count) : throw new PlatformNotSupportedException("safetensors are little-endian"));
        file.Write(header.ToArray());
        foreach (var tensor in tensors) file.Write(MemoryMarshal.AsBytes(tensor.Data.AsSpan()));
        return file.ToArray();
    }
}
