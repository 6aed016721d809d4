using GroupNetDsl.Generator.Tests.Networks;

namespace GroupNetDsl.Generator.Tests.Features;

/// <summary>
/// Networks with the tensor ops (mul and its per-channel broadcast, mean, layernorm2d, a block's learned tensor), at
/// sizes whose planes and channel counts leave a tail past every vector width.
/// </summary>
public static class TensorOpNetworks
{
    /// <summary>Squeeze-and-excitation both ways (avgpool, scale * x; mean, mul(x, scale)), a same-shape gate, a mean head.</summary>
    public static readonly NetworkSpec SqueezeExcitation = new("SqueezeExcitation", new Shape(6, 7, 5),
    [
        ("stem", new ConvUnit(new ConvConfig(6, 6, 3, Padding: 1), batchNorm: false, Activation.Relu)),
        ("se", new SqueezeExcitationLayer("SqueezeExcitation_Pool", 6, 3, useMean: false, scaleFirst: true)),
        ("se2", new SqueezeExcitationLayer("SqueezeExcitation_Mean", 6, 2, useMean: true, scaleFirst: false)),
        ("gate", new GateLayer("SqueezeExcitation_Gate", new ConvUnit(new ConvConfig(6, 6, 1), batchNorm: false, Activation.Relu))),
        ("pool", new MeanLayer(keepDim: false)),
        ("fc", new LinearLayer(6, 3, bias: true)),
    ]);

    /// <summary>
    /// Squeeze-and-excitation after a depthwise, a grouped and a strided depthwise conv: each conv also writes the pool's
    /// means (a side pool), on planes narrower than a vector and channel counts past a block of 16.
    /// </summary>
    public static readonly NetworkSpec SqueezeExcitationAfterConvs = new("SqueezeExcitationAfterConvs", new Shape(20, 12, 11),
    [
        ("dw", new ConvUnit(new ConvConfig(20, 20, 3, Padding: 1, Groups: 20, Bias: false), batchNorm: true, Activation.Silu)),
        ("se", new SqueezeExcitationLayer("SqueezeExcitationAfterConvs_Depthwise", 20, 5, useMean: false, scaleFirst: true)),
        ("g", new ConvUnit(new ConvConfig(20, 24, 3, Padding: 1, Groups: 4), batchNorm: false, Activation.Relu)),
        ("se2", new SqueezeExcitationLayer("SqueezeExcitationAfterConvs_Grouped", 24, 6, useMean: false, scaleFirst: false)),
        ("dw2", new ConvUnit(new ConvConfig(24, 24, 5, Stride: 2, Padding: 2, Groups: 24, Bias: false), batchNorm: true, Activation.Hardswish)),
        ("se3", new SqueezeExcitationLayer("SqueezeExcitationAfterConvs_Strided", 24, 4, useMean: false, scaleFirst: true)),
    ]);

    /// <summary>
    /// Squeeze-and-excitation after expanded depthwise convs (EfficientNet's and MobileNetV3's blocks) on planes above
    /// 16x16: at stride 1, and at stride 2 with a 5x5 filter.
    /// </summary>
    public static readonly NetworkSpec SqueezeExcitationAfterExpansion = new("SqueezeExcitationAfterExpansion", new Shape(6, 40, 36),
    [
        ("expand", new ConvUnit(new ConvConfig(6, 24, 1, Bias: false), batchNorm: true, Activation.Silu)),
        ("dw", new ConvUnit(new ConvConfig(24, 24, 3, Padding: 1, Groups: 24, Bias: false), batchNorm: true, Activation.Silu)),
        ("se", new SqueezeExcitationLayer("SqueezeExcitationAfterExpansion_Block", 24, 6, useMean: false, scaleFirst: true)),
        ("project", new ConvUnit(new ConvConfig(24, 8, 1, Bias: false), batchNorm: true, Activation.None)),
        ("expand2", new ConvUnit(new ConvConfig(8, 20, 1), batchNorm: false, Activation.Hardswish)),
        ("dw2", new ConvUnit(new ConvConfig(20, 20, 5, Stride: 2, Padding: 2, Groups: 20), batchNorm: false, Activation.Hardswish)),
        ("se2", new SqueezeExcitationLayer("SqueezeExcitationAfterExpansion_Strided", 20, 4, useMean: false, scaleFirst: false)),
        ("project2", new ConvUnit(new ConvConfig(20, 6, 1), batchNorm: false, Activation.None)),
    ]);

    /// <summary>layernorm2d with both eps, then ConvNeXt's layer scale with and without its residual, then a Cx1x1 mean.</summary>
    public static readonly NetworkSpec LayerNormAndScale = new("LayerNormAndScale", new Shape(5, 9, 7),
    [
        ("stem", new ConvUnit(new ConvConfig(5, 5, 3, Padding: 1), batchNorm: false, Activation.None)),
        ("norm", new LayerNorm2dLayer(5)),
        ("norm2", new LayerNorm2dLayer(5, eps: 0.01)),
        ("block", new LayerScaleLayer("LayerNormAndScale_Block", new ConvUnit(new ConvConfig(5, 5, 7, Padding: 3, Groups: 5), batchNorm: false, Activation.None), residual: true)),
        ("head", new LayerScaleLayer("LayerNormAndScale_Head", new ConvUnit(new ConvConfig(5, 4, 1), batchNorm: false, Activation.Relu), residual: false)),
        ("pool", new MeanLayer(keepDim: true)),
    ]);

    /// <summary>Two ConvNeXt blocks (permute, layernorm and linear at each pixel of a channels-last tensor) after a stem.</summary>
    public static readonly NetworkSpec ConvNeXtBlocks = new("ConvNeXtBlocks", new Shape(3, 19, 15),
    [
        ("stem", new ConvUnit(new ConvConfig(3, 6, 2, Stride: 2), batchNorm: false, Activation.None)),
        ("norm", new LayerNorm2dLayer(6, eps: 1e-6)),
        ("stage1", new ConvNeXtBlockLayer("ConvNeXtBlocks_Block", 6, 3)),
        ("stage2", new ConvNeXtBlockLayer("ConvNeXtBlocks_Block2", 6, 4)),
    ]);

    public static IReadOnlyList<NetworkSpec> All { get; } = [SqueezeExcitation, SqueezeExcitationAfterConvs, SqueezeExcitationAfterExpansion, LayerNormAndScale, ConvNeXtBlocks];
}

/// <summary>The tensor-op networks, compiled once.</summary>
public sealed class TensorOpNetworksFixture() : CompiledNetworks("TensorOpNets", TensorOpNetworks.All);
