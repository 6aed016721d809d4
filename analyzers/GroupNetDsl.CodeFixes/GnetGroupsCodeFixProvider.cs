using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading.Tasks;
using GroupNetDsl.Language.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Rules = GroupNetDsl.Language.Diagnostics.DiagnosticDescriptors;

namespace GroupNetDsl.CodeFixes;

/// <summary>
/// The groups fixes of <see cref="GroupsCodeFixProvider"/> (same values, titles and Fix All keys, from
/// <see cref="GroupsFixes"/>) for a network in a .gnet file: the analyzer reports on the additional document, and
/// Roslyn hands such diagnostics to providers exported for <see cref="TextDocumentKind.AdditionalDocument"/>.
/// The fix rewrites the groups literal the diagnostic points at, or sets the groups argument of the
/// standard-library block call it covers (adding it when the call relies on the default), as the attribute form
/// sets a block attribute's Groups; a value that comes from a block parameter gets no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GnetGroupsCodeFixProvider), DocumentKinds = new[] { nameof(TextDocumentKind.AdditionalDocument) }, DocumentExtensions = new[] { ".gnet" }), Shared]
public sealed class GnetGroupsCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(Rules.InChannelsNotDivisible.Id, Rules.OutChannelsNotDivisible.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = GroupsFixes.Fixable(context.Diagnostics);
        var document = context.TextDocument;
        if (diagnostic is null || document.Project.GetAdditionalDocument(document.Id) is null) return;

        var text = await document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        var span = diagnostic.Location.SourceSpan;
        if (span.End > text.Length || FixTargets.GroupsEdit(text.ToString(), span.Start, span.Length) is not { } edit) return;

        var target = new TextSpan(edit.Start, edit.Length);
        foreach (var fix in GroupsFixes.For(diagnostic))
        {
            context.RegisterCodeFix(
                CodeAction.Create(
                    fix.Title,
                    _ => Task.FromResult(document.Project.Solution.WithAdditionalDocumentText(
                        document.Id, text.WithChanges(new TextChange(target, edit.Prefix + fix.Groups.ToString(CultureInfo.InvariantCulture))))),
                    fix.Key),
                context.Diagnostics);
        }
    }
}
