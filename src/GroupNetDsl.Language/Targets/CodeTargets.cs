using System;
using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Targets;

/// <summary>Why a [GroupNet] class gets no code, apart from its network's own errors. The analyzers turn each into its GNET03xx rule.</summary>
public enum ClassProblem
{
    /// <summary>GNET0301: the generator can only add a part to a partial class.</summary>
    NotPartial,

    /// <summary>GNET0302: nested in another type.</summary>
    Nested,

    /// <summary>GNET0302: generic.</summary>
    Generic,

    /// <summary>GNET0302: static (a network has instance state).</summary>
    Static,

    /// <summary>GNET0306: layer attributes and <c>Network = "..."</c> on one class.</summary>
    MixedForms,

    /// <summary>GNET0304: <c>Network = "..."</c> names no network of the project's .gnet files.</summary>
    NetworkNotFound,
}

/// <summary>
/// The outcome of <see cref="CodeTargets.ForClass"/>: the class's network (compiled from its attributes, or the .gnet
/// network it binds), what stops it from getting code, and the generated member names it already uses.
/// </summary>
/// <param name="Network">The network the class declares or binds; null when it has none (mixed forms, not found, unread attributes).</param>
/// <param name="Problems">The C#-side problems, in the order the analyzers report them.</param>
/// <param name="Collisions">
/// Names the generated code needs that the class already uses (GNET0305): its own name first (a member may not be
/// named like its class, CS0542), then its members'. Checked against every generated name when the network is
/// valid, else against the names every generated class has.
/// </param>
/// <param name="Target">Where the code goes, when the class gets code.</param>
public sealed record ClassCheck(NetworkResult? Network, EquatableArray<ClassProblem> Problems, EquatableArray<string> Collisions, EmitTarget? Target);

/// <summary>
/// The one place that decides which classes and networks get code, in which namespace, and under which name; the
/// generator, the analyzers and <c>gnet emit</c> all ask here.
/// </summary>
public static class CodeTargets
{
    /// <summary>The namespace of .gnet networks' classes in a project without a RootNamespace.</summary>
    public const string DefaultNamespace = "GroupNetDsl.Networks";

    /// <summary>
    /// Checks a [GroupNet] class against <paramref name="files"/> (the project's .gnet networks, for a bound network).
    /// <paramref name="attributesComplete"/> is false when some attribute argument could not be read (C# reports it):
    /// the attribute network is then not compiled, so no diagnostic comes from incomplete attributes.
    /// </summary>
    public static ClassCheck ForClass(NetworkClass declaration, CompilationResult files, bool attributesComplete = true)
    {
        var problems = new List<ClassProblem>();
        if (!declaration.IsPartial) problems.Add(ClassProblem.NotPartial);
        if (declaration.IsNested) problems.Add(ClassProblem.Nested);
        if (declaration.IsGeneric) problems.Add(ClassProblem.Generic);
        if (declaration.IsStatic) problems.Add(ClassProblem.Static);

        NetworkResult? network = null;
        if (declaration.BoundNetwork is { } bound)
        {
            if (declaration.Attributes is { Layers.Count: > 0 }) problems.Add(ClassProblem.MixedForms);
            else if ((network = files.Find(bound)) is null) problems.Add(ClassProblem.NetworkNotFound);
        }
        else if (declaration.Attributes is { } attributes && attributesComplete)
        {
            network = GnetCompiler.CompileAttributes(attributes);
        }

        var valid = network is { HasErrors: false, Network: { } model } ? model : null;
        var generated = valid is not null ? CSharpEmitter.MemberNames(valid) : new HashSet<string>(CSharpEmitter.FixedMemberNames, StringComparer.Ordinal);
        var collisions = new List<string>();
        if (generated.Contains(declaration.ClassName)) collisions.Add(declaration.ClassName);
        collisions.AddRange(declaration.MemberNames.Where(generated.Contains));

        var target = problems.Count == 0 && collisions.Count == 0 && valid is not null
            ? new EmitTarget(declaration.Namespace is { } ns ? Escape(ns) : null, declaration.ClassName, Standalone: false)
            : null;
        return new ClassCheck(network, problems.ToEquatableArray(), collisions.ToEquatableArray(), target);
    }

    /// <summary>
    /// The class a .gnet network becomes (standalone, in <paramref name="ns"/>), or null: when a [GroupNet] class binds it
    /// (that class gets the code), when it has errors, or when it is named like a member of its own class.
    /// </summary>
    public static EmitTarget? ForNetwork(NetworkResult network, ICollection<string> boundNames, string ns) =>
        network.Network is { } model && !network.HasErrors && !boundNames.Contains(network.Name) && !IsNamedLikeItsMember(model)
            ? new EmitTarget(ns, model.Name, Standalone: true)
            : null;

    /// <summary>True when the network is named like a member of the class emitted for it, which C# does not allow (CS0542).</summary>
    public static bool IsNamedLikeItsMember(Network network) => CSharpEmitter.MemberNames(network).Contains(network.Name);

    /// <summary>
    /// The C# namespace for a dotted name such as a project's RootNamespace: keywords get '@' ("My.class" is a valid
    /// RootNamespace for MSBuild; C# needs "My.@class"). False when some part is empty or not an identifier.
    /// </summary>
    public static bool TryNamespace(string? text, out string ns)
    {
        ns = string.Empty;
        if (string.IsNullOrEmpty(text)) return false;
        var parts = text!.Split('.');
        if (parts.Any(part => part.Length == 0 || CSharpEmitter.Identifier(part) is var identifier && identifier != part && identifier != "@" + part)) return false;
        ns = string.Join(".", parts.Select(CSharpEmitter.Identifier));
        return true;
    }

    /// <summary>The namespace of .gnet networks' classes: the project's RootNamespace, or <see cref="DefaultNamespace"/> when it has none usable.</summary>
    public static string NamespaceFor(string? rootNamespace) => TryNamespace(rootNamespace, out var ns) ? ns : DefaultNamespace;

    /// <summary>A namespace as Roslyn displays it, with keyword parts escaped the same way (parts already escaped are kept).</summary>
    private static string Escape(string ns) => string.Join(".", ns.Split('.').Select(part => CSharpEmitter.Identifier(part.TrimStart('@'))));
}
