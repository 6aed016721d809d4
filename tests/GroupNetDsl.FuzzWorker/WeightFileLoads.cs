using CsCheck;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Language.Text;
using GroupNetDsl.TestSupport.Fuzzing;
using GroupNetDsl.TestSupport.Samples;
using GroupNetDsl.Weights;

namespace GroupNetDsl.FuzzWorker;

/// <summary>
/// Weight files (<see cref="NetworkWeightFiles.For"/>) through the generated MiniGroupNet's Load: it loads, and then
/// Forward runs, or it throws a <see cref="WeightFileException"/> naming the source. Any other exception is a failure.
/// </summary>
public sealed class WeightFileLoads : IFuzzTarget
{
    private const string SourceName = "fuzz.safetensors";

    private NetworkEntry? _network;
    private CompiledNetworks? _compiled;

    /// <summary>The sample network, compiled by the language from its two .gnet files.</summary>
    private static readonly NetworkResult Compiled = GnetCompiler.Compile(
        new SourceDocument("MiniGroupNet.gnet", RepositoryFiles.Read("samples/MiniGroupNet/MiniGroupNet.gnet")),
        new SourceDocument("SeparableBlock.gnet", RepositoryFiles.Read("samples/MiniGroupNet/SeparableBlock.gnet")))
        .Networks.Single(n => n.Name == "MiniGroupNet");

    public static Network MiniGroupNet => Compiled.Network!;

    public static Gen<byte[]> Files { get; } = NetworkWeightFiles.For(FullChain.Tensors(MiniGroupNet));

    public void WarmUp()
    {
        const string ns = "Fuzz.Weights";
        var target = CodeTargets.ForNetwork(Compiled, [], ns, []) ?? throw new InvalidOperationException("MiniGroupNet gets no class.");
        var emitted = new EmittedNetwork(0, 0, $"global::{ns}.{MiniGroupNet.Name}", CSharpEmitter.Emit(MiniGroupNet, target), FullChain.Tensors(MiniGroupNet));
        _compiled = CompiledNetworks.Compile([emitted], (_, message) => throw new InvalidOperationException(message));
        _network = _compiled.Entry(0);
        var instance = _network.Load(NetworkWeightFiles.Valid(emitted.Tensors, new Random(1)));
        _network.Forward(instance, new float[_network.InputLength], new float[_network.OutputLength]);
        _network.Dispose(instance);
    }

    public void Run(ulong seed, long first, int count, Reporter reporter)
    {
        var network = _network!;
        var input = new float[network.InputLength];
        var output = new float[network.OutputLength];
        for (long index = first; index < first + count; index++)
        {
            reporter.Begin(index, "load");
            reporter.Count("inputs");
            var bytes = FuzzRun.Draw(Files, seed, index);
            try
            {
                var instance = network.Load(bytes);
                try
                {
                    network.Forward(instance, input, output);
                }
                finally
                {
                    network.Dispose(instance);
                }
                reporter.Count("loaded");
            }
            catch (WeightFileException exception) when (exception.Message.Contains(SourceName, StringComparison.Ordinal))
            {
                reporter.Count("rejected");
            }
            catch (Exception exception)
            {
                reporter.Fail(index, FullChain.Describe("Load", exception));
            }
        }
        reporter.End();
    }
}
