using GroupNetDsl.TestSupport.Reference;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Benchmarks.Engines;

/// <summary>
/// The seed networks written out with the generator tests' naive reference (plain loops in double, batchnorm applied as
/// written): the slow, obviously right baseline. The composition follows tests/reference/seed_modules.py.
/// </summary>
public sealed class NaiveSeedNetwork
{
    private readonly string _name;
    private readonly SafeTensorsFile _weights;
    private readonly Dictionary<string, float[]> _cache = new(StringComparer.Ordinal);

    private NaiveSeedNetwork(string name, SafeTensorsFile weights)
    {
        _name = name;
        _weights = weights;
    }

    /// <summary>The naive form of a seed network (SeparableBlock, Bottleneck or MiniGroupNet) with the case's weights.</summary>
    public static NaiveSeedNetwork Load(Cases.NetworkCase network) => network.Name switch
    {
        "SeparableBlock" or "Bottleneck" or "MiniGroupNet" => new(network.Name, SafeTensorsFile.Open(network.WeightsPath)),
        _ => throw new ArgumentException($"{network.Name} has no naive form; only the seed networks do.", nameof(network)),
    };

    /// <summary>Runs <paramref name="batchSize"/> images of <paramref name="channels"/>x<paramref name="height"/>x<paramref name="width"/>.</summary>
    public void Forward(float[] input, float[] output, int batchSize, int channels, int height, int width)
    {
        var x = Tensor.FromFloats(input, batchSize, channels, height, width);
        Tensor y = _name switch
        {
            "SeparableBlock" => SeparableBlock(x, ""),
            "Bottleneck" => Bottleneck(x, "", cout: 128, groups: 8, stride: 2),
            _ => MiniGroupNet(x),
        };
        if (y.Data.Length != output.Length) throw new ArgumentException($"The output has {y.Data.Length} values, the buffer {output.Length}.", nameof(output));
        for (int i = 0; i < output.Length; i++) output[i] = (float)y.Data[i];
    }

    // DepthwiseSeparableConv(cin, cout): dw (depthwise 3x3, pad 1) -> pw (1x1) -> bn -> relu.
    private Tensor SeparableBlock(Tensor x, string prefix)
    {
        x = NaiveReference.Conv2d(x, W(prefix + "dw.weight"), null, x.Channels, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: x.Channels);
        x = NaiveReference.Conv2d(x, W(prefix + "pw.weight"), null, outChannels: 64, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1);
        return NaiveReference.Relu(BatchNorm(x, prefix + "bn"));
    }

    // GroupedBottleneck(cin, cout, ratio 0.5, groups, stride): act(expand(group_conv(reduce(x))) + skip(x)).
    private Tensor Bottleneck(Tensor x, string prefix, int cout, int groups, int stride)
    {
        int hidden = cout / 2;
        var h = NaiveReference.Relu(BatchNorm(NaiveReference.Conv2d(x, W(prefix + "reduce.0.weight"), null, hidden, 1, 1, 0, 1, 1), prefix + "reduce.1"));
        h = NaiveReference.Relu(BatchNorm(NaiveReference.Conv2d(h, W(prefix + "group_conv.0.weight"), null, hidden, 3, stride, 1, 1, groups), prefix + "group_conv.1"));
        h = BatchNorm(NaiveReference.Conv2d(h, W(prefix + "expand.0.weight"), null, cout, 1, 1, 0, 1, 1), prefix + "expand.1");
        var skip = BatchNorm(NaiveReference.Conv2d(x, W(prefix + "skip.0.weight"), null, cout, 1, stride, 0, 1, 1), prefix + "skip.1");
        return NaiveReference.Relu(NaiveReference.Add(h, skip));
    }

    // MiniGroupNet(3, 10, groups 8): stem -> stage1 -> stage2 -> global average pool -> flatten -> fc.
    private Tensor MiniGroupNet(Tensor x)
    {
        x = NaiveReference.Relu(BatchNorm(NaiveReference.Conv2d(x, W("stem.0.weight"), null, 64, 3, 1, 1, 1, 1), "stem.1"));
        x = Bottleneck(x, "stage1.", cout: 128, groups: 8, stride: 2);
        x = Bottleneck(x, "stage2.", cout: 256, groups: 8, stride: 2);
        x = NaiveReference.Flatten(NaiveReference.GlobalAvgPool(x));
        return NaiveReference.Linear(x, W("fc.weight"), W("fc.bias"), 10);
    }

    private Tensor BatchNorm(Tensor x, string path) =>
        NaiveReference.BatchNorm(x, W(path + ".weight"), W(path + ".bias"), W(path + ".running_mean"), W(path + ".running_var"), 1e-5);

    private float[] W(string key)
    {
        if (!_cache.TryGetValue(key, out float[]? values)) _cache[key] = values = _weights.ReadFloat32(key);
        return values;
    }
}
