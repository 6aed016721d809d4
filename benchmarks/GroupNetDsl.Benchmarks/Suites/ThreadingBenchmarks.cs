using BenchmarkDotNet.Attributes;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Engines;

namespace GroupNetDsl.Benchmarks.Suites;

/// <summary>
/// Threads under pressure, MiniGroupNet at batch 1: more threads than cores (<see cref="Oversubscribed"/>, 2 x the
/// processor count) and a busy thread spinning on one core during the run (<see cref="Contention"/>), beside 1 and 2
/// threads on a quiet machine. Ours should stay within 1.5x its 1-thread time oversubscribed, and at 2 threads under
/// contention be no slower than ONNX Runtime at 2 threads.
/// </summary>
public class ThreadingBenchmarks
{
    /// <summary>The network of these rows.</summary>
    public const string NetworkName = "MiniGroupNet";

    private BatchForward _ours = null!;
    private OnnxRuntimeEngine? _onnxRuntime;
    private BusyCore? _busyCore;
    private float[] _input = [];
    private float[] _oursOutput = [];
    private float[] _onnxRuntimeOutput = [];

    /// <summary>The thread count of the oversubscribed rows: twice the processor count.</summary>
    public static int Oversubscribed => 2 * Environment.ProcessorCount;

    /// <summary>Threads asked for: 1, 2 and <see cref="Oversubscribed"/>.</summary>
    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    /// <summary>Whether a busy thread spins on one core during the run.</summary>
    [Params(false, true)]
    public bool Contention { get; set; }

    /// <summary>The values of <see cref="Threads"/>.</summary>
    public static IEnumerable<int> ThreadCounts => new[] { 1, 2, Oversubscribed }.Distinct();

    /// <summary>Before timing ours: both engines and the agreement check, then ONNX Runtime closed (its pool spins).</summary>
    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs()
    {
        Setup();
        _onnxRuntime!.Dispose();
        _onnxRuntime = null;
        StartLoad();
    }

    /// <summary>Before timing ONNX Runtime: both engines and the agreement check.</summary>
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime()
    {
        Setup();
        StartLoad();
    }

    private void Setup()
    {
        NetworkCase network = NetworkCatalog.Find(NetworkName);
        _input = RandomInput.Create(network.InputLength);
        _oursOutput = new float[network.OutputLength];
        _onnxRuntimeOutput = new float[network.OutputLength];
        _ours = network.Load(Threads);
        _onnxRuntime = new OnnxRuntimeEngine(network.OnnxPath, Threads, [1, network.InputChannels, network.InputHeight, network.InputWidth], _input, _onnxRuntimeOutput);
        Ours();
        OnnxRuntime();
        Agreement.Check($"{NetworkName}, {Threads} threads: GroupNetDsl vs ONNX Runtime", _onnxRuntimeOutput, _oursOutput);
    }

    private void StartLoad()
    {
        if (Contention) _busyCore = BusyCore.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _busyCore?.Dispose();
        _busyCore = null;
        _onnxRuntime?.Dispose();
    }

    /// <summary>The generated class's Forward of one image.</summary>
    [Benchmark(Baseline = true, Description = "GroupNetDsl")]
    public void Ours() => _ours(_input, _oursOutput, 1);

    /// <summary>ONNX Runtime on the bound input and output.</summary>
    [Benchmark(Description = "ONNX Runtime")]
    public void OnnxRuntime() => _onnxRuntime!.Run();
}
