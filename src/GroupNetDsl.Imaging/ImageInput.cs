using System;
using System.IO;
using SkiaSharp;

namespace GroupNetDsl.Imaging;

/// <summary>
/// Reads image files (PNG, JPEG, WebP, GIF, BMP: what SkiaSharp decodes) into a network's NCHW input as an
/// <see cref="ImageTransform"/> says. A file that is not such an image, or a crop larger than the (resized) image,
/// is an <see cref="InvalidDataException"/> naming the file.
/// </summary>
public static class ImageInput
{
    /// <summary>Reads one image into a new array of <see cref="ImageTransform.Length"/> floats.</summary>
    public static float[] Read(string path, ImageTransform transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        var input = new float[transform.Length];
        Read(path, transform, input);
        return input;
    }

    /// <summary>Reads one image into <paramref name="destination"/> (at least <see cref="ImageTransform.Length"/> floats).</summary>
    public static void Read(string path, ImageTransform transform, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(transform);
        transform.Validate();
        if (destination.Length < transform.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; the image needs {transform.Length} ({transform.Channels}x{transform.Height}x{transform.Width}).", nameof(destination));
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such image file.", path);

        using var decoded = Decode(path);
        using var resized = Resize(decoded, transform.ResizeShorterSide, path);
        if (resized.Width < transform.Width || resized.Height < transform.Height)
        {
            throw new InvalidDataException($"{path}: the image is {resized.Width}x{resized.Height} (after resizing), smaller than the {transform.Width}x{transform.Height} crop; resize it first (ResizeShorterSide) or crop less.");
        }
        // torchvision's CenterCrop: the offset rounds to the nearest pixel.
        int top = (int)Math.Round((resized.Height - transform.Height) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((resized.Width - transform.Width) / 2.0, MidpointRounding.ToEven);
        Normalize(resized, top, left, transform, destination);
    }

    private static SKBitmap Decode(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException($"{path}: not an image that can be decoded (PNG, JPEG, WebP, GIF or BMP).");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bitmap.Dispose();
            throw new InvalidDataException($"{path}: the image could not be decoded ({result}).");
        }
        return bitmap;
    }

    private static SKBitmap Resize(SKBitmap image, int? shorterSide, string path)
    {
        if (shorterSide is not { } side || Math.Min(image.Width, image.Height) == side) return image.Copy();
        // torchvision's Resize(int): the shorter side becomes `side`, the longer one keeps the ratio (truncated).
        (int width, int height) = image.Width <= image.Height
            ? (side, (int)((long)side * image.Height / image.Width))
            : ((int)((long)side * image.Width / image.Height), side);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        return image.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None))
            ?? throw new InvalidDataException($"{path}: the image could not be resized to {width}x{height}.");
    }

    private static void Normalize(SKBitmap image, int top, int left, ImageTransform transform, Span<float> destination)
    {
        ReadOnlySpan<byte> pixels = image.GetPixelSpan();
        int plane = transform.Height * transform.Width;
        int rowBytes = image.RowBytes;
        for (int y = 0; y < transform.Height; y++)
        {
            var row = pixels.Slice(((top + y) * rowBytes) + (left * 4), transform.Width * 4);
            for (int x = 0; x < transform.Width; x++)
            {
                int r = row[x * 4], g = row[(x * 4) + 1], b = row[(x * 4) + 2];
                int at = (y * transform.Width) + x;
                if (transform.Channels == 1)
                {
                    // PIL's convert("L"): ITU-R 601-2 luma in 16-bit fixed point, rounded.
                    int luma = ((r * 19595) + (g * 38470) + (b * 7471) + 0x8000) >> 16;
                    destination[at] = ((luma / 255f) - transform.Mean[0]) / transform.Std[0];
                }
                else
                {
                    destination[at] = ((r / 255f) - transform.Mean[0]) / transform.Std[0];
                    destination[plane + at] = ((g / 255f) - transform.Mean[1]) / transform.Std[1];
                    destination[(2 * plane) + at] = ((b / 255f) - transform.Mean[2]) / transform.Std[2];
                }
            }
        }
    }
}
