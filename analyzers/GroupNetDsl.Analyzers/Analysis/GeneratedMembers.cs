using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GroupNetDsl.Analyzers.Analysis;

/// <summary>How to tell the members the generator adds to a [GroupNet] class (see <c>CodeTargets.ForClass</c>) from the user's.</summary>
internal static class GeneratedMembers
{
    /// <summary>The tool name of the [GeneratedCode] attribute on each part the generator writes.</summary>
    private const string GeneratorToolName = "GroupNetDsl";

    /// <summary>True for a member the user wrote: declared outside every part of the class the generator wrote.</summary>
    public static bool IsDeclaredByUser(ISymbol member, CancellationToken cancellationToken) =>
        !member.IsImplicitlyDeclared
        && member.DeclaringSyntaxReferences.Any(reference =>
            reference.GetSyntax(cancellationToken).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } part
            || !IsGeneratedPart(part));

    private static bool IsGeneratedPart(TypeDeclarationSyntax part) =>
        part.AttributeLists.SelectMany(list => list.Attributes).Any(attribute =>
            IsGeneratedCodeName(attribute.Name.ToString())
            && attribute.ArgumentList?.Arguments.FirstOrDefault()?.Expression is LiteralExpressionSyntax literal
            && literal.Token.ValueText == GeneratorToolName);

    private static bool IsGeneratedCodeName(string name) =>
        name.EndsWith("GeneratedCode", StringComparison.Ordinal) || name.EndsWith("GeneratedCodeAttribute", StringComparison.Ordinal);
}
