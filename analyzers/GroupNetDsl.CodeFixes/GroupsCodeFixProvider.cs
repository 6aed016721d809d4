using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Rules = GroupNetDsl.Language.Diagnostics.DiagnosticDescriptors;

namespace GroupNetDsl.CodeFixes;

/// <summary>
/// For a groups divisibility error (GNET0201, GNET0202) on a layer attribute: "Use groups: D" for the valid
/// values nearest the current one (the divisors of gcd(in_channels, out_channels)), and "Make it depthwise"
/// when in_channels == out_channels. The diagnostic sits on the <c>Groups = N</c> argument (Conv2d) or on the
/// whole attribute (a block such as GroupedBottleneck, whose grouped conv is inside); either way the fix
/// sets the attribute's Groups property, adding it when the attribute relies on the default.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GroupsCodeFixProvider)), Shared]
public sealed class GroupsCodeFixProvider : CodeFixProvider
{
    private const string GroupsName = "Groups";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(Rules.InChannelsNotDivisible.Id, Rules.OutChannelsNotDivisible.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = GroupsFixes.Fixable(context.Diagnostics);
        if (diagnostic is null || !diagnostic.Location.IsInSource) return;

        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || FindTarget(root, diagnostic.Location.SourceSpan) is not { } target) return;
        if (target is AttributeSyntax attribute && !await HasGroupsPropertyAsync(context.Document, attribute, context.CancellationToken).ConfigureAwait(false)) return;

        var span = diagnostic.Location.SourceSpan;
        foreach (var fix in GroupsFixes.For(diagnostic))
        {
            context.RegisterCodeFix(
                CodeAction.Create(fix.Title, token => SetGroupsAsync(context.Document, span, fix.Groups, token), fix.Key),
                context.Diagnostics);
        }
    }

    /// <summary>The <c>Groups = N</c> argument, or the attribute when the diagnostic covers a whole attribute.</summary>
    private static SyntaxNode? FindTarget(SyntaxNode root, TextSpan span)
    {
        var node = root.FindNode(span);
        if (node is AttributeArgumentSyntax { NameEquals.Name.Identifier.ValueText: GroupsName } argument) return argument;
        return node is AttributeSyntax attribute && attribute.Span == span ? attribute : null;
    }

    private static async Task<bool> HasGroupsPropertyAsync(Document document, AttributeSyntax attribute, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var type = (model?.GetSymbolInfo(attribute, cancellationToken).Symbol as IMethodSymbol)?.ContainingType;
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers(GroupsName).OfType<IPropertySymbol>().Any(p => p.SetMethod is not null && p.Type.SpecialType == SpecialType.System_Int32)) return true;
        }
        return false;
    }

    private static async Task<Document> SetGroupsAsync(Document document, TextSpan span, int groups, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || FindTarget(root, span) is not { } target) return document;
        var value = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(groups));

        if (target is AttributeArgumentSyntax argument) return document.WithSyntaxRoot(root.ReplaceNode(argument.Expression, value.WithTriviaFrom(argument.Expression)));
        var attribute = (AttributeSyntax)target;
        var existing = attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == GroupsName);
        if (existing is not null) return document.WithSyntaxRoot(root.ReplaceNode(existing.Expression, value.WithTriviaFrom(existing.Expression)));

        // The attribute relies on the default groups: append Groups = D after its other arguments.
        var added = SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName(GroupsName).WithTrailingTrivia(SyntaxFactory.Space), SyntaxFactory.Token(SyntaxKind.EqualsToken).WithTrailingTrivia(SyntaxFactory.Space)),
            nameColon: null,
            value);
        var list = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
        var items = list.Arguments.GetWithSeparators();
        if (list.Arguments.Count > 0) items = items.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
        items = items.Add(added);
        var updated = attribute.WithArgumentList(list.WithArguments(SyntaxFactory.SeparatedList<AttributeArgumentSyntax>(items)));
        return document.WithSyntaxRoot(root.ReplaceNode(attribute, updated));
    }
}
