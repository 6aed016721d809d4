using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using GroupNetDsl.Language.Diagnostics;
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

/// <summary>A class shell for a .gnet network that gets no code: its C# name and why (<see cref="CodeTargets.Shells"/>).</summary>
public sealed record ClassShell(string ClassName, string Reason);

/// <summary>The generated file that declares the .gnet networks' namespace and the shells of the networks without code.</summary>
public sealed record ShellFile(string Namespace, EquatableArray<ClassShell> Shells, string HintName);

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
    /// (that class gets the code), when it has errors, or when <see cref="ForNetworkProblems"/> finds a clash.
    /// </summary>
    /// <param name="classNames">The full names of the project's [GroupNet] classes (<see cref="ClassName"/>).</param>
    public static EmitTarget? ForNetwork(NetworkResult network, ICollection<string> boundNames, string ns, ICollection<string> classNames) =>
        network.Network is { } model && !network.HasErrors && !boundNames.Contains(network.Name) && ForNetworkProblems(network, boundNames, ns, classNames).Count == 0
            ? new EmitTarget(ns, model.Name, Standalone: true)
            : null;

    /// <summary>
    /// Why a valid .gnet network that no class binds gets no class of its own, as diagnostics at its name: it is named
    /// like a member of that class (GNET0307, CS0542), or a [GroupNet] class of the same full name exists (GNET0308;
    /// both would declare the class's members). The analyzers report them; the generator writes no code for it.
    /// </summary>
    public static IReadOnlyList<GnetDiagnostic> ForNetworkProblems(NetworkResult network, ICollection<string> boundNames, string ns, ICollection<string> classNames)
    {
        var problems = new List<GnetDiagnostic>();
        if (network.Network is not { } model || network.HasErrors || boundNames.Contains(network.Name)) return problems;
        var bag = new DiagnosticBag();
        if (IsNamedLikeItsMember(model)) bag.Report(DiagnosticDescriptors.NetworkNamedLikeMember, network.Location, model.Name);
        string fullName = ns + "." + CSharpEmitter.Identifier(model.Name);
        if (classNames.Contains(Unescaped(fullName))) bag.Report(DiagnosticDescriptors.NetworkClassClash, network.Location, model.Name, fullName);
        return bag.Items;
    }

    /// <summary>
    /// The empty classes written for .gnet networks that get no code (null when every network gets code and no .gnet
    /// file has errors). Without them, <c>using MyApp;</c> or <c>MyApp.Net</c> in user code fails with CS0246 (the namespace or
    /// type does not exist), and that error in a using directive stops the compiler before it runs the analyzers, so
    /// the GNET error that explains it is never printed. A shell and its members (the generated public ones, which
    /// throw) are obsolete as an error whose message is the network's first error, so code that names the class or a
    /// member points at the real problem (CS0619), not at a missing member (CS0117). A
    /// network bound by a [GroupNet] class, or named like one, gets none (the class exists); names are distinct.
    /// </summary>
    public static ShellFile? Shells(CompilationResult files, ICollection<string> boundNames, string ns, ICollection<string> classNames)
    {
        var emitted = new HashSet<string>(files.Networks.Where(n => ForNetwork(n, boundNames, ns, classNames) is not null).Select(n => n.Name), StringComparer.Ordinal);
        var shells = new List<ClassShell>();
        foreach (var network in files.Networks)
        {
            if (emitted.Contains(network.Name) || boundNames.Contains(network.Name)) continue;
            string className = CSharpEmitter.Identifier(network.Name);
            if (classNames.Contains(Unescaped(ns + "." + className)) || shells.Any(s => s.ClassName == className)) continue;
            var errors = network.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
                .Concat(ForNetworkProblems(network, boundNames, ns, classNames)).ToList();
            string cause = string.Empty;
            if (errors.Count == 0)
            {
                (cause, errors) = WithheldFor(files, network);
                if (errors.Count == 0) continue;
            }
            var first = errors[0];
            string reason = $"The network {network.Name} has no code: {cause}{first.Location.FileName}({first.Location.Line},{first.Location.Column}): {first.Id}: {first.Message}"
                + (errors.Count > 1 ? $" (and {errors.Count - 1} more)" : string.Empty);
            shells.Add(new ClassShell(className, reason));
        }
        if (shells.Count == 0 && !files.HasErrors) return null;
        return new ShellFile(ns, shells.ToEquatableArray(), HintName(ns + ".gnet-errors"));
    }

    /// <summary>
    /// Why a network with no errors of its own got no model: text it depends on does not parse. A block it uses with
    /// syntax errors, else the errors no network owns (syntax and import errors) in its own file, else in the other
    /// files, whose blocks it may use; another network's errors never explain it.
    /// </summary>
    private static (string Cause, List<GnetDiagnostic> Errors) WithheldFor(CompilationResult files, NetworkResult network)
    {
        if (network.BrokenBlock is { } block) return ($"the block {block.Name} it uses has errors: ", block.Errors.ToList());
        var owned = new HashSet<GnetDiagnostic>(files.Networks.SelectMany(n => n.Diagnostics));
        var unowned = files.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !owned.Contains(d)).ToList();
        var inItsFile = unowned.Where(d => d.Location.FilePath == network.Location.FilePath).ToList();
        return inItsFile.Count > 0 ? ("its file has errors: ", inItsFile) : ("a file it imports has errors: ", unowned);
    }

    /// <summary>The full name of a [GroupNet] class as <see cref="ForNetwork"/> compares it: without '@' escapes.</summary>
    public static string ClassName(NetworkClass declaration) => Unescaped(declaration.FullName);

    /// <summary>True when the network is named like a member of the class emitted for it, which C# does not allow (CS0542).</summary>
    public static bool IsNamedLikeItsMember(Network network) => CSharpEmitter.MemberNames(network).Contains(network.Name);

    /// <summary>
    /// The generated file's name for a class (<c>Ns.Class</c>) or a .gnet network (<c>Ns.Network.gnet</c>): the name
    /// with characters other than letters, digits, '.' and '_' replaced, then a hash of the exact name. Roslyn compares
    /// hint names ignoring case and rejects a duplicate (CS8785, dropping every output of the generator), and
    /// sanitizing merges names too ("Net" and "NET", "A_" and "A\u0301"): the hash keeps distinct names distinct.
    /// </summary>
    public static string HintName(string fullName)
    {
        var builder = new StringBuilder(fullName.Length + 16);
        // '@' only escapes a keyword ("Ns.@class" is the class "class"): dropped from the name and the hash alike.
        var exact = fullName.Replace("@", string.Empty);
        foreach (char c in exact) builder.Append(char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_');
        return builder.Append('.').Append(StableHash(exact).ToString("x8", CultureInfo.InvariantCulture)).Append(".g.cs").ToString();
    }

    /// <summary>32-bit FNV-1a over the UTF-16 code units: the same on every machine and run, unlike string.GetHashCode.</summary>
    private static uint StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 16777619;
        }
        return hash;
    }

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

    private static string Unescaped(string name) => name.Replace("@", string.Empty);

    /// <summary>A namespace as Roslyn displays it, with keyword parts escaped the same way (parts already escaped are kept).</summary>
    private static string Escape(string ns) => string.Join(".", ns.Split('.').Select(part => CSharpEmitter.Identifier(part.TrimStart('@'))));
}
