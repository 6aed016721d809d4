using System.Collections.Immutable;
using GroupNetDsl.Analyzers.Diagnostics;
using GroupNetDsl.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GroupNetDsl.Analyzers.Analysis;

/// <summary>
/// Reports every GroupNetDsl diagnostic: the network model's own (for .gnet files at their span in the file,
/// for attribute declarations at the attribute or argument that causes them) and the C#-side checks of
/// [GroupNet] classes. The generator reports nothing; this is the one place diagnostics come from.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GroupNetAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => RoslynDescriptors.All;

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static context =>
        {
            // All .gnet files are compiled together, once per compilation: blocks are shared across files,
            // and [GroupNet(Network = ...)] classes look their network up in the same result.
            var files = new GnetFiles(context.Compilation, context.Options, context.CancellationToken);
            context.RegisterAdditionalFileAction(files.Analyze);

            var groupNet = context.Compilation.GetTypeByMetadataName(AttributeReader.GroupNetAttributeName);
            if (groupNet is null) return;
            var classes = new NetworkClassAnalysis(context.Compilation, groupNet, files);
            context.RegisterSymbolAction(classes.Analyze, SymbolKind.NamedType);
        });
    }
}
