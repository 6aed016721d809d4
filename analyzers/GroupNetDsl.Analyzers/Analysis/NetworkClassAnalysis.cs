using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GroupNetDsl.Analyzers.Diagnostics;
using GroupNetDsl.Generator;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Language.Text;
using GroupNetDsl.Language.Weights;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Rules = GroupNetDsl.Language.Diagnostics.DiagnosticDescriptors;

namespace GroupNetDsl.Analyzers.Analysis;

/// <summary>
/// Checks one [GroupNet] class: reads it with the generator's <see cref="AttributeReader"/>, asks
/// <see cref="CodeTargets.ForClass"/> (the generator's own check) what keeps it from getting code, and reports
/// each reason as its GNET03xx rule, plus the network model's diagnostics at the attribute or argument that
/// causes each.
/// </summary>
internal sealed class NetworkClassAnalysis
{
    private const string NetworkProperty = "Network";
    private const string WeightsProperty = "Weights";

    private readonly INamedTypeSymbol _groupNetAttribute;
    private readonly INamedTypeSymbol? _layerAttribute;
    private readonly GnetFiles _files;
    private readonly Lazy<Dictionary<string, SyntaxTree>> _treesByPath;

    public NetworkClassAnalysis(Compilation compilation, INamedTypeSymbol groupNetAttribute, GnetFiles files)
    {
        _groupNetAttribute = groupNetAttribute;
        _layerAttribute = compilation.GetTypeByMetadataName("GroupNetDsl.LayerAttribute");
        _files = files;
        _treesByPath = new Lazy<Dictionary<string, SyntaxTree>>(() =>
        {
            var trees = new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (!trees.ContainsKey(tree.FilePath)) trees.Add(tree.FilePath, tree);
            }
            return trees;
        });
    }

    public void Analyze(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class) return;
        var groupNet = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _groupNetAttribute));
        if (groupNet is null) return;
        var token = context.CancellationToken;

        if (type.IsRecord)
        {
            // The generator reads class declarations only; say why a record gets no code.
            Report(context, Rules.UnsupportedClass, type.Locations.FirstOrDefault(), type.Name, "a record");
            return;
        }

        var declaration = AttributeReader.Read(type, groupNet, token);
        if (declaration is null) return;
        var classLocation = Place(declaration.Location) ?? type.Locations.FirstOrDefault() ?? Location.None;

        bool argumentsComplete = ReportArgumentErrors(context, type, groupNet);
        var check = CodeTargets.ForClass(declaration, _files.Result, argumentsComplete);

        if (check.Problems.Contains(ClassProblem.NotPartial)) Report(context, Rules.ClassNotPartial, classLocation, declaration.ClassName);
        if (Unsupported(type, check.Problems) is { } what) Report(context, Rules.UnsupportedClass, classLocation, declaration.ClassName, what);

        Location NetworkArgument() => NamedArgumentLocation(groupNet, NetworkProperty, token) ?? classLocation;
        if (check.Problems.Contains(ClassProblem.MixedForms)) Report(context, Rules.MixedForms, NetworkArgument(), declaration.ClassName, declaration.BoundNetwork!);
        if (check.Problems.Contains(ClassProblem.NetworkNotFound)) Report(context, Rules.NetworkNotFound, NetworkArgument(), declaration.BoundNetwork!, DeclaredNetworks(declaration.BoundNetwork!));

        // A bound network's own diagnostics are reported in its .gnet file; an attribute network's, here.
        if (declaration.BoundNetwork is null && check.Network is { } network)
        {
            foreach (var diagnostic in network.Diagnostics)
            {
                context.ReportDiagnostic(ModelDiagnostics.ToRoslyn(diagnostic, Place(diagnostic.Location) ?? classLocation));
            }
            if (network is { HasErrors: false, Network: { } model, Weights: { } weights })
            {
                foreach (var diagnostic in DeclaredWeightsCheck.Run(model, weights, _files.HeaderFor(weights)))
                {
                    context.ReportDiagnostic(ModelDiagnostics.ToRoslyn(diagnostic, Place(diagnostic.Location) ?? classLocation));
                }
            }
        }
        if (declaration.BoundNetwork is { } boundName && NamedArgumentLocation(groupNet, WeightsProperty, token) is { } weightsArgument)
        {
            string path = groupNet.NamedArguments.FirstOrDefault(a => a.Key == WeightsProperty).Value.Value as string ?? string.Empty;
            Report(context, Rules.WeightsOnBoundClass, weightsArgument, declaration.ClassName, boundName, path);
        }

        ReportCollisions(context, type, declaration, check.Collisions, classLocation);
        ReportNetworkClash(context, declaration, classLocation);
    }

    /// <summary>
    /// GNET0308 at the class too when a .gnet network of its full name gets no code because of it (the network's own
    /// report is in its file): the user may fix either declaration.
    /// </summary>
    private void ReportNetworkClash(SymbolAnalysisContext context, NetworkClass declaration, Location classLocation)
    {
        if (_files.Result.Find(declaration.ClassName) is null) return;
        string className = CodeTargets.ClassName(declaration);
        foreach (var problem in _files.TargetProblems)
        {
            if (problem.Descriptor != Rules.NetworkClassClash || problem.Arguments[0] != declaration.ClassName || problem.Arguments[1].Replace("@", string.Empty) != className) continue;
            context.ReportDiagnostic(ModelDiagnostics.ToRoslyn(problem, classLocation));
        }
    }

    /// <summary>What makes the class unsupported (nested, generic, static), or null: the second argument of GNET0302.</summary>
    private static string? Unsupported(INamedTypeSymbol type, EquatableArray<ClassProblem> problems)
    {
        var reasons = new List<string>();
        if (problems.Contains(ClassProblem.Nested)) reasons.Add($"nested in '{type.ContainingType.Name}'");
        if (problems.Contains(ClassProblem.Generic)) reasons.Add("generic");
        if (problems.Contains(ClassProblem.Static)) reasons.Add("static");
        return reasons.Count switch
        {
            0 => null,
            1 => reasons[0],
            _ => string.Join(", ", reasons.Take(reasons.Count - 1)) + " and " + reasons[reasons.Count - 1],
        };
    }

    /// <summary>
    /// GNET0305 at the class when its own name is one the generated code needs (a member may not be named like its
    /// class, CS0542; the generator then writes nothing), and at each such member the user declared (in the
    /// analyzers' compilation the generated members are there too: they are not the user's).
    /// </summary>
    private static void ReportCollisions(SymbolAnalysisContext context, INamedTypeSymbol type, NetworkClass declaration, EquatableArray<string> collisions, Location classLocation)
    {
        foreach (string name in collisions)
        {
            if (name == declaration.ClassName)
            {
                Report(context, Rules.MemberCollision, classLocation, declaration.ClassName, declaration.ClassName);
                continue;
            }
            var member = type.GetMembers(name).FirstOrDefault(m => GeneratedMembers.IsDeclaredByUser(m, context.CancellationToken));
            if (member is null) continue;
            Report(context, Rules.MemberCollision, member.Locations.FirstOrDefault(l => l.IsInSource), declaration.ClassName, name);
        }
    }

    /// <summary>
    /// GNET0303 at each argument of [GroupNet] or a layer attribute that C# could not evaluate to a constant
    /// (C# reports CS0182 too; the attribute reader would silently drop the value). Returns false when some
    /// argument is missing or broken, so the network is not checked from incomplete attributes.
    /// </summary>
    private bool ReportArgumentErrors(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData groupNet)
    {
        bool complete = true;
        foreach (var attribute in type.GetAttributes())
        {
            if (!ReferenceEquals(attribute, groupNet) && !IsLayerAttribute(attribute.AttributeClass)) continue;
            if (attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax syntax) continue;
            if (attribute.AttributeConstructor is null)
            {
                complete = false; // No constructor matches: C# reports it (CS1503, CS7036).
                continue;
            }
            var arguments = syntax.ArgumentList?.Arguments ?? default;
            var positional = arguments.Where(a => a.NameEquals is null).ToList();
            var parameters = attribute.AttributeConstructor.Parameters;
            for (int i = 0; i < attribute.ConstructorArguments.Length; i++)
            {
                if (attribute.ConstructorArguments[i].Kind != TypedConstantKind.Error) continue;
                complete = false;
                var argument = FindPositional(positional, parameters, i);
                Report(context, Rules.NonConstantArgument, argument?.GetLocation() ?? syntax.GetLocation(), i < parameters.Length ? parameters[i].Name : "argument " + (i + 1));
            }
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Value.Kind != TypedConstantKind.Error) continue;
                complete = false;
                var argument = arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == named.Key);
                Report(context, Rules.NonConstantArgument, argument?.GetLocation() ?? syntax.GetLocation(), named.Key);
            }
        }
        return complete;
    }

    /// <summary>The syntax of constructor argument <paramref name="index"/>, by name (x: 1) or by position.</summary>
    private static AttributeArgumentSyntax? FindPositional(List<AttributeArgumentSyntax> positional, IReadOnlyList<IParameterSymbol> parameters, int index)
    {
        if (index < parameters.Count)
        {
            var byName = positional.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameters[index].Name);
            if (byName is not null) return byName;
        }
        return index < positional.Count && positional[index].NameColon is null ? positional[index] : null;
    }

    private bool IsLayerAttribute(INamedTypeSymbol? type)
    {
        for (var current = type?.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, _layerAttribute)) return true;
        }
        return false;
    }

    /// <summary>
    /// The second argument of GNET0304: the networks the .gnet files do declare, and, when the name is a standard
    /// library block (every model zoo network is one), how to declare a network with it.
    /// </summary>
    private string DeclaredNetworks(string bound)
    {
        var names = _files.Result.Networks.Select(n => n.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        string declared = names.Count == 0 ? "they declare none" : "they declare " + string.Join(", ", names);
        bool isBlock = StandardLibrary.Blocks.Concat(StandardLibrary.ZooBlocks).Any(b => b.Name == bound);
        return isBlock
            ? $" ({declared}; '{bound}' is a block of the standard library, not a network: declare a network with it in a .gnet file, such as `network Net(input: CxHxW) = {bound}(...)`, and bind that network's name)"
            : $" ({declared})";
    }

    private static Location? NamedArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken) =>
        (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation();

    /// <summary>The Roslyn location of a model location: the same span in the compilation's tree of that path.</summary>
    private Location? Place(SourceLocation location)
    {
        if (!_treesByPath.Value.TryGetValue(location.FilePath, out var tree)) return null;
        int length = tree.Length;
        int start = Math.Min(Math.Max(location.Start, 0), length);
        return Location.Create(tree, new TextSpan(start, Math.Min(Math.Max(location.Length, 0), length - start)));
    }

    private static void Report(SymbolAnalysisContext context, Language.Diagnostics.DiagnosticDescriptor rule, Location? location, params object[] arguments) =>
        context.ReportDiagnostic(Diagnostic.Create(RoslynDescriptors.For(rule), location ?? Location.None, Language.Diagnostics.MessageArguments.Format(arguments)));
}
