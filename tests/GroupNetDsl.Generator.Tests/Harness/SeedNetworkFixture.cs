namespace GroupNetDsl.Generator.Tests.Harness;

/// <summary>A class fixture: the seed project generated and compiled with an adapter for one network, loaded once for the test class.</summary>
public abstract class SeedNetworkFixture : IDisposable
{
    protected SeedNetworkFixture(string className)
    {
        var run = SeedNetworks.Project().WithAdapterFor(className).Run();
        run.AssertCompilesCleanly();
        Assembly = run.Load();
        Handle = Assembly.Network(className);
    }

    public LoadedAssembly Assembly { get; }

    public NetworkHandle Handle { get; }

    public void Dispose() => Assembly.Dispose();
}
