using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// The seed notebook's networks as a user project declares them: MiniGroupNet in attribute form (the sample's own
/// file, read as it is), and the two blocks as .gnet networks. Paths are project-relative so that generated headers,
/// and therefore snapshots, do not depend on the machine.
/// </summary>
public static class SeedNetworks
{
    public const string RootNamespace = "MiniGroupNetSample";

    public const string SeparableBlockGnet = "network SeparableBlock(input: 32x64x64) = DepthwiseSeparableConv(32, 64)\n";

    public const string BottleneckGnet = "network Bottleneck(input: 64x32x32) = GroupedBottleneck(64, 128, groups: 8, stride: 2)\n";

    public const string MiniGroupNetHint = "MiniGroupNetSample.MiniGroupNet.749a7dfd.g.cs";
    public const string SeparableBlockHint = "MiniGroupNetSample.SeparableBlock.gnet.46b4c16a.g.cs";
    public const string BottleneckHint = "MiniGroupNetSample.Bottleneck.gnet.15ce1d87.g.cs";

    /// <summary>samples/MiniGroupNet/MiniGroupNetAttributes.cs, read from the sample.</summary>
    public static string MiniGroupNetAttributes => SeedNetworkSources.MiniGroupNetAttributesFile;

    /// <summary>A project with the three seed networks.</summary>
    public static GeneratorHarness Project() => GeneratorHarness.Create()
        .WithRootNamespace(RootNamespace)
        .WithSource("MiniGroupNetAttributes.cs", MiniGroupNetAttributes)
        .WithGnet("SeparableBlock.gnet", SeparableBlockGnet)
        .WithGnet("Bottleneck.gnet", BottleneckGnet);
}
