using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Rules = GroupNetDsl.Language.Diagnostics.DiagnosticDescriptors;

namespace GroupNetDsl.CodeFixes;

/// <summary>For GNET0301 (a [GroupNet] class that is not partial): add the partial modifier.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    public const string Key = "GNET0301.MakePartial";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rules.ClassNotPartial.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (FindClass(root, diagnostic) is null) continue;
            var span = diagnostic.Location.SourceSpan;
            context.RegisterCodeFix(CodeAction.Create("Make the class partial", token => MakePartialAsync(context.Document, span, token), Key), diagnostic);
        }
    }

    private static ClassDeclarationSyntax? FindClass(SyntaxNode? root, Diagnostic diagnostic) =>
        diagnostic.Location.IsInSource ? FindClass(root, diagnostic.Location.SourceSpan.Start) : null;

    private static ClassDeclarationSyntax? FindClass(SyntaxNode? root, int position) =>
        root?.FindToken(position).Parent?.FirstAncestorOrSelf<ClassDeclarationSyntax>();

    private static async Task<Document> MakePartialAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan span, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var declaration = FindClass(editor.OriginalRoot, span.Start);
        if (declaration is null) return document;
        var generator = editor.Generator;
        editor.ReplaceNode(declaration, generator.WithModifiers(declaration, generator.GetModifiers(declaration).WithPartial(true)));
        return editor.GetChangedDocument();
    }
}
