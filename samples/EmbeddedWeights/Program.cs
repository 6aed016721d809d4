using System.Globalization;
using SeparableBlock = EmbeddedWeightsSample.SeparableBlock;

// The weights are in this assembly: no file to ship, no path to find.
using var block = SeparableBlock.Load();

var image = new float[SeparableBlock.InputLength];
for (int i = 0; i < image.Length; i++) image[i] = ((i * 37) % 101) / 50f - 1f;
var features = new float[SeparableBlock.OutputLength];
block.Forward(image, features);

Console.WriteLine($"Network SeparableBlock, weights embedded, output {SeparableBlock.OutputChannels}x{SeparableBlock.OutputHeight}x{SeparableBlock.OutputWidth}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  output sum {features.Sum():F4}"));
