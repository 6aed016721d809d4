using BenchmarkDotNet.Attributes;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Engines;

namespace GroupNetDsl.Benchmarks.Suites;

/// <summary>
/// The naive reference (nested loops in double) on the seed networks, one image, one thread: the floor the generated
/// code starts from. Setup checks that it agrees with the generated code.
/// </summary>
public class NaiveReferenceBenchmarks
{
    private NetworkCase _network = null!;
    private NaiveSeedNetwork _naive = null!;
    private float[] _input = [];
    private float[] _output = [];

    /// <summary>The seed network's name.</summary>
    [ParamsSource(nameof(Networks))]
    public string Network { get; set; } = "";

    /// <summary>The seed networks.</summary>
    public static IEnumerable<string> Networks => NetworkCatalog.SeedNetworks.Select(c => c.Name);

    [GlobalSetup]
    public void Setup()
    {
        _network = NetworkCatalog.Find(Network);
        _naive = NaiveSeedNetwork.Load(_network);
        _input = RandomInput.Create(_network.InputLength);
        _output = new float[_network.OutputLength];

        var ours = new float[_network.OutputLength];
        _network.Load(threads: 1)(_input, ours, 1);
        Naive();
        Agreement.Check($"{Network}: GroupNetDsl vs naive reference", _output, ours);
    }

    /// <summary>One image through the naive reference.</summary>
    [Benchmark(Description = "naive reference")]
    public void Naive() => _naive.Forward(_input, _output, 1, _network.InputChannels, _network.InputHeight, _network.InputWidth);
}
