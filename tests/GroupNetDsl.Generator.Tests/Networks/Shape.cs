namespace GroupNetDsl.Generator.Tests.Networks;

/// <summary>The shape of one image's activation, as PyTorch computes it; a vector is Flat with Height = Width = 1.</summary>
public readonly record struct Shape(int Channels, int Height, int Width, bool Flat = false)
{
    public int Length => Channels * Height * Width;

    public override string ToString() => Flat ? $"{Channels}" : $"{Channels}x{Height}x{Width}";
}
