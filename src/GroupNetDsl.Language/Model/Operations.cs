namespace GroupNetDsl.Language.Model;

/// <summary>
/// What a node computes, with every argument resolved to a number. One record per op so that a new op
/// (concat, channel shuffle, squeeze-excite multiply) is a new record, not a change to the others.
/// </summary>
public abstract record Operation
{
    /// <summary>The .gnet name of the op, used in summaries and generated comments.</summary>
    public abstract string OpName { get; }

    /// <summary>The PyTorch module this op corresponds to.</summary>
    public abstract string TorchName { get; }
}

/// <summary>The network's input. Always node 0.</summary>
public sealed record InputOp : Operation
{
    public override string OpName => "input";

    public override string TorchName => "input";
}

/// <summary>nn.Conv2d with square kernel, stride, padding and dilation.</summary>
public sealed record Conv2dOp(int InChannels, int OutChannels, int KernelSize, int Stride, int Padding, int Dilation, int Groups, bool Bias) : Operation
{
    public override string OpName => "conv";

    public override string TorchName => "Conv2d";

    public int InChannelsPerGroup => InChannels / Groups;

    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>groups == in_channels: every input channel is filtered on its own (possibly with a channel multiplier).</summary>
    public bool IsDepthwise => Groups == InChannels && Groups > 1;

    /// <summary>A 1x1 conv that mixes channels (within its groups).</summary>
    public bool IsPointwise => KernelSize == 1;

    /// <summary>Parameters as nn.Module.parameters() counts them.</summary>
    public long ParameterCount => (long)OutChannels * InChannelsPerGroup * KernelSize * KernelSize + (Bias ? OutChannels : 0);
}

/// <summary>nn.BatchNorm2d in eval mode (running statistics). Folded into the preceding conv when there is one.</summary>
public sealed record BatchNorm2dOp(int NumFeatures, double Epsilon) : Operation
{
    public override string OpName => "batchnorm";

    public override string TorchName => "BatchNorm2d";
}

public enum ActivationKind
{
    ReLU,
    ReLU6,
}

public sealed record ActivationOp(ActivationKind Activation) : Operation
{
    public override string OpName => Activation == ActivationKind.ReLU ? "relu" : "relu6";

    public override string TorchName => Activation == ActivationKind.ReLU ? "ReLU" : "ReLU6";
}

public sealed record IdentityOp : Operation
{
    public override string OpName => "identity";

    public override string TorchName => "Identity";
}

/// <summary>Elementwise sum of two tensors of one shape (a residual connection).</summary>
public sealed record AddOp : Operation
{
    public override string OpName => "add";

    public override string TorchName => "add";
}

public enum PoolKind
{
    Max,
    Average,
}

/// <summary>nn.MaxPool2d / nn.AvgPool2d (ceil_mode false; average counts padding, as PyTorch's default).</summary>
public sealed record Pool2dOp(PoolKind Pool, int KernelSize, int Stride, int Padding) : Operation
{
    public override string OpName => Pool == PoolKind.Max ? "maxpool" : "avgpool";

    public override string TorchName => Pool == PoolKind.Max ? "MaxPool2d" : "AvgPool2d";
}

/// <summary>nn.AdaptiveAvgPool2d(1): the mean of each channel.</summary>
public sealed record GlobalAvgPoolOp : Operation
{
    public override string OpName => "avgpool";

    public override string TorchName => "AdaptiveAvgPool2d";
}

/// <summary>torch.flatten(x, 1): a view, no data moves.</summary>
public sealed record FlattenOp : Operation
{
    public override string OpName => "flatten";

    public override string TorchName => "Flatten";
}

public sealed record LinearOp(int InFeatures, int OutFeatures, bool Bias) : Operation
{
    public override string OpName => "linear";

    public override string TorchName => "Linear";

    public long ParameterCount => (long)InFeatures * OutFeatures + (Bias ? OutFeatures : 0);
}
