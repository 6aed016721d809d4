using GroupNetDsl.Language.Attributes;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Tests;

/// <summary>The one check of which class or network gets code, in which namespace, that the generator, the analyzers and gnet emit share.</summary>
public class CodeTargetsTests
{
    private static readonly SourceLocation Somewhere = SourceLocation.None("N.cs");

    private static NetworkClass Class(string name = "N", string? ns = "App", bool partial = true, bool isStatic = false, string? bound = null, bool layers = true, params string[] members) =>
        new(ns, name, ns is null ? name : ns + "." + name, partial, IsNested: false, IsGeneric: false, isStatic, bound,
            layers || bound is null
                ? new AttributeNetwork(name, "3x8x8", Somewhere, layers ? new[] { new AttributeLayer("ReLU", EquatableArray<AttributeArgument>.Empty, Somewhere) }.ToEquatableArray() : EquatableArray<AttributeLayer>.Empty)
                : null,
            Somewhere, members.ToEquatableArray());

    private static readonly CompilationResult Files = Gnet.Compile("network Bound(input: 3x8x8) = relu\n");

    [Fact]
    public void A_valid_partial_class_gets_code_in_its_namespace()
    {
        var check = CodeTargets.ForClass(Class(), Files);

        Assert.Empty(check.Problems);
        Assert.Empty(check.Collisions);
        Assert.Equal(new EmitTarget("App", "N", Standalone: false), check.Target);
    }

    [Fact]
    public void Each_problem_is_named_and_none_gets_code()
    {
        var check = CodeTargets.ForClass(Class(partial: false, isStatic: true), Files);

        Assert.Equal([ClassProblem.NotPartial, ClassProblem.Static], check.Problems);
        Assert.Null(check.Target);
    }

    [Fact]
    public void A_bound_network_is_looked_up_and_must_not_be_mixed_with_layers()
    {
        Assert.Equal("Bound", CodeTargets.ForClass(Class(bound: "Bound", layers: false), Files).Network?.Name);
        Assert.Equal([ClassProblem.NetworkNotFound], CodeTargets.ForClass(Class(bound: "Missing", layers: false), Files).Problems);
        Assert.Equal([ClassProblem.MixedForms], CodeTargets.ForClass(Class(bound: "Bound", layers: true), Files).Problems);
    }

    [Fact]
    public void Names_the_generated_code_needs_collide_class_name_first()
    {
        var check = CodeTargets.ForClass(Class(name: "Forward", members: ["Summary", "Mine"]), Files);

        Assert.Equal(["Forward", "Summary"], check.Collisions);
        Assert.Null(check.Target);
    }

    [Fact]
    public void A_gnet_network_gets_a_standalone_class_unless_bound_or_named_like_a_member()
    {
        var result = Assert.Single(Files.Networks);

        Assert.Equal(new EmitTarget("Ns", "Bound", Standalone: true), CodeTargets.ForNetwork(result, new List<string>(), "Ns", new List<string>()));
        Assert.Null(CodeTargets.ForNetwork(result, new List<string> { "Bound" }, "Ns", new List<string>()));
        Assert.Null(CodeTargets.ForNetwork(Assert.Single(Gnet.Compile("network Summary(input: 3x8x8) = relu\n").Networks), new List<string>(), "Ns", new List<string>()));
    }

    [Theory]
    [InlineData("Forward")]
    [InlineData("Load")]
    [InlineData("Summary")]
    [InlineData("InputLength")]
    public void A_network_named_like_a_generated_member_gets_GNET0307_at_its_name(string name)
    {
        var result = Assert.Single(Gnet.Compile($"network {name}(input: 3x8x8) = relu\n").Networks);

        var problem = Assert.Single(CodeTargets.ForNetworkProblems(result, new List<string>(), "Ns", new List<string>()));
        Assert.Equal("GNET0307", problem.Id);
        Assert.Equal(result.Location, problem.Location);
        Assert.Null(CodeTargets.ForNetwork(result, new List<string>(), "Ns", new List<string>()));
        // Bound to a class, the network is that class's code: its own name is no member name then.
        Assert.Empty(CodeTargets.ForNetworkProblems(result, new List<string> { name }, "Ns", new List<string>()));
    }

    [Fact]
    public void A_network_with_the_full_name_of_a_GroupNet_class_gets_GNET0308_and_no_class()
    {
        var result = Assert.Single(Files.Networks);

        var problem = Assert.Single(CodeTargets.ForNetworkProblems(result, new List<string>(), "Ns", new List<string> { "Ns.Bound" }));
        Assert.Equal("GNET0308", problem.Id);
        Assert.Null(CodeTargets.ForNetwork(result, new List<string>(), "Ns", new List<string> { "Ns.Bound" }));
        Assert.NotNull(CodeTargets.ForNetwork(result, new List<string>(), "Other", new List<string> { "Ns.Bound" }));
        Assert.NotNull(CodeTargets.ForNetwork(result, new List<string>(), "Ns", new List<string> { "Ns.BOUND" }));
    }

    [Theory]
    // Expected hashes: 32-bit FNV-1a over the UTF-16 code units, computed apart (offset 2166136261, prime 16777619).
    [InlineData("Ns.Net.gnet", "Ns.Net.gnet.0da7141b.g.cs")]
    [InlineData("Ns.NET.gnet", "Ns.NET.gnet.06c0c55b.g.cs")]
    [InlineData("Ns.A_", "Ns.A_.8112ea6c.g.cs")]
    [InlineData("Ns.A\u0301", "Ns.A_.570def4e.g.cs")]
    [InlineData("Ns.@class", "Ns.class.81e8f8f0.g.cs")]
    public void Hint_names_keep_names_that_differ_only_in_case_or_in_sanitized_characters_apart(string fullName, string hintName) =>
        Assert.Equal(hintName, CodeTargets.HintName(fullName));

    [Theory]
    [InlineData("My.Networks", "My.Networks")]
    [InlineData("My.class", "My.@class")]
    [InlineData("var.Nets", "@var.Nets")]
    [InlineData("\u00DCber.Netze", "\u00DCber.Netze")]
    public void Keywords_in_a_namespace_are_escaped(string text, string expected)
    {
        Assert.True(CodeTargets.TryNamespace(text, out var ns));
        Assert.Equal(expected, ns);
        Assert.Equal(expected, CodeTargets.NamespaceFor(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("My..Networks")]
    [InlineData("Trailing.")]
    [InlineData("My.@class")]
    [InlineData("1Networks")]
    [InlineData("Evil;namespace X")]
    public void A_name_that_is_not_dotted_identifiers_is_no_namespace(string text)
    {
        Assert.False(CodeTargets.TryNamespace(text, out _));
        Assert.Equal(CodeTargets.DefaultNamespace, CodeTargets.NamespaceFor(text));
    }
}
