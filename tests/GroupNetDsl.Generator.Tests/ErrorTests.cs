using GroupNetDsl.Generator.Tests.Harness;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// Proves that bad declarations cost only themselves: a network with errors gets no code (only an empty class, ShellTests), the generator never throws
/// (no CS8785, no exception in its result), the valid networks beside it are still generated, and the project
/// still compiles (the analyzers, not the generator, report the errors).
/// </summary>
public sealed partial class ErrorTests
{
    private const string Root = "Errors";

    [Fact]
    public void Networks_with_errors_get_no_code_and_the_valid_ones_still_do()
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Valid.gnet", "network Valid(input: 3x8x8) {\n    c = [conv(3, 6, 3, padding: 1, groups: 3), batchnorm(6), relu]\n}\n")
            .WithGnet("/p/BadGroups.gnet", "network BadGroups(input: 6x8x8) {\n    c = conv(6, 4, 3, groups: 4)\n}\n")
            .WithGnet("/p/BadOutGroups.gnet", "network BadOutGroups(input: 4x8x8) {\n    c = conv(4, 6, 3, groups: 4)\n}\n")
            .WithGnet("/p/SyntaxError.gnet", "network SyntaxError(input: 3x8x8) {\n    c = conv(3, 4, 3,\n}\nnetwork AfterTheError(input: 3x8x8) {\n    c = conv(3, 4, 3)\n}\n")
            .WithGnet("/p/StrayError.gnet", "conv(3, 4, 3)\nnetwork AfterAStrayError(input: 3x8x8) = conv(3, 4, 3)\n")
            .WithGnet("/p/Collapse.gnet", "network Collapse(input: 3x4x4) {\n    c = conv(3, 4, 7)\n}\n")
            .WithGnet("/p/ChannelMismatch.gnet", "network ChannelMismatch(input: 3x8x8) {\n    a = conv(3, 4, 3)\n    b = conv(5, 4, 3)\n}\n")
            .WithGnet("/p/UsesBrokenBlock.gnet", "block Broken(c) {\n    x = conv(c, c, 3,, )\n}\nnetwork UsesBrokenBlock(input: 3x8x8) = Broken(3)\n")
            .WithGnet("/p/UnknownOp.gnet", "network UnknownOp(input: 3x8x8) {\n    c = convolution(3, 4, 3)\n}\n")
            .WithSource("Classes.cs", """
                using GroupNetDsl;

                namespace Errors.Classes;

                [GroupNet(Input = "3x8x8")]
                [Conv2d(3, 4, 3, Name = "conv")]
                public class NotPartial;

                [GroupNet(Input = "3x8x8")]
                [Conv2d(3, 4, 3, Groups = 2, Name = "conv")]
                public partial class BadGroupsAttribute;

                [GroupNet(Input = "3x8x8")]
                [Conv2d(3, 4, 3, Name = "not a name")]
                public partial class BadLayerName;

                [GroupNet(Network = "NoSuchNetwork")]
                public partial class BindsAMissingNetwork;

                [GroupNet(Network = "BadGroups")]
                public partial class BindsABrokenNetwork;

                [GroupNet(Input = "3x8x8")]
                [Conv2d(3, 4, 3, Name = "conv")]
                public static partial class StaticClass;

                [GroupNet(Input = "3x8x8")]
                [Conv2d(3, 4, 3, Name = "conv")]
                public partial class Generic<T>;

                public partial class Outer
                {
                    [GroupNet(Input = "3x8x8")]
                    [Conv2d(3, 4, 3, Name = "conv")]
                    public partial class Nested;
                }

                [GroupNet(Input = "3x8x8")]
                [Conv2d(3, 4, 3, Padding = 1, Name = "conv")]
                [ReLU(Name = "act")]
                public partial class ValidClass;
                """)
            .Run();

        run.AssertCompilesCleanly();
        // AfterTheError is valid beside SyntaxError's syntax error, which withholds SyntaxError only (a skipped member
        // could go unnoticed); AfterAStrayError follows an error outside every declaration, which may have hidden one,
        // so the language withholds every network of that file.
        Assert.Equal(
            new[] { "Errors.AfterTheError.gnet.5de68825.g.cs", "Errors.Classes.ValidClass.c4aa1658.g.cs", "Errors.Valid.gnet.6a334c24.g.cs", "Errors.gnet_errors.78933f9c.g.cs" },
            run.HintNames.Order(StringComparer.Ordinal));
        // The networks without code keep an empty class of their name (ShellTests), except the one a class binds.
        string shells = run.Source("Errors.gnet_errors.78933f9c.g.cs");
        string[] expected = ["BadOutGroups", "SyntaxError", "AfterAStrayError", "Collapse", "ChannelMismatch", "UsesBrokenBlock", "UnknownOp"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), ShellClass().Matches(shells).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"public sealed partial class (\w+)")]
    private static partial System.Text.RegularExpressions.Regex ShellClass();

    public static TheoryData<string> BrokenTexts() => new()
    {
        "",
        "network",
        "network N",
        "network N(",
        "network N(input: 3x8x8) =",
        "network N(input: 3x8x8) {",
        "network N(input: 3x8x8) { }",
        "network N(input: 0x0x0) = relu",
        "network N(input: 3x8) = relu",
        "network N(input: 3x1048576x1048576) = relu",
        "network N(input: 3x8x8) = conv(3, 4, 99999999999999999999)",
        "network N(input: 3x8x8) = conv(3, 4, 3, stride: 0)",
        "network N(input: 3x8x8) = conv(3, 4, 3, padding: -1)",
        "network N(input: 3x8x8) { c = conv(3, 4, 3) forward(x) = c(c(x)) }",
        "network N(input: 3x8x8) { c = conv(3, 3, 1)\n forward(x) = c(x) + c(x) }",
        "network N(input: 3x8x8) { forward(x) = x }",
        "network N(input: 3x8x8) = linear(192, 4)",
        "network N(input: 3x8x8) { f = flatten\n c = conv(192, 4, 1) }",
        "network N(input: 3x8x8) = maxpool(2, padding: 2)",
        "network N(input: 3x8x8) = batchnorm(3, eps: 0)",
        "block B(c) { x = B(c) }\nnetwork N(input: 3x8x8) = B(3)",
        "network N(input: 3x8x8) = " + new string('(', 500) + "relu" + new string(')', 500),
        "network N(input: 3x8x8) = [" + string.Join(", ", Enumerable.Repeat("relu", 2000)) + "]",
        "\0\u0001\uFFFF\uD800 network \u00E9",
        "network N(input: 3x8x8) = conv(3, 4, 3) # trailing comment without newline",
    };

    [Theory]
    [MemberData(nameof(BrokenTexts))]
    public void Broken_declarations_never_crash_the_generator(string text)
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Broken.gnet", text)
            .WithGnet("/p/Valid.gnet", "network Valid(input: 3x8x8) = conv(3, 4, 3)\n")
            .Run();

        run.AssertGeneratorDidNotFail();
        Assert.Contains("Errors.Valid.gnet.6a334c24.g.cs", run.HintNames);
        // Whatever the broken file yields (usually nothing), it must compile.
        Assert.True(run.CompilationProblems().Count == 0, run.Describe(run.CompilationProblems()));
    }
}
