using System.Collections.Generic;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>flatten: torch.flatten(x, 1), channels x height x width become one vector, a view in the same memory.</summary>
public sealed class Flatten() : ArgumentlessOpDescriptor("flatten", "torch.flatten(x, 1)", moduleName: "Flatten")
{
    public static readonly Flatten Descriptor = new();

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("Flatten") };

    public override bool IsView => true;

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site) => TensorShape.Flat((int)inputs[0].ElementCount);
}
