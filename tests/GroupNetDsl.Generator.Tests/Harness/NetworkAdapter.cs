using System.Reflection;
using System.Text;

namespace GroupNetDsl.Generator.Tests.Harness;

/// <summary>
/// Spans cannot pass through reflection, so each generated class under test gets a small static adapter, compiled
/// with it, whose methods take arrays and call the generated Load and Forward overloads. The tests bind those
/// methods to delegates once; calling a delegate allocates nothing, so allocation can be measured through it.
/// </summary>
public static class NetworkAdapter
{
    public const string Namespace = "GroupNetDsl.Generator.Tests.Adapters";

    public static string ClassName(string fullTypeName)
    {
        var builder = new StringBuilder("Adapter_");
        foreach (char c in fullTypeName) builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        return builder.ToString();
    }

    public static string Source(string fullTypeName)
    {
        string type = "global::" + fullTypeName;
        return $$"""
            namespace {{Namespace}}
            {
                /// <summary>Calls {{fullTypeName}} with arrays, for tests that reach it by reflection.</summary>
                public static class {{ClassName(fullTypeName)}}
                {
                    /// <summary>Load(ReadOnlyMemory&lt;byte&gt;, string).</summary>
                    public static object Load(byte[] bytes) => {{type}}.Load(new global::System.ReadOnlyMemory<byte>(bytes), "random-weights.safetensors");

                    /// <summary>Load(ReadOnlyMemory&lt;byte&gt;, string, int).</summary>
                    public static object LoadWithThreads(byte[] bytes, int threads) => {{type}}.Load(new global::System.ReadOnlyMemory<byte>(bytes), "random-weights.safetensors", threads);

                    /// <summary>Forward(ReadOnlySpan&lt;float&gt;, Span&lt;float&gt;).</summary>
                    public static void Forward(object network, float[] input, float[] output) => (({{type}})network).Forward(input, output);

                    /// <summary>Forward(ReadOnlySpan&lt;float&gt;, Span&lt;float&gt;, int).</summary>
                    public static void ForwardBatch(object network, float[] input, float[] output, int batchSize) => (({{type}})network).Forward(input, output, batchSize);

                    /// <summary>Forward(ReadOnlySpan&lt;float&gt;, Span&lt;float&gt;, Span&lt;float&gt;).</summary>
                    public static void ForwardWithScratch(object network, float[] input, float[] output, float[] scratch) => (({{type}})network).Forward(input, output, scratch);

                    /// <summary>Dispose().</summary>
                    public static void Dispose(object network) => (({{type}})network).Dispose();
                }
            }
            """;
    }
}

/// <summary>A generated network class: its constants, and its loader bound to a delegate.</summary>
public sealed class NetworkHandle
{
    private readonly Func<byte[], object> _load;
    private readonly Func<byte[], int, object> _loadWithThreads;
    private readonly Action<object, float[], float[]> _forward;
    private readonly Action<object, float[], float[], int> _forwardBatch;
    private readonly Action<object, float[], float[], float[]> _forwardWithScratch;
    private readonly Action<object> _dispose;

    public NetworkHandle(Type type, Type adapter)
    {
        Type = type;
        _load = Bind<Func<byte[], object>>(adapter, "Load");
        _loadWithThreads = Bind<Func<byte[], int, object>>(adapter, "LoadWithThreads");
        _forward = Bind<Action<object, float[], float[]>>(adapter, "Forward");
        _forwardBatch = Bind<Action<object, float[], float[], int>>(adapter, "ForwardBatch");
        _forwardWithScratch = Bind<Action<object, float[], float[], float[]>>(adapter, "ForwardWithScratch");
        _dispose = Bind<Action<object>>(adapter, "Dispose");
    }

    public Type Type { get; }

    public int InputLength => Constant<int>("InputLength");

    public int OutputLength => Constant<int>("OutputLength");

    public int ScratchLength => Constant<int>("ScratchLength");

    public long ParameterCount => Constant<long>("ParameterCount");

    public long MultiplyAccumulates => Constant<long>("MultiplyAccumulates");

    public string Summary => (string)(Type.GetProperty("Summary", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
        ?? throw new Xunit.Sdk.XunitException($"{Type} has no Summary."));

    public T Constant<T>(string name) =>
        Type.GetField(name, BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
            ? (T)field.GetRawConstantValue()!
            : throw new Xunit.Sdk.XunitException($"{Type} has no constant {name}.");

    public LoadedNetwork Load(byte[] safetensors) => new(this, _load(safetensors));

    /// <summary>Loads with a team of <paramref name="threads"/> threads.</summary>
    public LoadedNetwork Load(byte[] safetensors, int threads) => new(this, _loadWithThreads(safetensors, threads));

    internal void Forward(object network, float[] input, float[] output) => _forward(network, input, output);

    internal void ForwardBatch(object network, float[] input, float[] output, int batchSize) => _forwardBatch(network, input, output, batchSize);

    internal void ForwardWithScratch(object network, float[] input, float[] output, float[] scratch) => _forwardWithScratch(network, input, output, scratch);

    internal void Dispose(object network) => _dispose(network);

    private static T Bind<T>(Type adapter, string name) where T : Delegate =>
        (adapter.GetMethod(name, BindingFlags.Public | BindingFlags.Static) ?? throw new Xunit.Sdk.XunitException($"{adapter} has no {name}.")).CreateDelegate<T>();
}

/// <summary>An instance of a generated network with weights loaded.</summary>
public sealed class LoadedNetwork(NetworkHandle handle, object instance) : IDisposable
{
    public NetworkHandle Handle { get; } = handle;

    public object Instance { get; } = instance;

    /// <summary>Forward(ReadOnlySpan, Span): one image.</summary>
    public void Forward(float[] input, float[] output) => Handle.Forward(Instance, input, output);

    public float[] Forward(float[] input)
    {
        var output = new float[Handle.OutputLength];
        Forward(input, output);
        return output;
    }

    /// <summary>Forward(ReadOnlySpan, Span, int): a batch of images one after another.</summary>
    public float[] ForwardBatch(float[] input, int batchSize)
    {
        var output = new float[Handle.OutputLength * batchSize];
        Handle.ForwardBatch(Instance, input, output, batchSize);
        return output;
    }

    /// <summary>Forward(ReadOnlySpan, Span, Span): one image with caller-provided scratch.</summary>
    public void ForwardWithScratch(float[] input, float[] output, float[] scratch) => Handle.ForwardWithScratch(Instance, input, output, scratch);

    /// <summary>Dispose(): stops the network's threads.</summary>
    public void Dispose() => Handle.Dispose(Instance);
}
