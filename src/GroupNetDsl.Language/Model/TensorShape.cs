using System.Globalization;

namespace GroupNetDsl.Language.Model;

/// <summary>
/// The shape of one image's activation: channels x height x width, or a flat vector of features. An image that
/// <c>permute(0, 2, 3, 1)</c> made channels-last (<see cref="ChannelsLast"/>: PyTorch's shape is height x width x
/// channels) keeps its data in NCHW order: only per-pixel ops take it, and they read it as NCHW.
/// </summary>
public readonly record struct TensorShape(int Channels, int Height, int Width, bool IsFlat, bool ChannelsLast = false)
{
    /// <summary>The largest tensor (per image) a network may hold: keeps every index a safe int, even batched.</summary>
    public const long MaxElements = 1L << 28;

    public static TensorShape Chw(int channels, int height, int width) => new(channels, height, width, false);

    public static TensorShape Flat(int features) => new(features, 1, 1, true);

    public long ElementCount => (long)Channels * Height * Width;

    public int Length => checked((int)ElementCount);

    /// <summary>This image, channels-last (true) or NCHW (false).</summary>
    public TensorShape WithChannelsLast(bool channelsLast) => new(Channels, Height, Width, IsFlat, channelsLast);

    /// <summary>64x32x32, for a vector 256, for a channels-last image PyTorch's order: 32x32x64 (channels last).</summary>
    public override string ToString() =>
        IsFlat ? Channels.ToString(CultureInfo.InvariantCulture)
        : ChannelsLast ? string.Format(CultureInfo.InvariantCulture, "{1}x{2}x{0} (channels last)", Channels, Height, Width)
        : string.Format(CultureInfo.InvariantCulture, "{0}x{1}x{2}", Channels, Height, Width);

    /// <summary>Parses "3x64x64" (or a single number for a vector). Returns false on anything else.</summary>
    public static bool TryParse(string? text, out TensorShape shape)
    {
        shape = default;
        if (string.IsNullOrEmpty(text)) return false;
        var parts = text!.Split('x');
        if (parts.Length != 3 && parts.Length != 1) return false;
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 1 || dims[i] > 1 << 20)
            {
                return false;
            }
        }
        shape = dims.Length == 1 ? Flat(dims[0]) : Chw(dims[0], dims[1], dims[2]);
        return shape.ElementCount <= MaxElements;
    }
}
