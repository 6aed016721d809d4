using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GroupNetDsl.Language.Attributes;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Language.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GroupNetDsl.Generator;

/// <summary>
/// Reads a class's [GroupNet] and layer attributes into a <see cref="NetworkClass"/>. Shared (as a linked
/// file) by the generator and the analyzers so that both read attributes the same way.
/// </summary>
public static class AttributeReader
{
    public const string GroupNetAttributeName = "GroupNetDsl.GroupNetAttribute";
    private const string LayerAttributeBase = "GroupNetDsl.LayerAttribute";

    public static NetworkClass? Read(INamedTypeSymbol type, AttributeData groupNet, CancellationToken cancellationToken)
    {
        if (type.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not ClassDeclarationSyntax syntax) return null;

        string? input = null, bound = null, weights = null;
        foreach (var argument in groupNet.NamedArguments)
        {
            if (argument.Key == "Input") input = argument.Value.Value as string;
            if (argument.Key == "Network") bound = argument.Value.Value as string;
            if (argument.Key == "Weights") weights = argument.Value.Value as string;
        }

        // Layer attributes in source order (across partial declarations: by file, then position).
        var layers = new List<AttributeLayer>();
        var attributes = type.GetAttributes()
            .Where(a => a.AttributeClass is { } c && InheritsFrom(c, LayerAttributeBase) && a.ApplicationSyntaxReference is not null)
            .OrderBy(a => a.ApplicationSyntaxReference!.SyntaxTree.FilePath, System.StringComparer.Ordinal)
            .ThenBy(a => a.ApplicationSyntaxReference!.Span.Start);
        foreach (var attribute in attributes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attribute.ApplicationSyntaxReference!.GetSyntax(cancellationToken) is not AttributeSyntax attributeSyntax) continue;
            string name = attribute.AttributeClass!.Name;
            if (name.EndsWith("Attribute", System.StringComparison.Ordinal)) name = name.Substring(0, name.Length - "Attribute".Length);

            var arguments = new List<AttributeArgument>();
            var syntaxArguments = attributeSyntax.ArgumentList?.Arguments ?? default;
            var positional = syntaxArguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
            for (int i = 0; i < attribute.ConstructorArguments.Length; i++)
            {
                var location = i < positional.Count ? Locate(positional[i].GetLocation()) : Locate(attributeSyntax.GetLocation());
                if (ToValue(attribute.ConstructorArguments[i]) is { } value) arguments.Add(new AttributeArgument(null, value, location));
            }
            foreach (var named in attribute.NamedArguments)
            {
                var argumentSyntax = syntaxArguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == named.Key);
                var location = argumentSyntax is not null ? Locate(argumentSyntax.GetLocation()) : Locate(attributeSyntax.GetLocation());
                if (ToValue(named.Value) is { } value) arguments.Add(new AttributeArgument(named.Key, value, location));
            }
            layers.Add(new AttributeLayer(name, arguments.ToEquatableArray(), Locate(attributeSyntax.GetLocation())));
        }

        var classLocation = Locate(syntax.Identifier.GetLocation());
        AttributeNetwork? network = layers.Count > 0 || bound is null
            ? new AttributeNetwork(type.Name, input, GroupNetLocation(groupNet, classLocation, cancellationToken), layers.ToEquatableArray())
            {
                Weights = weights is null ? null : new AttributeArgument("Weights", AttributeValue.Of(weights), WeightsLocation(groupNet, classLocation, cancellationToken)),
            }
            : null;

        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        bool isPartial = type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword));
        var members = type.GetMembers().Where(m => !m.IsImplicitlyDeclared).Select(m => m.Name).Distinct().OrderBy(m => m, System.StringComparer.Ordinal).ToEquatableArray();
        return new NetworkClass(ns, type.Name, type.ToDisplayString(), isPartial, type.ContainingType is not null, type.IsGenericType, type.IsStatic, bound, network, classLocation, members);
    }

    private static SourceLocation GroupNetLocation(AttributeData groupNet, SourceLocation fallback, CancellationToken cancellationToken) =>
        groupNet.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is { } syntax ? Locate(syntax.GetLocation()) : fallback;

    /// <summary>Where <c>Weights = "..."</c> is written: the argument, or the class when it cannot be found.</summary>
    private static SourceLocation WeightsLocation(AttributeData groupNet, SourceLocation fallback, CancellationToken cancellationToken) =>
        (groupNet.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Weights") is { } argument ? Locate(argument.GetLocation()) : fallback;

    private static bool InheritsFrom(INamedTypeSymbol type, string baseName)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == baseName) return true;
        }
        return false;
    }

    private static AttributeValue? ToValue(TypedConstant constant)
    {
        if (constant.Kind == TypedConstantKind.Error || constant.Kind == TypedConstantKind.Array) return null;
        return constant.Value switch
        {
            int i => AttributeValue.Of(i),
            long l => AttributeValue.Of(l),
            double d => AttributeValue.Of(d),
            float f => AttributeValue.Of(f),
            bool b => AttributeValue.Of(b),
            string s => AttributeValue.Of(s),
            _ => null,
        };
    }

    public static SourceLocation Locate(Location location)
    {
        var span = location.GetLineSpan();
        return new SourceLocation(
            span.Path ?? string.Empty,
            location.SourceSpan.Start,
            location.SourceSpan.Length,
            span.StartLinePosition.Line + 1,
            span.StartLinePosition.Character + 1,
            span.EndLinePosition.Line + 1,
            span.EndLinePosition.Character + 1);
    }
}
