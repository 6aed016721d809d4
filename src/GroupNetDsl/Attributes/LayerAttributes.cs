using System;

namespace GroupNetDsl;

// The attribute form of the language. Each attribute is one layer of a sequential network, read in source
// order; its constructor arguments and properties are the arguments of the .gnet op of the same meaning
// (property names are PyTorch's argument names in PascalCase). The generator reads only the syntax, so the
// property values here exist for documentation and reflection.

/// <summary>Base of every layer attribute.</summary>
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's name: its state_dict prefix, e.g. "stem.0" or "fc". Consecutive layers named P.0, P.1, ...
    /// form the sequential P. Without a name, a layer is named by its position, as in nn.Sequential.
    /// </summary>
    public string? Name { get; set; }
}

/// <summary>nn.Conv2d: a convolution with optional groups (groups == in_channels is depthwise).</summary>
/// <param name="inChannels">Input channels; must be divisible by <see cref="Groups"/>.</param>
/// <param name="outChannels">Output channels; must be divisible by <see cref="Groups"/>.</param>
/// <param name="kernelSize">Square kernel size.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2dAttribute(int inChannels, int outChannels, int kernelSize) : LayerAttribute
{
    /// <summary>Input channels.</summary>
    public int InChannels { get; } = inChannels;

    /// <summary>Output channels.</summary>
    public int OutChannels { get; } = outChannels;

    /// <summary>Square kernel size.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Stride (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zero padding on each side (default 0).</summary>
    public int Padding { get; set; }

    /// <summary>Dilation (default 1).</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>Groups (default 1).</summary>
    public int Groups { get; set; } = 1;

    /// <summary>Whether the layer has a bias (default true).</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>nn.BatchNorm2d in eval mode; folded into the preceding convolution at load.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNorm2dAttribute : LayerAttribute
{
    /// <summary>Channels inferred from the input.</summary>
    public BatchNorm2dAttribute()
    {
    }

    /// <summary>Channels given explicitly (checked against the input).</summary>
    /// <param name="numFeatures">The number of channels.</param>
    public BatchNorm2dAttribute(int numFeatures) => NumFeatures = numFeatures;

    /// <summary>The number of channels, or 0 when inferred.</summary>
    public int NumFeatures { get; }

    /// <summary>Epsilon added to the variance (default 1e-5).</summary>
    public double Eps { get; set; } = 1e-5;
}

/// <summary>nn.ReLU.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLUAttribute : LayerAttribute
{
}

/// <summary>nn.ReLU6: min(max(x, 0), 6).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLU6Attribute : LayerAttribute
{
}

/// <summary>nn.Sigmoid: 1 / (1 + exp(-x)).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidAttribute : LayerAttribute
{
}

/// <summary>nn.Hardsigmoid: relu6(x + 3) / 6.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class HardsigmoidAttribute : LayerAttribute
{
}

/// <summary>nn.Hardswish: x * relu6(x + 3) / 6.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class HardswishAttribute : LayerAttribute
{
}

/// <summary>nn.SiLU: x * sigmoid(x).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SiLUAttribute : LayerAttribute
{
}

/// <summary>nn.GELU(): the exact form, x * 0.5 * (1 + erf(x / sqrt(2))) (approximate = 'none').</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GELUAttribute : LayerAttribute
{
}

/// <summary>nn.Dropout: the identity at inference.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>The drop probability in training, between 0 and 1 (default 0.5).</summary>
    public double P { get; set; } = 0.5;
}

/// <summary>torchvision.ops.StochasticDepth: the identity at inference (its mode, "row" or "batch", changes nothing there).</summary>
/// <param name="p">The drop probability in training, between 0 and 1.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class StochasticDepthAttribute(double p) : LayerAttribute
{
    /// <summary>The drop probability in training.</summary>
    public double P { get; } = p;
}

/// <summary>nn.Identity.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class IdentityAttribute : LayerAttribute
{
}

/// <summary>nn.MaxPool2d (ceil_mode false).</summary>
/// <param name="kernelSize">Square window size.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2dAttribute(int kernelSize) : LayerAttribute
{
    /// <summary>Square window size.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Stride; when not set, the kernel size.</summary>
    public int Stride { get; set; }

    /// <summary>Padding on each side (at most half the kernel).</summary>
    public int Padding { get; set; }
}

/// <summary>nn.AvgPool2d (ceil_mode false, padding counted in the average as PyTorch's default).</summary>
/// <param name="kernelSize">Square window size.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2dAttribute(int kernelSize) : LayerAttribute
{
    /// <summary>Square window size.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Stride; when not set, the kernel size.</summary>
    public int Stride { get; set; }

    /// <summary>Padding on each side (at most half the kernel).</summary>
    public int Padding { get; set; }
}

/// <summary>nn.AdaptiveAvgPool2d(1): the mean of each channel.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPoolAttribute : LayerAttribute
{
}

/// <summary>torch.flatten(x, 1): channels x height x width become one vector.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute
{
}

/// <summary>nn.Linear on a flat input.</summary>
/// <param name="inFeatures">Input features.</param>
/// <param name="outFeatures">Output features.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LinearAttribute(int inFeatures, int outFeatures) : LayerAttribute
{
    /// <summary>Input features.</summary>
    public int InFeatures { get; } = inFeatures;

    /// <summary>Output features.</summary>
    public int OutFeatures { get; } = outFeatures;

    /// <summary>Whether the layer has a bias (default true).</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>The standard library's DepthwiseSeparableConv block (children dw, pw, bn, act), as in the seed.</summary>
/// <param name="cin">Input channels.</param>
/// <param name="cout">Output channels.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DepthwiseSeparableConvAttribute(int cin, int cout) : LayerAttribute
{
    /// <summary>Input channels.</summary>
    public int Cin { get; } = cin;

    /// <summary>Output channels.</summary>
    public int Cout { get; } = cout;

    /// <summary>Depthwise kernel size (the seed's k, default 3).</summary>
    public int K { get; set; } = 3;

    /// <summary>Depthwise stride (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Depthwise padding (default 1).</summary>
    public int Padding { get; set; } = 1;
}

/// <summary>The standard library's GroupedBottleneck block (reduce, group_conv, expand, skip, act), as in the seed.</summary>
/// <param name="cin">Input channels.</param>
/// <param name="cout">Output channels.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GroupedBottleneckAttribute(int cin, int cout) : LayerAttribute
{
    /// <summary>Input channels.</summary>
    public int Cin { get; } = cin;

    /// <summary>Output channels.</summary>
    public int Cout { get; } = cout;

    /// <summary>hidden = round(cout * ratio) (default 0.5).</summary>
    public double BottleneckRatio { get; set; } = 0.5;

    /// <summary>Groups of the 3x3 convolution (default 4).</summary>
    public int Groups { get; set; } = 4;

    /// <summary>Stride of the 3x3 convolution and the skip (default 1).</summary>
    public int Stride { get; set; } = 1;
}
