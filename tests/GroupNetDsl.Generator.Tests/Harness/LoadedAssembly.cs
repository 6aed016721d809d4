using System.Reflection;
using System.Runtime.Loader;

namespace GroupNetDsl.Generator.Tests.Harness;

/// <summary>
/// A compiled test assembly in a collectible load context. The runtime library it references resolves to the one
/// the tests already loaded, so weight-file exceptions and kernels are the same types on both sides.
/// </summary>
public sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    public LoadedAssembly(byte[] image)
    {
        _context = new AssemblyLoadContext("GroupNetDsl.Generator.Tests." + Guid.NewGuid().ToString("N"), isCollectible: true);
        using var stream = new MemoryStream(image);
        Assembly = _context.LoadFromStream(stream);
    }

    public Assembly Assembly { get; }

    /// <summary>The generated class <paramref name="fullTypeName"/>, through the adapter the harness compiled with it.</summary>
    public NetworkHandle Network(string fullTypeName)
    {
        var type = Assembly.GetType(fullTypeName) ?? throw new Xunit.Sdk.XunitException($"The compiled assembly has no type '{fullTypeName}'.");
        var adapter = Assembly.GetType(NetworkAdapter.Namespace + "." + NetworkAdapter.ClassName(fullTypeName))
            ?? throw new Xunit.Sdk.XunitException($"No adapter for '{fullTypeName}': call WithAdapterFor on the harness.");
        return new NetworkHandle(type, adapter);
    }

    public void Dispose() => _context.Unload();
}
