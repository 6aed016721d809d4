using System.Collections.Generic;
using System.Globalization;
using System.Linq;
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

    internal override void Emit(StepCode code)
    {
        var node = code.Step.Primary;
        var parts = node.Inputs.Select(i => code.Network.Nodes[i].Output).ToList();
        if (code.Step.FusedShuffle is { } shuffle)
        {
            EmitShuffled(code, parts, ((ChannelShuffleOp)shuffle.Operation).Groups);
            return;
        }
        string name = "Cat_" + string.Join("_", parts.Select(StepCode.Shape));
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>torch.cat of {string.Join(", ", parts)} along channels: {node.Output}, each operand copied after the one before.</summary>");
            string parameters = string.Join(", ", parts.Select((_, i) => $"{SourceWriter.ReadOnlySpan} part{i}"));
            w.Open($"private static void {name}({parameters}, {SourceWriter.Span} output)");
            long offset = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                w.Line(string.Format(CultureInfo.InvariantCulture, "part{0}.CopyTo(output.Slice({1}, {2}));", i, offset, parts[i].Length));
                offset += parts[i].Length;
            }
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({string.Join(", ", node.Inputs.Select(i => buffer(i)))}, {buffer(node.Index)});");
    }

    /// <summary>cat then channel_shuffle in one pass: each operand's channels go straight to their shuffled places.</summary>
    private static void EmitShuffled(StepCode code, List<TensorShape> parts, int groups)
    {
        var node = code.Step.Primary;
        string name = "Cat_" + string.Join("_", parts.Select(StepCode.Shape)) + "_Shuffle_g" + groups.ToString(CultureInfo.InvariantCulture);
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>torch.cat of {string.Join(", ", parts)} along channels, then channel shuffle in {groups} groups: {node.Output}, each operand's channels copied to their shuffled places.</summary>");
            string parameters = string.Join(", ", parts.Select((_, i) => $"{SourceWriter.ReadOnlySpan} part{i}"));
            w.Open($"private static void {name}({parameters}, {SourceWriter.Span} output)");
            int first = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                w.Line(string.Format(CultureInfo.InvariantCulture, "global::GroupNetDsl.Kernels.ChannelKernels.ShufflePart(part{0}, firstChannel: {1}, output, channels: {2}, groups: {3});", i, first, node.Output.Channels, groups));
                first += parts[i].Channels;
            }
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({string.Join(", ", node.Inputs.Select(i => buffer(i)))}, {buffer(code.Step.Last.Index)});");
    }
}
