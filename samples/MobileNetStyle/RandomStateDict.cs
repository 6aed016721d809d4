using System.Buffers.Binary;
using System.Text.Json;

namespace MobileNetStyleSample;

/// <summary>
/// The state_dict a freshly initialized PyTorch module would save, with the same names and shapes, written as a
/// safetensors file in memory. Convolution and linear weights are drawn as PyTorch's default (Kaiming-uniform) init
/// draws them; batchnorm starts as PyTorch's does (weight 1, bias 0, running mean 0, running variance 1).
/// </summary>
/// <remarks>
/// The GroupNetDsl runtime only reads safetensors; this small writer belongs to the sample. Its format: an 8-byte
/// little-endian header length, a JSON header (name: dtype, shape, data_offsets) padded with spaces to a multiple
/// of 8, then the tensors' little-endian bytes.
/// </remarks>
public sealed class RandomStateDict(int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<(string Name, int[] Shape, float[] Values)> _tensors = [];

    /// <summary>nn.Conv2d(inChannels, outChannels, kernel, groups: groups, bias: false).weight.</summary>
    public void Conv(string name, int inChannels, int outChannels, int kernel, int groups = 1)
    {
        int fanIn = inChannels / groups * kernel * kernel;
        Add($"{name}.weight", [outChannels, inChannels / groups, kernel, kernel], KaimingUniform(outChannels * fanIn, fanIn));
    }

    /// <summary>nn.BatchNorm2d(channels): weight, bias, running statistics and the step counter PyTorch saves.</summary>
    public void BatchNorm(string name, int channels)
    {
        Add($"{name}.weight", [channels], Filled(channels, 1f));
        Add($"{name}.bias", [channels], Filled(channels, 0f));
        Add($"{name}.running_mean", [channels], Filled(channels, 0f));
        Add($"{name}.running_var", [channels], Filled(channels, 1f));
    }

    /// <summary>nn.Linear(inFeatures, outFeatures): weight and bias.</summary>
    public void Linear(string name, int inFeatures, int outFeatures)
    {
        Add($"{name}.weight", [outFeatures, inFeatures], KaimingUniform(outFeatures * inFeatures, inFeatures));
        Add($"{name}.bias", [outFeatures], Uniform(outFeatures, 1 / Math.Sqrt(inFeatures)));
    }

    /// <summary>The tensors as the bytes of a .safetensors file.</summary>
    public byte[] ToSafeTensors()
    {
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            long offset = 0;
            foreach (var (name, shape, values) in _tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int dimension in shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + values.Length * sizeof(float));
                json.WriteEndArray();
                json.WriteEndObject();
                offset += values.Length * sizeof(float);
            }
            json.WriteEndObject();
        }
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        var file = new MemoryStream();
        Span<byte> eight = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(eight, (ulong)header.Length);
        file.Write(eight);
        header.WriteTo(file);
        foreach (var (_, _, values) in _tensors)
        {
            foreach (float value in values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(eight, value);
                file.Write(eight[..sizeof(float)]);
            }
        }
        return file.ToArray();
    }

    private void Add(string name, int[] shape, float[] values) => _tensors.Add((name, shape, values));

    // PyTorch's kaiming_uniform_(a = sqrt(5)) bound: 1 / sqrt(fan_in).
    private float[] KaimingUniform(int count, int fanIn) => Uniform(count, 1 / Math.Sqrt(fanIn));

    private float[] Uniform(int count, double bound)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)((_random.NextDouble() * 2 - 1) * bound);
        return values;
    }

    private static float[] Filled(int count, float value) => Enumerable.Repeat(value, count).ToArray();
}
