using System.Text;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Generator.Tests.Networks;

/// <summary><c>narrow(start, length)</c> as a member: channels start to start + length - 1, a view of its input.</summary>
public sealed class NarrowLayer(int start, int length) : Layer
{
    public override string Expression => $"narrow({start}, {length})";

    public override Shape Output(Shape input) => input with { Channels = length };

    public override Tensor Run(Tensor input, string path, WeightSet weights) => NaiveReference.Narrow(input, start, length);
}

/// <summary>
/// A ShuffleNetV2 unit as a .gnet block with a forward block. Stride 1: the input split at <paramref name="keep"/>
/// channels (<c>split(x, [keep, rest])</c>), the rest through the branch (1x1 conv, depthwise 3x3 conv, 1x1 conv), the
/// kept channels and the branch's output joined, then shuffled. Stride above 1: a left branch (depthwise conv and 1x1
/// conv) and the branch, both on the whole input, joined and shuffled.
/// </summary>
public sealed class ShuffleUnitLayer : Layer
{
    private readonly string _blockName;
    private readonly int _stride, _keep, _groups, _outChannels;
    private readonly List<(string Name, ConvUnit Unit)> _left = new(), _right = new();

    public ShuffleUnitLayer(string blockName, int inChannels, int outChannels, int stride, int keep, int groups)
    {
        (_blockName, _stride, _keep, _groups, _outChannels) = (blockName, stride, keep, groups, outChannels);
        int branchIn = stride == 1 ? inChannels - keep : inChannels;
        int branchOut = stride == 1 ? outChannels - keep : outChannels / 2;
        if (stride > 1)
        {
            _left.Add(("l0", new ConvUnit(new ConvConfig(inChannels, inChannels, 3, stride, 1, 1, inChannels, Bias: false), batchNorm: true, Activation.None)));
            _left.Add(("l1", new ConvUnit(new ConvConfig(inChannels, outChannels - branchOut, 1, Bias: false), batchNorm: true, Activation.Relu)));
        }
        _right.Add(("r0", new ConvUnit(new ConvConfig(branchIn, branchOut, 1, Bias: false), batchNorm: true, Activation.Relu)));
        _right.Add(("r1", new ConvUnit(new ConvConfig(branchOut, branchOut, 3, stride, 1, 1, branchOut, Bias: false), batchNorm: true, Activation.None)));
        _right.Add(("r2", new ConvUnit(new ConvConfig(branchOut, branchOut, 1, Bias: true), batchNorm: false, Activation.Relu6)));
    }

    private IEnumerable<(string Name, ConvUnit Unit)> Units => _left.Concat(_right);

    public override string Expression => _blockName + "()";

    public override string? Block
    {
        get
        {
            var text = new StringBuilder();
            text.Append("block ").Append(_blockName).Append("() {\n");
            foreach (var (name, unit) in Units) text.Append("    ").Append(name).Append(" = ").Append(unit.Expression).Append('\n');
            text.Append("    forward(x) {\n");
            if (_stride == 1)
            {
                text.Append("        (kept, rest) = split(x, [").Append(_keep).Append(", ").Append(_right[0].Unit.Conv.In).Append("])\n");
                text.Append("        branch = r2(r1(r0(rest)))\n");
                text.Append("        joined = cat(kept, branch)\n");
            }
            else
            {
                text.Append("        left = l1(l0(x))\n");
                text.Append("        joined = cat(left, r2(r1(r0(x))))\n");
            }
            text.Append("        return channel_shuffle(joined, ").Append(_groups).Append(")\n");
            text.Append("    }\n}\n");
            return text.ToString();
        }
    }

    public override Shape Output(Shape input) => _right.Aggregate(input, (shape, unit) => unit.Unit.Output(shape)) with { Channels = _outChannels };

    public override long Parameters => Units.Sum(u => u.Unit.Parameters);

    public override long MultiplyAccumulates(Shape input)
    {
        long total = 0;
        foreach (var branch in new[] { _left, _right })
        {
            var shape = _stride == 1 ? input with { Channels = input.Channels - _keep } : input;
            foreach (var (_, unit) in branch)
            {
                total += unit.MultiplyAccumulates(shape);
                shape = unit.Output(shape);
            }
        }
        return total;
    }

    public override void CreateWeights(string path, WeightSet weights)
    {
        foreach (var (name, unit) in Units) unit.CreateWeights(Join(path, name), weights);
    }

    public override Tensor Run(Tensor input, string path, WeightSet weights)
    {
        Tensor Chain(List<(string Name, ConvUnit Unit)> branch, Tensor x) => branch.Aggregate(x, (t, u) => u.Unit.Run(t, Join(path, u.Name), weights));
        var joined = _stride == 1
            ? NaiveReference.Cat(NaiveReference.Narrow(input, 0, _keep), Chain(_right, NaiveReference.Narrow(input, _keep, input.Channels - _keep)))
            : NaiveReference.Cat(Chain(_left, input), Chain(_right, input));
        return NaiveReference.ChannelShuffle(joined, _groups);
    }
}

/// <summary>
/// A forward block that only moves channels around a 1x1 conv: split by a size into three uneven pieces, joined in
/// another order and convolved, then chunked (ceil-sized) and joined with a narrow of a piece between.
/// For 7 channels and size 3: pieces 3, 3, 1; after the conv, chunks of 4 and 3.
/// </summary>
public sealed class ChannelMovesLayer(string blockName, int channels, int size) : Layer
{
    public override string Expression => blockName + "()";

    public override string? Block => $$"""
        block {{blockName}}() {
            c = conv({{channels}}, {{channels}}, 1)
            forward(x) {
                (p, q, r) = split(x, {{size}})
                y = c(cat(r, p, q))
                (u, v) = chunk(y, 2)
                return cat(v, relu(narrow(u, 1, 2)), u)
            }
        }

        """.Replace("\r\n", "\n");

    private int ChunkSize => (channels + 1) / 2;

    public override Shape Output(Shape input) => input with { Channels = channels + 2 };

    public override long Parameters => (long)channels * channels + channels;

    public override long MultiplyAccumulates(Shape input) => (long)input.Length * channels;

    public override void CreateWeights(string path, WeightSet weights) => new ConvConfig(channels, channels, 1).CreateWeights(Join(path, "c"), weights);

    public override Tensor Run(Tensor input, string path, WeightSet weights)
    {
        var p = NaiveReference.Narrow(input, 0, size);
        var q = NaiveReference.Narrow(input, size, size);
        var r = NaiveReference.Narrow(input, 2 * size, channels - 2 * size);
        var y = new ConvConfig(channels, channels, 1).Run(NaiveReference.Cat(r, p, q), Join(path, "c"), weights);
        var u = NaiveReference.Narrow(y, 0, ChunkSize);
        var v = NaiveReference.Narrow(y, ChunkSize, channels - ChunkSize);
        return NaiveReference.Cat(v, NaiveReference.Relu(NaiveReference.Narrow(u, 1, 2)), u);
    }
}
