using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>nn.LayerNorm over the last dimension: the channels of a channels-last image, or a flat vector's features.</summary>
public sealed record LayerNormOp(int NormalizedShape, double Epsilon) : Operation
{
    public override string TorchName => "LayerNorm";

    public override OpDescriptor Descriptor => LayerNorm.Descriptor;
}

/// <summary>
/// layernorm: nn.LayerNorm(normalized_shape, eps=1e-5) over the last dimension, as ConvNeXt's block applies it between
/// <c>permute(0, 2, 3, 1)</c> and <c>permute(0, 3, 1, 2)</c>: on a channels-last image it normalizes the channels at each
/// pixel (what layernorm2d does on an NCHW image, the same kernel); on a flat vector, its features. An NCHW image's
/// last dimension is its width, which is never what a network means: that is an error with the fix.
/// </summary>
public sealed class LayerNorm : OpDescriptor
{
    public static readonly LayerNorm Descriptor = new();

    public override string Name => "layernorm";

    public override string TorchName => "nn.LayerNorm";

    public override bool HasWeights => true;

    public override bool AcceptsChannelsLast => true;

    public override IReadOnlyList<OpParameter> Parameters { get; } = [OpParameter.RequiredInteger("normalized_shape"), OpParameter.Number("eps", 1e-5)];

    internal override Operation? Create(OpSite site)
    {
        int features = site.Int("normalized_shape");
        double epsilon = LayerNorm2d.Epsilon(site);
        return site.Ok ? new LayerNormOp(features, epsilon) : null;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        var input = inputs[0];
        int features = ((LayerNormOp)operation).NormalizedShape;
        if (!input.IsFlat && !input.ChannelsLast)
        {
            site.Report(DiagnosticDescriptors.WrongRank, site.Location, site.DisplayName, "a channels-last image or a flat", $"the NCHW image {input}",
                "layernorm normalizes the last dimension; make the image channels-last first with permute(0, 2, 3, 1), or use layernorm2d");
            return null;
        }
        if (input.Channels != features)
        {
            site.ReportChannelMismatch(DiagnosticDescriptors.ChannelMismatch, "normalized_shape", features, input);
            return null;
        }
        return input;
    }

    public override long ParameterCount(Operation operation) => 2L * ((LayerNormOp)operation).NormalizedShape;

    public override IEnumerable<WeightTensor> Weights(string path, Operation operation) => LayerNorm2d.AffineWeights(path, ((LayerNormOp)operation).NormalizedShape);

    public override string Describe(Operation operation) => LayerNorm2d.Describe(((LayerNormOp)operation).NormalizedShape, ((LayerNormOp)operation).Epsilon);

    public override bool Absorbs(Operation operation, FusionRole role) => role == FusionRole.Activation;

    internal override void Emit(StepCode code) => LayerNorm2d.EmitNorm(code, ((LayerNormOp)code.Step.Primary.Operation).Epsilon);
}
