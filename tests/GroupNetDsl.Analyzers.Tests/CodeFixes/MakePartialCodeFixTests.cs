using GroupNetDsl.Analyzers.Tests.Infrastructure;
using GroupNetDsl.CodeFixes;

namespace GroupNetDsl.Analyzers.Tests.CodeFixes;

/// <summary>"Make the class partial" for GNET0301, keeping the other modifiers and the layout; and Fix All.</summary>
public class MakePartialCodeFixTests
{
    private const string Usings = "using GroupNetDsl;\n";

    [Fact]
    public async Task Adds_partial_after_the_other_modifiers()
    {
        var test = new GroupNetCodeFixTest<MakePartialCodeFixProvider>
        {
            TestCode = Usings + """
                [GroupNet(Input = "3x8x8")]
                [ReLU]
                public sealed class {|#0:N|};
                """,
            FixedCode = Usings + """
                [GroupNet(Input = "3x8x8")]
                [ReLU]
                public sealed partial class N;
                """,
        };
        test.CodeActionVerifier = (action, verifier) => verifier.Equal("Make the class partial", action.Title);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0301").WithLocation(0).WithArguments("N"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Adds_partial_to_a_class_without_modifiers()
    {
        var test = new GroupNetCodeFixTest<MakePartialCodeFixProvider>
        {
            TestCode = Usings + """
                namespace Models
                {
                    [GroupNet(Input = "3x8x8")]
                    [ReLU]
                    class {|#0:N|}
                    {
                        public int Width => 8;
                    }
                }
                """,
            FixedCode = Usings + """
                namespace Models
                {
                    [GroupNet(Input = "3x8x8")]
                    [ReLU]
                    partial class N
                    {
                        public int Width => 8;
                    }
                }
                """,
        };
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0301").WithLocation(0).WithArguments("N"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_makes_every_network_class_partial()
    {
        var test = new GroupNetCodeFixTest<MakePartialCodeFixProvider>
        {
            TestCode = Usings + """
                [GroupNet(Input = "3x8x8")]
                [ReLU]
                public class {|#0:A|};

                [GroupNet(Input = "3x8x8")]
                [ReLU6]
                internal class {|#1:B|};
                """,
            FixedCode = Usings + """
                [GroupNet(Input = "3x8x8")]
                [ReLU]
                public partial class A;

                [GroupNet(Input = "3x8x8")]
                [ReLU6]
                internal partial class B;
                """,
            CodeActionEquivalenceKey = MakePartialCodeFixProvider.Key,
            NumberOfFixAllIterations = 1,
        };
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0301").WithLocation(0).WithArguments("A"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0301").WithLocation(1).WithArguments("B"));
        await test.RunAsync();
    }
}
