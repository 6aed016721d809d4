using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>split(x, sizes): pieces of the channel counts in <see cref="Sections"/>, or, when it is empty, of <see cref="Size"/> channels each.</summary>
public sealed record SplitOp(int Size, EquatableArray<int> Sections) : Operation
{
    public override string TorchName => "split";

    public override OpDescriptor Descriptor => Split.Descriptor;
}

/// <summary>
/// split: torch.split(x, split_size_or_sections, dim=1), several tensors (named in a forward block). With a list such
/// as <c>[16, 16]</c>, pieces of those channel counts, which must add up to the input's channels; with an integer, pieces
/// of that many channels, the last one what is left. Each piece is a <see cref="Narrow"/> view.
/// </summary>
public sealed class Split : OpDescriptor
{
    public static readonly Split Descriptor = new();

    public override string Name => "split";

    public override string TorchName => "torch.split(x, split_size_or_sections, dim=1)";

    public override IReadOnlyList<OpParameter> Parameters { get; } = new[]
    {
        new OpParameter("split_size_or_sections", ArgumentType.IntegerOrList, true, null, null, 1, true),
        ChannelDimension.Parameter,
    };

    public override bool GivesSeveralTensors => true;

    internal override Operation? Create(OpSite site)
    {
        const string name = "split_size_or_sections";
        var sections = site.IntegerList(name);
        int size = sections is null ? site.Int(name) : 0;
        if (sections is not null)
        {
            if (sections.Count == 0)
            {
                site.Report(DiagnosticDescriptors.InvalidValue, site.LocationOf(name), site.DisplayName, name, "an integer or a list of at least one channel count", "an empty list");
            }
            foreach (long section in sections)
            {
                if (section < 1 || section > OpParameter.MaximumInteger)
                {
                    site.Report(DiagnosticDescriptors.InvalidValue, site.LocationOf(name), site.DisplayName, "each channel count of " + name,
                        section < 1 ? "at least 1" : $"at most {OpParameter.MaximumInteger}", section);
                    break;
                }
            }
        }
        ChannelDimension.Check(site);
        return site.Ok ? new SplitOp(size, (sections ?? new List<long>()).Select(s => (int)s).ToEquatableArray()) : null;
    }

    internal override IReadOnlyList<NarrowOp>? ChannelSlices(Operation operation, TensorShape input, OpSite site)
    {
        var split = (SplitOp)operation;
        if (split.Sections.Count == 0) return Chunk.Pieces(input.Channels, split.Size);
        long total = split.Sections.Sum(s => (long)s);
        if (total != input.Channels)
        {
            site.Report(DiagnosticDescriptors.SplitSizesMismatch, site.LocationOf("split_size_or_sections"), site.DisplayName,
                "[" + string.Join(", ", split.Sections) + "]", total, input.Channels, $"input {input}");
            return null;
        }
        var pieces = new List<NarrowOp>();
        int start = 0;
        foreach (int section in split.Sections)
        {
            pieces.Add(new NarrowOp(start, section));
            start += section;
        }
        return pieces;
    }
}
