using GroupNetDsl.Generator.Tests.Harness;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// Names that collide only for Roslyn's hint names (case, characters a file name cannot hold) must cost nothing: a
/// duplicate hint name is CS8785 and drops every output of the generator. Names that collide as C# classes (a .gnet
/// network and a [GroupNet] class of one full name) cost only the .gnet network's code (GNET0308 says why).
/// </summary>
public sealed class NameCollisionTests
{
    private const string Root = "Collide";

    private const string Valid = "network Valid(input: 3x8x8) {\n    c = conv(3, 4, 3, padding: 1)\n}\n";

    [Fact]
    public void Gnet_networks_differing_only_in_case_all_get_code()
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Nets.gnet", "network Net(input: 3x8x8) = relu\nnetwork NET(input: 3x8x8) = relu\n")
            .WithGnet("/p/Valid.gnet", Valid)
            .Run();

        run.AssertCompilesCleanly();
        Assert.Equal(3, run.Files.Count);
        Assert.Equal(3, run.HintNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(run.Files, f => f.Text.Contains("public sealed partial class Net ", StringComparison.Ordinal));
        Assert.Contains(run.Files, f => f.Text.Contains("public sealed partial class NET ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Dup", "DUP")]
    [InlineData("A_", "A\u0301")]
    public void Attribute_classes_whose_hint_names_would_collide_all_get_code(string first, string second)
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Valid.gnet", Valid)
            .WithSource("Classes.cs", $$"""
                using GroupNetDsl;

                namespace Collide.Classes;

                [GroupNet(Input = "3x8x8")]
                [ReLU(Name = "act")]
                public partial class {{first}};

                [GroupNet(Input = "3x8x8")]
                [ReLU(Name = "act")]
                public partial class {{second}};
                """)
            .Run();

        run.AssertCompilesCleanly();
        Assert.Equal(3, run.Files.Count);
        Assert.Equal(3, run.HintNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(run.Files, f => f.Text.Contains($"partial class {first} ", StringComparison.Ordinal));
        Assert.Contains(run.Files, f => f.Text.Contains($"partial class {second} ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_gnet_network_named_like_a_GroupNet_class_gets_no_code_and_everything_else_does()
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Stem.gnet", "network Stem(input: 3x8x8) {\n    c = conv(3, 8, 3, padding: 1)\n}\n")
            .WithGnet("/p/Valid.gnet", Valid)
            .WithSource("Classes.cs", """
                using GroupNetDsl;

                namespace Collide;

                [GroupNet(Input = "3x8x8")]
                [Conv2d(3, 8, 3, Padding = 1, Name = "conv")]
                public partial class Stem;
                """)
            .Run();

        run.AssertCompilesCleanly();
        Assert.Equal(2, run.Files.Count);
        Assert.Single(run.HintNames, h => h.StartsWith("Collide.Valid.gnet.", StringComparison.Ordinal));
        // The class keeps its code: its attributes name the layer "conv", the .gnet network "c".
        var stem = Assert.Single(run.Files, f => f.HintName.StartsWith("Collide.Stem.", StringComparison.Ordinal));
        Assert.DoesNotContain(".gnet.", stem.HintName, StringComparison.Ordinal);
        Assert.Contains("conv.weight", stem.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gnet_network_bound_by_a_class_of_its_own_name_goes_into_that_class()
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Stem.gnet", "network Stem(input: 3x8x8) {\n    c = conv(3, 8, 3, padding: 1)\n}\n")
            .WithSource("Classes.cs", "namespace Collide;\n[global::GroupNetDsl.GroupNet(Network = \"Stem\")]\npublic partial class Stem;\n")
            .Run();

        run.AssertCompilesCleanly();
        var stem = Assert.Single(run.Files);
        Assert.Contains("c.weight", stem.Text, StringComparison.Ordinal);
    }
}
