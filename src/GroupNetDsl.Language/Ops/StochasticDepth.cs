using System.Collections.Generic;
using System.Globalization;
using GroupNetDsl.Language.Binding;
using GroupNetDsl.Language.Diagnostics;

namespace GroupNetDsl.Language.Ops;

/// <summary>torchvision.ops.StochasticDepth with its drop probability, which changes nothing at inference.</summary>
public sealed record StochasticDepthOp(double P) : Operation
{
    public override string TorchName => "StochasticDepth";

    public override OpDescriptor Descriptor => StochasticDepth.Descriptor;
}

/// <summary>
/// stochastic_depth: torchvision.ops.StochasticDepth(p, mode), the identity at inference: a view, no data moves.
/// mode ("row" or "batch") only says what training drops, so it is checked and then changes nothing.
/// </summary>
public sealed class StochasticDepth : OpDescriptor
{
    public static readonly StochasticDepth Descriptor = new();

    private static readonly OpParameter[] Signature =
    {
        new("p", ArgumentType.Number, Required: true, DefaultValue: null, Derived: null, Minimum: 0, HasEffect: true),
        // torchvision requires mode; here it may be left out, as at inference it changes nothing.
        new("mode", ArgumentType.String, Required: false, DefaultValue: "row", Derived: null, Minimum: 0, HasEffect: false),
    };

    public override string Name => "stochastic_depth";

    public override string TorchName => "torchvision.ops.StochasticDepth";

    public override IReadOnlyList<OpParameter> Parameters => Signature;

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("StochasticDepth") };

    public override bool IsView => true;

    internal override Operation? Create(OpSite site)
    {
        double p = Dropout.Probability(site);
        if (site.Text("mode") is { } mode && mode is not ("row" or "batch"))
        {
            site.Report(DiagnosticDescriptors.UnsupportedArgument, site.LocationOf("mode"), site.DisplayName, "mode " + StringValue.Quote(mode),
                "write \"row\" or \"batch\", torchvision's modes (at inference either is the identity)");
        }
        return site.Ok ? new StochasticDepthOp(p) : null;
    }

    public override string Describe(Operation operation) => "p " + ((StochasticDepthOp)operation).P.ToString("R", CultureInfo.InvariantCulture);
}
