using GroupNetDsl.Generator.Tests.Networks;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Generator.Tests.Features;

/// <summary>
/// The smallest network that has each feature of the emitter, so that a failing test names the feature: the
/// snapshots (Snapshots/) show whole files, these show one decision each.
/// </summary>
public static class FeatureNetworks
{
    /// <summary>A conv and the batchnorm after it: the batchnorm is folded into the conv's weights.</summary>
    public static readonly NetworkSpec BatchNormFold = new("BatchNormFold", new Shape(3, 6, 5),
    [
        ("c", new ConvUnit(new ConvConfig(3, 4, 3, Padding: 1, Bias: false), batchNorm: true, Activation.None)),
    ]);

    /// <summary>relu(skip(x) + [conv, batchnorm](x)) with an identity skip: the add and the relu run in the conv's epilogue.</summary>
    public static readonly NetworkSpec ResidualEpilogue = new("ResidualEpilogue", new Shape(4, 6, 7),
    [
        ("res", new ResidualLayer("ResidualEpilogue_Block",
        [
            new ConvUnit(new ConvConfig(4, 4, 3, Padding: 1, Bias: false), batchNorm: true, Activation.None),
        ], skip: null, skipFirst: true, Activation.Relu)),
    ]);

    /// <summary>A conv, its relu, then the global average pool: the conv sums its rows as it writes them.</summary>
    public static readonly NetworkSpec GlobalPoolFusion = new("GlobalPoolFusion", new Shape(3, 7, 6),
    [
        ("conv", new ConvUnit(new ConvConfig(3, 5, 3, Padding: 1), batchNorm: false, Activation.Relu)),
        ("pool", new GlobalAvgPoolLayer()),
    ]);

    /// <summary>A depthwise conv and the 1x1 conv that alone reads it: one step, band by band.</summary>
    public static readonly NetworkSpec SeparableStep = new("SeparableStep", new Shape(4, 9, 8),
    [
        ("dw", new ConvUnit(new ConvConfig(4, 4, 3, Padding: 1, Groups: 4, Bias: false), batchNorm: true, Activation.Relu6)),
        ("pw", new ConvUnit(new ConvConfig(4, 6, 1, Bias: false), batchNorm: true, Activation.Relu)),
    ]);

    /// <summary>Flatten and identity between a conv and a linear layer: they move no data.</summary>
    public static readonly NetworkSpec ViewOps = new("ViewOps", new Shape(2, 3, 4),
    [
        ("conv", new ConvUnit(new ConvConfig(2, 3, 1), batchNorm: false, Activation.None)),
        ("flat", new FlattenLayer()),
        ("same", new IdentityLayer()),
        ("fc", new LinearLayer(36, 5, bias: true)),
    ]);

    /// <summary>A network whose output is a view (flatten) of a conv's output: the conv writes the caller's output.</summary>
    public static readonly NetworkSpec ViewIsTheOutput = new("ViewIsTheOutput", new Shape(2, 3, 4),
    [
        ("conv", new ConvUnit(new ConvConfig(2, 3, 1), batchNorm: false, Activation.None)),
        ("flat", new FlattenLayer()),
    ]);

    /// <summary>A network that is only a view of its input: no step, the input is copied to the output.</summary>
    public static readonly NetworkSpec ViewOfTheInput = new("ViewOfTheInput", new Shape(2, 3, 4),
    [
        ("flat", new FlattenLayer()),
    ]);

    /// <summary>
    /// A stride far past the image, as PyTorch allows, on the product and on the depthwise kernel: the phase table
    /// no longer takes stride x stride ints of stack (issue 14: stride 2000 overflowed it at the first Forward).
    /// </summary>
    public static readonly NetworkSpec LargeStride = new("LargeStride", new Shape(2, 1, 1),
    [
        ("c", new ConvUnit(new ConvConfig(2, 2, 1, Stride: 2000), batchNorm: false, Activation.None)),
        ("dw", new ConvUnit(new ConvConfig(2, 4, 1, Stride: 2000, Groups: 2), batchNorm: false, Activation.None)),
    ]);

    public static IReadOnlyList<NetworkSpec> All { get; } =
        [BatchNormFold, ResidualEpilogue, GlobalPoolFusion, SeparableStep, ViewOps, ViewIsTheOutput, ViewOfTheInput, LargeStride];

    /// <summary>The validated model of <paramref name="spec"/>'s .gnet text.</summary>
    public static Network Model(NetworkSpec spec)
    {
        var result = GnetCompiler.Compile(new SourceDocument(spec.Name + ".gnet", spec.GnetText()));
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return Assert.Single(result.Networks).Network!;
    }

    /// <summary>The execution plan the emitter follows for <paramref name="spec"/>, from the language library.</summary>
    public static ExecutionPlan Plan(NetworkSpec spec) => ExecutionPlan.Create(Model(spec));

    /// <summary>The node at <paramref name="path"/>.</summary>
    public static Node Node(Network network, string path) => Assert.Single(network.Nodes, node => node.Path == path);
}

/// <summary>The feature networks, compiled once.</summary>
public sealed class FeatureNetworksFixture() : CompiledNetworks("FeatureNets", FeatureNetworks.All);
