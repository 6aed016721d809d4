using System;
namespace GroupNetDsl.Imaging;

/// <summary>
/// How an image becomes a network's input, in torchvision's terms: <c>Resize(ResizeShorterSide)</c> (bilinear),
/// <c>CenterCrop(Height, Width)</c>, <c>Grayscale()</c> when <see cref="Channels"/> is 1, <c>ToTensor()</c> (bytes
/// to [0, 1]) and <c>Normalize(Mean, Std)</c>, written channel by channel (NCHW, one image).
/// </summary>
/// <param name="Channels">3 for RGB, 1 for grayscale (PIL's "L": 0.299 R + 0.587 G + 0.114 B).</param>
/// <param name="Height">The input's height: the image is cropped (after any resize) to this.</param>
/// <param name="Width">The input's width.</param>
/// <param name="ResizeShorterSide">Resize so that the shorter side has this length first, keeping the aspect ratio; null keeps the size.</param>
/// <param name="Mean">Per channel, subtracted after scaling to [0, 1].</param>
/// <param name="Std">Per channel, divided by after subtracting the mean.</param>
public sealed record ImageTransform(int Channels, int Height, int Width, int? ResizeShorterSide, float[] Mean, float[] Std)
{
    /// <summary>torchvision's ImageNet evaluation transform: resize to 256, center crop 224, ImageNet's mean and std.</summary>
    public static ImageTransform ImageNet { get; } = new(3, 224, 224, 256, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>The number of floats one image takes: Channels x Height x Width.</summary>
    public int Length => Channels * Height * Width;

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (Channels is not (1 or 3)) throw new ArgumentException($"Channels must be 1 (grayscale) or 3 (RGB), not {Channels}.", nameof(Channels));
        if (Height < 1 || Width < 1) throw new ArgumentException($"The crop must be at least 1x1, not {Height}x{Width}.", nameof(Height));
        if (ResizeShorterSide is < 1) throw new ArgumentException($"ResizeShorterSide must be at least 1, not {ResizeShorterSide}.", nameof(ResizeShorterSide));
        if (Mean is null || Std is null || Mean.Length != Channels || Std.Length != Channels)
        {
            throw new ArgumentException($"Mean and Std need one value per channel ({Channels}).", nameof(Mean));
        }
        foreach (float std in Std)
        {
            if (!(std > 0) || float.IsInfinity(std)) throw new ArgumentException($"Every Std must be a positive finite number, not {std}.", nameof(Std));
        }
    }
}
