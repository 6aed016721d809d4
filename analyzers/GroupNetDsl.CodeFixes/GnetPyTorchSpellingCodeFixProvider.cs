using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using GroupNetDsl.Language.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Rules = GroupNetDsl.Language.Diagnostics.DiagnosticDescriptors;

namespace GroupNetDsl.CodeFixes;

/// <summary>
/// GNET0112's fix in a .gnet file: a PyTorch spelling written as .gnet (<see cref="FixTargets.PyTorchSpellingEdit"/>),
/// one name at a time or the whole file with Fix All, so a module pasted from Python needs only its arguments checked.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GnetPyTorchSpellingCodeFixProvider), DocumentKinds = new[] { nameof(TextDocumentKind.AdditionalDocument) }, DocumentExtensions = new[] { ".gnet" }), Shared]
public sealed class GnetPyTorchSpellingCodeFixProvider : CodeFixProvider
{
    /// <summary>The Fix All key: every GNET0112 fix is the same kind of edit.</summary>
    public const string Key = "GNET0112.WriteAsGnet";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rules.PyTorchSpelling.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.TextDocument;
        if (document.Project.GetAdditionalDocument(document.Id) is null) return;
        var text = await document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics.Where(d => d.Id == Rules.PyTorchSpelling.Id))
        {
            var span = diagnostic.Location.SourceSpan;
            if (span.End > text.Length || FixTargets.PyTorchSpellingEdit(text.ToString(), span.Start, span.Length) is not { } edit) continue;
            context.RegisterCodeFix(
                CodeAction.Create(
                    Title(edit.Prefix),
                    _ => Task.FromResult(document.Project.Solution.WithAdditionalDocumentText(document.Id, text.WithChanges(new TextChange(new TextSpan(edit.Start, edit.Length), edit.Prefix)))),
                    Key),
                diagnostic);
        }
    }

    /// <summary>"Write 'conv'", "Write 'cat(...)'" or "Write as a list": the replacement's name, not its arguments.</summary>
    public static string Title(string replacement)
    {
        if (replacement.StartsWith("[", System.StringComparison.Ordinal)) return "Write as a list";
        int call = replacement.IndexOf('(');
        return call < 0 ? $"Write '{replacement}'" : $"Write '{replacement.Substring(0, call)}(...)'";
    }
}
