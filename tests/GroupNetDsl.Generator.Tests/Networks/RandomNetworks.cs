using GroupNetDsl.TestSupport.SafeTensors;

namespace GroupNetDsl.Generator.Tests.Networks;

/// <summary>
/// Makes valid random networks: conv chains with random channels, groups (1, a common divisor, depthwise, depthwise
/// with a channel multiplier), kernel 1/3/5/7, stride 1/2/3, padding 0..3 and dilation 1/2 on odd image sizes,
/// with batchnorm and relu/relu6 or not; residual blocks; max and average pools; standalone batchnorms and
/// activations; heads of global pool, flatten and linear layers; with tensor ops, also squeeze-and-excitation, gates,
/// layernorm2d, layer scale and ConvNeXt blocks. Plus fixed cases for the corners.
/// </summary>
public static class RandomNetworks
{
    public const int Seed = 20240611;
    public const int RandomCount = 40;

    private static readonly (int Height, int Width)[] ImageSizes = [(7, 9), (13, 5), (9, 9), (11, 7), (5, 13), (8, 6), (15, 11), (6, 10), (12, 12), (3, 17)];
    private static readonly int[] InputChannels = [1, 2, 3, 4, 6, 8];

    /// <summary>Random networks that draw from every activation and add dropout and stochastic depth, from their own seed.</summary>
    public const int EveryActivationCount = 16;

    /// <summary>Random networks that also draw the tensor ops of MobileNetV3, EfficientNet and ConvNeXt, from their own seed.</summary>
    public const int TensorOpCount = 8;

    public static IReadOnlyList<NetworkSpec> All { get; } = FixedCases().Concat(RandomCases()).Concat(ChannelCases()).Concat(ActivationCases()).Concat(ActivationFixedCases())
        .Concat(TensorOpCases()).ToList();

    private static IEnumerable<NetworkSpec> RandomCases()
    {
        var random = new Random(Seed);
        for (int i = 0; i < RandomCount; i++) yield return CreateRandom($"Random{i:00}", random);
    }

    private static IEnumerable<NetworkSpec> ActivationCases()
    {
        var random = new Random(Seed + 15);
        for (int i = 0; i < EveryActivationCount; i++) yield return CreateRandom($"Activations{i:00}", random, everyActivation: true);
    }

    private static IEnumerable<NetworkSpec> TensorOpCases()
    {
        var random = new Random(Seed + 16);
        for (int i = 0; i < TensorOpCount; i++) yield return CreateRandom($"TensorOps{i:00}", random, everyActivation: true, tensorOps: true);
    }

    /// <summary>
    /// A random network; with <paramref name="everyActivation"/> its activations come from all of them (sigmoid, hardswish, gelu, ...)
    /// and views that are the identity at inference follow some stages, else only relu and relu6, drawn as the seed's networks were.
    /// With <paramref name="tensorOps"/> a stage may also be a tensor op (<see cref="RandomTensorOp"/>); without it the
    /// draws are the same as before those existed.
    /// </summary>
    public static NetworkSpec CreateRandom(string name, Random random, bool everyActivation = false, bool tensorOps = false)
    {
        var activations = new ActivationChoice(everyActivation);
        var (height, width) = ImageSizes[random.Next(ImageSizes.Length)];
        var input = new Shape(Pick(random, InputChannels), height, width);
        var members = new List<(string, Layer)>();
        var shape = input;
        int stages = random.Next(1, 5);
        for (int s = 0; s < stages; s++)
        {
            string member = $"s{s}";
            int kind = random.Next(100);
            Layer layer;
            if (tensorOps && random.Next(3) == 0) layer = RandomTensorOp(random, shape, $"{name}_Tensor{s}", activations);
            else if (kind < 55) layer = RandomConvUnit(random, shape, allowStride: true, activations);
            else if (kind < 72) layer = RandomResidual(random, shape, $"{name}_Res{s}", activations);
            else if (kind < 84 && RandomPool(random, shape) is { } pool) layer = pool;
            else if (kind < 92) layer = new BatchNormLayer(shape.Channels, writeChannels: random.Next(2) == 0, eps: random.Next(2) == 0 ? null : 0.001);
            else layer = new ActivationLayer(activations.Standalone(random));
            members.Add((member, layer));
            shape = layer.Output(shape);
            if (everyActivation && random.Next(4) == 0) members.Add(($"d{s}", new DropLayer(random.Next(2) == 0 ? "dropout(0.2)" : "stochastic_depth(0.1)")));
        }

        // A head half of the time: global pool or flatten, then one or two linear layers.
        if (random.Next(2) == 0)
        {
            if (shape.Length > 300 || random.Next(2) == 0)
            {
                members.Add(("pool", new GlobalAvgPoolLayer()));
                shape = new Shape(shape.Channels, 1, 1);
            }
            members.Add(("flat", new FlattenLayer()));
            int features = shape.Length;
            if (random.Next(3) == 0)
            {
                int hidden = random.Next(3, 17);
                members.Add(("fc1", new LinearLayer(features, hidden, bias: random.Next(2) == 0)));
                members.Add(("act", new ActivationLayer(activations.Standalone(random))));
                features = hidden;
            }
            members.Add(("fc", new LinearLayer(features, random.Next(1, 11), bias: random.Next(3) != 0)));
        }

        var dataType = random.Next(10) switch
        {
            0 => WeightDataType.F16,
            1 => WeightDataType.BF16,
            _ => WeightDataType.F32,
        };
        return new NetworkSpec(name, input, members, dataType);
    }

    private static ConvUnit RandomConvUnit(Random random, Shape input, bool allowStride, ActivationChoice activations)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var conv = RandomConv(random, input, allowStride);
            if (conv.IsValidFor(input)) return Unit(random, conv, activations);
        }
        return Unit(random, new ConvConfig(input.Channels, input.Channels, 1), activations);
    }

    private static ConvConfig RandomConv(Random random, Shape input, bool allowStride)
    {
        int cin = input.Channels;
        int kernel = Pick(random, [1, 3, 3, 5, 7]);
        int stride = allowStride && Math.Min(input.Height, input.Width) >= 5 ? Pick(random, [1, 1, 2, 3]) : 1;
        int dilation = kernel > 1 && random.Next(4) == 0 ? 2 : 1;
        int padding = random.Next(0, 4);
        bool bias = random.Next(2) == 0;
        switch (random.Next(5))
        {
            case 0: // depthwise
                return new ConvConfig(cin, cin, kernel, stride, padding, dilation, cin, bias);
            case 1: // depthwise with channel multiplier 2
                return new ConvConfig(cin, 2 * cin, kernel, stride, padding, dilation, cin, bias);
            case 2: // grouped: a divisor of cin that also divides cout
            {
                var divisors = Enumerable.Range(1, cin).Where(d => cin % d == 0).ToArray();
                int groups = Pick(random, divisors);
                int cout = groups * random.Next(1, Math.Max(2, 12 / groups) + 1);
                return new ConvConfig(cin, cout, kernel, stride, padding, dilation, groups, bias);
            }
            default: // dense
                return new ConvConfig(cin, random.Next(1, 11), kernel, stride, padding, dilation, 1, bias);
        }
    }

    private static ConvUnit Unit(Random random, ConvConfig conv, ActivationChoice activations)
    {
        bool batchNorm = random.Next(3) != 0;
        var activation = activations.Any(random);
        double? eps = batchNorm && random.Next(3) == 0 ? 0.01 : null;
        return new ConvUnit(conv, batchNorm, activation, eps);
    }

    private static Layer RandomResidual(Random random, Shape input, string blockName, ActivationChoice activations)
    {
        int cin = input.Channels;
        bool downsample = Math.Min(input.Height, input.Width) >= 5 && random.Next(2) == 0;
        int stride = downsample ? 2 : 1;
        int cout = downsample || random.Next(3) == 0 ? Pick(random, [cin, 2 * cin, cin + 2]) : cin;

        // main: a 'same'-padded conv (odd kernel, padding = dilation * (k - 1) / 2) that may stride, then a second one.
        int kernel = Pick(random, [1, 3, 5]);
        int dilation = kernel > 1 && random.Next(3) == 0 ? 2 : 1;
        int padding = dilation * (kernel - 1) / 2;
        if (input.Height + 2 * padding < dilation * (kernel - 1) + 1 || input.Width + 2 * padding < dilation * (kernel - 1) + 1)
        {
            (kernel, dilation, padding) = (1, 1, 0);
        }
        int hidden = Pick(random, [cin, cout, Math.Max(1, cin / 2) * 2]);
        int groups1 = random.Next(2) == 0 ? 1 : Gcd(cin, hidden);
        var first = new ConvUnit(new ConvConfig(cin, hidden, kernel, stride, padding, dilation, groups1, Bias: false), batchNorm: true, activations.Or(random, Activation.Relu));
        int kernel2 = Pick(random, [1, 3]);
        int groups2 = random.Next(2) == 0 ? 1 : Gcd(hidden, cout);
        bool mainEndsWithActivation = random.Next(4) == 0;
        var second = new ConvUnit(new ConvConfig(hidden, cout, kernel2, 1, kernel2 / 2, 1, groups2, Bias: false), batchNorm: true, mainEndsWithActivation ? Activation.Relu : Activation.None);

        ConvUnit? skip = stride == 1 && cout == cin && random.Next(3) != 0
            ? null
            : new ConvUnit(new ConvConfig(cin, cout, 1, stride, 0, 1, 1, Bias: false), batchNorm: true, Activation.None);
        var after = activations.Any(random);
        return new ResidualLayer(blockName, [first, second], skip, skipFirst: random.Next(2) == 0, after);
    }

    /// <summary>
    /// Squeeze-and-excitation (a Cx1x1 scale times the input), a gate (an elementwise multiply), layernorm2d, a layer
    /// scale around a conv unit, or a ConvNeXt block. Layernorm needs 3 channels or more: over 1 or 2 nearly equal
    /// values it divides a float rounding error by the tiny variance.
    /// </summary>
    private static Layer RandomTensorOp(Random random, Shape input, string blockName, ActivationChoice activations)
    {
        int c = input.Channels;
        switch (random.Next(5))
        {
            case 0:
                return new SqueezeExcitationLayer(blockName, c, random.Next(1, c + 2), useMean: random.Next(2) == 0, scaleFirst: random.Next(2) == 0);
            case 1:
            {
                int kernel = Pick(random, [1, 3]);
                var conv = new ConvConfig(c, c, kernel, Padding: kernel / 2, Groups: random.Next(2) == 0 ? 1 : c);
                return new GateLayer(blockName, new ConvUnit(conv, batchNorm: random.Next(2) == 0, activations.Or(random, Activation.Relu)));
            }
            case 2 when c >= 3:
                return new LayerNorm2dLayer(c, random.Next(2) == 0 ? null : 1e-6);
            case 3:
            {
                var inner = RandomConvUnit(random, input, allowStride: false, activations);
                bool residual = inner.Output(input) == input && random.Next(3) != 0;
                return new LayerScaleLayer(blockName, inner, residual);
            }
            default:
                return c >= 3 ? new ConvNeXtBlockLayer(blockName, c, Pick(random, [1, 2, 4])) : new LayerScaleLayer(blockName, RandomConvUnit(random, input, allowStride: false, activations), residual: false);
        }
    }

    private static Layer? RandomPool(Random random, Shape input)
    {
        int kernel = Pick(random, [2, 3]);
        int padding = random.Next(0, kernel / 2 + 1);
        int stride = Pick(random, [1, 2, kernel]);
        if (!PoolLayer.IsValid(input, kernel, padding)) return null;
        return new PoolLayer(max: random.Next(2) == 0, kernel, stride, padding);
    }

    /// <summary>The corners, named so that a failure says which one.</summary>
    private static IEnumerable<NetworkSpec> FixedCases()
    {
        yield return new NetworkSpec("DepthwiseMultiplier", new Shape(4, 7, 9),
        [
            ("dw", new ConvUnit(new ConvConfig(4, 8, 3, 1, 1, 1, Groups: 4), batchNorm: true, Activation.Relu6)),
        ]);
        yield return new NetworkSpec("DepthwiseStride3Kernel5", new Shape(6, 13, 5),
        [
            ("dw", new ConvUnit(new ConvConfig(6, 6, 5, Stride: 3, Padding: 2, Groups: 6, Bias: false), batchNorm: true, Activation.Relu)),
        ]);
        yield return new NetworkSpec("Kernel7Dilation2", new Shape(3, 15, 13),
        [
            ("c", new ConvUnit(new ConvConfig(3, 6, 7, Stride: 1, Padding: 3, Dilation: 2, Groups: 3), batchNorm: false, Activation.None)),
        ]);
        yield return new NetworkSpec("PointwisePaddedStride2", new Shape(2, 7, 9),
        [
            ("c", new ConvUnit(new ConvConfig(2, 4, 1, Stride: 2, Padding: 3), batchNorm: true, Activation.Relu)),
        ]);
        yield return new NetworkSpec("SingleInputChannel", new Shape(1, 13, 5),
        [
            ("c0", new ConvUnit(new ConvConfig(1, 5, 3, Padding: 1), batchNorm: false, Activation.Relu)),
            ("c1", new ConvUnit(new ConvConfig(5, 5, 3, Stride: 2, Padding: 0, Dilation: 2, Groups: 5), batchNorm: true, Activation.None)),
        ]);
        yield return new NetworkSpec("GroupedStride2Dilation2", new Shape(4, 11, 8),
        [
            ("g", new ConvUnit(new ConvConfig(4, 6, 3, Stride: 2, Padding: 1, Dilation: 2, Groups: 2), batchNorm: true, Activation.Relu)),
        ], WeightDataType.F16);
        yield return new NetworkSpec("ResidualOnInputUnfusedAdd", new Shape(4, 9, 9),
        [
            ("res", new ResidualLayer("ResidualOnInputUnfusedAdd_Block",
            [
                new ConvUnit(new ConvConfig(4, 4, 3, 1, 1, 1, 4, Bias: false), batchNorm: true, Activation.Relu),
                new ConvUnit(new ConvConfig(4, 4, 1, Bias: false), batchNorm: true, Activation.Relu),
            ], skip: null, skipFirst: false, Activation.Relu6)),
            ("c", new ConvUnit(new ConvConfig(4, 3, 3, Padding: 1), batchNorm: false, Activation.None)),
        ]);
        // torchvision's MBConv: stochastic_depth(block(x)) + x, the add taken into the last conv through the view.
        yield return new NetworkSpec("ResidualThroughStochasticDepth", new Shape(5, 10, 9),
        [
            ("res", new ResidualLayer("ResidualThroughStochasticDepth_Block",
            [
                new ConvUnit(new ConvConfig(5, 10, 1, Bias: false), batchNorm: true, Activation.Relu6),
                new ConvUnit(new ConvConfig(10, 10, 3, Padding: 1, Groups: 10, Bias: false), batchNorm: true, Activation.Relu6),
                new ConvUnit(new ConvConfig(10, 5, 1, Bias: false), batchNorm: true, Activation.None),
            ], skip: null, skipFirst: true, Activation.None, drop: "stochastic_depth(0.2)")),
            ("c", new ConvUnit(new ConvConfig(5, 3, 3, Padding: 1), batchNorm: false, Activation.None)),
        ]);
        yield return new NetworkSpec("ResidualIsOutput", new Shape(3, 11, 7),
        [
            ("stem", new ConvUnit(new ConvConfig(3, 4, 3, Padding: 1, Bias: false), batchNorm: true, Activation.Relu)),
            ("res", new ResidualLayer("ResidualIsOutput_Block",
            [
                new ConvUnit(new ConvConfig(4, 4, 3, Stride: 2, Padding: 1, Groups: 2, Bias: false), batchNorm: true, Activation.Relu),
                new ConvUnit(new ConvConfig(4, 8, 1, Bias: false), batchNorm: true, Activation.None),
            ], new ConvUnit(new ConvConfig(4, 8, 1, Stride: 2, Bias: false), batchNorm: true, Activation.None), skipFirst: true, Activation.Relu)),
        ], WeightDataType.BF16);
        yield return new NetworkSpec("Pools", new Shape(3, 13, 11),
        [
            ("mp", new PoolLayer(max: true, 3, 2, 1)),
            ("ap", new PoolLayer(max: false, 3, 1, 1)),
            ("ap2", new PoolLayer(max: false, 2, 2, 1)),
            ("mp2", new PoolLayer(max: true, 2, 1, 0)),
        ]);
        yield return new NetworkSpec("StandaloneBatchNorms", new Shape(3, 7, 9),
        [
            ("bn0", new BatchNormLayer(3, writeChannels: false)),
            ("mp", new PoolLayer(max: true, 2, 2, 0)),
            ("bn1", new BatchNormLayer(3, writeChannels: true, eps: 0.1)),
            ("act", new ActivationLayer(Activation.Relu)),
            ("act6", new ActivationLayer(Activation.Relu6)),
        ]);
        yield return new NetworkSpec("ClassifierHead", new Shape(2, 9, 7),
        [
            ("conv", new ConvUnit(new ConvConfig(2, 8, 3, Stride: 2, Padding: 1), batchNorm: true, Activation.Relu)),
            ("pool", new GlobalAvgPoolLayer()),
            ("flat", new FlattenLayer()),
            ("fc1", new LinearLayer(8, 12, bias: true)),
            ("act", new ActivationLayer(Activation.Relu)),
            ("fc2", new LinearLayer(12, 5, bias: false)),
        ]);
        // Depthwise convs run band by band with the 1x1 conv after them: with a residual added in the 1x1 conv's
        // epilogue, and at stride 2 with two output channels per input channel.
        yield return new NetworkSpec("SeparableWithResidual", new Shape(6, 20, 23),
        [
            ("res", new ResidualLayer("SeparableWithResidual_Block",
            [
                new ConvUnit(new ConvConfig(6, 6, 3, Padding: 1, Groups: 6, Bias: false), batchNorm: true, Activation.Relu6),
                new ConvUnit(new ConvConfig(6, 6, 1, Bias: false), batchNorm: true, Activation.None),
            ], skip: null, skipFirst: false, Activation.Relu)),
        ]);
        // Inverted residuals: the expansion runs band by band inside the separable step too (planes above 16x16), with the
        // residual, then at stride 2 on odd sizes with a 5x5 filter and a depthwise multiplier of 2.
        yield return new NetworkSpec("InvertedResiduals", new Shape(5, 35, 37),
        [
            ("res", new ResidualLayer("InvertedResiduals_Block",
            [
                new ConvUnit(new ConvConfig(5, 30, 1, Bias: false), batchNorm: true, Activation.Relu6),
                new ConvUnit(new ConvConfig(30, 30, 3, Padding: 1, Groups: 30, Bias: false), batchNorm: true, Activation.Relu6),
                new ConvUnit(new ConvConfig(30, 5, 1, Bias: false), batchNorm: true, Activation.None),
            ], skip: null, skipFirst: false, Activation.None)),
            ("expand", new ConvUnit(new ConvConfig(5, 18, 1), batchNorm: false, Activation.Hardswish)),
            ("dw", new ConvUnit(new ConvConfig(18, 36, 5, Stride: 2, Padding: 2, Groups: 18), batchNorm: false, Activation.Relu)),
            ("project", new ConvUnit(new ConvConfig(36, 7, 1), batchNorm: false, Activation.None)),
        ]);
        yield return new NetworkSpec("SeparableStride2Multiplier", new Shape(4, 33, 40),
        [
            ("dw", new ConvUnit(new ConvConfig(4, 8, 3, Stride: 2, Padding: 1, Groups: 4), batchNorm: false, Activation.None)),
            ("pw", new ConvUnit(new ConvConfig(8, 5, 1), batchNorm: false, Activation.Relu)),
        ]);
        // A global pool fused into a depthwise conv, and a pool that is the network's output.
        yield return new NetworkSpec("DepthwiseIntoPool", new Shape(4, 9, 21),
        [
            ("dw", new ConvUnit(new ConvConfig(4, 8, 3, Padding: 1, Groups: 4, Bias: false), batchNorm: true, Activation.Relu6)),
            ("pool", new GlobalAvgPoolLayer()),
            ("flat", new FlattenLayer()),
            ("fc", new LinearLayer(8, 3, bias: true)),
        ]);
        yield return new NetworkSpec("PoolIsTheOutput", new Shape(3, 11, 6),
        [
            ("conv", new ConvUnit(new ConvConfig(3, 5, 3, Stride: 2, Padding: 2), batchNorm: false, Activation.None)),
            ("pool", new GlobalAvgPoolLayer()),
        ]);
        yield return new NetworkSpec("FlattenIntoLinear", new Shape(2, 3, 5),
        [
            ("flat", new FlattenLayer()),
            ("fc", new LinearLayer(30, 7, bias: false)),
            ("act", new ActivationLayer(Activation.Relu6)),
        ]);
        yield return new NetworkSpec("OutputIsFlattenView", new Shape(3, 5, 7),
        [
            ("conv", new ConvUnit(new ConvConfig(3, 2, 3, Stride: 3, Padding: 2), batchNorm: false, Activation.None)),
            ("flat", new FlattenLayer()),
        ]);
    }

    /// <summary>The channel ops and forward blocks (after the random cases, so that their seeds stay as they were).</summary>
    private static IEnumerable<NetworkSpec> ChannelCases()
    {
        // ShuffleNetV2's two units; the second keeps 4 channels and runs its branch on 8, so its views start mid-tensor.
        yield return new NetworkSpec("ShuffleUnits", new Shape(6, 9, 11),
        [
            ("down", new ShuffleUnitLayer("ShuffleUnits_Down", 6, 12, stride: 2, keep: 0, groups: 2)),
            ("same", new ShuffleUnitLayer("ShuffleUnits_Same", 12, 12, stride: 1, keep: 4, groups: 3)),
        ]);
        // A conv on a part of the input (a slice of the caller's span), and a part of a conv's output as the output.
        yield return new NetworkSpec("NarrowOfInputAndOutput", new Shape(5, 7, 6),
        [
            ("first", new NarrowLayer(1, 3)),
            ("conv", new ConvUnit(new ConvConfig(3, 6, 3, Padding: 1), batchNorm: true, Activation.Relu)),
            ("last", new NarrowLayer(2, 3)),
        ]);
        // No step at all: the output is a part of the input, copied out of it.
        yield return new NetworkSpec("PieceOfTheInput", new Shape(5, 3, 4),
        [
            ("piece", new NarrowLayer(2, 2)),
        ]);
        yield return new NetworkSpec("ChannelMoves", new Shape(7, 5, 9),
        [
            ("stem", new ConvUnit(new ConvConfig(7, 7, 3, Padding: 1, Groups: 7), batchNorm: false, Activation.Relu)),
            ("mix", new ChannelMovesLayer("ChannelMoves_Block", 7, 3)),
        ], WeightDataType.F16);
        // Branches written straight into their shuffled cat: both of a stride-2 unit (every other channel, its right
        // branch's expansion in bands above 256 pixels), then the one of a unit whose 4 branch channels fall in one of 3
        // groups (every third channel, into the network's output) while its 8 kept channels cross groups and are copied.
        yield return new NetworkSpec("ShuffleUnitsInPlace", new Shape(6, 34, 36),
        [
            ("down", new ShuffleUnitLayer("ShuffleUnitsInPlace_Down", 6, 12, stride: 2, keep: 0, groups: 2)),
            ("same", new ShuffleUnitLayer("ShuffleUnitsInPlace_Same", 12, 12, stride: 1, keep: 8, groups: 3)),
        ]);
    }

    /// <summary>The activations after sigmoid in every epilogue (product, depthwise, separable, fused pool, add, linear, batchnorm) and alone.</summary>
    private static IEnumerable<NetworkSpec> ActivationFixedCases()
    {
        yield return new NetworkSpec("EveryEpilogueActivation", new Shape(3, 20, 23),
        [
            ("c1", new ConvUnit(new ConvConfig(3, 8, 3, Padding: 1, Bias: false), batchNorm: true, Activation.Hardswish)),
            ("dw", new ConvUnit(new ConvConfig(8, 8, 3, Padding: 1, Groups: 8, Bias: false), batchNorm: true, Activation.Gelu)),
            ("pw", new ConvUnit(new ConvConfig(8, 6, 1, Bias: false), batchNorm: true, Activation.Silu)),
            ("res", new ResidualLayer("EveryEpilogueActivation_Block",
            [
                new ConvUnit(new ConvConfig(6, 6, 3, Padding: 1, Bias: false), batchNorm: true, Activation.Sigmoid),
                new ConvUnit(new ConvConfig(6, 6, 1, Bias: false), batchNorm: true, Activation.None),
            ], skip: null, skipFirst: false, Activation.Hardsigmoid)),
            ("drop", new DropLayer("dropout(0.5)")),
            ("dw2", new ConvUnit(new ConvConfig(6, 6, 5, Stride: 2, Padding: 2, Groups: 6, Bias: false), batchNorm: true, Activation.Hardswish)),
            ("pool", new GlobalAvgPoolLayer()),
            ("flat", new FlattenLayer()),
            ("fc1", new LinearLayer(6, 10, bias: true)),
            ("act", new ActivationLayer(Activation.Hardswish)),
            ("sd", new DropLayer("stochastic_depth(0.2)")),
            ("fc2", new LinearLayer(10, 4, bias: true)),
            ("out", new ActivationLayer(Activation.Sigmoid)),
        ]);
        yield return new NetworkSpec("StandaloneActivationsIntoAView", new Shape(4, 9, 11),
        [
            ("bn", new BatchNormLayer(4, writeChannels: true)),
            ("act", new ActivationLayer(Activation.Silu)),
            ("mp", new PoolLayer(max: true, 2, 2, 0)),
            ("g", new ActivationLayer(Activation.Gelu)),
            ("hs", new ActivationLayer(Activation.Hardsigmoid)),
            ("drop", new DropLayer("stochastic_depth(0.3)")),
        ]);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>Which activations a network draws: relu and relu6 with the seed networks' draws, or every one.</summary>
    private readonly record struct ActivationChoice(bool Every)
    {
        private const int Count = (int)Activation.Gelu + 1;

        /// <summary>An activation or none.</summary>
        public Activation Any(Random random) => (Activation)random.Next(Every ? Count : 3);

        /// <summary>An activation for a layer of its own.</summary>
        public Activation Standalone(Random random) => Every ? (Activation)random.Next(1, Count) : random.Next(2) == 0 ? Activation.Relu : Activation.Relu6;

        /// <summary>Any activation, or <paramref name="fixedOne"/> without drawing.</summary>
        public Activation Or(Random random, Activation fixedOne) => Every ? (Activation)random.Next(1, Count) : fixedOne;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
