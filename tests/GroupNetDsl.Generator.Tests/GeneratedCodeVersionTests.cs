using System.Reflection;
using GroupNetDsl.Language.Emit;

namespace GroupNetDsl.Generator.Tests;

/// <summary>The version in [GeneratedCode] is the generator's own, read from its assembly, and does not change with each commit.</summary>
public sealed class GeneratedCodeVersionTests
{
    [Fact]
    public void Generated_code_names_the_language_assemblys_version_without_the_commit()
    {
        var assembly = typeof(CSharpEmitter).Assembly;
        string informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        var version = assembly.GetName().Version!;

        var run = SeedNetworks.Project().Run();
        string text = run.Source(SeedNetworks.SeparableBlockHint);

        string expected = informational.Split('+')[0];
        Assert.StartsWith($"{version.Major}.{version.Minor}.{version.Build}", expected);
        Assert.Contains($"[global::System.CodeDom.Compiler.GeneratedCode(\"GroupNetDsl\", \"{expected}\")]", text);
    }
}
