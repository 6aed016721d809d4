using System;
using System.Linq;
using System.Text;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Language.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace GroupNetDsl.Generator;

/// <summary>
/// One network ready to emit: where the code goes, the validated model and the name of the generated file. It holds
/// no source position (the model keeps only its file's name, for the header), so an edit that only moves a
/// declaration leaves it equal and its output cached.
/// </summary>
public sealed record EmitRequest(EmitTarget Target, Network Network, string HintName);

/// <summary>
/// Emits inference code for every network of the project: classes marked [GroupNet] (attribute form, or
/// bound by name to a .gnet network) and every .gnet network not bound to a class, one output per network.
/// It reports nothing: the analyzers report every diagnostic; a network with errors gets no code, only an empty
/// class of its name (<see cref="CodeTargets.Shells"/>) so that code naming it does not hide its errors.
/// Which class or network gets code, and where, is decided by <see cref="CodeTargets"/>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GroupNetGenerator : IIncrementalGenerator
{
    public static class TrackingNames
    {
        public const string Classes = nameof(Classes);
        public const string GnetFiles = nameof(GnetFiles);
        public const string GnetCompilation = nameof(GnetCompilation);
        public const string GnetNetworks = nameof(GnetNetworks);
        public const string BoundNetworks = nameof(BoundNetworks);
        public const string ClassNames = nameof(ClassNames);
        public const string RootNamespace = nameof(RootNamespace);
        public const string ClassRequests = nameof(ClassRequests);
        public const string FileRequests = nameof(FileRequests);
        public const string Shells = nameof(Shells);
        public const string WeightFiles = nameof(WeightFiles);
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var classes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeReader.GroupNetAttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, token) => AttributeReader.Read((INamedTypeSymbol)context.TargetSymbol, context.Attributes[0], token))
            .Where(static c => c is not null)
            .Select(static (c, _) => c!)
            .WithTrackingName(TrackingNames.Classes);

        var files = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".gnet", StringComparison.OrdinalIgnoreCase))
            .Select(static (text, token) => new GnetFile(text.Path, text.GetText(token)?.ToString() ?? string.Empty))
            .WithTrackingName(TrackingNames.GnetFiles);

        // All files are compiled together (blocks are shared across files), then split again: one item per network,
        // so an edit to one file re-emits only the networks whose model it changes.
        var compilation = files.Collect()
            .Select(static (files, token) =>
            {
                token.ThrowIfCancellationRequested();
                return GnetCompiler.Compile(files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => new SourceDocument(f.Path, f.Text)));
            })
            .WithTrackingName(TrackingNames.GnetCompilation);

        var networks = compilation
            .SelectMany(static (result, _) => result.Networks)
            .WithTrackingName(TrackingNames.GnetNetworks);

        var boundNetworks = classes
            .Select(static (c, _) => c.BoundNetwork)
            .Collect()
            .Select(static (names, _) => names.Where(n => n is not null).Select(n => n!).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.BoundNetworks);

        // A .gnet network whose class a [GroupNet] class already declares gets no code (GNET0308).
        var classNames = classes
            .Select(static (c, _) => CodeTargets.ClassName(c))
            .Collect()
            .Select(static (names, _) => names.Distinct().OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.ClassNames);

        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => CodeTargets.NamespaceFor(options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) ? ns : null))
            .WithTrackingName(TrackingNames.RootNamespace);

        // Only the names of the weight files and their resources: the headers are the analyzers' to read.
        var weightFiles = context.AdditionalTextsProvider.Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, _) => WeightFiles.Describe(pair.Left, pair.Right.GetOptions(pair.Left)))
            .Where(static file => file is not null)
            .Select(static (file, _) => file!)
            .Collect()
            .Select(static (files, _) => files.OrderBy(f => f.SourcePath, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.WeightFiles);

        var classRequests = classes.Combine(compilation).Combine(weightFiles)
            .Select(static (input, _) => ForClass(input.Left.Left, input.Left.Right, input.Right))
            .Where(static r => r is not null)
            .Select(static (r, _) => r!)
            .WithTrackingName(TrackingNames.ClassRequests);

        var fileRequests = networks.Combine(boundNetworks).Combine(classNames).Combine(rootNamespace).Combine(weightFiles)
            .Select(static (input, _) => ForFile(input.Left.Left.Left.Left, input.Left.Left.Left.Right, input.Left.Left.Right, input.Left.Right, input.Right))
            .Where(static r => r is not null)
            .Select(static (r, _) => r!)
            .WithTrackingName(TrackingNames.FileRequests);

        var shells = compilation.Combine(boundNetworks).Combine(classNames).Combine(rootNamespace)
            .Select(static (input, _) => CodeTargets.Shells(input.Left.Left.Left, input.Left.Left.Right.ToList(), input.Right, input.Left.Right.ToList()))
            .WithTrackingName(TrackingNames.Shells);

        context.RegisterSourceOutput(classRequests, static (context, request) => Emit(context, request));
        context.RegisterSourceOutput(fileRequests, static (context, request) => Emit(context, request));
        context.RegisterSourceOutput(shells, static (context, file) =>
        {
            if (file is not null) context.AddSource(file.HintName, SourceText.From(CSharpEmitter.EmitShells(file), Encoding.UTF8));
        });
    }

    private static void Emit(SourceProductionContext context, EmitRequest request)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        string source = CSharpEmitter.Emit(request.Network, request.Target);
        context.AddSource(request.HintName, SourceText.From(source, Encoding.UTF8));
    }

    /// <summary>A [GroupNet] class: its attribute network, or the .gnet network it binds. Null when it gets no code.</summary>
    private static EmitRequest? ForClass(NetworkClass declaration, CompilationResult files, EquatableArray<WeightFile> weightFiles)
    {
        var check = CodeTargets.ForClass(declaration, files);
        return check is { Target: { } target, Network: { Network: { } network } result }
            ? new EmitRequest(target with { EmbeddedWeights = WeightFiles.EmbeddedResource(result.Weights, weightFiles) }, network, CodeTargets.HintName(declaration.FullName))
            : null;
    }

    /// <summary>A valid .gnet network that no class binds becomes a class of its own in the root namespace.</summary>
    private static EmitRequest? ForFile(NetworkResult network, EquatableArray<string> boundNetworks, EquatableArray<string> classNames, string rootNamespace, EquatableArray<WeightFile> weightFiles) =>
        CodeTargets.ForNetwork(network, boundNetworks.ToList(), rootNamespace, classNames.ToList()) is { } target
            ? new EmitRequest(target with { EmbeddedWeights = WeightFiles.EmbeddedResource(network.Weights, weightFiles) }, network.Network!, CodeTargets.HintName(rootNamespace + "." + network.Name + ".gnet"))
            : null;
}

/// <summary>The path and text of one .gnet additional file.</summary>
public sealed record GnetFile(string Path, string Text);
