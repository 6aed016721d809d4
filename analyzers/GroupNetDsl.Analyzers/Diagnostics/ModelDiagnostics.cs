using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using Microsoft.CodeAnalysis;

namespace GroupNetDsl.Analyzers.Diagnostics;

/// <summary>Turns the network model's diagnostics into Roslyn diagnostics, with the properties the code fixes read.</summary>
public static class ModelDiagnostics
{
    /// <summary>The Roslyn diagnostic of one model diagnostic, placed at <paramref name="location"/>.</summary>
    /// <param name="diagnostic">The model's diagnostic; its properties (<see cref="DiagnosticProperties"/>) become the Roslyn diagnostic's.</param>
    /// <param name="location">Where it is, in the C# tree or the .gnet file.</param>
    public static Diagnostic ToRoslyn(GnetDiagnostic diagnostic, Location location) => ToRoslyn(diagnostic, location, null);

    /// <summary>The Roslyn diagnostic of one model diagnostic, with its additional locations (for an error inside a block, the calls that instantiated it) placed too.</summary>
    public static Diagnostic ToRoslyn(GnetDiagnostic diagnostic, Location location, IEnumerable<Location>? additionalLocations) =>
        Diagnostic.Create(
            RoslynDescriptors.For(diagnostic.Descriptor),
            location,
            additionalLocations,
            Properties(diagnostic),
            diagnostic.Arguments.Cast<object?>().ToArray());

    private static ImmutableDictionary<string, string?>? Properties(GnetDiagnostic diagnostic)
    {
        if (diagnostic.Properties.Count == 0) return null;
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        foreach (var property in diagnostic.Properties) properties[property.Name] = property.Value;
        return properties.ToImmutable();
    }
}
