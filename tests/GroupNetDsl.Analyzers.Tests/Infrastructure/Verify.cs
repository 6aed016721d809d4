using GroupNetDsl.Analyzers.Analysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace GroupNetDsl.Analyzers.Tests.Infrastructure;

/// <summary>The analyzer under the Roslyn analyzer test framework, with offline references.</summary>
internal sealed class GroupNetAnalyzerTest : CSharpAnalyzerTest<GroupNetAnalyzer, DefaultVerifier>
{
    public GroupNetAnalyzerTest()
    {
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.All);
    }
}

/// <summary>A code fix under the Roslyn code-fix test framework, with offline references.</summary>
internal sealed class GroupNetCodeFixTest<TCodeFix> : CSharpCodeFixTest<GroupNetAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    public GroupNetCodeFixTest()
    {
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.All);
    }
}

/// <summary>Short names for expected diagnostics.</summary>
internal static class Expect
{
    /// <summary>A diagnostic of the analyzer by id, with its default severity.</summary>
    public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<GroupNetAnalyzer, DefaultVerifier>.Diagnostic(id);

    /// <summary>A C# compiler error, such as CS0182.</summary>
    public static DiagnosticResult CompilerError(string id) => DiagnosticResult.CompilerError(id);
}
