using System.Globalization;
using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Targets;
using GroupNetDsl.Language.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// A .gnet network with errors gets no code, but its namespace and an empty class of its name still exist: user code
/// that names it (<c>using Shells;</c>, <c>Broken.Load(...)</c>) fails on the network's own first error (CS0619 with
/// the GNET text), not on a missing namespace (CS0246 in a using directive stops the compiler before the analyzers
/// run, which hid every GNET error of the project).
/// </summary>
public sealed class ShellTests
{
    private const string Root = "Shells";

    private const string Program = """
        using Shells;

        public static class Program
        {
            public static void Main()
            {
                System.Console.WriteLine(Broken.Summary);
            }
        }
        """;

    [Fact]
    public void Code_naming_a_network_with_errors_fails_on_its_first_GNET_error_not_on_a_missing_namespace()
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Broken.gnet", "network Broken(input: 3x8x8) {\n    c = conv(3, 4, 3, groups: 2)\n}\n")
            .WithSource("Program.cs", Program)
            .Run();

        run.AssertGeneratorDidNotFail();
        var errors = run.CompilationProblems();
        Assert.DoesNotContain(errors, d => d.Id == "CS0246");
        const string reason = "The network Broken has no code: Broken.gnet(2,31): GNET0201: c: in_channels 3 is not divisible by groups 2; "
            + "use a groups value that divides both channel counts (valid: 1)";
        // The class and its member both report the GNET error; the shell's members are obsolete too, so no CS0117
        // ('Broken' does not contain a definition for 'Summary') follows it.
        Assert.Equal(
            [$"CS0619: 'Broken' is obsolete: '{reason}'", $"CS0619: 'Broken.Summary' is obsolete: '{reason}'"],
            errors.Select(d => d.Id + ": " + d.GetMessage(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Loading_and_disposing_a_network_with_errors_reports_only_its_GNET_error()
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Broken.gnet", "network Broken(input: 3x8x8) = conv(3, 4, 3, groups: 2)\n")
            .WithSource("Program.cs", """
                using Shells;

                public static class Program
                {
                    public static void Main()
                    {
                        using var net = Broken.Load("w.safetensors", threads: 2);
                        net.Forward(new float[Broken.InputLength], new float[Broken.OutputLength]);
                    }
                }
                """)
            .Run();

        run.AssertGeneratorDidNotFail();
        var errors = run.CompilationProblems();
        Assert.NotEmpty(errors);
        Assert.All(errors, d => Assert.Matches(@"^CS0619: 'Broken(\.[^']+)?' is obsolete: 'The network Broken has no code: Broken\.gnet\(1,", d.Id + ": " + d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Every_public_member_of_a_generated_class_is_in_the_shell_as_obsolete_and_throwing()
    {
        var compiled = GnetCompiler.Compile(new SourceDocument("/p/Valid.gnet", "network Valid(input: 3x8x8) = conv(3, 4, 3)\n"));
        Assert.False(compiled.HasErrors);
        // With embedded weights the class also gets Load(int threads); a shell declares every overload.
        string generated = CSharpEmitter.Emit(compiled.Networks[0].Network!, new EmitTarget(Root, "Net", Standalone: true) { EmbeddedWeights = "w" });
        string shell = CSharpEmitter.EmitShells(new ShellFile(Root, new[] { new ClassShell("Net", "reason") }.ToEquatableArray(), "h"));

        var shellMembers = PublicMembers(shell);
        Assert.Equal(PublicMembers(generated), shellMembers);
        var shellClass = CSharpSyntaxTree.ParseText(shell).GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single();
        Assert.All(
            shellClass.Members.Where(m => m.Modifiers.Any(SyntaxKind.PublicKeyword)),
            m => Assert.Contains("global::System.Obsolete(\"reason\", true)", m.AttributeLists.ToString(), StringComparison.Ordinal));
        Assert.All(
            shellClass.Members.OfType<BasePropertyDeclarationSyntax>().Cast<MemberDeclarationSyntax>().Concat(shellClass.Members.OfType<MethodDeclarationSyntax>()),
            m => Assert.Contains("=> throw new global::System.InvalidOperationException(\"reason\")", m.ToString(), StringComparison.Ordinal));
    }

    /// <summary>Each public member as kind, static, type, name and parameters (with defaults), sorted.</summary>
    private static List<string> PublicMembers(string code)
    {
        var type = CSharpSyntaxTree.ParseText(code).GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single();
        return type.Members
            .Where(m => m.Modifiers.Any(SyntaxKind.PublicKeyword))
            .Select(m => string.Join(" ", m.Modifiers.Select(x => x.Text)) + " " + m switch
            {
                FieldDeclarationSyntax f => $"{f.Declaration.Type} {f.Declaration.Variables.Single().Identifier}",
                PropertyDeclarationSyntax p => $"{p.Type} {p.Identifier}",
                MethodDeclarationSyntax method => $"{method.ReturnType} {method.Identifier}{method.ParameterList.WithoutTrivia()}",
                _ => m.Kind().ToString(),
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Runs the generator on the .gnet files with <see cref="Program"/>; returns the message of the CS0619 on 'Broken'.</summary>
    private static string BrokenShell(params (string Path, string Text)[] files)
    {
        var harness = GeneratorHarness.Create().WithRootNamespace(Root);
        foreach (var (path, text) in files) harness = harness.WithGnet(path, text);
        var run = harness.WithSource("Program.cs", Program).Run();

        run.AssertGeneratorDidNotFail();
        var errors = run.CompilationProblems();
        Assert.DoesNotContain(errors, d => d.Id == "CS0246");
        var obsolete = Assert.Single(errors, d => d.Id == "CS0619" && d.GetMessage(CultureInfo.InvariantCulture).StartsWith("'Broken' ", StringComparison.Ordinal));
        return obsolete.GetMessage(CultureInfo.InvariantCulture);
    }

    [Fact]
    public void A_file_that_does_not_parse_still_declares_the_namespace_and_its_networks()
    {
        string message = BrokenShell(("/p/Broken.gnet", "network Other(input: 3x8x8) = conv(3, 4, 3)\nconv(3, 4, 3)\nnetwork Broken(input: 3x8x8) = conv(3, 4, 3)\n"));

        // Broken is valid, but an error outside every declaration withholds the whole file: its shell names that error, as the file's.
        Assert.StartsWith("'Broken' is obsolete: 'The network Broken has no code: its file has errors: Broken.gnet(1,44): GNET0102", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_networks_own_syntax_error_is_named_by_its_shell_and_leaves_the_other_networks_their_code()
    {
        // Broken's body has a semantic error and then a syntax error; Other is valid and gets its class.
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Broken.gnet", "network Broken(input: 3x8x8) {\n    c = conv(3, 4, 3, groups: 2)\n    d = relu)\n}\nnetwork Other(input: 3x8x8) = conv(3, 4, 3)\n")
            .WithSource("Program.cs", Program.Replace("Broken.Summary", "Broken.Summary + Other.Summary", StringComparison.Ordinal))
            .Run();

        run.AssertGeneratorDidNotFail();
        // Only Broken and its member are errors in Program; Other.Summary is real.
        var errors = run.CompilationProblems();
        Assert.Equal(new[] { "'Broken' is obsolete", "'Broken.Summary' is obsolete" }, errors.Select(d => d.GetMessage(CultureInfo.InvariantCulture).Split(':')[0]));
        Assert.All(errors, d => Assert.Equal("CS0619", d.Id));
        string message = errors[0].GetMessage(CultureInfo.InvariantCulture);
        Assert.StartsWith("'Broken' is obsolete: 'The network Broken has no code: Broken.gnet(2,31): GNET0201", message, StringComparison.Ordinal);
        Assert.EndsWith("(and 1 more)'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_network_withheld_for_a_broken_block_it_imports_still_gets_a_shell_that_names_the_blocks_error()
    {
        string message = BrokenShell(
            ("/p/blocks.gnet", "block Pair(c) {\n    a = conv(c, c, 1\n}\n"),
            ("/p/Broken.gnet", "import \"blocks.gnet\"\nnetwork Broken(input: 3x8x8) = Pair(3)\n"));

        Assert.StartsWith("'Broken' is obsolete: 'The network Broken has no code: the block Pair it uses has errors: blocks.gnet(2,", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_network_withheld_for_a_broken_block_of_its_file_names_the_block_not_another_error_of_the_file()
    {
        // Other's error comes first in the file, but Broken is withheld by the block it uses.
        string message = BrokenShell(("/p/Broken.gnet", "network Other(input: 3x8x8) {\n    c = conv(3, 4, 3,\n}\nblock Pair(c) {\n    a = conv(c, c, 1) $\n}\nnetwork Broken(input: 3x8x8) = Pair(3)\n"));

        Assert.StartsWith("'Broken' is obsolete: 'The network Broken has no code: the block Pair it uses has errors: Broken.gnet(5,23): GNET0101", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_network_withheld_for_an_imported_files_stray_error_says_it_is_that_files()
    {
        string message = BrokenShell(
            ("/p/blocks.gnet", "block Pair(c,) {\n    a = conv(c, c, 1)\n}\n"),
            ("/p/Broken.gnet", "import \"blocks.gnet\"\nnetwork Broken(input: 3x8x8) = Pair(3)\n"));

        Assert.StartsWith("'Broken' is obsolete: 'The network Broken has no code: a file it imports has errors: blocks.gnet(1,", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_network_name_the_namespace_still_exists()
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Broken.gnet", "netwrk Broken(input: 3x8x8) = conv(3, 4, 3)\n")
            .WithSource("Program.cs", "using Shells;\n\npublic static class Program\n{\n    public static void Main() { }\n}\n")
            .Run();

        run.AssertCompilesCleanly();
        string shells = Assert.Single(run.Files).Text;
        Assert.Contains("namespace Shells", shells, StringComparison.Ordinal);
        Assert.DoesNotContain("class", shells, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_projects_get_no_shell_file_and_bound_or_declared_classes_get_no_shell()
    {
        var valid = GeneratorHarness.Create().WithRootNamespace(Root).WithGnet("/p/Valid.gnet", "network Valid(input: 3x8x8) = conv(3, 4, 3)\n").Run();
        Assert.Single(valid.HintNames);

        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Broken.gnet", "network Bound(input: 3x8x8) = conv(3, 4, 3, groups: 2)\nnetwork Declared(input: 3x8x8) = conv(3, 4, 3, groups: 2)\n")
            .WithSource("Classes.cs", """
                namespace Shells;

                [GroupNetDsl.GroupNet(Network = "Bound")]
                public partial class Holder;

                public partial class Declared;
                """)
            .Run();
        run.AssertGeneratorDidNotFail();
        string shells = Assert.Single(run.Files).Text;
        Assert.DoesNotContain("class Bound", shells, StringComparison.Ordinal);
        // Declared is a plain class of the user here, not a [GroupNet] class: only [GroupNet] classes are known to the generator.
        Assert.Contains("class Declared", shells, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reason_with_quotes_backslashes_and_line_breaks_stays_inside_its_literal()
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace(Root)
            .WithGnet("/p/Broken.gnet", "network Broken(input: 3x8x8) {\n    c = convolution\\\"x\n}\n")
            .Run();

        run.AssertCompilesCleanly();
    }
}
