using System.Collections.Generic;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>torch.flatten(x, 1): a view, no data moves.</summary>
public sealed record FlattenOp : Operation
{
    public override string OpName => "flatten";

    public override string TorchName => "Flatten";

    public override OpDescriptor Descriptor => Flatten.Descriptor;
}

/// <summary>flatten: channels x height x width become one vector, in the same memory.</summary>
public sealed class Flatten : OpDescriptor
{
    public static readonly Flatten Descriptor = new();

    public override string Name => "flatten";

    public override string TorchName => "torch.flatten(x, 1)";

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("Flatten") };

    internal override Operation? Create(OpSite site) => new FlattenOp();

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site) => TensorShape.Flat((int)inputs[0].ElementCount);

    public override bool IsView => true;
}
