using CsCheck;
using GroupNetDsl.TestSupport.Fuzzing;
using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;
using Xunit.Abstractions;

namespace GroupNetDsl.Runtime.Tests.Weights;

/// <summary>
/// Weight files built by the independent writer from random tensors (names of a batchnorm and a conv, every dtype and
/// some unknown ones, small shapes, random bytes that may be NaN or negative statistics, data of the wrong length),
/// then mutated byte by byte or left intact, and wholly random bytes: <see cref="SafeTensorsFile.Parse"/>,
/// <see cref="SafeTensorsFile.Read"/>, every read of <see cref="WeightLoader"/> and the batchnorm checks either succeed
/// or throw a <see cref="WeightFileException"/> whose message names the source. Counts scale with
/// <see cref="FuzzRun.IterationsVariable"/>.
/// </summary>
public sealed class WeightFileFuzzTests(ITestOutputHelper output)
{
    private const string SourceName = "fuzzed.safetensors";
    private const int Channels = 2;

    private static readonly BatchNormKeys BatchNorm = new("bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", 1e-5);

    private static readonly string[] Names = ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", "conv.weight", "conv.bias", "", "\u0000"];

    private static readonly string[] DataTypes = ["F32", "F32", "F32", "F16", "BF16", "F64", "I64", "I32", "U8", "BOOL", "F8_E4M3", "f32", "X"];

    private static readonly Gen<Tensor> TensorGen =
        Gen.Select(Gen.OneOf(Names), Gen.OneOf(DataTypes), Gen.OneOf(Gen.Int[0, 3].Array[0, 3], Gen.Const(new[] { Channels })), Gen.Frequency((8, Gen.Const(0)), (1, Gen.Int[-2, 2])), Gen.Byte)
            .Select((name, dataType, shape, lengthError, fill) => new Tensor(name, dataType, shape.Select(d => (long)d).ToArray(), lengthError, fill));

    private static readonly Gen<ByteMutation> MutationGen =
        Gen.Select(Gen.Int[0, 3], Gen.Double[0, 1], Gen.Byte).Select((kind, position, value) => new ByteMutation(kind, position, value));

    private static readonly Gen<byte[]> Files = Gen.Frequency(
        (3, Gen.Select(TensorGen.Array[0, 4], Gen.Int).Select((tensors, seed) => Build(tensors, new Random(seed)))),
        (6, Gen.Select(TensorGen.Array[1, 4], Gen.Int, MutationGen.Array[1, 4]).Select((tensors, seed, mutations) => Mutate(Build(tensors, new Random(seed)), mutations))),
        (1, Gen.Byte.Array[0, 64]),
        (1, Gen.Select(Gen.ULong[0, 300], Gen.Byte.Array[0, 300]).Select((length, rest) => BitConverter.GetBytes(length).Concat(rest).ToArray())));

    [Fact]
    public void Random_and_mutated_weight_files_only_ever_throw_WeightFileException_naming_the_source()
    {
        int parsed = 0;
        var statistics = FuzzRun.Check(Files, 20_000, bytes => parsed += AssertOnlyWeightFileExceptions(bytes), Convert.ToHexString);
        output.WriteLine($"weight files: {statistics}, {parsed} parsed");

        // Both outcomes must occur, or one of the paths would go untested.
        Assert.InRange(parsed, statistics.Inputs / 10, statistics.Inputs - (statistics.Inputs / 10));
    }

    /// <summary>Reads the file every way a network's Load does; returns 1 when its header parsed.</summary>
    private static int AssertOnlyWeightFileExceptions(byte[] bytes)
    {
        int parsed = 0;
        Guarded(() =>
        {
            var file = SafeTensorsFile.Parse(bytes, SourceName);
            parsed = 1;
            foreach (var tensor in file.Tensors)
            {
                _ = file.GetData(tensor.Name);
                Guarded(() => file.ReadFloat32(tensor.Name));
                Guarded(() => new WeightLoader(file).Take(tensor.Name, tensor.Shape.Select(d => (int)Math.Min(d, int.MaxValue)).ToArray()));
                Guarded(() => new WeightLoader(file).Take(tensor.Name, Channels));
            }
            Guarded(() => BatchNormFolding.LoadScaleShift(new WeightLoader(file), BatchNorm, Channels));
            Guarded(() => new WeightLoader(file).EnsureNoUnexpectedKeys());
        });
        Guarded(() => SafeTensorsFile.Read(new MemoryStream(bytes, writable: false), SourceName));
        return parsed;
    }

    private static void Guarded(Action action)
    {
        try
        {
            action();
        }
        catch (WeightFileException exception)
        {
            Assert.True(exception.Message.Contains(SourceName, StringComparison.Ordinal), $"the message does not name the source: {exception.Message}");
            Assert.Equal(SourceName, exception.SourceName);
        }
    }

    private static byte[] Build(Tensor[] tensors, Random random)
    {
        var writer = new SafeTensorsWriter();
        foreach (var tensor in tensors)
        {
            long elements = tensor.Shape.Aggregate(1L, (product, d) => product * d);
            int length = (int)Math.Max(0, (elements * ElementSize(tensor.DataType)) + tensor.LengthError);
            var data = new byte[length];
            if (tensor.Fill % 2 == 0) random.NextBytes(data);
            else Array.Fill(data, tensor.Fill);
            writer.Add(tensor.Name, tensor.DataType, tensor.Shape, data);
        }
        return writer.ToBytes();
    }

    private static int ElementSize(string dataType) => dataType switch
    {
        "F16" or "BF16" => 2,
        "F64" or "I64" => 8,
        "U8" or "BOOL" or "F8_E4M3" => 1,
        _ => 4,
    };

    private static byte[] Mutate(byte[] original, ByteMutation[] mutations)
    {
        var bytes = new List<byte>(original);
        foreach (var mutation in mutations)
        {
            if (bytes.Count == 0) break;
            int at = Math.Min((int)(mutation.Position * bytes.Count), bytes.Count - 1);
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

    private sealed record Tensor(string Name, string DataType, long[] Shape, int LengthError, byte Fill);

    private sealed record ByteMutation(int Kind, double Position, byte Value);
}
