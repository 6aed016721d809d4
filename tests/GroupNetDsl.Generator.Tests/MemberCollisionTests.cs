using GroupNetDsl.Generator.Tests.Harness;

namespace GroupNetDsl.Generator.Tests;

/// <summary>A class that already declares a member the generated code needs gets no code (the analyzers report GNET0305).</summary>
public class MemberCollisionTests
{
    [Fact]
    public void A_class_with_its_own_forward_gets_no_code_and_its_neighbour_does()
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace("Collisions")
            .WithSource("Classes.cs", """
                using GroupNetDsl;

                namespace Collisions;

                [GroupNet(Input = "3x8x8")]
                [Conv2d(3, 4, 3, Name = "conv")]
                public partial class HasForward
                {
                    public void Forward() { }
                }

                [GroupNet(Input = "3x8x8")]
                [Conv2d(3, 4, 3, Name = "conv")]
                public partial class Clean;
                """)
            .Run();

        Assert.DoesNotContain(run.Files, f => f.HintName.Contains("HasForward"));
        Assert.Contains(run.Files, f => f.HintName.Contains("Clean"));
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
    }
}
