using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GroupNetDsl.Analyzers.Analysis;

/// <summary>The members the generator adds to a [GroupNet] class, and how to tell them from the user's.</summary>
internal static class GeneratedMembers
{
    /// <summary>
    /// The member names the generated code declares: for a valid network, every one the emitter writes
    /// (loaders, forward, summary, shape and cost constants, scratch, weight fields, layer methods); while the
    /// network has errors, the ones every emitted class has.
    /// </summary>
    public static ISet<string> For(Network? network) =>
        network is not null ? CSharpEmitter.MemberNames(network) : new HashSet<string>(CSharpEmitter.FixedMemberNames, StringComparer.Ordinal);

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
