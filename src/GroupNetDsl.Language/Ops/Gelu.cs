using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;

namespace GroupNetDsl.Language.Ops;

/// <summary>
/// gelu: nn.GELU(), the exact form x * 0.5 * (1 + erf(x / sqrt(2))). PyTorch's approximate = 'none' is the only form:
/// the argument is declared so that its use is reported with the fix, not as an unknown name.
/// </summary>
public sealed class Gelu() : ActivationDescriptor("gelu", "nn.GELU", ActivationKind.GELU, methodName: "Gelu")
{
    public static readonly Gelu Descriptor = new();

    private static readonly OpParameter[] Signature = { new("approximate", ArgumentType.Any, false, null, "= \"none\" (the only form)", 0, HasEffect: true) };

    public override IReadOnlyList<OpParameter> Parameters => Signature;

    /// <summary>[GELU]: the exact form, no arguments.</summary>
    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { new LayerAttributeForm("GELU", [], []) };

    public override string Scalar(string value) => RuntimeScalar(value);

    internal override Operation? Create(OpSite site)
    {
        if (site.Has("approximate"))
        {
            site.Report(DiagnosticDescriptors.UnsupportedArgument, site.LocationOf("approximate"), site.DisplayName, "approximate",
                "leave it out: gelu is nn.GELU()'s exact form (approximate = 'none'), the only one implemented");
        }
        return site.Ok ? base.Create(site) : null;
    }
}
