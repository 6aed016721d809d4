using System.Collections.Generic;
using System.Linq;

namespace GroupNetDsl.Language.Ops;

/// <summary>Every op of the language: the only list of them. Adding an op is a file in this folder and its line here.</summary>
public static class OpRegistry
{
    public static readonly IReadOnlyList<OpDescriptor> All = new OpDescriptor[]
    {
        Conv2d.Descriptor,
        BatchNorm2d.Descriptor,
        Linear.Descriptor,
        Relu.Descriptor,
        Relu6.Descriptor,
        Identity.Descriptor,
        Add.Descriptor,
        MaxPool2d.Descriptor,
        AvgPool2d.Descriptor,
        Flatten.Descriptor,
        Cat.Descriptor,
        Chunk.Descriptor,
        Split.Descriptor,
        Narrow.Descriptor,
        ChannelShuffle.Descriptor,
        Multiply.Descriptor,
        Mean.Descriptor,
        LayerNorm2d.Descriptor,
        Parameter.Descriptor,
        Permute.Descriptor,
        LayerNorm.Descriptor,
        Sigmoid.Descriptor,
        Hardsigmoid.Descriptor,
        Hardswish.Descriptor,
        Silu.Descriptor,
        Gelu.Descriptor,
        Dropout.Descriptor,
        StochasticDepth.Descriptor,
    };

    private static readonly Dictionary<string, OpDescriptor> ByName = All.ToDictionary(op => op.Name);

    public static bool TryGet(string name, out OpDescriptor descriptor) => ByName.TryGetValue(name, out descriptor!);
}
