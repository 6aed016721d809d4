using System.Collections.Generic;

namespace GroupNetDsl.Language.Ops;

/// <summary>nn.Identity: its value is its input's.</summary>
public sealed record IdentityOp : Operation
{
    public override string OpName => "identity";

    public override string TorchName => "Identity";

    public override OpDescriptor Descriptor => Identity.Descriptor;
}

/// <summary>identity: a view, no data moves.</summary>
public sealed class Identity : OpDescriptor
{
    public static readonly Identity Descriptor = new();

    public override string Name => "identity";

    public override string TorchName => "nn.Identity";

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("Identity") };

    internal override Operation? Create(OpSite site) => new IdentityOp();

    public override bool IsView => true;
}
