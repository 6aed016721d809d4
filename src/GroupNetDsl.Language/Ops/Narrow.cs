using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>Channels <see cref="Start"/> to <see cref="Start"/> + <see cref="Length"/> - 1 of the input.</summary>
public sealed record NarrowOp(int Start, int Length) : Operation
{
    public override string TorchName => "narrow";

    public override OpDescriptor Descriptor => Narrow.Descriptor;
}

/// <summary>
/// narrow: torch.narrow(x, 1, start, length), a range of channels (or of a vector's features). A view: the channels of
/// one NCHW image are one contiguous run, so its value is its input's buffer from an offset, and no data moves. chunk
/// and split give their tensors as narrow nodes.
/// </summary>
public sealed class Narrow : OpDescriptor
{
    public static readonly Narrow Descriptor = new();

    public override string Name => "narrow";

    public override string TorchName => "torch.narrow(x, 1, start, length)";

    public override IReadOnlyList<OpParameter> Parameters { get; } = new[] { OpParameter.RequiredInteger("start", minimum: 0), OpParameter.RequiredInteger("length") };

    internal override Operation? Create(OpSite site)
    {
        int start = site.Int("start");
        int length = site.Int("length");
        return site.Ok ? new NarrowOp(start, length) : null;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        var narrow = (NarrowOp)operation;
        var input = inputs[0];
        long end = (long)narrow.Start + narrow.Length;
        if (end > input.Channels)
        {
            site.Report(DiagnosticDescriptors.InvalidValue, site.LocationOf("length"), site.DisplayName, "start + length",
                $"at most {input.Channels}, the channels of its input {input}", end);
            return null;
        }
        return input.IsFlat ? TensorShape.Flat(narrow.Length) : TensorShape.Chw(narrow.Length, input.Height, input.Width);
    }

    public override string Describe(Operation operation)
    {
        var narrow = (NarrowOp)operation;
        return $"channels {narrow.Start}..{narrow.Start + narrow.Length - 1}";
    }

    public override bool IsView => true;

    public override long ViewOffset(Operation operation, TensorShape input) => (long)((NarrowOp)operation).Start * input.Height * input.Width;
}
