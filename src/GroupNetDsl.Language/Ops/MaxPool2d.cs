using System.Collections.Generic;

namespace GroupNetDsl.Language.Ops;

/// <summary>maxpool: nn.MaxPool2d (ceil_mode false); a NaN in a window wins, as in PyTorch.</summary>
public sealed class MaxPool2d : Pool2dDescriptor
{
    public static readonly MaxPool2d Descriptor = new();

    private static readonly OpParameter[] Signature =
    {
        OpParameter.RequiredInteger("kernel_size"),
        OpParameter.DerivedInteger("stride", "= kernel_size"),
        OpParameter.Integer("padding", 0, minimum: 0),
    };

    public override string Name => "maxpool";

    public override string TorchName => "nn.MaxPool2d";

    protected override PoolKind Kind => PoolKind.Max;

    public override IReadOnlyList<OpParameter> Parameters => Signature;

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("MaxPool2d") };

    internal override Operation? Create(OpSite site) => CreateWindow(site);
}
