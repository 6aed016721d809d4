using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>channel_shuffle(x, groups).</summary>
public sealed record ChannelShuffleOp(int Groups) : Operation
{
    public override string TorchName => "channel_shuffle";

    public override OpDescriptor Descriptor => ChannelShuffle.Descriptor;
}

/// <summary>
/// channel_shuffle: torchvision's ShuffleNetV2 <c>channel_shuffle(x, groups)</c> (x.view(n, groups, c / groups, h, w),
/// transpose(1, 2), then back to n x c x h x w; also nn.ChannelShuffle): output channel j * groups + g is input channel
/// g * (c / groups) + j. One plane copy per channel.
/// </summary>
public sealed class ChannelShuffle : OpDescriptor
{
    public static readonly ChannelShuffle Descriptor = new();

    public override string Name => "channel_shuffle";

    public override string TorchName => "channel_shuffle(x, groups)";

    public override IReadOnlyList<OpParameter> Parameters { get; } = new[] { OpParameter.RequiredInteger("groups") };

    public override IReadOnlyList<OpDocumentation> Documentation => new[] { new OpDocumentation(Name, "torchvision's channel_shuffle", "groups") };

    internal override Operation? Create(OpSite site)
    {
        int groups = site.Int("groups");
        return site.Ok ? new ChannelShuffleOp(groups) : null;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        int groups = ((ChannelShuffleOp)operation).Groups;
        var input = inputs[0];
        if (!site.RequireImage(input, "shuffle the channels before flatten")) return null;
        if (input.Channels % groups != 0)
        {
            var divisors = Enumerable.Range(1, input.Channels).Where(d => input.Channels % d == 0).ToList();
            string valid = divisors.Count <= 12 ? string.Join(", ", divisors) : string.Join(", ", divisors.Take(11)) + ", ..., " + input.Channels;
            site.Report(DiagnosticDescriptors.ShuffleGroupsNotDivisible, site.LocationOf("groups"), site.DisplayName, groups, input.Channels, valid);
            return null;
        }
        return input;
    }

    public override string Describe(Operation operation) => $"groups {((ChannelShuffleOp)operation).Groups}";

    /// <summary>After a cat that alone feeds it, the cat writes each channel to its shuffled place: one copy instead of two.</summary>
    public override FusionRole FusesAs(Operation operation) => FusionRole.ChannelShuffle;

    internal override void Emit(StepCode code)
    {
        var node = code.Step.Primary;
        int groups = ((ChannelShuffleOp)node.Operation).Groups;
        var shape = node.Output;
        string name = $"ChannelShuffle_{StepCode.Shape(shape)}_g{groups}";
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>channel shuffle of {shape} in {groups} groups: output channel j * {groups} + g is input channel g * {shape.Channels / groups} + j.</summary>");
            w.Line($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.Span} output) =>");
            w.Line($"    global::GroupNetDsl.Kernels.ChannelKernels.Shuffle(input, output, channels: {shape.Channels}, groups: {groups});");
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {buffer(node.Index)});");
    }
}
