using System.Globalization;
using System.Text;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Generator.Tests.Networks;

/// <summary>
/// One member of a test network: how it is written in .gnet, what it does to a shape, which state_dict entries it
/// owns, and how the naive reference computes it. Counts are PyTorch's: parameters() and multiply-accumulates.
/// </summary>
public abstract class Layer
{
    /// <summary>The right-hand side of the member's declaration.</summary>
    public abstract string Expression { get; }

    /// <summary>A block this layer needs declared in the file, if any.</summary>
    public virtual string? Block => null;

    public abstract Shape Output(Shape input);

    public virtual long Parameters => 0;

    public virtual long MultiplyAccumulates(Shape input) => 0;

    public virtual void CreateWeights(string path, WeightSet weights)
    {
    }

    public abstract Tensor Run(Tensor input, string path, WeightSet weights);

    protected static string Number(double value) => value.ToString("0.0###########", CultureInfo.InvariantCulture);

    protected static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}

public enum Activation
{
    None,
    Relu,
    Relu6,
    Sigmoid,
    Hardsigmoid,
    Hardswish,
    Silu,
    Gelu,
}

/// <summary>nn.Conv2d with its arguments; valid when groups divides both channel counts.</summary>
public sealed record ConvConfig(int In, int Out, int Kernel, int Stride = 1, int Padding = 0, int Dilation = 1, int Groups = 1, bool Bias = true)
{
    public Shape Output(Shape input) => new(
        Out,
        (input.Height + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1,
        (input.Width + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1);

    public bool IsValidFor(Shape input) =>
        !input.Flat && input.Channels == In && In % Groups == 0 && Out % Groups == 0
        && input.Height + 2 * Padding >= Dilation * (Kernel - 1) + 1
        && input.Width + 2 * Padding >= Dilation * (Kernel - 1) + 1;

    /// <summary>conv(...) with every argument written out, defaults included, so the text says exactly what is tested.</summary>
    public string Call() => string.Create(CultureInfo.InvariantCulture,
        $"conv({In}, {Out}, {Kernel}, stride: {Stride}, padding: {Padding}, dilation: {Dilation}, groups: {Groups}, bias: {(Bias ? "true" : "false")})");

    public long Parameters => (long)Out * (In / Groups) * Kernel * Kernel + (Bias ? Out : 0);

    public long MultiplyAccumulates(Shape input)
    {
        var output = Output(input);
        return (long)output.Length * (In / Groups) * Kernel * Kernel;
    }

    public void CreateWeights(string path, WeightSet weights)
    {
        double bound = 2.0 / Math.Sqrt(In / Groups * Kernel * Kernel);
        weights.Uniform(path + ".weight", [Out, In / Groups, Kernel, Kernel], -bound, bound);
        if (Bias) weights.Uniform(path + ".bias", [Out], -0.5, 0.5);
    }

    public Tensor Run(Tensor input, string path, WeightSet weights) =>
        NaiveReference.Conv2d(input, weights[path + ".weight"], Bias ? weights[path + ".bias"] : null, Out, Kernel, Stride, Padding, Dilation, Groups);
}

/// <summary>A conv, optionally followed by batchnorm and an activation: <c>conv(...)</c> alone or <c>[conv(...), batchnorm(c), relu]</c>.</summary>
public sealed class ConvUnit(ConvConfig conv, bool batchNorm, Activation activation, double? eps = null) : Layer
{
    public ConvConfig Conv { get; } = conv;

    private bool IsSequence => batchNorm || activation != Activation.None;

    public override string Expression
    {
        get
        {
            if (!IsSequence) return Conv.Call();
            var items = new List<string> { Conv.Call() };
            if (batchNorm) items.Add(eps is { } e ? $"batchnorm({Conv.Out}, eps: {Number(e)})" : $"batchnorm({Conv.Out})");
            if (activation != Activation.None) items.Add(ActivationName(activation));
            return "[" + string.Join(", ", items) + "]";
        }
    }

    public override Shape Output(Shape input) => Conv.Output(input);

    public override long Parameters => Conv.Parameters + (batchNorm ? 2L * Conv.Out : 0);

    public override long MultiplyAccumulates(Shape input) => Conv.MultiplyAccumulates(input);

    public override void CreateWeights(string path, WeightSet weights)
    {
        Conv.CreateWeights(IsSequence ? Join(path, "0") : path, weights);
        if (batchNorm) weights.BatchNorm(Join(path, "1"), Conv.Out);
    }

    public override Tensor Run(Tensor input, string path, WeightSet weights)
    {
        var x = Conv.Run(input, IsSequence ? Join(path, "0") : path, weights);
        if (batchNorm)
        {
            string bn = Join(path, "1");
            x = NaiveReference.BatchNorm(x, weights[bn + ".weight"], weights[bn + ".bias"], weights[bn + ".running_mean"], weights[bn + ".running_var"], eps ?? 1e-5);
        }
        return Activate(x, activation);
    }

    internal static Tensor Activate(Tensor x, Activation activation) => activation switch
    {
        Activation.Relu => NaiveReference.Relu(x),
        Activation.Relu6 => NaiveReference.Relu6(x),
        Activation.Sigmoid => NaiveReference.Sigmoid(x),
        Activation.Hardsigmoid => NaiveReference.Hardsigmoid(x),
        Activation.Hardswish => NaiveReference.Hardswish(x),
        Activation.Silu => NaiveReference.Silu(x),
        Activation.Gelu => NaiveReference.Gelu(x),
        _ => x,
    };

    /// <summary>The .gnet op of an activation: relu, relu6, sigmoid, hardsigmoid, hardswish, silu, gelu.</summary>
    internal static string ActivationName(Activation activation) => activation.ToString().ToLowerInvariant();
}

/// <summary>A batchnorm with no conv before it (kept as a scale and shift), written with or without num_features.</summary>
public sealed class BatchNormLayer(int channels, bool writeChannels, double? eps = null) : Layer
{
    public override string Expression => (writeChannels, eps) switch
    {
        (true, { } e) => $"batchnorm({channels}, eps: {Number(e)})",
        (true, null) => $"batchnorm({channels})",
        (false, { } e) => $"batchnorm(eps: {Number(e)})",
        _ => "batchnorm",
    };

    public override Shape Output(Shape input) => input;

    public override long Parameters => 2L * channels;

    public override void CreateWeights(string path, WeightSet weights) => weights.BatchNorm(path, channels);

    public override Tensor Run(Tensor input, string path, WeightSet weights) =>
        NaiveReference.BatchNorm(input, weights[path + ".weight"], weights[path + ".bias"], weights[path + ".running_mean"], weights[path + ".running_var"], eps ?? 1e-5);
}

public sealed class ActivationLayer(Activation activation) : Layer
{
    public override string Expression => ConvUnit.ActivationName(activation);

    public override Shape Output(Shape input) => input;

    public override Tensor Run(Tensor input, string path, WeightSet weights) => ConvUnit.Activate(input, activation);
}

/// <summary>nn.MaxPool2d / nn.AvgPool2d with kernel, stride and padding.</summary>
public sealed class PoolLayer(bool max, int kernel, int stride, int padding) : Layer
{
    public override string Expression => $"{(max ? "maxpool" : "avgpool")}({kernel}, stride: {stride}, padding: {padding})";

    public override Shape Output(Shape input) =>
        new(input.Channels, (input.Height + 2 * padding - kernel) / stride + 1, (input.Width + 2 * padding - kernel) / stride + 1);

    public static bool IsValid(Shape input, int kernel, int padding) =>
        padding <= kernel / 2 && input.Height + 2 * padding >= kernel && input.Width + 2 * padding >= kernel;

    public override Tensor Run(Tensor input, string path, WeightSet weights) =>
        max ? NaiveReference.MaxPool(input, kernel, stride, padding) : NaiveReference.AvgPool(input, kernel, stride, padding);
}

public sealed class GlobalAvgPoolLayer : Layer
{
    public override string Expression => "avgpool";

    public override Shape Output(Shape input) => new(input.Channels, 1, 1);

    public override Tensor Run(Tensor input, string path, WeightSet weights) => NaiveReference.GlobalAvgPool(input);
}

public sealed class FlattenLayer : Layer
{
    public override string Expression => "flatten";

    public override Shape Output(Shape input) => new(input.Length, 1, 1, Flat: true);

    public override Tensor Run(Tensor input, string path, WeightSet weights) => NaiveReference.Flatten(input);
}

/// <summary>nn.Dropout or torchvision's StochasticDepth (<paramref name="call"/>): the identity at inference.</summary>
public sealed class DropLayer(string call) : Layer
{
    public override string Expression => call;

    public override Shape Output(Shape input) => input;

    public override Tensor Run(Tensor input, string path, WeightSet weights) => input;
}

/// <summary>nn.Identity: the same values.</summary>
public sealed class IdentityLayer : Layer
{
    public override string Expression => "identity";

    public override Shape Output(Shape input) => input;

    public override Tensor Run(Tensor input, string path, WeightSet weights) => input;
}

public sealed class LinearLayer(int inFeatures, int outFeatures, bool bias) : Layer
{
    public override string Expression => $"linear({inFeatures}, {outFeatures}, bias: {(bias ? "true" : "false")})";

    public override Shape Output(Shape input) => new(outFeatures, 1, 1, Flat: true);

    public override long Parameters => (long)inFeatures * outFeatures + (bias ? outFeatures : 0);

    public override long MultiplyAccumulates(Shape input) => (long)inFeatures * outFeatures;

    public override void CreateWeights(string path, WeightSet weights)
    {
        double bound = 1.0 / Math.Sqrt(inFeatures);
        weights.Uniform(path + ".weight", [outFeatures, inFeatures], -bound, bound);
        if (bias) weights.Uniform(path + ".bias", [outFeatures], -0.5, 0.5);
    }

    public override Tensor Run(Tensor input, string path, WeightSet weights) =>
        NaiveReference.Linear(input, weights[path + ".weight"], bias ? weights[path + ".bias"] : null, outFeatures);
}

/// <summary>
/// A residual block declared as a .gnet block: <c>main</c> (a conv unit chain), <c>skip</c> (identity or a 1x1 conv
/// with batchnorm), then the sum, optionally followed by an activation. Operand order of the sum is a parameter, and
/// <paramref name="drop"/> (a call such as <c>stochastic_depth(0.2)</c>, the identity at inference) may wrap the main branch.
/// </summary>
public sealed class ResidualLayer(string blockName, IReadOnlyList<ConvUnit> main, ConvUnit? skip, bool skipFirst, Activation after, string? drop = null) : Layer
{
    public override string Expression => blockName + "()";

    public override string? Block
    {
        get
        {
            var text = new StringBuilder();
            text.Append("block ").Append(blockName).Append("() {\n");
            for (int i = 0; i < main.Count; i++) text.Append("    main").Append(i).Append(" = ").Append(main[i].Expression).Append('\n');
            text.Append("    skip = ").Append(skip?.Expression ?? "identity").Append('\n');
            if (after != Activation.None) text.Append("    act = ").Append(ConvUnit.ActivationName(after)).Append('\n');
            if (drop is not null) text.Append("    drop = ").Append(drop).Append('\n');
            string mainCall = "x";
            for (int i = 0; i < main.Count; i++) mainCall = $"main{i}({mainCall})";
            if (drop is not null) mainCall = $"drop({mainCall})";
            string sum = skipFirst ? $"skip(x) + {mainCall}" : $"{mainCall} + skip(x)";
            text.Append("    forward(x) = ").Append(after == Activation.None ? sum : $"act({sum})").Append('\n');
            text.Append("}\n");
            return text.ToString();
        }
    }

    public override Shape Output(Shape input) => main.Aggregate(input, (shape, unit) => unit.Output(shape));

    public override long Parameters => main.Sum(u => u.Parameters) + (skip?.Parameters ?? 0);

    public override long MultiplyAccumulates(Shape input)
    {
        long total = skip?.MultiplyAccumulates(input) ?? 0;
        var shape = input;
        foreach (var unit in main)
        {
            total += unit.MultiplyAccumulates(shape);
            shape = unit.Output(shape);
        }
        return total;
    }

    public override void CreateWeights(string path, WeightSet weights)
    {
        for (int i = 0; i < main.Count; i++) main[i].CreateWeights(Join(path, "main" + i), weights);
        skip?.CreateWeights(Join(path, "skip"), weights);
    }

    public override Tensor Run(Tensor input, string path, WeightSet weights)
    {
        var x = input;
        for (int i = 0; i < main.Count; i++) x = main[i].Run(x, Join(path, "main" + i), weights);
        var shortcut = skip is null ? input : skip.Run(input, Join(path, "skip"), weights);
        return ConvUnit.Activate(skipFirst ? NaiveReference.Add(shortcut, x) : NaiveReference.Add(x, shortcut), after);
    }
}
