using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Kernels;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>cat(a, b, ...): the tensors joined along the channels.</summary>
public sealed record CatOp : Operation
{
    public override string TorchName => "cat";

    public override OpDescriptor Descriptor => Cat.Descriptor;
}

/// <summary>
/// cat: torch.cat((a, b, ...), dim=1), tensors of one height and width joined along the channels (vectors: their
/// features one after another). For one NCHW image that is each tensor's floats after the other's, so it is one copy
/// per operand.
/// </summary>
public sealed class Cat : OpDescriptor
{
    public static readonly Cat Descriptor = new();

    public override string Name => "cat";

    public override string TorchName => "torch.cat((a, b, ...), dim=1)";

    /// <summary>Combines tensors, so it is written in forward only.</summary>
    public override int TensorInputs => 2;

    public override bool TakesTensorList => true;

    public override IReadOnlyList<OpParameter> Parameters { get; } = new[] { ChannelDimension.Parameter };

    public override IReadOnlyList<OpDocumentation> Documentation => new[] { new OpDocumentation(Name, "torch.cat", "tensors of one height and width, dim = 1") };

    internal override Operation? Create(OpSite site)
    {
        ChannelDimension.Check(site);
        return site.Ok ? new CatOp() : null;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        var first = inputs[0];
        if (inputs.Any(i => i.IsFlat != first.IsFlat || i.Height != first.Height || i.Width != first.Width))
        {
            string fix = first.IsFlat
                ? "join vectors with vectors: flatten the images first"
                : $"make every operand {first.Height}x{first.Width} like the first (or flatten them all)";
            site.Report(DiagnosticDescriptors.CatShapeMismatch, site.Location, site.DisplayName, string.Join(", ", inputs.Select(i => i.ToString())), fix);
            return null;
        }
        long channels = inputs.Sum(i => (long)i.Channels);
        if (channels * first.Height * first.Width > TensorShape.MaxElements)
        {
            site.Report(DiagnosticDescriptors.TensorTooLarge, site.Location, site.DisplayName, $"{channels}x{first.Height}x{first.Width}", channels * first.Height * first.Width, TensorShape.MaxElements);
            return null;
        }
        return first.IsFlat ? TensorShape.Flat((int)channels) : TensorShape.Chw((int)channels, first.Height, first.Width);
    }

    public override string Describe(Operation operation) => "along channels";

    /// <summary>A channel shuffle that alone reads the cat: each operand's channels are copied to their shuffled places.</summary>
    public override bool Absorbs(Operation operation, FusionRole role) => role == FusionRole.ChannelShuffle;

    /// <summary>
    /// The operand's own channels; after a fused shuffle in g groups (<see cref="KernelLayout.ShuffledChannel"/>),
    /// consecutive channels of one group land g planes apart, so an operand inside one group lands on every g-th plane
    /// (one channel anywhere).
    /// </summary>
    internal override (int FirstPlane, int PlaneStride)? OperandPlanes(Step step, int firstChannel, int channels)
    {
        if (step.FusedShuffle is not { } shuffle) return (firstChannel, 1);
        int groups = ((ChannelShuffleOp)shuffle.Operation).Groups, total = step.Primary.Output.Channels, perGroup = total / groups;
        if (firstChannel / perGroup != (firstChannel + channels - 1) / perGroup) return null;
        return (KernelLayout.ShuffledChannel(firstChannel, total, groups), channels == 1 ? 1 : groups);
    }

    /// <remarks>
    /// Operands whose steps wrote them into their place already (<see cref="Step.InPlaceOperands"/>) are not copied,
    /// nor passed; when all were, the step is only a comment.
    /// </remarks>
    internal override void Emit(StepCode code)
    {
        var node = code.Step.Primary;
        var parts = node.Inputs.Select(i => code.Network.Nodes[i].Output).ToList();
        // Each copied operand: its position among the operands and its first channel in the concatenation.
        var copied = new List<(int Position, int FirstChannel)>();
        for (int i = 0, first = 0; i < node.Inputs.Count; first += parts[i].Channels, i++)
        {
            if (!code.Step.InPlaceOperands.Contains(node.Inputs[i])) copied.Add((i, first));
        }
        if (copied.Count == 0)
        {
            code.CallWith((_, _) => "// (each operand was written into its place by the step that computed it)");
            return;
        }
        int groups = code.Step.FusedShuffle is { } shuffle ? ((ChannelShuffleOp)shuffle.Operation).Groups : 0;
        // The name lists every operand and marks those written in place, so that two cats share a method only when they copy alike.
        string name = "Cat_" + string.Join("_", parts.Select((p, i) => StepCode.Shape(p) + (copied.Any(c => c.Position == i) ? string.Empty : "InPlace")))
            + (groups > 0 ? "_Shuffle_g" + groups.ToString(CultureInfo.InvariantCulture) : string.Empty);
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            string what = groups > 0
                ? $"torch.cat of {string.Join(", ", parts)} along channels, then channel shuffle in {groups} groups: {node.Output}, each copied operand's channels copied to their shuffled places"
                : $"torch.cat of {string.Join(", ", parts)} along channels: {node.Output}, each copied operand into its channels";
            w.Line($"/// <summary>{what}{(copied.Count < parts.Count ? " (the others were written there by the steps that computed them)" : string.Empty)}.</summary>");
            string parameters = string.Join(", ", copied.Select(c => $"{SourceWriter.ReadOnlySpan} part{c.Position}"));
            w.Open($"private static void {name}({parameters}, {SourceWriter.Span} output)");
            foreach (var (position, first) in copied)
            {
                w.Line(groups > 0
                    ? string.Format(CultureInfo.InvariantCulture, "global::GroupNetDsl.Kernels.ChannelKernels.ShufflePart(part{0}, firstChannel: {1}, output, channels: {2}, groups: {3});", position, first, node.Output.Channels, groups)
                    : string.Format(CultureInfo.InvariantCulture, "part{0}.CopyTo(output.Slice({1}, {2}));", position, (long)first * parts[position].Height * parts[position].Width, parts[position].Length));
            }
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({string.Join(", ", copied.Select(c => buffer(node.Inputs[c.Position])))}, {buffer(code.Step.Last.Index)});");
    }
}
