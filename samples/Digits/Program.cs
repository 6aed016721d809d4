using System.Diagnostics;
using System.Globalization;
using GroupNetDsl.Imaging;
using Digits = DigitsSample.Digits;

// The held-out digits train.py wrote as 8x8 grayscale PNGs, named NNNN-LABEL.png; normalized as in training.
var transform = new ImageTransform(Channels: 1, Height: 8, Width: 8, ResizeShorterSide: null, Mean: [0.5f], Std: [0.5f]);
string folder = AppContext.BaseDirectory;
var images = Directory.GetFiles(Path.Combine(folder, "images"), "*.png").Order(StringComparer.Ordinal).ToArray();

using var network = Digits.Load(Path.Combine(folder, "digits.safetensors"));
var input = new float[Digits.InputLength];
var logits = new float[Digits.OutputLength];
var probabilities = new float[Digits.OutputLength];
int correct = 0;
var predictions = new List<string>();
foreach (string image in images)
{
    ImageInput.Read(image, transform, input);
    network.Forward(input, logits);
    Classes.Softmax(logits, probabilities);
    int predicted = Classes.ArgMax(probabilities);
    int label = int.Parse(Path.GetFileNameWithoutExtension(image).Split('-')[1], CultureInfo.InvariantCulture);
    if (predicted == label) correct++;
    predictions.Add($"{Path.GetFileName(image)} {predicted}");
    if (predictions.Count <= 5)
    {
        var top = Classes.Top(probabilities, 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(image)}: label {label}, predicted {top[0].Class} ({top[0].Score:P1}), then {top[1].Class} ({top[1].Score:P1})"));
    }
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Accuracy: {correct} / {images.Length} = {(double)correct / images.Length:F4}"));

ImageInput.Read(images[0], transform, input);
for (int i = 0; i < 100; i++) network.Forward(input, logits);
int runs = 0;
var clock = Stopwatch.StartNew();
while (clock.ElapsedMilliseconds < 300) { network.Forward(input, logits); runs++; }
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Time per image: {clock.Elapsed.TotalMilliseconds * 1000 / runs:F1} µs (network only, 1 thread)"));
if (args.Contains("--predictions")) foreach (string line in predictions) Console.WriteLine("prediction " + line);
