using System.Diagnostics;
using MobileNetStyleSample;

// MobileNetStyle.gnet became the class MobileNetStyle at build time. It has no trained weights here, so the sample
// makes random ones under the names a PyTorch module of the same architecture saves (a trained state_dict
// exported with safetensors' save_file loads the same way, with MobileNetStyle.Load("file.safetensors")).
var stateDict = new RandomStateDict(seed: 1);
stateDict.Conv("stem.0", 3, 16, kernel: 3);
stateDict.BatchNorm("stem.1", 16);
(int In, int Out)[] blocks = [(16, 32), (32, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256)];
for (int i = 0; i < blocks.Length; i++)
{
    var (cin, cout) = blocks[i];
    stateDict.Conv($"blocks.{i}.dw", cin, cin, kernel: 3, groups: cin);
    stateDict.Conv($"blocks.{i}.pw", cin, cout, kernel: 1);
    stateDict.BatchNorm($"blocks.{i}.bn", cout);
}
stateDict.Linear("fc", 256, 10);
byte[] weights = stateDict.ToSafeTensors();

var network = MobileNetStyle.Load(weights, "random weights");
Console.WriteLine(MobileNetStyle.Summary);

var random = new Random(2);
var image = new float[MobileNetStyle.InputLength];
for (int i = 0; i < image.Length; i++) image[i] = (float)(random.NextDouble() * 2 - 1);
var logits = new float[MobileNetStyle.OutputLength];
network.Forward(image, logits);
int best = Array.IndexOf(logits, logits.Max());
Console.WriteLine($"Class of a random image (random weights, so only a smoke test): {best} ({logits[best]:F5})");

Console.WriteLine($"Time per image: {TimePerImage(() => network.Forward(image, logits)):F3} ms (1 thread)");
int threads = Environment.ProcessorCount;
if (threads > 1)
{
    using var parallel = MobileNetStyle.Load(weights, "random weights", threads);
    Console.WriteLine($"Time per image: {TimePerImage(() => parallel.Forward(image, logits)):F3} ms ({threads} threads)");
}

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
