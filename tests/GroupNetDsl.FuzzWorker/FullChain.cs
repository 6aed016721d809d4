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
/// The whole pipeline on .gnet inputs (<see cref="GnetInputs.Any"/>): compile, then for each valid network the
/// generator's <see cref="CodeTargets.ForNetwork"/> and <see cref="CSharpEmitter.Emit"/>, a Roslyn compile of every
/// class of the run together, then per class Load of a valid random weight file, Forward twice on random input (the
/// same result bit for bit) and Load of a damaged weight file (it loads, and runs, or throws
/// <see cref="WeightFileException"/>). Any exception is a failure of its input.
/// </summary>
public sealed class FullChain : IFuzzTarget
{
    /// <summary>
    /// Networks bigger than this (floats of weights, scratch, input and output) or costlier than
    /// <see cref="MaxRunMultiplyAccumulates"/> are compiled but not run: the hang limit is for work that never ends,
    /// not for a valid network that takes seconds.
    /// </summary>
    public const long MaxRunFloats = 1L << 25;

    public const long MaxRunMultiplyAccumulates = 1L << 30;

    public void WarmUp()
    {
        var reporter = Reporter.Silent;
        Run(0, [(0, RepositoryFiles.Read("samples/MiniGroupNet/MiniGroupNet.gnet")), (1, RepositoryFiles.Read("samples/MobileNetStyle/MobileNetStyle.gnet"))], reporter);
        reporter.End();
    }

    public void Run(ulong seed, long first, int count, Reporter reporter)
    {
        var inputs = new List<(long Case, string Text)>();
        for (long index = first; index < first + count; index++) inputs.Add((index, FuzzRun.Draw(GnetInputs.Any, seed, index)));
        Run(seed, inputs, reporter);
        reporter.End();
    }

    private static void Run(ulong seed, List<(long Case, string Text)> inputs, Reporter reporter)
    {
        var emitted = new List<EmittedNetwork>();
        foreach (var (index, text) in inputs)
        {
            reporter.Begin(index, "compile");
            reporter.Count("inputs");
            try
            {
                emitted.AddRange(Emit(index, text));
            }
            catch (Exception exception)
            {
                reporter.Fail(index, Describe("compile and emit", exception));
            }
        }
        reporter.Count("networks", emitted.Count);
        if (emitted.Count == 0) return;

        reporter.Batch();
        using var compiled = CompiledNetworks.Compile(emitted, reporter.Fail);
        reporter.Count("compiled", compiled.Networks.Count);
        long current = -1;
        for (int i = 0; i < compiled.Networks.Count; i++)
        {
            var network = compiled.Networks[i];
            if (network.Case != current) reporter.Begin(current = network.Case, "run");
            try
            {
                Run(seed, compiled.Entry(i), reporter);
            }
            catch (Exception exception)
            {
                reporter.Fail(network.Case, $"{network.TypeName}: " + Describe("Load or Forward", exception));
            }
        }
    }

    private static IEnumerable<EmittedNetwork> Emit(long index, string text)
    {
        var result = GnetCompiler.Compile(new SourceDocument("fuzz.gnet", text));
        string ns = $"Fuzz.Case{index}";
        var networks = new List<EmittedNetwork>();
        foreach (var network in result.Networks)
        {
            if (CodeTargets.ForNetwork(network, [], ns, []) is { } target)
            {
                var model = network.Network!;
                networks.Add(new(index, networks.Count, $"global::{ns}.{CSharpEmitter.Identifier(model.Name)}", CSharpEmitter.Emit(model, target), Tensors(model)));
            }
        }
        return networks;
    }

    private static void Run(ulong seed, NetworkEntry entry, Reporter reporter)
    {
        var tensors = entry.Network.Tensors;
        long weights = tensors.Sum(t => t.Shape.Aggregate(1L, (product, d) => product * d));
        if (weights + entry.ScratchLength + entry.InputLength + entry.OutputLength > MaxRunFloats || entry.MultiplyAccumulates > MaxRunMultiplyAccumulates)
        {
            reporter.Count("too-large-to-run");
            return;
        }

        // Everything drawn from the case and the network's place in it, not from the run, so a case replays alone.
        long place = (entry.Network.Case * 64) + entry.Network.Place;
        var random = new Random(unchecked((int)((seed * 1_000_003UL) + (ulong)place)));
        var input = new float[entry.InputLength];
        for (int i = 0; i < input.Length; i++) input[i] = (6 * random.NextSingle()) - 3;

        var instance = entry.Load(NetworkWeightFiles.Valid(tensors, random));
        try
        {
            var first = new float[entry.OutputLength];
            var second = new float[entry.OutputLength];
            entry.Forward(instance, input, first);
            entry.Forward(instance, input, second);
            if (!first.AsSpan().SequenceEqual(second)) throw new InvalidOperationException("Forward gave two different results for the same input.");
        }
        finally
        {
            entry.Dispose(instance);
        }
        reporter.Count("ran");

        var damaged = FuzzRun.Draw(NetworkWeightFiles.For(tensors), seed, place);
        try
        {
            var loaded = entry.Load(damaged);
            try
            {
                entry.Forward(loaded, input, new float[entry.OutputLength]);
            }
            finally
            {
                entry.Dispose(loaded);
            }
            reporter.Count("damaged-weights-loaded");
        }
        catch (WeightFileException)
        {
            reporter.Count("damaged-weights-rejected");
        }
    }

    public static IReadOnlyList<ExpectedTensor> Tensors(Network model) => model.Weights.Select(w => new ExpectedTensor(w.Key, w.Shape.ToArray())).ToList();

    public static string Describe(string stage, Exception exception) => $"{stage} threw {exception.GetType().FullName}: {exception.Message}\n{exception.StackTrace}";
}
