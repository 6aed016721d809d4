using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using GroupNetDsl.Package.Tests.Infrastructure;

namespace GroupNetDsl.Package.Tests;

/// <summary>
/// The GroupNetDsl.Imaging package as a user gets it: packed beside GroupNetDsl, with its image decoder and tensor
/// library as its only dependencies (the core package keeps none), and a fresh console app that references both
/// packages, reads PNG digits, runs the network trained in PyTorch (samples/Digits) and prints the top classes,
/// which are the ones PyTorch predicted on the same files.
/// </summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Package")]
public sealed class ImagingPackageTests(PackedPackages packages)
{
    /// <summary>A few held-out digits; PyTorch predicts 9 for 0005-5.png, so matching it is not matching the label.</summary>
    private static readonly string[] Images = ["0001-1.png", "0005-5.png", "0018-8.png", "0029-9.png"];

    private const string ProgramCs = """
        using System.Globalization;
        using GroupNetDsl.Imaging;
        using ImageApp;

        // The digits are 8x8 grayscale PNGs, normalized as in training: (pixel / 255 - 0.5) / 0.5.
        var transform = new ImageTransform(Channels: 1, Height: 8, Width: 8, ResizeShorterSide: null, Mean: [0.5f], Std: [0.5f]);
        using var network = Digits.Load("digits.safetensors");
        var logits = new float[Digits.OutputLength];
        foreach (string image in args)
        {
            network.Forward(ImageInput.Read(image, transform), logits);
            var top = Classes.Top(Classes.Softmax(logits), 3);
            Console.WriteLine(image + ": " + string.Join(", ", top.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Class} {t.Score:R}"))));
        }
        """;

    [Fact]
    public void The_imaging_package_has_its_assembly_and_depends_only_on_its_decoder_and_tensor_library()
    {
        using var package = ZipFile.OpenRead(packages.ImagingPackagePath);
        var assemblies = package.Entries.Select(entry => entry.FullName).Where(name => name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(["lib/net10.0/GroupNetDsl.Imaging.dll"], assemblies);

        using var nuspec = package.GetEntry("GroupNetDsl.Imaging.nuspec")!.Open();
        var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal(PackedPackages.ImagingPackageId, metadata.Elements().Single(e => e.Name.LocalName == "id").Value);
        Assert.Equal("MIT", metadata.Elements().Single(e => e.Name.LocalName == "license").Value);
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).Order(StringComparer.Ordinal);
        Assert.Equal(["SkiaSharp", "SkiaSharp.NativeAssets.Linux.NoDependencies", "System.Numerics.Tensors"], dependencies);
    }

    [Fact]
    public async Task A_console_app_with_both_packages_reads_png_digits_and_prints_pytorchs_top_classes()
    {
        string sample = Path.Combine(RepositorySources.Root, "samples", "Digits");
        var project = ConsumerProject.Create(packages.Folder("imaging"), "ImageApp", packages.Feed, packages.Version, PackedPackages.ImagingPackageId);
        project.Write("Digits.gnet", File.ReadAllText(Path.Combine(sample, "Digits.gnet")));
        project.Write("Program.cs", ProgramCs);
        File.Copy(Path.Combine(sample, "digits.safetensors"), Path.Combine(project.Directory, "digits.safetensors"));
        foreach (string image in Images) File.Copy(Path.Combine(sample, "images", image), Path.Combine(project.Directory, image));

        var build = await project.BuildAsync();
        Assert.True(build.ExitCode == 0, build.ToString());
        var run = await project.RunAsync(Images);
        Assert.True(run.ExitCode == 0, run.ToString());

        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(sample, "expected.json")));
        var predictions = expected.RootElement.GetProperty("predictions");
        Assert.Equal(9, predictions.GetProperty("0005-5.png").GetInt32());
        foreach (string image in Images)
        {
            string line = Assert.Single(run.OutputLines, l => l.StartsWith(image + ": ", StringComparison.Ordinal));
            var top = line[(image.Length + 2)..].Split(", ").Select(entry => entry.Split(' ')).Select(parts => (Class: int.Parse(parts[0], CultureInfo.InvariantCulture), Score: double.Parse(parts[1], CultureInfo.InvariantCulture))).ToList();
            Assert.Equal(3, top.Count);
            Assert.Equal(predictions.GetProperty(image).GetInt32(), top[0].Class);
            // Probabilities of three different classes, largest first, summing to at most 1.
            Assert.Equal(3, top.Select(t => t.Class).Distinct().Count());
            Assert.All(top, t => Assert.InRange(t.Score, 0, 1));
            Assert.True(top[0].Score >= top[1].Score && top[1].Score >= top[2].Score, line);
            Assert.InRange(top.Sum(t => t.Score), 0, 1 + 1e-6);
        }
    }
}
