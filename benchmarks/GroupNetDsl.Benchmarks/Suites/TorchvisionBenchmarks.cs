using GroupNetDsl.Benchmarks.Cases;

namespace GroupNetDsl.Benchmarks.Suites;

/// <summary>torchvision's MobileNetV2 and ResNeXt-50 at 3x224x224, when their files are in artifacts/zoo/.</summary>
public class TorchvisionBenchmarks : EngineBenchmarks
{
    /// <inheritdoc />
    public override IEnumerable<string> Networks => TorchvisionNetworks.Available.Select(c => c.Name);
}
