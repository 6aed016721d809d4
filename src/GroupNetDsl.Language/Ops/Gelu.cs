using System.Collections.Generic;
using GroupNetDsl.Language.Binding;
using GroupNetDsl.Language.Diagnostics;

namespace GroupNetDsl.Language.Ops;

/// <summary>
/// gelu: nn.GELU(), the exact form x * 0.5 * (1 + erf(x / sqrt(2))). PyTorch's approximate = "none" is the only form
/// implemented: "tanh" is reported with the fix, not as an unknown name.
/// </summary>
public sealed class Gelu() : ActivationDescriptor("gelu", "nn.GELU", ActivationKind.GELU, methodName: "Gelu")
{
    public static readonly Gelu Descriptor = new();

    private static readonly OpParameter[] Signature = { OpParameter.String("approximate", "none") };

    public override IReadOnlyList<OpParameter> Parameters => Signature;

    /// <summary>[GELU]: the exact form, no arguments.</summary>
    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { new LayerAttributeForm("GELU", [], []) };

    public override string Scalar(string value) => RuntimeScalar(value);

    internal override Operation? Create(OpSite site)
    {
        if (site.Text("approximate") is { } approximate && approximate != "none")
        {
            site.Report(DiagnosticDescriptors.UnsupportedArgument, site.LocationOf("approximate"), site.DisplayName, "approximate " + StringValue.Quote(approximate),
                approximate == "tanh"
                    ? "leave it out or write \"none\": only nn.GELU()'s exact form is implemented, not the tanh approximation"
                    : "leave it out or write \"none\": nn.GELU() takes \"none\" (the exact form, implemented) or \"tanh\"");
        }
        return site.Ok ? base.Create(site) : null;
    }
}
