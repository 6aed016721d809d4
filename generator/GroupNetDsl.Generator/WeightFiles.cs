using System;
using System.Collections.Generic;
using GroupNetDsl.Language.Weights;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GroupNetDsl.Generator;

/// <summary>
/// A weight file of the build: the extracted header (an additional file the package's build/GroupNetDsl.props writes
/// for each GroupNetWeights item) names the .safetensors file it came from and, when the file is embedded, its
/// manifest resource name.
/// </summary>
public sealed record WeightFile(string SourcePath, string? ResourceName);

/// <summary>Finds the extracted headers among the additional files. Shared (as a linked file) by the generator and the analyzers.</summary>
public static class WeightFiles
{
    public const string SourceMetadata = "build_metadata.AdditionalFiles.GroupNetDslWeightsSource";
    public const string ResourceMetadata = "build_metadata.AdditionalFiles.GroupNetDslWeightsResource";

    /// <summary>The weight file an extracted header stands for; null for any other additional file.</summary>
    public static WeightFile? Describe(AdditionalText text, AnalyzerConfigOptions options)
    {
        if (!options.TryGetValue(SourceMetadata, out var source) || string.IsNullOrEmpty(source)) return null;
        string? resource = options.TryGetValue(ResourceMetadata, out var name) && !string.IsNullOrEmpty(name) ? name : null;
        return new WeightFile(DeclaredWeights.Normalize(source), resource);
    }

    /// <summary>The manifest resource of a declared file when the build embeds it, else null.</summary>
    public static string? EmbeddedResource(DeclaredWeights? declared, IEnumerable<WeightFile> files)
    {
        if (declared is null) return null;
        foreach (var file in files)
        {
            if (string.Equals(file.SourcePath, declared.FullPath, StringComparison.Ordinal)) return file.ResourceName;
        }
        return null;
    }
}
