using System.Globalization;
using System.Text;
using CsCheck;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.TestSupport.Fuzzing;

/// <summary>
/// The .gnet texts the fuzz tests feed to the compiler: seed files (the samples, the standard library and the
/// documentation's examples) mutated by insertions, deletions, replacements and duplications of language fragments or
/// random characters, and random sequential networks shaped by the grammar, with now and then a value at the limits.
/// </summary>
public static class GnetInputs
{
    /// <summary>The seed files: the samples, the standard library and the documentation's examples.</summary>
    public static readonly string[] Seeds =
    [
        RepositoryFiles.Read("samples/MiniGroupNet/MiniGroupNet.gnet"),
        RepositoryFiles.Read("samples/MiniGroupNet/SeparableBlock.gnet"),
        RepositoryFiles.Read("samples/MobileNetStyle/MobileNetStyle.gnet"),
        RepositoryFiles.Read("samples/InvalidNetwork/Networks.gnet"),
        RepositoryFiles.Read("src/GroupNetDsl.Language/StandardLibrary/Blocks.gnet"),
        .. FencedBlocks.Of("docs/language.md", info => info is "" or "gnet"),
        .. FencedBlocks.Of("README.md", info => info is "" or "gnet"),
    ];

    /// <summary>How many of <see cref="Seeds"/> are files named above; the rest are the documentation's examples.</summary>
    public const int SeedFiles = 5;

    private static readonly string[] Fragments =
    [
        "conv", "batchnorm", "relu", "relu6", "maxpool", "avgpool", "flatten", "linear", "identity", "add", "block", "network",
        "forward(x) = ", "DepthwiseSeparableConv", "GroupedBottleneck", "(", ")", "[", "]", "{", "}", ",", ":", "=", "\n",
        "stride: ", "padding: ", "dilation: ", "groups: ", "bias: ", "0", "1", "2", "3", "7", "65536", "32768", "2147483647",
        "99999999999", "-1", "0.5", "1e999", "3x8x8", "1x1x1", "x", " ", "#", "\u0000", "\uD800", "if", "then", "else",
    ];

    private static readonly Gen<Mutation> MutationGen =
        Gen.Select(Gen.Int[0, 4], Gen.Double[0, 1], Gen.Int[0, 40], Gen.OneOf(Gen.OneOf(Fragments), Gen.String[Gen.Char, 0, 8]))
            .Select((kind, position, length, text) => new Mutation(kind, position, length, text));

    /// <summary>A seed file with 1 to 6 mutations.</summary>
    public static readonly Gen<string> MutatedSeed =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], MutationGen.Array[1, 6])
            .Select((seed, mutations) => mutations.Aggregate(Seeds[seed], (text, mutation) => mutation.ApplyTo(text)));

    /// <summary>A random network shaped by the grammar (<see cref="RandomNetworkText"/>).</summary>
    public static readonly Gen<string> GrammarShaped = Gen.Int.Select(seed => RandomNetworkText(new Random(seed)));

    /// <summary>Either kind, half and half.</summary>
    public static readonly Gen<string> Any = Gen.OneOf(MutatedSeed, GrammarShaped);

    /// <summary>
    /// A sequential network of convs (random channels, groups, kernel, stride, padding, dilation, bias), pools,
    /// batchnorms, activations and standard-library blocks, most layers chained so that many networks are valid, with
    /// now and then a value at or past the limits PyTorch and the kernels accept.
    /// </summary>
    public static string RandomNetworkText(Random random)
    {
        int channels = Pick(random, [1, 2, 3, 4, 6, 8, 16]);
        int height = random.Next(1, 33), width = random.Next(1, 33);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"network N{random.Next(1000)}(input: {channels}x{height}x{width}) {{\n");
        int layers = random.Next(1, 7);
        for (int i = 0; i < layers; i++)
        {
            int inChannels = random.Next(10) == 0 ? random.Next(1, 65) : channels;
            string layer;
            switch (random.Next(8))
            {
                case 0:
                case 1:
                case 2:
                {
                    int groups = Pick(random, [1, 1, inChannels, Divisor(random, inChannels), random.Next(1, 9)]);
                    int outChannels = random.Next(3) == 0 ? inChannels : groups * random.Next(1, Math.Max(2, 32 / groups));
                    if (random.Next(10) == 0) outChannels = random.Next(1, 65);
                    var arguments = new List<string> { $"{inChannels}", $"{outChannels}", $"{Sized(random, Pick(random, [1, 1, 3, 3, 5, 7]))}" };
                    if (random.Next(2) == 0) arguments.Add($"stride: {Sized(random, Pick(random, [1, 2, 3]))}");
                    if (random.Next(2) == 0) arguments.Add($"padding: {Sized(random, random.Next(0, 4))}");
                    if (random.Next(4) == 0) arguments.Add($"dilation: {Sized(random, Pick(random, [1, 2, 3]))}");
                    if (groups != 1 || random.Next(4) == 0) arguments.Add($"groups: {groups}");
                    if (random.Next(3) == 0) arguments.Add($"bias: {(random.Next(2) == 0 ? "true" : "false")}");
                    layer = $"conv({string.Join(", ", arguments)})";
                    channels = outChannels;
                    if (random.Next(2) == 0) layer = $"[{layer}, batchnorm, {Pick(random, ["relu", "relu6"])}]";
                    break;
                }
                case 3:
                    layer = $"{Pick(random, ["maxpool", "avgpool"])}({Sized(random, Pick(random, [2, 3]))}"
                        + (random.Next(2) == 0 ? $", stride: {Sized(random, Pick(random, [1, 2]))}" : "")
                        + (random.Next(3) == 0 ? $", padding: {Sized(random, 1)}" : "") + ")";
                    break;
                case 4:
                    layer = Pick(random, ["relu", "relu6", "batchnorm", "identity", $"batchnorm({channels}, eps: 0.001)"]);
                    break;
                case 5:
                {
                    int outChannels = Pick(random, [channels, 2 * channels, random.Next(1, 33)]);
                    layer = $"DepthwiseSeparableConv({inChannels}, {outChannels}" + (random.Next(2) == 0 ? $", stride: {Pick(random, [1, 2])}" : "") + ")";
                    channels = outChannels;
                    break;
                }
                case 6:
                {
                    int groups = Pick(random, [1, 2, 4, 8]);
                    int outChannels = groups * Pick(random, [2, 4, 8]);
                    layer = $"GroupedBottleneck({inChannels}, {outChannels}, groups: {groups}" + (random.Next(2) == 0 ? ", stride: 2" : "") + ")";
                    channels = outChannels;
                    break;
                }
                default:
                    layer = $"[avgpool, flatten, linear({channels}, {random.Next(1, 11)})]";
                    i = layers; // a head ends the network
                    break;
            }
            text.Append(CultureInfo.InvariantCulture, $"    l{i} = {layer}\n");
        }
        return text.Append("}\n").ToString();
    }

    /// <summary>Mostly the value itself; now and then a value at the edge of what the binder must reject or bound.</summary>
    private static int Sized(Random random, int value) =>
        random.Next(25) == 0 ? Pick(random, [0, 1449, 2000, 32768, 46341, 65536, 16777216, int.MaxValue]) : value;

    private static int Divisor(Random random, int n)
    {
        var divisors = Enumerable.Range(1, n).Where(d => n % d == 0).ToArray();
        return divisors[random.Next(divisors.Length)];
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private sealed record Mutation(int Kind, double Position, int Length, string Text)
    {
        public string ApplyTo(string text)
        {
            int at = Math.Min((int)(Position * text.Length), text.Length);
            int length = Math.Min(Length, text.Length - at);
            return Kind switch
            {
                0 => text.Insert(at, Text),
                1 => text.Remove(at, length),
                2 => text.Remove(at, length).Insert(at, Text),
                3 => text.Insert(at, text.Substring(at, length)),
                _ => text[..at] + text[(at + length)..] + text.Substring(at, length),
            };
        }
    }
}
