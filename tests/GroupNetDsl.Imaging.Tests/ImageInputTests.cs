using SkiaSharp;

namespace GroupNetDsl.Imaging.Tests;

/// <summary>Images written here pixel by pixel (lossless PNG), read back, and compared with the arithmetic of the transform.</summary>
public sealed class ImageInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("groupnetdsl-imaging-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void An_RGB_image_is_center_cropped_scaled_and_normalized_channel_by_channel()
    {
        // 4 wide, 2 high; the 2x2 center crop keeps columns 1 and 2.
        string path = Png(4, 2, (x, y) => new SKColor((byte)(10 * x), (byte)(100 + y), (byte)(200 + x + y)));
        var transform = new ImageTransform(3, 2, 2, null, [0.5f, 0.25f, 0f], [0.5f, 2f, 1f]);

        var input = ImageInput.Read(path, transform);

        Assert.Equal(12, input.Length);
        for (int y = 0; y < 2; y++)
        {
            for (int x = 0; x < 2; x++)
            {
                int column = x + 1;
                Assert.Equal(((10 * column / 255f) - 0.5f) / 0.5f, input[(y * 2) + x], 6);
                Assert.Equal((((100 + y) / 255f) - 0.25f) / 2f, input[4 + (y * 2) + x], 6);
                Assert.Equal((200 + column + y) / 255f, input[8 + (y * 2) + x], 6);
            }
        }
    }

    [Fact]
    public void Grayscale_is_PILs_luma_rounded()
    {
        string path = Png(2, 1, (x, _) => x == 0 ? new SKColor(255, 0, 0) : new SKColor(0, 0, 255));
        var transform = new ImageTransform(1, 1, 2, null, [0f], [1f]);

        var input = ImageInput.Read(path, transform);

        // 0.299 x 255 = 76.2 and 0.114 x 255 = 29.1, rounded.
        Assert.Equal([76 / 255f, 29 / 255f], input);
    }

    [Fact]
    public void Resize_makes_the_shorter_side_the_given_length_and_keeps_the_ratio()
    {
        string path = Png(8, 4, (_, _) => new SKColor(40, 80, 120));

        // 8x4 -> 4x2: a 2x4 crop fits exactly, a 3x3 one does not.
        var input = ImageInput.Read(path, new ImageTransform(3, 2, 4, 2, [0f, 0f, 0f], [1f, 1f, 1f]));
        Assert.All(input.Take(8), v => Assert.Equal(40 / 255f, v, 6));
        var error = Assert.Throws<InvalidDataException>(() => ImageInput.Read(path, new ImageTransform(3, 3, 3, 2, [0f, 0f, 0f], [1f, 1f, 1f])));
        Assert.Equal($"{path}: the image is 4x2 (after resizing), smaller than the 3x3 crop; resize it first (ResizeShorterSide) or crop less.", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_an_image_or_is_missing_is_a_typed_error_naming_it()
    {
        string text = Path.Combine(_folder, "notes.png");
        File.WriteAllText(text, "not an image");

        var error = Assert.Throws<InvalidDataException>(() => ImageInput.Read(text, ImageTransform.ImageNet));
        Assert.StartsWith(text + ": not an image", error.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => ImageInput.Read(Path.Combine(_folder, "missing.png"), ImageTransform.ImageNet));
        Assert.Throws<ArgumentException>(() => ImageInput.Read(text, ImageTransform.ImageNet with { Std = [1f, 0f, 1f] }));
        Assert.Throws<ArgumentException>(() => ImageInput.Read(text, ImageTransform.ImageNet, new float[10]));
    }

    private string Png(int width, int height, Func<int, int, SKColor> color)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++) bitmap.SetPixel(x, y, color(x, y));
        }
        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".png");
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}
