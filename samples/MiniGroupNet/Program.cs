using System.Diagnostics;
using GroupNetDsl.Weights;
using MiniGroupNetSample;

// Weights exported from PyTorch by tests/reference/export.py (same seeds, same state_dict names).
string weights = Path.Combine(AppContext.BaseDirectory, "weights");

var network = MiniGroupNet.Load(Path.Combine(weights, "minigroupnet_g8.safetensors"));
Console.WriteLine(MiniGroupNet.Summary);

var input = SafeTensorsFile.Open(Path.Combine(weights, "sample_input.safetensors")).ReadFloat32("input");
var logits = new float[MiniGroupNet.OutputLength];
network.Forward(input, logits);

// The weights are random (seeded), so the classes mean nothing: the sample shows the API, the parity and the speed.
Console.WriteLine("Top classes (untrained network: random weights):");
foreach (var (score, index) in logits.Select((score, index) => (score, index)).OrderByDescending(p => p.score).Take(3))
{
    Console.WriteLine($"  class {index}: {score:F5}");
}
Console.WriteLine($"Time per image: {TimePerImage(() => network.Forward(input, logits)):F3} ms (1 thread)");
using var twoThreads = MiniGroupNet.Load(Path.Combine(weights, "minigroupnet_g8.safetensors"), threads: 2);
Console.WriteLine($"Time per image: {TimePerImage(() => twoThreads.Forward(input, logits)):F3} ms (2 threads)");

// The .gnet form: samples/MiniGroupNet/SeparableBlock.gnet becomes the class SeparableBlock.
var block = SeparableBlock.Load(Path.Combine(weights, "dsconv_32_64.safetensors"));
Console.WriteLine();
Console.WriteLine(SeparableBlock.Summary);
var image = new float[SeparableBlock.InputLength];
var random = new Random(1);
for (int i = 0; i < image.Length; i++) image[i] = (float)(random.NextDouble() * 2 - 1);
var features = new float[SeparableBlock.OutputLength];
Console.WriteLine($"Time per image: {TimePerImage(() => block.Forward(image, features)):F3} ms");

#if DEBUG
Console.WriteLine();
Console.WriteLine("Debug build: the times above are unoptimized. Run `dotnet run -c Release --project samples/MiniGroupNet` for the speed the README quotes.");
#endif

static double TimePerImage(Action forward)
{
    for (int i = 0; i < 5; i++) forward();
    int runs = 0;
    var clock = Stopwatch.StartNew();
    while (clock.ElapsedMilliseconds < 500 || runs < 10)
    {
        forward();
        runs++;
    }
    return clock.Elapsed.TotalMilliseconds / runs;
}
