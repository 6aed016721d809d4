using System.Collections.Immutable;
using System.Text;
using GroupNetDsl.Analyzers.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GroupNetDsl.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs a code fix on a diagnostic in a .gnet additional document, as the IDE does: the analyzer's diagnostics
/// of the project, a <see cref="CodeFixContext"/> over the additional <see cref="TextDocument"/>, and the text of
/// the document in the solution the chosen action produces. The testing framework (Microsoft.CodeAnalysis.Testing
/// 1.1.4) cannot do this: it hands a provider only the diagnostics whose location has a syntax tree.
/// </summary>
internal static class GnetCodeFixRunner
{
    public const string FilePath = "/0/Networks.gnet";

    public sealed record Fix(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<CodeAction> Actions, TextDocument Document);

    /// <summary>The analyzer's diagnostics in the file, and the actions the provider offers for the first one with id <paramref name="id"/>.</summary>
    public static async Task<Fix> OfferAsync(CodeFixProvider provider, string gnet, string id)
    {
        var document = CreateDocument(gnet);
        var diagnostics = await DiagnosticsAsync(document.Project);
        var actions = ImmutableArray.CreateBuilder<CodeAction>();
        var first = diagnostics.FirstOrDefault(d => d.Id == id);
        if (first is not null)
        {
            await provider.RegisterCodeFixesAsync(new CodeFixContext(document, first, (action, _) => actions.Add(action), CancellationToken.None));
        }
        return new Fix(diagnostics, actions.ToImmutable(), document);
    }

    /// <summary>The file's text after <paramref name="action"/>.</summary>
    public static async Task<string> ApplyAsync(TextDocument document, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var text = await changed.GetAdditionalDocument(document.Id)!.GetTextAsync();
        return text.ToString();
    }

    /// <summary>The analyzer's diagnostics located in the .gnet file, in span order.</summary>
    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project)
    {
        var compilation = await project.GetCompilationAsync();
        var diagnostics = await compilation!.WithAnalyzers([new GroupNetAnalyzer()], project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
        return diagnostics
            .Where(d => d.Location.GetLineSpan().Path == FilePath)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
    }

    public static TextDocument CreateDocument(string gnet)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "Test", "Test", LanguageNames.CSharp,
            metadataReferences: TestReferences.All));
        project = project.AddDocument("Empty.cs", string.Empty).Project;
        return project.AddAdditionalDocument("Networks.gnet", SourceText.From(gnet, Encoding.UTF8), filePath: FilePath);
    }
}
