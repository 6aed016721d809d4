using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>nn.Conv2d with square kernel, stride, padding and dilation.</summary>
public sealed record Conv2dOp(int InChannels, int OutChannels, int KernelSize, int Stride, int Padding, int Dilation, int Groups, bool Bias) : Operation
{
    public override string OpName => "conv";

    public override string TorchName => "Conv2d";

    public override OpDescriptor Descriptor => Conv2d.Descriptor;

    public int InChannelsPerGroup => InChannels / Groups;

    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>groups == in_channels: every input channel is filtered on its own (possibly with a channel multiplier).</summary>
    public bool IsDepthwise => Groups == InChannels && Groups > 1;

    /// <summary>Parameters as nn.Module.parameters() counts them.</summary>
    public long ParameterCount => (long)OutChannels * InChannelsPerGroup * KernelSize * KernelSize + (Bias ? OutChannels : 0);
}

/// <summary>
/// conv: every convolution, dense, grouped or depthwise. Its step takes in a batchnorm after it (folded into its
/// weights at load), a residual add and an activation (in its epilogue), a global average pool (summed as rows are
/// written), and a depthwise conv before it when it is a plain 1x1 conv (the separable step).
/// </summary>
public sealed partial class Conv2d : OpDescriptor
{
    public static readonly Conv2d Descriptor = new();

    private static readonly OpParameter[] Signature =
    {
        OpParameter.RequiredInteger("in_channels"),
        OpParameter.RequiredInteger("out_channels"),
        OpParameter.RequiredInteger("kernel_size"),
        OpParameter.Integer("stride", 1),
        OpParameter.Integer("padding", 0, minimum: 0),
        OpParameter.Integer("dilation", 1),
        OpParameter.Integer("groups", 1),
        OpParameter.Boolean("bias", true),
    };

    public override string Name => "conv";

    public override string TorchName => "nn.Conv2d";

    public override bool HasWeights => true;

    public override IReadOnlyList<OpParameter> Parameters => Signature;

    public override IReadOnlyList<OpAttribute> Attributes => new[] { Attribute("Conv2d") };

    internal override Operation? Create(OpSite site)
    {
        int inChannels = site.Int("in_channels");
        int outChannels = site.Int("out_channels");
        int kernel = site.Int("kernel_size");
        int stride = site.Int("stride");
        int padding = site.Int("padding");
        int dilation = site.Int("dilation");
        int groups = site.Int("groups");
        bool bias = site.Flag("bias");
        if (!site.Ok) return null;
        var groupsLocation = site.LocationOf("groups");
        if (inChannels % groups != 0)
        {
            site.Report(DiagnosticDescriptors.InChannelsNotDivisible, groupsLocation, site.DisplayName, inChannels, groups, ValidGroups(inChannels, outChannels));
        }
        if (outChannels % groups != 0)
        {
            site.Report(DiagnosticDescriptors.OutChannelsNotDivisible, groupsLocation, site.DisplayName, outChannels, groups, ValidGroups(inChannels, outChannels));
        }
        return site.Ok ? new Conv2dOp(inChannels, outChannels, kernel, stride, padding, dilation, groups, bias) : null;
    }

    /// <summary>The groups values that divide both channel counts: the divisors of their gcd.</summary>
    internal static string ValidGroups(int inChannels, int outChannels)
    {
        int a = inChannels, b = outChannels;
        while (b != 0) (a, b) = (b, a % b);
        var divisors = new List<int>();
        for (int d = 1; d <= a; d++)
        {
            if (a % d == 0) divisors.Add(d);
        }
        string list = divisors.Count > 12
            ? string.Join(", ", divisors.Take(6)) + ", ..., " + string.Join(", ", divisors.Skip(divisors.Count - 3))
            : string.Join(", ", divisors);
        return "valid: " + list;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        var conv = (Conv2dOp)operation;
        var input = inputs[0];
        if (!site.RequireImage(input, "flatten comes last, before linear")) return null;
        if (input.Channels != conv.InChannels)
        {
            site.Report(DiagnosticDescriptors.ChannelMismatch, site.LocationOf("in_channels"), site.DisplayName, conv.InChannels, input.Channels, $"input {input}");
            return null;
        }
        int extent = conv.Dilation * (conv.KernelSize - 1) + 1;
        return site.Spatial(input, conv.OutChannels, extent, conv.Stride, conv.Padding);
    }

    public override long ParameterCount(Operation operation) => ((Conv2dOp)operation).ParameterCount;

    public override long MultiplyAccumulates(Operation operation, TensorShape output)
    {
        var conv = (Conv2dOp)operation;
        return output.ElementCount * conv.InChannelsPerGroup * conv.KernelSize * conv.KernelSize;
    }

    public override IEnumerable<WeightTensor> Weights(string path, Operation operation)
    {
        var conv = (Conv2dOp)operation;
        yield return Weight(path, "weight", WeightRole.Parameter, conv.OutChannels, conv.InChannelsPerGroup, conv.KernelSize, conv.KernelSize);
        if (conv.Bias) yield return Weight(path, "bias", WeightRole.Parameter, conv.OutChannels);
    }

    public override string Describe(Operation operation)
    {
        var c = (Conv2dOp)operation;
        return string.Join(", ", new[]
        {
            $"{c.InChannels}->{c.OutChannels}",
            $"{c.KernelSize}x{c.KernelSize}",
            c.Stride != 1 ? $"stride {c.Stride}" : null,
            c.Padding != 0 ? $"pad {c.Padding}" : null,
            c.Dilation != 1 ? $"dilation {c.Dilation}" : null,
            c.IsDepthwise ? $"depthwise ({c.Groups} groups)" : c.Groups != 1 ? $"groups {c.Groups} ({c.Groups} groups of {c.InChannelsPerGroup}->{c.OutChannelsPerGroup})" : null,
            c.Bias ? "bias" : null,
        }.Where(s => s is not null));
    }

    public override bool Absorbs(Operation operation, FusionRole role) => role != FusionRole.None;

    public override bool IsSeparableFirstHalf(Operation operation) => ((Conv2dOp)operation).IsDepthwise;

    /// <summary>A plain 1x1 conv (stride 1, no padding, one group): the product the separable kernel runs on each band of depthwise rows.</summary>
    public override bool IsSeparableSecondHalf(Operation operation) => operation is Conv2dOp { KernelSize: 1, Stride: 1, Padding: 0, Groups: 1 };
}
