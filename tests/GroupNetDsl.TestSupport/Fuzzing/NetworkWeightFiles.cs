using System.Buffers.Binary;
using CsCheck;
using GroupNetDsl.TestSupport.SafeTensors;

namespace GroupNetDsl.TestSupport.Fuzzing;

/// <summary>One state_dict entry a network expects: its key and shape.</summary>
public sealed record ExpectedTensor(string Key, int[] Shape);

/// <summary>
/// Weight files for one network, written by the independent writer: a valid file (every tensor float32, variances
/// positive), the same with faults a hand-edited or foreign file has (a tensor missing, unexpected or duplicated,
/// another shape or dtype, data of the wrong length, NaN, infinite or negative statistics), the same with bytes
/// mutated (half of them inside the header), and random bytes.
/// </summary>
public static class NetworkWeightFiles
{
    private static readonly string[] DataTypes = ["F16", "BF16", "F64", "I64", "I32", "U8", "BOOL", "F8_E4M3", "f32", "X"];

    private static readonly string[] ForeignKeys = ["", "\u0000", "__metadata__", "fc.weight", "x.num_batches_tracked"];

    private static readonly float[] BadValues = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1f, 0f, -0f, float.Epsilon, float.MaxValue];

    /// <summary>A file the network loads: values in [-1, 1), running variances in [0.5, 1.5).</summary>
    public static byte[] Valid(IReadOnlyList<ExpectedTensor> tensors, Random random) => Write(ValidEntries(tensors, random));

    /// <summary>Files for the network: valid, with faults, with mutated bytes, or random.</summary>
    public static Gen<byte[]> For(IReadOnlyList<ExpectedTensor> tensors)
    {
        var faults = Gen.Select(Gen.Int[0, 6], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue]).Select((kind, a, b) => new Fault(kind, a, b)).Array[1, 3];
        var mutations = Gen.Select(Gen.Int[0, 3], Gen.Double[0, 1], Gen.Bool, Gen.Byte).Select((kind, position, inHeader, value) => new ByteMutation(kind, position, inHeader, value)).Array[1, 4];
        return Gen.Frequency(
            (1, Gen.Int.Select(seed => Valid(tensors, new Random(seed)))),
            (4, Gen.Select(Gen.Int, faults).Select((seed, f) => WithFaults(tensors, new Random(seed), f))),
            (4, Gen.Select(Gen.Int, faults, Gen.Bool, mutations).Select((seed, f, faulty, m) => Mutate(faulty ? WithFaults(tensors, new Random(seed), f) : Valid(tensors, new Random(seed)), m))),
            (1, Gen.OneOf(Gen.Byte.Array[0, 64], Gen.Select(Gen.ULong[0, 400], Gen.Byte.Array[0, 400]).Select((length, rest) => BitConverter.GetBytes(length).Concat(rest).ToArray()))));
    }

    private static List<Entry> ValidEntries(IReadOnlyList<ExpectedTensor> tensors, Random random)
    {
        var entries = new List<Entry>();
        foreach (var tensor in tensors)
        {
            long[] shape = tensor.Shape.Select(d => (long)d).ToArray();
            if (tensor.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            {
                entries.Add(new(tensor.Key, "I64", shape, BitConverter.GetBytes((long)random.Next(1000))));
                continue;
            }
            bool variance = tensor.Key.EndsWith("running_var", StringComparison.Ordinal);
            long count = shape.Aggregate(1L, (product, d) => product * d);
            var data = new byte[count * 4];
            for (int i = 0; i < count; i++)
            {
                float value = variance ? 0.5f + random.NextSingle() : (2 * random.NextSingle()) - 1;
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), value);
            }
            entries.Add(new(tensor.Key, "F32", shape, data));
        }
        return entries;
    }

    private static byte[] WithFaults(IReadOnlyList<ExpectedTensor> tensors, Random random, Fault[] faults)
    {
        var entries = ValidEntries(tensors, random);
        foreach (var fault in faults)
        {
            if (entries.Count == 0) break;
            int at = fault.A % entries.Count;
            var entry = entries[at];
            switch (fault.Kind)
            {
                case 0:
                    entries.RemoveAt(at);
                    break;
                case 1:
                    entries.Add(entry with { Name = fault.B % 2 == 0 ? entry.Name : ForeignKeys[fault.B % ForeignKeys.Length] });
                    break;
                case 2:
                {
                    var shape = entry.Shape.ToList();
                    if (shape.Count == 0 || fault.B % 3 == 0) shape.Add(1 + (fault.B % 3));
                    else if (fault.B % 3 == 1) shape.RemoveAt(shape.Count - 1);
                    else shape[fault.B % shape.Count] += fault.B % 2 == 0 ? 1 : -1;
                    entries[at] = entry with { Shape = shape.ToArray() };
                    break;
                }
                case 3:
                {
                    string dataType = DataTypes[fault.B % DataTypes.Length];
                    long count = entry.Shape.Aggregate(1L, (product, d) => product * d);
                    var data = new byte[Math.Max(0, count * ElementSize(dataType))];
                    random.NextBytes(data);
                    entries[at] = entry with { DataType = dataType, Data = data };
                    break;
                }
                case 4:
                {
                    if (entry.DataType != "F32" || entry.Data.Length < 4) break;
                    var data = (byte[])entry.Data.Clone();
                    int element = fault.B % (data.Length / 4);
                    BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * element), BadValues[fault.B % BadValues.Length]);
                    entries[at] = entry with { Data = data };
                    break;
                }
                case 5:
                {
                    int change = (fault.B % 9) - 4;
                    entries[at] = entry with { Data = change >= 0 ? [.. entry.Data, .. new byte[change]] : entry.Data[..Math.Max(0, entry.Data.Length + change)] };
                    break;
                }
                default:
                    (entries[at], entries[fault.B % entries.Count]) = (entries[fault.B % entries.Count], entries[at]);
                    break;
            }
        }
        return Write(entries);
    }

    private static byte[] Write(List<Entry> entries)
    {
        var writer = new SafeTensorsWriter();
        foreach (var entry in entries) writer.Add(entry.Name, entry.DataType, entry.Shape, entry.Data);
        return writer.ToBytes();
    }

    private static byte[] Mutate(byte[] original, ByteMutation[] mutations)
    {
        var bytes = new List<byte>(original);
        int headerEnd = original.Length >= 8 ? (int)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(original) + 8, (ulong)original.Length) : original.Length;
        foreach (var mutation in mutations)
        {
            if (bytes.Count == 0) break;
            int range = mutation.InHeader ? Math.Min(headerEnd, bytes.Count) : bytes.Count;
            int at = Math.Min((int)(mutation.Position * range), bytes.Count - 1);
            switch (mutation.Kind)
            {
                case 0: bytes[at] = mutation.Value; break;
                case 1: bytes.Insert(at, mutation.Value); break;
                case 2: bytes.RemoveAt(at); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }
        return bytes.ToArray();
    }

    private static int ElementSize(string dataType) => dataType switch
    {
        "F16" or "BF16" => 2,
        "F64" or "I64" => 8,
        "U8" or "BOOL" or "F8_E4M3" => 1,
        _ => 4,
    };

    private sealed record Entry(string Name, string DataType, long[] Shape, byte[] Data);

    private sealed record Fault(int Kind, int A, int B);

    private sealed record ByteMutation(int Kind, double Position, bool InHeader, byte Value);
}
