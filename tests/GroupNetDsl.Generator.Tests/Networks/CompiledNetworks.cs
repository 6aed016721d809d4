using GroupNetDsl.Generator.Tests.Harness;

namespace GroupNetDsl.Generator.Tests.Networks;

/// <summary>Test networks as .gnet files of one project, generated, compiled and loaded once for a test class.</summary>
public abstract class CompiledNetworks : IDisposable
{
    protected CompiledNetworks(string rootNamespace, IEnumerable<NetworkSpec> specs)
    {
        RootNamespace = rootNamespace;
        var harness = GeneratorHarness.Create().WithRootNamespace(rootNamespace);
        foreach (var spec in specs)
        {
            harness.WithGnet($"/project/nets/{spec.Name}.gnet", spec.GnetText());
            harness.WithAdapterFor($"{rootNamespace}.{spec.Name}");
        }
        Run = harness.Run();
        Assembly = Run.Load();
    }

    public string RootNamespace { get; }

    public GeneratorRun Run { get; }

    public LoadedAssembly Assembly { get; }

    public NetworkHandle Network(string name) => Assembly.Network($"{RootNamespace}.{name}");

    public void Dispose()
    {
        Assembly.Dispose();
        GC.SuppressFinalize(this);
    }
}
