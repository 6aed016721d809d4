using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>A permute between NCHW and channels-last: <see cref="ToChannelsLast"/> for (0, 2, 3, 1), else (0, 3, 1, 2).</summary>
public sealed record PermuteOp(bool ToChannelsLast) : Operation
{
    public override string TorchName => "Permute";

    public override OpDescriptor Descriptor => Permute.Descriptor;
}

/// <summary>
/// permute: torchvision.ops.Permute / <c>x.permute(...)</c>, the two permutations of ConvNeXt's block:
/// <c>permute(0, 2, 3, 1)</c> makes an image channels-last, <c>permute(0, 3, 1, 2)</c> makes it NCHW again. A view:
/// the data stays in NCHW order and only the shape's layout flag changes, so the per-pixel ops between the two
/// (linear, layernorm, activations) read it as NCHW; every other op refuses a channels-last tensor (GNET0226).
/// </summary>
public sealed class Permute : OpDescriptor
{
    public static readonly Permute Descriptor = new();

    public override string Name => "permute";

    public override string TorchName => "torchvision.ops.Permute";

    public override IReadOnlyList<OpParameter> Parameters { get; } =
        [OpParameter.RequiredInteger("dim0", 0), OpParameter.RequiredInteger("dim1", 0), OpParameter.RequiredInteger("dim2", 0), OpParameter.RequiredInteger("dim3", 0)];

    public override bool AcceptsChannelsLast => true;

    public override bool IsView => true;

    internal override Operation? Create(OpSite site)
    {
        var dims = new[] { site.Int("dim0"), site.Int("dim1"), site.Int("dim2"), site.Int("dim3") };
        if (!site.Ok) return null;
        string order = string.Join(", ", dims);
        if (order is "0, 2, 3, 1" or "0, 3, 1, 2") return new PermuteOp(order == "0, 2, 3, 1");
        site.Report(DiagnosticDescriptors.InvalidExpression, site.Location, site.DisplayName,
            $"permute({order}) is not supported; use permute(0, 2, 3, 1) to make an NCHW image channels-last and permute(0, 3, 1, 2) to make it NCHW again, as ConvNeXt's block does");
        return null;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        var input = inputs[0];
        bool toChannelsLast = ((PermuteOp)operation).ToChannelsLast;
        if (!site.RequireImage(input, "permute reorders the dimensions of an image")) return null;
        if (input.ChannelsLast == toChannelsLast)
        {
            site.Report(DiagnosticDescriptors.InvalidExpression, site.Location, site.DisplayName,
                toChannelsLast ? $"the input {input} is channels-last already; permute(0, 2, 3, 1) takes an NCHW image" : $"the input {input} is NCHW already; permute(0, 3, 1, 2) takes a channels-last image");
            return null;
        }
        return input.WithChannelsLast(toChannelsLast);
    }

    public override string Describe(Operation operation) => ((PermuteOp)operation).ToChannelsLast ? "0, 2, 3, 1: channels last" : "0, 3, 1, 2: NCHW";
}
