using BenchmarkDotNet.Attributes;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Engines;

namespace GroupNetDsl.Benchmarks.Suites;

/// <summary>
/// The generated code against ONNX Runtime on the same network, the same weights and the same input, per batch size and
/// thread count. The generated code is the baseline, so BenchmarkDotNet's Ratio column on the ONNX Runtime row is
/// ORT/ours (above 1: ours is faster). Setup checks that both compute the same output before anything is timed.
/// </summary>
public abstract class EngineBenchmarks
{
    private BatchForward _ours = null!;
    private OnnxRuntimeEngine? _onnxRuntime;
    private float[] _input = [];
    private float[] _oursOutput = [];
    private float[] _onnxRuntimeOutput = [];

    /// <summary>The network's name (a <see cref="NetworkCatalog"/> case).</summary>
    [ParamsSource(nameof(Networks))]
    public string Network { get; set; } = "";

    /// <summary>Images per call.</summary>
    [Params(1, 8)]
    public int Batch { get; set; }

    /// <summary>Threads asked for (ONNX Runtime's IntraOpNumThreads; see <see cref="GeneratedThreads"/> for ours).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The names this suite runs.</summary>
    public abstract IEnumerable<string> Networks { get; }

    /// <summary>Before timing ours: both engines, the agreement check, then ONNX Runtime closed.</summary>
    /// <remarks>
    /// An open session keeps its thread pool, whose spinning took our second core: right after ONNX Runtime's one
    /// run, SeparableBlock at 2 threads took 110-276 µs per call for about 300 ms instead of 69-73 µs, and 72-73
    /// instead of 69-70 µs after that (<c>--quick</c> rounds of 40 ms).
    /// </remarks>
    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs()
    {
        Setup();
        _onnxRuntime!.Dispose();
        _onnxRuntime = null;
    }

    /// <summary>Before timing ONNX Runtime: both engines and the agreement check (our threads block 0.2 ms after their last work).</summary>
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime() => Setup();

    private void Setup()
    {
        NetworkCase network = NetworkCatalog.Find(Network);
        _input = RandomInput.Create(Batch * network.InputLength);
        _oursOutput = new float[Batch * network.OutputLength];
        _onnxRuntimeOutput = new float[Batch * network.OutputLength];

        _ours = network.Load(Threads);
        long[] inputShape = [Batch, network.InputChannels, network.InputHeight, network.InputWidth];
        _onnxRuntime = new OnnxRuntimeEngine(network.OnnxPath, Threads, inputShape, _input, _onnxRuntimeOutput);

        Ours();
        OnnxRuntime();
        Agreement.Check($"{Network}, batch {Batch}: GroupNetDsl vs ONNX Runtime", _onnxRuntimeOutput, _oursOutput);
    }

    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime?.Dispose();

    /// <summary>The generated class's Forward over the whole batch.</summary>
    [Benchmark(Baseline = true, Description = "GroupNetDsl")]
    public void Ours() => _ours(_input, _oursOutput, Batch);

    /// <summary>ONNX Runtime on the bound input and output.</summary>
    [Benchmark(Description = "ONNX Runtime")]
    public void OnnxRuntime() => _onnxRuntime!.Run();
}

/// <summary>The seed notebook's three networks.</summary>
public class SeedNetworkBenchmarks : EngineBenchmarks
{
    /// <inheritdoc />
    public override IEnumerable<string> Networks => NetworkCatalog.SeedNetworks.Select(c => c.Name);
}

/// <summary>The layer suite: depthwise, grouped and pointwise convolutions on their own (the large ones when their files are in artifacts/layers/).</summary>
public class LayerSuiteBenchmarks : EngineBenchmarks
{
    /// <inheritdoc />
    public override IEnumerable<string> Networks => NetworkCatalog.AvailableLayers.Select(c => c.Name);
}
