using System.Collections.Generic;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>chunk(x, chunks): the channels in pieces of ceil(channels / chunks).</summary>
public sealed record ChunkOp(int Chunks) : Operation
{
    public override string TorchName => "chunk";

    public override OpDescriptor Descriptor => Chunk.Descriptor;
}

/// <summary>
/// chunk: torch.chunk(x, chunks, dim=1), several tensors (named in a forward block: <c>(a, b) = chunk(x, 2)</c>). As in
/// PyTorch, each piece has ceil(channels / chunks) channels and the last one what is left, so there may be fewer
/// than <c>chunks</c> pieces (5 channels in 4 chunks are 2, 2 and 1). Each piece is a <see cref="Narrow"/> view.
/// </summary>
public sealed class Chunk : OpDescriptor
{
    public static readonly Chunk Descriptor = new();

    public override string Name => "chunk";

    public override string TorchName => "torch.chunk(x, chunks, dim=1)";

    public override IReadOnlyList<OpParameter> Parameters { get; } = new[] { OpParameter.RequiredInteger("chunks"), ChannelDimension.Parameter };

    public override bool GivesSeveralTensors => true;

    internal override Operation? Create(OpSite site)
    {
        int chunks = site.Int("chunks");
        ChannelDimension.Check(site);
        return site.Ok ? new ChunkOp(chunks) : null;
    }

    internal override IReadOnlyList<NarrowOp>? ChannelSlices(Operation operation, TensorShape input, OpSite site)
    {
        int chunks = ((ChunkOp)operation).Chunks;
        int size = (int)(((long)input.Channels + chunks - 1) / chunks);
        return Pieces(input.Channels, size);
    }

    /// <summary>Pieces of <paramref name="size"/> channels from the first, the last one what is left: PyTorch's split with an integer.</summary>
    internal static IReadOnlyList<NarrowOp> Pieces(int channels, int size)
    {
        var pieces = new List<NarrowOp>();
        for (int start = 0; start < channels; start += size) pieces.Add(new NarrowOp(start, System.Math.Min(size, channels - start)));
        return pieces;
    }
}
