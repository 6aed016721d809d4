using System.Text;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Generator.Tests.Networks;

/// <summary>
/// torchvision's SqueezeExcitation with relu as the scale's activation, declared as a .gnet block: the squeeze is a
/// member <c>avgpool</c> or <c>mean(x, keepdim: true)</c>, then <c>fc1</c>, relu, <c>fc2</c>, and the per-channel
/// multiply with the scale on the left or on the right.
/// </summary>
public sealed class SqueezeExcitationLayer(string blockName, int channels, int squeeze, bool useMean, bool scaleFirst) : Layer
{
    public override string Expression => blockName + "()";

    public override string? Block
    {
        get
        {
            var text = new StringBuilder();
            text.Append("block ").Append(blockName).Append("() {\n");
            if (!useMean) text.Append("    avgpool = avgpool\n");
            text.Append($"    fc1 = conv({channels}, {squeeze}, 1)\n");
            text.Append($"    fc2 = conv({squeeze}, {channels}, 1)\n");
            string scale = $"fc2(relu(fc1({(useMean ? "mean(x, keepdim: true)" : "avgpool(x)")})))";
            text.Append("    forward(x) = ").Append(scaleFirst ? $"{scale} * x" : $"mul(x, {scale})").Append('\n');
            text.Append("}\n");
            return text.ToString();
        }
    }

    public override Shape Output(Shape input) => input;

    public override long Parameters => 2L * channels * squeeze + squeeze + channels;

    public override long MultiplyAccumulates(Shape input) => 2L * channels * squeeze;

    public override void CreateWeights(string path, WeightSet weights)
    {
        new ConvConfig(channels, squeeze, 1).CreateWeights(Join(path, "fc1"), weights);
        new ConvConfig(squeeze, channels, 1).CreateWeights(Join(path, "fc2"), weights);
    }

    public override Tensor Run(Tensor input, string path, WeightSet weights)
    {
        var scale = NaiveReference.Mean(input);
        scale = NaiveReference.Relu(new ConvConfig(channels, squeeze, 1).Run(scale, Join(path, "fc1"), weights));
        scale = new ConvConfig(squeeze, channels, 1).Run(scale, Join(path, "fc2"), weights);
        return scaleFirst ? NaiveReference.Multiply(scale, input) : NaiveReference.Multiply(input, scale);
    }
}

/// <summary>A gate of one shape: <c>forward(x) = x * act(conv(x))</c>, an elementwise multiply of two CxHxW tensors.</summary>
public sealed class GateLayer(string blockName, ConvUnit conv) : Layer
{
    public override string Expression => blockName + "()";

    public override string? Block => $"block {blockName}() {{\n    gate = {conv.Expression}\n    forward(x) = x * gate(x)\n}}\n";

    public override Shape Output(Shape input) => input;

    public override long Parameters => conv.Parameters;

    public override long MultiplyAccumulates(Shape input) => conv.MultiplyAccumulates(input);

    public override void CreateWeights(string path, WeightSet weights) => conv.CreateWeights(Join(path, "gate"), weights);

    public override Tensor Run(Tensor input, string path, WeightSet weights) => NaiveReference.Multiply(input, conv.Run(input, Join(path, "gate"), weights));
}

/// <summary>layernorm2d(channels), with eps written or left at its default of 1e-5.</summary>
public sealed class LayerNorm2dLayer(int channels, double? eps = null) : Layer
{
    public override string Expression => eps is { } e ? $"layernorm2d({channels}, eps: {Number(e)})" : $"layernorm2d({channels})";

    public override Shape Output(Shape input) => input;

    public override long Parameters => 2L * channels;

    public override void CreateWeights(string path, WeightSet weights)
    {
        weights.Uniform(path + ".weight", [channels], 0.5, 1.5);
        weights.Uniform(path + ".bias", [channels], -0.5, 0.5);
    }

    public override Tensor Run(Tensor input, string path, WeightSet weights) =>
        NaiveReference.LayerNorm2d(input, weights[path + ".weight"], weights[path + ".bias"], eps ?? 1e-5);
}

/// <summary>mean over height and width as a member: <c>mean(keepdim: true)</c> gives Cx1x1, <c>mean</c> a flat C.</summary>
public sealed class MeanLayer(bool keepDim) : Layer
{
    public override string Expression => keepDim ? "mean(keepdim: true)" : "mean";

    public override Shape Output(Shape input) => new(input.Channels, 1, 1, Flat: !keepDim);

    public override Tensor Run(Tensor input, string path, WeightSet weights) => NaiveReference.Mean(input);
}

/// <summary>
/// ConvNeXt's layer scale: a block holding <c>layer_scale = parameter(c, 1, 1)</c> (key <c>path.layer_scale</c>, no
/// suffix) and <c>forward(x) = layer_scale * inner(x) + x</c>, or <c>inner(x) * layer_scale</c> without the residual.
/// </summary>
public sealed class LayerScaleLayer(string blockName, ConvUnit inner, bool residual) : Layer
{
    private int Channels => inner.Conv.Out;

    public override string Expression => blockName + "()";

    public override string? Block => $"block {blockName}() {{\n    inner = {inner.Expression}\n    layer_scale = parameter({Channels}, 1, 1)\n"
        + $"    forward(x) = {(residual ? "layer_scale * inner(x) + x" : "inner(x) * layer_scale")}\n}}\n";

    public override Shape Output(Shape input) => inner.Output(input);

    public override long Parameters => inner.Parameters + Channels;

    public override long MultiplyAccumulates(Shape input) => inner.MultiplyAccumulates(input);

    public override void CreateWeights(string path, WeightSet weights)
    {
        inner.CreateWeights(Join(path, "inner"), weights);
        weights.Uniform(Join(path, "layer_scale"), [Channels, 1, 1], -1.5, 1.5);
    }

    public override Tensor Run(Tensor input, string path, WeightSet weights)
    {
        var scale = new Tensor(input.Batch, Channels, 1, 1);
        float[] values = weights[Join(path, "layer_scale")];
        for (int n = 0; n < input.Batch; n++)
        {
            for (int c = 0; c < Channels; c++) scale[n, c, 0, 0] = values[c];
        }
        var scaled = NaiveReference.Multiply(scale, inner.Run(input, Join(path, "inner"), weights));
        return residual ? NaiveReference.Add(scaled, input) : scaled;
    }
}

/// <summary>
/// ConvNeXt's CNBlock with relu for gelu, in torchvision's numbering: a 7x7 depthwise conv, permute to channels-last,
/// layernorm and two linears at each pixel, permute back, then <c>layer_scale * block(x) + x</c>.
/// </summary>
public sealed class ConvNeXtBlockLayer(string blockName, int dim, int expansion) : Layer
{
    private int Hidden => expansion * dim;

    private ConvConfig Depthwise => new(dim, dim, 7, Padding: 3, Groups: dim);

    public override string Expression => blockName + "()";

    public override string? Block =>
        $"block {blockName}() {{\n"
        + $"    block = [{Depthwise.Call()}, permute(0, 2, 3, 1), layernorm({dim}, eps: 1e-6), linear({dim}, {Hidden}), relu, linear({Hidden}, {dim}), permute(0, 3, 1, 2)]\n"
        + $"    layer_scale = parameter({dim}, 1, 1)\n"
        + "    forward(x) = layer_scale * block(x) + x\n}\n";

    public override Shape Output(Shape input) => input;

    public override long Parameters => Depthwise.Parameters + 2L * dim + (2L * dim * Hidden + Hidden + dim) + dim;

    public override long MultiplyAccumulates(Shape input) => Depthwise.MultiplyAccumulates(input) + 2L * dim * Hidden * input.Height * input.Width;

    public override void CreateWeights(string path, WeightSet weights)
    {
        Depthwise.CreateWeights(Join(path, "block.0"), weights);
        weights.Uniform(Join(path, "block.2.weight"), [dim], 0.5, 1.5);
        weights.Uniform(Join(path, "block.2.bias"), [dim], -0.5, 0.5);
        weights.Uniform(Join(path, "block.3.weight"), [Hidden, dim], -0.5, 0.5);
        weights.Uniform(Join(path, "block.3.bias"), [Hidden], -0.5, 0.5);
        weights.Uniform(Join(path, "block.5.weight"), [dim, Hidden], -0.3, 0.3);
        weights.Uniform(Join(path, "block.5.bias"), [dim], -0.5, 0.5);
        weights.Uniform(Join(path, "layer_scale"), [dim, 1, 1], -1.5, 1.5);
    }

    public override Tensor Run(Tensor input, string path, WeightSet weights)
    {
        // The permutes move no data; a linear at each pixel is a 1x1 conv whose [out, in] weight is [out, in, 1, 1].
        var x = Depthwise.Run(input, Join(path, "block.0"), weights);
        x = NaiveReference.LayerNorm2d(x, weights[Join(path, "block.2.weight")], weights[Join(path, "block.2.bias")], 1e-6);
        x = NaiveReference.Relu(NaiveReference.Conv2d(x, weights[Join(path, "block.3.weight")], weights[Join(path, "block.3.bias")], Hidden, 1, 1, 0, 1, 1));
        x = NaiveReference.Conv2d(x, weights[Join(path, "block.5.weight")], weights[Join(path, "block.5.bias")], dim, 1, 1, 0, 1, 1);
        var scale = new Tensor(input.Batch, dim, 1, 1);
        float[] values = weights[Join(path, "layer_scale")];
        for (int n = 0; n < input.Batch; n++)
        {
            for (int c = 0; c < dim; c++) scale[n, c, 0, 0] = values[c];
        }
        return NaiveReference.Add(NaiveReference.Multiply(scale, x), input);
    }
}
