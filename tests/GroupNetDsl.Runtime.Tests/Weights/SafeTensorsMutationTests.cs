using System.Text;
using System.Text.RegularExpressions;
using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;
using Xunit.Abstractions;

namespace GroupNetDsl.Runtime.Tests.Weights;

/// <summary>
/// Damaged files fail in one way only: random mutations of a valid file either still parse (and then every
/// tensor can be read or refused with a <see cref="WeightFileException"/>) or throw a <see cref="WeightFileException"/>.
/// </summary>
public sealed class SafeTensorsMutationTests(ITestOutputHelper output)
{
    private const int Iterations = 4000;
    private const string FileName = "mutated.safetensors";
    private static readonly byte[] JsonBytes = Encoding.ASCII.GetBytes("{}[]\":,-.0123456789eE \\u_ FIBU");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_mutations_only_ever_throw_WeightFileException(int seed)
    {
        byte[] original = new SafeTensorsWriter()
            .AddMetadata("format", "pt")
            .AddFloat32("stem.0.weight", [2, 1, 3, 3], Enumerable.Range(0, 18).Select(i => i * 0.25f).ToArray())
            .AddFloat16("stem.1.weight", [2], 0x3C00, 0xC000)
            .AddBFloat16("stem.1.bias", [2], 0x3F80, 0x4049)
            .AddFloat64("stem.1.running_var", [2], 1.0, 2.0)
            .AddInt64("stem.1.num_batches_tracked", [], 1000)
            .AddFloat32("empty", [0, 4])
            .ToBytes();
        int headerEnd = 8 + (int)BitConverter.ToUInt64(original);
        var random = new Random(seed);
        int parsed = 0;
        var rejections = new Dictionary<string, int>();

        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            byte[] mutated = Mutate(original, headerEnd, random);
            var error = Record.Exception(() =>
            {
                var file = SafeTensorsFile.Parse(mutated, FileName);
                parsed++;
                ReadEverything(file);
            });

            if (error is WeightFileException rejection)
            {
                rejections[Wording(rejection.Message)] = rejections.GetValueOrDefault(Wording(rejection.Message)) + 1;
            }
            else if (error is not null)
            {
                Assert.Fail($"seed {seed}, iteration {iteration}: {error.GetType()} instead of WeightFileException: {error}\nfile: {Convert.ToHexString(mutated)}");
            }
        }

        output.WriteLine($"{parsed} of {Iterations} mutated files parsed; rejections:");
        foreach (var (wording, count) in rejections.OrderByDescending(pair => pair.Value)) output.WriteLine($"{count,5}  {wording}");

        // The mutations must leave some files valid, or the read path would go untested.
        Assert.InRange(parsed, 1, Iterations - 1);
    }

    /// <summary>A message's first sentence without names and numbers, to show which checks the mutations reach.</summary>
    private static string Wording(string message)
    {
        string sentence = message[(FileName.Length + 2)..].Split(". ")[0];
        return Regex.Replace(sentence, @"'[^']*'|""[^""]*""|\[[^\]]*\]|\d+", "_");
    }

    private static void ReadEverything(SafeTensorsFile file)
    {
        var loader = new WeightLoader(file);
        foreach (var tensor in file.Tensors)
        {
            _ = file.GetData(tensor.Name);
            var exception = Record.Exception(() =>
            {
                float[] values = file.ReadFloat32(tensor.Name);
                Assert.Equal(tensor.ElementCount, values.Length);
            });
            if (exception is not null && (exception is not WeightFileException || tensor.DataType.CanReadAsFloat32())) throw exception;
            _ = Record.Exception(() => loader.Take(tensor.Name, tensor.Shape.Select(dimension => (int)Math.Min(dimension, int.MaxValue)).ToArray()));
        }
        _ = Record.Exception(loader.EnsureNoUnexpectedKeys);
    }

    private static byte[] Mutate(byte[] original, int headerEnd, Random random)
    {
        var bytes = new List<byte>(original);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            if (bytes.Count == 0) bytes.Add(0);

            // Most mutations land in the header, where the parser's decisions are; a few in the length or the data.
            int header = Math.Min(headerEnd, bytes.Count);
            int position = random.Next(10) switch
            {
                0 => random.Next(Math.Min(8, bytes.Count)),
                1 => random.Next(bytes.Count),
                _ => header > 8 ? random.Next(8, header) : random.Next(bytes.Count),
            };
            switch (random.Next(6))
            {
                case 0:
                    bytes[position] = (byte)random.Next(256);
                    break;
                case 1:
                case 2:
                    bytes[position] = JsonBytes[random.Next(JsonBytes.Length)];
                    break;
                case 3:
                    bytes.Insert(position, JsonBytes[random.Next(JsonBytes.Length)]);
                    break;
                case 4:
                    bytes.RemoveAt(position);
                    break;
                default:
                    int cut = random.Next(bytes.Count);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
            }
        }
        return bytes.ToArray();
    }
}
