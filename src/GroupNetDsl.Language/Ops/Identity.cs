using System.Collections.Generic;

namespace GroupNetDsl.Language.Ops;

/// <summary>identity: nn.Identity, a view: its value is its input's, no data moves.</summary>
public sealed class Identity() : ArgumentlessOpDescriptor("identity", "nn.Identity", moduleName: "Identity")
{
    public static readonly Identity Descriptor = new();

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("Identity") };

    public override bool IsView => true;

    public override bool AcceptsChannelsLast => true;
}
