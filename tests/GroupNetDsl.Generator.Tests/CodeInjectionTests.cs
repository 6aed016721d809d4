using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// Proves that no declared name or text can inject code: each odd declaration either is rejected with a
/// diagnostic (and gets no code) or yields code that compiles without warnings, in which the user's own name
/// still refers to the generated class (checked by a usage file compiled with it).
/// </summary>
public sealed class CodeInjectionTests
{
    private const string Root = "Injection";

    /// <summary>A .gnet text, and the C# expression naming the class it must produce (null: must be rejected).</summary>
    public static TheoryData<string, string, string?> GnetCases() => new()
    {
        { "keyword class", "network class(input: 3x8x8) = relu\n", "global::Injection.@class" },
        { "keyword int", "network int(input: 3x8x8) = relu\n", "global::Injection.@int" },
        { "contextual keyword var", "network var(input: 3x8x8) = relu\n", "global::Injection.var" },
        { "contextual keyword nameof", "network nameof(input: 3x8x8) = relu\n", "global::Injection.nameof" },
        { "contextual keyword global", "network global(input: 3x8x8) = relu\n", "global::Injection.global" },
        { "contextual keyword dynamic", "network dynamic(input: 3x8x8) = relu\n", "global::Injection.dynamic" },
        { "contextual keyword partial", "network partial(input: 3x8x8) = relu\n", "global::Injection.partial" },
        { "contextual keyword record", "network record(input: 3x8x8) = relu\n", "global::Injection.record" },
        { "lower-case name", "network mynet(input: 3x8x8) = relu\n", "global::Injection.mynet" },
        { "escaped name", "network @class(input: 3x8x8) = relu\n", null },
        { "unicode name", "network R\u00E9seau(input: 3x8x8) = relu\n", null },
        { "keyword member names", "network Members(input: 3x8x8) {\n    class = conv(3, 4, 3)\n    int = relu\n    namespace = [conv(4, 4, 1), batchnorm(4)]\n    return = flatten\n}\n", "global::Injection.Members" },
        {
            "comment closers and quotes",
            "# */ /* \" \\ <summary> </summary> &amp; \u2028 \u0085 \r\n/* not a gnet comment either */\nnetwork Commented(input: 3x8x8) = relu # */ \"\n",
            null
        },
        {
            "comment closers in gnet comments",
            "# */ /* \" \\ <summary> </summary> &amp; \u2028 \u0085 \r\n# \"); } class Evil { void M() { /*\nnetwork Commented(input: 3x8x8) = relu # */ \"\n",
            "global::Injection.Commented"
        },
        { "name of a runtime namespace", "network GroupNetDsl(input: 3x8x8) = relu\n", "global::Injection.GroupNetDsl" },
        { "name of System", "network System(input: 3x8x8) = relu\n", "global::Injection.System" },
        {
            "quoted member name with a dotted call",
            "network Quoted(input: 3x8x8) {\n    \"a\\\"; System.Environment.Exit(1); //\" = conv(3, 4, 3)\n}\n",
            null
        },
        {
            "quoted member names with quotes, comments and braces",
            "network Quoted(input: 3x8x8) {\n    \"a\\\"; Exit(1); /* */ //\" = conv(3, 4, 3)\n    \"}\\\\\\\"{0}\" = batchnorm(4)\n    \"*/ #region\" = relu\n    forward(x) = \"*/ #region\"(\"}\\\\\\\"{0}\"(\"a\\\"; Exit(1); /* */ //\"(x)))\n}\n",
            "global::Injection.Quoted"
        },
        {
            "numbered and repeated members",
            "block CNA(cin, cout) = [conv(cin, cout, 3, padding: 1, bias: false), batchnorm(cout), relu6]\nnetwork Numbered(input: 3x8x8) {\n    0 = CNA(3, 4)\n    1 = [CNA(4, 4) for i in range(2)] + [relu]\n}\n",
            "global::Injection.Numbered"
        },
    };

    [Theory]
    [MemberData(nameof(GnetCases))]
    public void Gnet_text_cannot_inject_code(string description, string text, string? className)
    {
        var harness = GeneratorHarness.Create().WithRootNamespace(Root).WithGnet($"/p/{description}\n*/.gnet", text);
        if (className is not null) harness.WithSource("Usage.cs", Usage(className));
        var run = harness.Run();

        run.AssertGeneratorDidNotFail();
        var compiled = GnetCompiler.Compile(new SourceDocument($"/p/{description}.gnet", text));
        if (className is null)
        {
            Assert.True(compiled.HasErrors, $"{description}: expected the language to reject the text.");
            // Only the file of empty classes for networks without code (ShellTests); it must compile as well.
            Assert.Equal(["Injection.gnet_errors.081f23f8.g.cs"], run.HintNames);
        }
        else
        {
            Assert.False(compiled.HasErrors, $"{description}: " + string.Join("; ", compiled.Diagnostics.Select(d => d.ToString())));
            Assert.Single(run.Files);
        }
        Assert.True(run.CompilationProblems().Count == 0, $"{description}:\n{run.Describe(run.CompilationProblems())}\n\n{run.Files.FirstOrDefault()?.Text}");
    }

    /// <summary>
    /// Networks named like a member of the class the emitter writes (Forward, Load, Summary, a constant, a weight field,
    /// a layer method). C# forbids a member named like its class (CS0542), so such a network cannot get code: the
    /// generator must skip it rather than emit code that does not compile. The language accepts these names; an
    /// analyzer should say why no code appears.
    /// </summary>
    public static TheoryData<string, string> MemberNameCases() => new()
    {
        { "name of a generated member", "network Forward(input: 3x8x8) = relu\n" },
        { "name of the summary", "network Summary(input: 3x8x8) = relu\n" },
        { "name of a kernel method", "network Relu_192(input: 3x8x8) = relu\n" },
        { "name of a loader", "network Load(input: 3x8x8) = relu\n" },
        { "name of a constant", "network InputLength(input: 3x8x8) = relu\n" },
        { "name of the scratch field", "network t_groupNetScratch(input: 3x8x8) = relu\n" },
        { "name of a weight field", "network _c_weight(input: 3x8x8) {\n    c = conv(3, 4, 3)\n}\n" },
    };

    [Theory]
    [MemberData(nameof(MemberNameCases))]
    public void Networks_named_like_a_generated_member_get_no_code(string description, string text)
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Collision.gnet", text)
            .WithGnet("/p/Valid.gnet", "network Valid(input: 3x8x8) = relu\n")
            .WithSource("Classes.cs", "namespace Injection.Classes;\n[global::GroupNetDsl.GroupNet(Input = \"3x8x8\")]\n[global::GroupNetDsl.ReLU(Name = \"act\")]\npublic partial class Forward;\n")
            .Run();

        run.AssertGeneratorDidNotFail();
        // The network keeps an empty class of its name (ShellTests): a member of its own class cannot clash there.
        Assert.Equal(new[] { "Injection.Valid.gnet.1d2e2510.g.cs", "Injection.gnet_errors.081f23f8.g.cs" }, run.HintNames.Order(StringComparer.Ordinal));
        Assert.True(run.CompilationProblems().Count == 0, $"{description}:\n{run.Describe(run.CompilationProblems())}");
    }

    /// <summary>A C# declaration of an attribute-form class, and the expression naming that class.</summary>
    public static TheoryData<string, string, string> ClassCases() => new()
    {
        { "keyword class name", "namespace Injection.Classes;\n[GroupNet(Input = \"3x8x8\")]\n[ReLU(Name = \"act\")]\npublic partial class @class;\n", "global::Injection.Classes.@class" },
        { "unicode class name", "namespace Injection.Classes;\n[GroupNet(Input = \"3x8x8\")]\n[ReLU(Name = \"act\")]\npublic partial class R\u00E9seau;\n", "global::Injection.Classes.R\u00E9seau" },
        { "unicode namespace", "namespace Injection.R\u00E9seaux;\n[GroupNet(Input = \"3x8x8\")]\n[ReLU(Name = \"act\")]\npublic partial class Net;\n", "global::Injection.R\u00E9seaux.Net" },
        { "keyword namespace", "namespace Injection.@namespace;\n[GroupNet(Input = \"3x8x8\")]\n[ReLU(Name = \"act\")]\npublic partial class Net;\n", "global::Injection.@namespace.Net" },
        { "escaped identifier", "namespace Injection.Classes;\n[GroupNet(Input = \"3x8x8\")]\n[ReLU(Name = \"act\")]\npublic partial class \\u0041bc;\n", "global::Injection.Classes.Abc" },
        { "global namespace", "[GroupNet(Input = \"3x8x8\")]\n[ReLU(Name = \"act\")]\npublic partial class GlobalNet;\n", "global::GlobalNet" },
        { "internal class", "namespace Injection.Classes;\n[GroupNet(Input = \"3x8x8\")]\n[ReLU(Name = \"act\")]\ninternal partial class Hidden;\n", "global::Injection.Classes.Hidden" },
    };

    [Theory]
    [MemberData(nameof(ClassCases))]
    public void Class_names_cannot_inject_code(string description, string declaration, string className)
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithSource("Network.cs", "using GroupNetDsl;\n" + declaration)
            .WithSource("Usage.cs", Usage(className))
            .Run();

        run.AssertGeneratorDidNotFail();
        Assert.Single(run.Files);
        Assert.True(run.CompilationProblems().Count == 0, $"{description}:\n{run.Describe(run.CompilationProblems())}\n\n{run.Files[0].Text}");
    }

    [Fact]
    public void Classes_whose_names_sanitize_alike_both_get_code()
    {
        // '@class' and '_class' are different classes; their generated files must not collide.
        var run = GeneratorHarness.Create()
            .WithSource("Network.cs", "using GroupNetDsl;\nnamespace Injection;\n[GroupNet(Input = \"3x8x8\")]\n[ReLU(Name = \"act\")]\npublic partial class @class;\n[GroupNet(Input = \"3x8x8\")]\n[ReLU(Name = \"act\")]\npublic partial class _class;\n")
            .WithSource("Usage.cs", Usage("global::Injection.@class") + Usage("global::Injection._class").Replace("UsageOfTheGeneratedClass", "UsageOfTheOtherClass", StringComparison.Ordinal))
            .Run();

        run.AssertGeneratorDidNotFail();
        Assert.Equal(2, run.Files.Count);
        Assert.True(run.CompilationProblems().Count == 0, run.Describe(run.CompilationProblems()));
    }

    public static TheoryData<string> RootNamespaces() => new()
    {
        "My.class",
        "Evil;namespace X",
        "Two\nLines",
        "global::Foo",
        "Trailing.",
        "\u00DCber.Netze",
        "",
    };

    [Theory]
    [MemberData(nameof(RootNamespaces))]
    public void Root_namespace_cannot_inject_code(string rootNamespace)
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(rootNamespace)
            .WithGnet("/p/Net.gnet", "network Net(input: 3x8x8) = relu\n")
            .Run();

        run.AssertGeneratorDidNotFail();
        Assert.Single(run.Files);
        Assert.True(run.CompilationProblems().Count == 0, $"RootNamespace '{rootNamespace}':\n{run.Describe(run.CompilationProblems())}\n\n{run.Files[0].Text}");
    }

    [Theory]
    [InlineData("My.class", "namespace My.@class;")]
    [InlineData("var.Nets", "namespace @var.Nets;")]
    public void A_keyword_in_the_root_namespace_is_escaped_as_gnet_emit_escapes_it(string rootNamespace, string expected)
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(rootNamespace)
            .WithGnet("/p/Net.gnet", "network Net(input: 3x8x8) = relu\n")
            .Run();

        Assert.Contains(expected, run.Files.Single().Text.Split('\n').Select(line => line.TrimEnd('\r')));
    }

    /// <summary>Code that uses the generated members through the user's own name for the class.</summary>
    private static string Usage(string className) => $$"""
        internal static class UsageOfTheGeneratedClass
        {
            public static int Use(byte[] weights, float[] input, float[] output)
            {
                var network = {{className}}.Load(new global::System.ReadOnlyMemory<byte>(weights));
                network.Forward(input, output);
                return {{className}}.InputLength + {{className}}.OutputLength + {{className}}.Summary.Length;
            }
        }

        """;
}
