using System.Reflection;
using GroupNetDsl.Benchmarks.Cases;

namespace GroupNetDsl.Benchmarks.Engines;

/// <summary>
/// Loads a generated network with a thread count when the generated classes take one (<c>Load(string path, int threads)</c>),
/// and with <c>Load(string path)</c> on one thread when they do not: the benchmarks build against kernels from before
/// and after the generated code gained its thread option. The report marks rows where ours used fewer threads than asked.
/// </summary>
public static class GeneratedThreads
{
    /// <summary>Whether the generated classes take a thread count (every class is emitted alike, so one is asked).</summary>
    public static bool Supported { get; } = LoadWithThreads(typeof(SeparableBlock)) is not null;

    /// <summary>The threads the generated code uses when asked for <paramref name="requested"/>.</summary>
    public static int Effective(int requested) => Supported ? requested : 1;

    /// <summary>Loads the case's generated class from its weight file and returns its batch Forward.</summary>
    public static BatchForward Load(Type network, string weightsPath, int threads)
    {
        MethodInfo? withThreads = LoadWithThreads(network);
        object? instance = withThreads is not null
            ? withThreads.Invoke(null, [weightsPath, threads])
            : network.GetMethod("Load", BindingFlags.Public | BindingFlags.Static, [typeof(string)])?.Invoke(null, [weightsPath]);
        MethodInfo forward = network.GetMethod("Forward", BindingFlags.Public | BindingFlags.Instance, [typeof(ReadOnlySpan<float>), typeof(Span<float>), typeof(int)])
            ?? throw new MissingMethodException(network.Name, "Forward(ReadOnlySpan<float>, Span<float>, int)");
        return forward.CreateDelegate<BatchForward>(instance ?? throw new MissingMethodException(network.Name, "Load(string)"));
    }

    private static MethodInfo? LoadWithThreads(Type network) =>
        network.GetMethod("Load", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(int)]);
}
