using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using GroupNetDsl.Benchmarks.Cases;
using GroupNetDsl.Benchmarks.Suites;
using GroupNetDsl.Kernels;

namespace GroupNetDsl.Benchmarks.Probe;

/// <summary>
/// A per-step breakdown for development (<c>--steps</c>): every convolution step of a generated network (found by its
/// <c>*_Shape</c> and <c>*_Plan</c> constants) is run on its own, on random data, alone and with a team of 2 threads
/// in alternating rounds, and the median of the rounds is printed with the network's whole Forward for comparison.
/// Steps that are not convolutions (pools, the final linear layer, elementwise ops) are not listed: the difference
/// between the sum of the steps (each times the calls Forward makes to it: identical layers share one method) and the
/// whole Forward is their time plus cache effects between layers.
/// </summary>
public static partial class StepProbe
{
    private const int Rounds = 9;

    /// <summary>
    /// Times the steps of every case whose name contains <paramref name="filter"/>; with <paramref name="stepFilter"/>,
    /// only the convolution steps whose names contain it (for a profiler), without the linear layers and the Forward.
    /// </summary>
    public static void Run(string filter, string? stepFilter = null)
    {
        foreach (NetworkCase network in NetworkCatalog.All.Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            if (NetworkCatalog.Skipped(network) is string skipped)
            {
                Console.WriteLine(skipped);
                continue;
            }
            Console.WriteLine($"{network.Name}: median of {Rounds} alternating rounds, µs per call");
            Console.WriteLine($"{"step",-100} {"1 thr",9} {"2 thr",9} {"1/2",6}");
            using var team = new WorkerTeam(2);
            double sum1 = 0, sum2 = 0;
            var calls = CallCounts(network.GeneratedClass);
            foreach (var step in Steps(network.GeneratedClass).Where(s => stepFilter is null || s.Name.Contains(stepFilter, StringComparison.OrdinalIgnoreCase)))
            {
                var (one, two) = Alternate(() => step.Run(null), () => step.Run(team));
                // Identical layers share one generated method: a step runs as often as Forward calls it.
                int count = calls.GetValueOrDefault(step.Method, 1);
                sum1 += count * one;
                sum2 += count * two;
                Console.WriteLine($"{(count > 1 ? $"{count} x " : "") + step.Name,-100} {one,9:F1} {two,9:F1} {one / two,6:F2}");
            }
            if (stepFilter is not null) continue;
            foreach (var (inFeatures, outFeatures) in Linears(network.GeneratedClass))
            {
                float[] weight = RandomInput.Create(inFeatures * outFeatures), features = RandomInput.Create(inFeatures), bias = RandomInput.Create(outFeatures), result = new float[outFeatures];
                // The loop the generated code ran before LinearKernel, against the kernel alone and on the team.
                var (dots, _) = Alternate(() => DotPerRow(weight, features, bias, result, inFeatures, outFeatures), () => { });
                var (one, two) = Alternate(() => LinearKernel.Multiply(weight, features, bias, result, inFeatures, outFeatures, null),
                    () => LinearKernel.Multiply(weight, features, bias, result, inFeatures, outFeatures, team));
                int count = Math.Max(1, calls.Where(c => LinearName().Match(c.Key) is { Success: true } m && m.Groups[1].Value == $"{inFeatures}" && m.Groups[2].Value == $"{outFeatures}").Sum(c => c.Value));
                sum1 += count * one;
                sum2 += count * two;
                Console.WriteLine($"{(count > 1 ? $"{count} x " : "") + $"linear {inFeatures}->{outFeatures} (one Dot per row: {dots:F1} µs)",-100} {one,9:F1} {two,9:F1} {one / two,6:F2}");
            }
            Console.WriteLine($"{"sum of the steps",-100} {sum1,9:F1} {sum2,9:F1} {sum1 / sum2,6:F2}");
            float[] input = RandomInput.Create(network.InputLength), output = new float[network.OutputLength];
            BatchForward forward1 = network.Load(1), forward2 = network.Load(2);
            var (whole1, whole2) = Alternate(() => forward1(input, output, 1), () => forward2(input, output, 1));
            Console.WriteLine($"{"whole Forward",-100} {whole1,9:F1} {whole2,9:F1} {whole1 / whole2,6:F2}");
            (forward2.Target as IDisposable)?.Dispose();
        }
    }

    /// <summary>Runs the whole Forward of the first case whose name contains <paramref name="filter"/> for about
    /// <paramref name="seconds"/>, and prints the mean time per call: a steady load for a sampling profiler.</summary>
    public static void Loop(string filter, double seconds, int threads)
    {
        NetworkCase network = NetworkCatalog.All.First(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase));
        float[] input = RandomInput.Create(network.InputLength), output = new float[network.OutputLength];
        BatchForward forward = network.Load(threads);
        for (int i = 0; i < 20; i++) forward(input, output, 1);
        var clock = Stopwatch.StartNew();
        long calls = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            forward(input, output, 1);
            calls++;
        }
        Console.WriteLine($"{network.Name}: {calls} calls, {clock.Elapsed.TotalMicroseconds / calls:F1} µs per call on {threads} thread(s)");
        (forward.Target as IDisposable)?.Dispose();
    }

    private const BindingFlags Flags = BindingFlags.NonPublic | BindingFlags.Static;

    private sealed record Step(string Name, string Method, Action<WorkerTeam?> Run);

    // How many times the generated RunLayers calls each of the class's static methods, from its IL: a call is opcode
    // 0x28 and a method token. A byte pair that only looks like one resolves to no method of the class, or is skipped.
    private static Dictionary<string, int> CallCounts(Type generated)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var runLayers = generated.GetMethod("RunLayers", BindingFlags.NonPublic | BindingFlags.Instance);
        byte[] il = runLayers?.GetMethodBody()?.GetILAsByteArray() ?? [];
        for (int i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] != 0x28 || il[i + 4] != 0x06) continue;
            int token = BitConverter.ToInt32(il, i + 1);
            MethodBase? method;
            try
            {
                method = generated.Module.ResolveMethod(token);
            }
            catch (ArgumentException)
            {
                continue;
            }
            if (method?.DeclaringType != generated) continue;
            counts[method.Name] = counts.GetValueOrDefault(method.Name) + 1;
            i += 4;
        }
        return counts;
    }

    // The steps in the order their constants are declared (the order of the layers).
    private static IEnumerable<Step> Steps(Type generated)
    {
        foreach (var field in generated.GetFields(Flags).Where(f => f.FieldType == typeof(ConvolutionShape)))
        {
            string name = field.Name[..^"_Shape".Length];
            var shape = (ConvolutionShape)field.GetValue(null)!;
            var plan = (ConvolutionPlan)(generated.GetField(name + "_Plan", Flags)?.GetValue(null) ?? throw new MissingFieldException(name + "_Plan"));
            yield return Make(name, shape, plan);
        }
    }

    // The linear layers' sizes, from the names of their generated methods (Linear_<in>_<out>...).
    private static IEnumerable<(int In, int Out)> Linears(Type generated) =>
        generated.GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Select(method => LinearName().Match(method.Name))
            .Where(match => match.Success)
            .Select(match => (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)))
            .Distinct();

    private static void DotPerRow(float[] weight, float[] input, float[] bias, float[] output, int inFeatures, int outFeatures)
    {
        for (int o = 0; o < outFeatures; o++) output[o] = bias[o] + VectorKernels.Dot(weight.AsSpan(o * inFeatures, inFeatures), input);
    }

    [GeneratedRegex(@"^Linear_(\d+)_(\d+)")]
    private static partial Regex LinearName();

    private static Step Make(string name, ConvolutionShape shape, ConvolutionPlan plan)
    {
        float[] input = RandomInput.Create(shape.InChannels * shape.Height * shape.Width);
        int outLength = shape.OutChannels * shape.OutputHeight * shape.OutputWidth;
        float[] bias = RandomInput.Create(shape.OutChannels);
        // The step's activation, from its name (a fused step's parts take the first one named).
        var activation = name.Contains("Silu", StringComparison.Ordinal) ? Activation.Silu : name.Contains("Hardswish", StringComparison.Ordinal) ? Activation.Hardswish
            : name.Contains("Relu", StringComparison.Ordinal) ? Activation.Relu : Activation.None;
        string label = $"{name} [{plan.Variant}, {plan.Split}]";
        string method = name;
        if (ExpansionInChannels().Match(name) is { Success: true } expansion)
        {
            // An expansion, the depthwise conv and the 1x1 conv after it.
            int inChannels = int.Parse(expansion.Groups[1].Value, CultureInfo.InvariantCulture);
            float[] expansionInput = RandomInput.Create(inChannels * shape.Height * shape.Width);
            float[] packedExpand = PackedGemm.Pack(RandomInput.Create(shape.InChannels * inChannels), 1, shape.InChannels, inChannels);
            float[] expandBias = RandomInput.Create(shape.InChannels);
            float[] weight = RandomInput.Create(shape.OutChannels * shape.Kernel * shape.Kernel);
            int outChannels = int.Parse(ThenOutChannels().Match(name).Groups[1].Value, CultureInfo.InvariantCulture);
            float[] packed = PackedGemm.Pack(RandomInput.Create(outChannels * shape.OutChannels), 1, outChannels, shape.OutChannels);
            float[] pointwiseBias = RandomInput.Create(outChannels), output = new float[outChannels * shape.OutputHeight * shape.OutputWidth];
            float[] residual = name.EndsWith("_Residual", StringComparison.Ordinal) ? RandomInput.Create(output.Length) : [];
            return new Step(label, method, team => SeparableKernel.ConvolveExpanded(shape, plan, inChannels, expansionInput, packedExpand, expandBias, activation,
                weight, bias, activation, outChannels, packed, pointwiseBias, residual, Activation.None, output, team));
        }
        if (name.Contains("_Then_", StringComparison.Ordinal))
        {
            int outChannels = int.Parse(ThenOutChannels().Match(name).Groups[1].Value, CultureInfo.InvariantCulture);
            int outPixels = shape.OutputHeight * shape.OutputWidth;
            float[] weight = RandomInput.Create(shape.OutChannels * shape.Kernel * shape.Kernel);
            float[] packed = PackedGemm.Pack(RandomInput.Create(outChannels * shape.OutChannels), 1, outChannels, shape.OutChannels);
            float[] pointwiseBias = RandomInput.Create(outChannels), output = new float[outChannels * outPixels];
            float[] residual = name.EndsWith("_Residual", StringComparison.Ordinal) ? RandomInput.Create(output.Length) : [];
            return new Step(label, method, team => SeparableKernel.Convolve(shape, plan, input, weight, bias, Activation.Relu6, outChannels, packed, pointwiseBias, residual,
                Activation.None, output, team));
        }
        float[] residualOut = name.Contains("Residual", StringComparison.Ordinal) ? RandomInput.Create(outLength) : [];
        bool pool = name.EndsWith("_Pool", StringComparison.Ordinal);
        float[] workspace = pool ? new float[KernelLayout.PoolWorkspaceLength(shape.OutChannels, shape.OutputHeight, shape.OutputWidth)] : new float[outLength];
        float[] pooled = new float[shape.OutChannels];
        if (KernelLayout.RunsOnDepthwiseKernel(shape.InPerGroup))
        {
            float[] weight = RandomInput.Create(shape.OutChannels * shape.Kernel * shape.Kernel);
            return pool
                ? new Step(label, method, team => DepthwiseKernel.ConvolveAndPool(shape, plan, input, weight, bias, residualOut, activation, workspace, pooled, team))
                : new Step(label, method, team => DepthwiseKernel.Convolve(shape, plan, input, weight, bias, residualOut, activation, workspace, team));
        }
        float[] packedWeight = RandomInput.Create(PackedGemm.PackedLength(shape.Groups, shape.OutPerGroup, shape.Depth));
        return pool
            ? new Step(label, method, team => Convolution.ConvolveAndPool(shape, plan, input, packedWeight, bias, residualOut, activation, workspace, pooled, team))
            : new Step(label, method, team => Convolution.Convolve(shape, plan, input, packedWeight, bias, residualOut, activation, workspace, team));
    }

    [GeneratedRegex(@"_Then_PointwiseConv_\d+x\d+x\d+_to_(\d+)x")]
    private static partial Regex ThenOutChannels();

    // A step that starts with its expansion: PointwiseConv_<in>x..._Then_DepthwiseConv_...
    [GeneratedRegex(@"^PointwiseConv_(\d+)x\d+x\d+_to_\d+x\d+x\d+_k1_s1_p0[A-Za-z0-9_]*?_Then_DepthwiseConv_")]
    private static partial Regex ExpansionInChannels();

    // Medians of rounds that alternate the two actions, each round about 20 ms of calls.
    private static (double First, double Second) Alternate(Action first, Action second)
    {
        first();
        second();
        var a = new double[Rounds];
        var b = new double[Rounds];
        for (int round = 0; round < Rounds; round++)
        {
            a[round] = Time(first);
            b[round] = Time(second);
        }
        return (CallTimer.Median(a), CallTimer.Median(b));
    }

    // GROUPNET_STEPS_COLD=<MB>: each call after that many MB of other writes, so the step's weights and input come from
    // the L3 cache (4: as in a network whose weights fit in L3) or from memory (64: as in ResNeXt-50, 100 MB of weights).
    private static readonly int ColdMegabytes = int.TryParse(Environment.GetEnvironmentVariable("GROUPNET_STEPS_COLD"), out int mb) ? mb : 0;
    private static readonly bool Cold = ColdMegabytes > 0;
    private static readonly byte[] Evictor = new byte[Math.Max(1, ColdMegabytes) << 20];

    private static double Time(Action action)
    {
        if (Cold)
        {
            long total = 0;
            for (int call = 0; call < 20; call++)
            {
                Evictor.AsSpan().Fill((byte)call);
                long begin = Stopwatch.GetTimestamp();
                action();
                total += Stopwatch.GetTimestamp() - begin;
            }
            return total * 1e6 / Stopwatch.Frequency / 20;
        }
        return CallTimer.MeanMicroseconds(action, Stopwatch.Frequency / 50);
    }
}
