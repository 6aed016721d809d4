using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.Loader;
using GroupNetDsl.Kernels;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GroupNetDsl.Cli.Running;

/// <summary>
/// A network run by gnet: the class the source generator writes for it (<see cref="CSharpEmitter"/>, the generator's
/// target for a .gnet network), compiled in memory and loaded, so gnet runs exactly the code a build runs, on the
/// runtime's kernels.
/// </summary>
public static class CompiledNetwork
{
    private const string Namespace = "GroupNetDsl.Cli.Compiled";

    /// <summary>The network's class compiled, with its weights loaded from <paramref name="weightsPath"/> (one thread).</summary>
    /// <exception cref="GroupNetDsl.Weights.WeightFileException">The weight file is not the network's, as <c>Load</c> reports it.</exception>
    public static IImageNetwork Load(Network network, string weightsPath)
    {
        var type = Compile(network);
        var load = type.GetMethod("Load", [typeof(string), typeof(int)])
            ?? throw new InvalidOperationException($"The generated class {type.FullName} has no Load(string, int).");
        try
        {
            return (IImageNetwork)load.Invoke(null, [weightsPath, 1])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            // What Load threw (a WeightFileException names the file and key), not the reflection wrapper.
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static Type Compile(Network network)
    {
        string source = CSharpEmitter.Emit(network, new EmitTarget(Namespace, network.Name, Standalone: true));
        // The runtime's C# 13 params spans are a preview feature to Roslyn 4.11, as in the generator tests.
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview));
        // The assemblies of this process: the framework and the GroupNetDsl runtime gnet itself runs on.
        var references = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            Namespace + "." + network.Name,
            [tree],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
            throw new InvalidOperationException($"The generated code of network {network.Name} does not compile:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }
        image.Position = 0;
        // A collectible context of its own: its types resolve GroupNetDsl from the default context, the one gnet uses.
        var context = new AssemblyLoadContext(Namespace + "." + network.Name, isCollectible: true);
        var assembly = context.LoadFromStream(image);
        // The one class the emitter writes (looked up by what it is, so a keyword name escaped with @ needs no care).
        return assembly.GetExportedTypes().Single(t => typeof(IImageNetwork).IsAssignableFrom(t));
    }
}
