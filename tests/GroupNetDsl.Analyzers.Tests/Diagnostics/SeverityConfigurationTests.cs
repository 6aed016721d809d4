using GroupNetDsl.Analyzers.Tests.Infrastructure;

namespace GroupNetDsl.Analyzers.Tests.Diagnostics;

/// <summary>
/// The rules are ordinary analyzer rules: .editorconfig changes their severity for C# declarations, and a
/// global config (is_global = true) for .gnet files, whose diagnostics are in no C# file and so match no
/// [*.gnet] section (the compiler applies file sections to source trees only; a real build shows the same in
/// tests/GroupNetDsl.Package.Tests/SeverityConfigurationTests.cs). Raising a severity
/// (severity = error) works the same way in a real build; the test framework does not apply raised
/// severities, so that is shown by building samples/InvalidNetwork only for "none".
/// </summary>
public class SeverityConfigurationTests
{
    private const string DepthwiseClass = """
        using GroupNetDsl;

        [GroupNet(Input = "8x8x8")]
        [{|#0:Conv2d(8, 8, 3, Padding = 1, Groups = 8, Name = "dw")|}]
        public partial class N;
        """;

    private const string DepthwiseNetwork = """
        network N(input: 8x8x8) {
            dw = {|#0:conv(8, 8, 3, padding: 1, groups: 8, bias: false)|}
        }
        """;

    [Fact]
    public async Task Editorconfig_none_silences_advice_on_a_CSharp_declaration()
    {
        var test = new GroupNetAnalyzerTest { TestCode = DepthwiseClass.Replace("{|#0:", "").Replace("|}", "") };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.GNET0401.severity = none
            """));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_global_config_silences_advice_in_a_gnet_file()
    {
        var test = new GroupNetAnalyzerTest();
        test.TestState.Sources.Add(string.Empty);
        test.TestState.AdditionalFiles.Add(("/0/N.gnet", DepthwiseNetwork.Replace("{|#0:", "").Replace("|}", "")));
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", """
            is_global = true
            dotnet_diagnostic.GNET0401.severity = none
            """));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_gnet_section_of_an_editorconfig_does_not_reach_diagnostics_in_gnet_files()
    {
        // Documents the compiler's behaviour that docs/diagnostics tell users about: use a global config.
        var test = new GroupNetAnalyzerTest();
        test.TestState.Sources.Add(string.Empty);
        test.TestState.AdditionalFiles.Add(("/0/N.gnet", DepthwiseNetwork));
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.gnet]
            dotnet_diagnostic.GNET0401.severity = none
            """));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0401").WithLocation(0).WithArguments("dw"));
        await test.RunAsync();
    }
}
