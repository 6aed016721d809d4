using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace GroupNetDsl.Generator;

/// <summary>A network ready to emit: where the code goes and the validated model.</summary>
public sealed record EmitRequest(EmitTarget Target, Network Network, string HintName);

/// <summary>
/// Emits inference code for every network of the project: classes marked [GroupNet] (attribute form, or
/// bound by name to a .gnet network) and every .gnet network not bound to a class. It reports nothing:
/// the analyzers report every diagnostic; a network with errors simply gets no code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GroupNetGenerator : IIncrementalGenerator
{
    public static class TrackingNames
    {
        public const string Classes = nameof(Classes);
        public const string GnetFiles = nameof(GnetFiles);
        public const string GnetCompilation = nameof(GnetCompilation);
        public const string RootNamespace = nameof(RootNamespace);
        public const string ClassRequests = nameof(ClassRequests);
        public const string FileRequests = nameof(FileRequests);
    }

    public const string DefaultNamespace = "GroupNetDsl.Networks";

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

        var compilation = files.Collect()
            .Select(static (files, token) =>
            {
                token.ThrowIfCancellationRequested();
                return GnetCompiler.Compile(files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => new SourceDocument(f.Path, f.Text)));
            })
            .WithTrackingName(TrackingNames.GnetCompilation);

        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) && IsNamespace(ns) ? EscapeKeywords(ns!) : DefaultNamespace)
            .WithTrackingName(TrackingNames.RootNamespace);

        var classRequests = classes.Combine(compilation)
            .Select(static (pair, token) => ForClass(pair.Left, pair.Right))
            .Where(static r => r is not null)
            .Select(static (r, _) => r!)
            .WithTrackingName(TrackingNames.ClassRequests);

        var fileRequests = compilation.Combine(classes.Collect()).Combine(rootNamespace)
            .Select(static (input, _) => ForFiles(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.FileRequests);

        context.RegisterSourceOutput(classRequests, static (context, request) => Emit(context, request));
        context.RegisterSourceOutput(fileRequests, static (context, requests) =>
        {
            foreach (var request in requests) Emit(context, request);
        });
    }

    private static void Emit(SourceProductionContext context, EmitRequest request)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        string source = CSharpEmitter.Emit(request.Network, request.Target);
        context.AddSource(request.HintName, SourceText.From(source, Encoding.UTF8));
    }

    /// <summary>A [GroupNet] class: its attribute network, or the .gnet network it binds. Null when there is nothing valid to emit.</summary>
    private static EmitRequest? ForClass(NetworkClass declaration, CompilationResult files)
    {
        if (!declaration.IsPartial || declaration.IsNested || declaration.IsGeneric || declaration.IsStatic) return null;
        NetworkResult? result = declaration.BoundNetwork is { } name
            ? (declaration.Attributes is { Layers.Count: > 0 } ? null : files.Find(name))
            : declaration.Attributes is { } attributes ? GnetCompiler.CompileAttributes(attributes) : null;
        if (result?.Network is not { } network || result.HasErrors) return null;
        // A name the generated code needs is taken (GNET0305, reported by the analyzers): emitting would only add C# errors.
        var generated = CSharpEmitter.MemberNames(network);
        if (generated.Contains(declaration.ClassName) || declaration.MemberNames.Any(generated.Contains)) return null;
        var target = new EmitTarget(declaration.Namespace, declaration.ClassName, Standalone: false);
        return new EmitRequest(target, network, HintName(declaration.FullName));
    }

    /// <summary>Every valid .gnet network that no class binds becomes a class of its own in the root namespace.</summary>
    private static EquatableArray<EmitRequest> ForFiles(CompilationResult files, ImmutableArray<NetworkClass> classes, string rootNamespace)
    {
        var bound = new HashSet<string>(classes.Where(c => c.BoundNetwork is not null).Select(c => c.BoundNetwork!), StringComparer.Ordinal);
        return files.Networks
            .Where(n => n.Network is not null && !n.HasErrors && !bound.Contains(n.Name) && !CSharpEmitter.MemberNames(n.Network).Contains(n.Name))
            .Select(n => new EmitRequest(new EmitTarget(rootNamespace, n.Name, Standalone: true), n.Network!, HintName(rootNamespace + "." + n.Name + ".gnet")))
            .ToEquatableArray();
    }

    private static string HintName(string fullName)
    {
        var builder = new StringBuilder();
        // '@' only escapes a keyword ("Ns.@class" is the class "class"): drop it, so that it cannot collide with "Ns._class".
        foreach (char c in fullName)
        {
            if (c != '@') builder.Append(char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_');
        }
        return builder.Append(".g.cs").ToString();
    }

    /// <summary>"My.class" is a valid RootNamespace for MSBuild; in C# it must be written "My.@class".</summary>
    private static string EscapeKeywords(string ns) =>
        string.Join(".", ns.Split('.').Select(part => SyntaxFacts.GetKeywordKind(part) != SyntaxKind.None ? "@" + part : part));

    private static bool IsNamespace(string? text) =>
        !string.IsNullOrEmpty(text) && text!.Split('.').All(part => part.Length > 0 && (char.IsLetter(part[0]) || part[0] == '_') && part.All(c => char.IsLetterOrDigit(c) || c == '_'));
}

/// <summary>The path and text of one .gnet additional file.</summary>
public sealed record GnetFile(string Path, string Text);
