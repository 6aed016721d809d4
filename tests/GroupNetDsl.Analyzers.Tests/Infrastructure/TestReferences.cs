using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace GroupNetDsl.Analyzers.Tests.Infrastructure;

/// <summary>
/// What test compilations reference, offline: the .NET 10 reference assemblies shipped inside the
/// Basic.Reference.Assemblies.Net100 package, and the GroupNetDsl runtime (the attributes). The testing
/// framework's own ReferenceAssemblies would download a targeting pack; an empty one downloads nothing.
/// </summary>
internal static class TestReferences
{
    /// <summary>No reference package, so the framework resolves (and downloads) nothing.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static MetadataReference Runtime { get; } = MetadataReference.CreateFromFile(typeof(GroupNetAttribute).Assembly.Location);

    public static ImmutableArray<MetadataReference> All { get; } =
        [.. Basic.Reference.Assemblies.Net100.References.All, Runtime];
}
