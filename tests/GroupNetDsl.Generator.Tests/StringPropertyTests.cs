using System.Reflection;
using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.Language.Emit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// Summary is written as a raw string literal: whatever the text, the compiled property returns exactly that text
/// (the expected value is the text itself), and the seed networks' Summary is the table `gnet summary` prints.
/// </summary>
public sealed class StringPropertyTests
{
    public static TheoryData<string, string> Texts() => new()
    {
        { "a table", "Network N, input 3x8x8\n-----\nLayer  Op\nconv   conv  3->8, 3x3\nScratch: 0 floats per image\n" },
        { "no final line feed", "one\ntwo" },
        { "one line", "just this" },
        { "three quotes", "a \"\"\" b\n" },
        { "seven quotes alone on a line", "x\n\"\"\"\"\"\"\"\ny\n" },
        { "quotes at both ends", "\"start\nend\"\n" },
        { "braces", "{ {{ }} } {0} {{{x}}}\n" },
        { "indented and blank lines", "    indented\n\n  \n\tand a tab\n" },
        { "non-ASCII and a carriage return", "R\u00E9seau \u2028 \u0085\r\nend\n" },
        { "backslashes", "C:\\path\\n not a line feed\n" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void The_compiled_property_returns_the_text_exactly(string description, string text)
    {
        var w = new SourceWriter();
        w.Open("public static class Holder");
        CSharpEmitter.WriteStringProperty(w, "public static string Text", text);
        w.Close();
        var compilation = CSharpCompilation.Create(
            "StringPropertyTest",
            [CSharpSyntaxTree.ParseText(w.ToString(), GeneratorHarness.ParseOptions)],
            Basic.Reference.Assemblies.Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, $"{description}:\n{string.Join("\n", emitted.Diagnostics)}\n{w}");

        using var loaded = new LoadedAssembly(stream.ToArray());
        var value = loaded.Assembly.GetType("Holder")!.GetProperty("Text", BindingFlags.Public | BindingFlags.Static)!.GetValue(null);
        Assert.Equal(text, value);
    }

    [Fact]
    public void Seed_summaries_are_the_tables_of_gnet_summary()
    {
        var run = SeedNetworks.Project()
            .WithAdapterFor("MiniGroupNetSample.SeparableBlock")
            .WithAdapterFor("MiniGroupNetSample.Bottleneck")
            .Run();
        run.AssertCompilesCleanly();
        using var assembly = run.Load();
        var compiled = Language.GnetCompiler.Compile(
            new Language.Text.SourceDocument("SeparableBlock.gnet", SeedNetworks.SeparableBlockGnet),
            new Language.Text.SourceDocument("Bottleneck.gnet", SeedNetworks.BottleneckGnet));
        foreach (var result in compiled.Networks)
        {
            var handle = assembly.Network("MiniGroupNetSample." + result.Name);
            Assert.Equal(Language.Reporting.SummaryTable.Format(result.Network!), handle.Summary);
            // The scratch line states what the class allocates: its own ScratchLength floats.
            Assert.Contains($"Scratch per thread (buffers shared by liveness): {Language.Reporting.SummaryTable.Bytes(handle.ScratchLength * 4L)}\n", handle.Summary, StringComparison.Ordinal);
        }
        Assert.Equal(2, compiled.Networks.Count());
    }
}
