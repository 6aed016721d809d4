using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Benchmarks.Probe;

/// <summary>
/// The full-size parity run (<c>--zoo-parity</c>): each torchvision network at 3x224x224 with the weights, input and
/// output PyTorch wrote (export_zoo.py --full), batch 2 on one thread; prints a Markdown row per network for docs/zoo.md.
/// </summary>
public static class ZooParity
{
    /// <summary>Prints the rows; returns false when a network's error exceeds 1e-5 x max |output|.</summary>
    public static bool Run()
    {
        bool ok = true;
        Console.WriteLine("| network | params | MACs | max abs error | max \\|output\\| | error / max \\|output\\| |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (network, ioFile, parameters) in TorchvisionNetworks.Checked)
        {
            if (!DataFiles.Exists(network.WeightsFile) || !DataFiles.Exists(ioFile))
            {
                Console.WriteLine(TorchvisionNetworks.Skipped(network.Name));
                continue;
            }
            var file = SafeTensorsFile.Open(DataFiles.PathOf(ioFile));
            float[] input = file.ReadFloat32("input"), expected = file.ReadFloat32("output");
            var actual = new float[expected.Length];
            network.Load(threads: 1)(input, actual, expected.Length / network.OutputLength);
            double scale = expected.Max(v => Math.Abs((double)v));
            double worst = expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
            ok &= worst <= 1e-5 * scale;
            Console.WriteLine($"| {network.Name} | {parameters:N0} | {network.MultiplyAccumulates:N0} | {worst:G3} | {scale:G4} | {worst / scale:G3} |");
        }
        return ok;
    }
}
