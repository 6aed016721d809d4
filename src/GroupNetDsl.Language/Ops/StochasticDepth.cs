using System.Collections.Generic;
using System.Globalization;
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
/// mode ("row" or "batch") only says what training drops; .gnet has no strings to write it, so a value given is reported.
/// </summary>
public sealed class StochasticDepth : OpDescriptor
{
    public static readonly StochasticDepth Descriptor = new();

    private static readonly OpParameter[] Signature =
    {
        new("p", ArgumentType.Number, Required: true, DefaultValue: null, Derived: null, Minimum: 0, HasEffect: true),
        OpParameter.Ignored("mode", ArgumentType.Any),
    };

    public override string Name => "stochastic_depth";

    public override string TorchName => "torchvision.ops.StochasticDepth";

    public override IReadOnlyList<OpParameter> Parameters => Signature;

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("StochasticDepth") };

    public override bool IsView => true;

    internal override Operation? Create(OpSite site)
    {
        double p = Dropout.Probability(site);
        if (site.Has("mode"))
        {
            site.Report(DiagnosticDescriptors.UnsupportedArgument, site.LocationOf("mode"), site.DisplayName, "mode",
                "leave it out: it takes \"row\" or \"batch\", which .gnet cannot write yet, and at inference either is the identity");
        }
        return site.Ok ? new StochasticDepthOp(p) : null;
    }

    public override string Describe(Operation operation) => "p " + ((StochasticDepthOp)operation).P.ToString("R", CultureInfo.InvariantCulture);
}
