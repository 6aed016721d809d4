using System.Collections.Generic;
using System.Globalization;
using GroupNetDsl.Language.Diagnostics;

namespace GroupNetDsl.Language.Ops;

/// <summary>nn.Dropout with its drop probability, which changes nothing at inference.</summary>
public sealed record DropoutOp(double P) : Operation
{
    public override string TorchName => "Dropout";

    public override OpDescriptor Descriptor => Dropout.Descriptor;
}

/// <summary>dropout: nn.Dropout(p = 0.5), the identity at inference: a view, no data moves.</summary>
public sealed class Dropout : OpDescriptor
{
    public static readonly Dropout Descriptor = new();

    private static readonly OpParameter[] Signature = { OpParameter.Number("p", 0.5), OpParameter.Ignored("inplace", ArgumentType.Boolean) };

    public override string Name => "dropout";

    public override string TorchName => "nn.Dropout";

    public override IReadOnlyList<OpParameter> Parameters => Signature;

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("Dropout") };

    public override bool IsView => true;

    internal override Operation? Create(OpSite site)
    {
        double p = Probability(site);
        return site.Ok ? new DropoutOp(p) : null;
    }

    public override string Describe(Operation operation) => "p " + ((DropoutOp)operation).P.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The argument p, a probability: reported unless 0 &lt;= p &lt;= 1, as PyTorch rejects it.</summary>
    internal static double Probability(OpSite site)
    {
        double p = site.Number("p");
        if (!(p >= 0 && p <= 1)) site.Report(DiagnosticDescriptors.InvalidValue, site.LocationOf("p"), site.DisplayName, "p", "between 0 and 1", p.ToString("R", CultureInfo.InvariantCulture));
        return p;
    }
}
