using System.Text.Json;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Imaging.Tests;

/// <summary>
/// samples/Digits: the network trained in PyTorch (samples/Digits/train.py), its held-out digits read as PNG images,
/// predicts what PyTorch predicted on the same PNGs (expected.json), image by image, so the accuracy is the same.
/// </summary>
public sealed class DigitsSampleTests
{
    [Fact]
    public void The_digits_sample_predicts_each_held_out_image_as_PyTorch_did()
    {
        string folder = RepositoryFiles.PathOf("samples/Digits");
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var pytorch = expected.RootElement.GetProperty("predictions").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var transform = new ImageTransform(1, 8, 8, null, [0.5f], [0.5f]);
        using var network = Digits.Load(Path.Combine(folder, "digits.safetensors"));
        var logits = new float[Digits.OutputLength];

        int correct = 0;
        var images = Directory.GetFiles(Path.Combine(folder, "images"), "*.png");
        Assert.Equal(pytorch.Count, images.Length);
        foreach (string image in images)
        {
            network.Forward(ImageInput.Read(image, transform), logits);
            int predicted = Classes.ArgMax(logits);
            Assert.Equal(pytorch[Path.GetFileName(image)], predicted);
            if (predicted == int.Parse(Path.GetFileNameWithoutExtension(image).Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)) correct++;
        }

        Assert.Equal(expected.RootElement.GetProperty("correct").GetInt32(), correct);
        Assert.True(correct >= 0.95 * images.Length, $"accuracy {correct} / {images.Length}");
    }
}
