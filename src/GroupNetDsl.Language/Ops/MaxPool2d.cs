using System.Collections.Generic;

namespace GroupNetDsl.Language.Ops;

/// <summary>maxpool: nn.MaxPool2d (ceil_mode false); a NaN in a window wins, as in PyTorch.</summary>
public sealed class MaxPool2d() : Pool2dDescriptor("maxpool", "nn.MaxPool2d", PoolKind.Max)
{
    public static readonly MaxPool2d Descriptor = new();

    public override IReadOnlyList<OpParameter> Parameters { get; } = WindowParameters(OpParameter.RequiredInteger("kernel_size"));

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("MaxPool2d") };

    internal override Operation? Create(OpSite site) => CreateWindow(site);
}
