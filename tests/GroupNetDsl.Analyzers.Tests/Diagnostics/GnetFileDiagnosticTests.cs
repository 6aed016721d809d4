using GroupNetDsl.Analyzers.Tests.Infrastructure;

namespace GroupNetDsl.Analyzers.Tests.Diagnostics;

/// <summary>
/// Every rule a .gnet file can break, reported by the analyzer at its exact span in the additional file
/// ({|#0:...|} marks it) with its message arguments. The arguments are what the rule's message says about
/// the declaration: channel counts, the divisors of gcd(in, out), the layer path.
/// </summary>
public class GnetFileDiagnosticTests
{
    private const string FilePath = "/0/Networks.gnet";

    public static TheoryData<string, string, string, string[]> Cases => new()
    {
        // ---------------------------------------------------------------- GNET01xx: syntax
        {
            "a character that is no token", "GNET0101",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3) {|#0:$|}
            }
            """,
            ["$"]
        },
        {
            "a missing comma between arguments", "GNET0102",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8 {|#0:3|})
            }
            """,
            ["')'", "number '3'"]
        },
        {
            "an integer beyond 32 bits", "GNET0103",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, padding: {|#0:9999999999|})
            }
            """,
            ["9999999999", "integers must be at most 2147483647"]
        },
        {
            // The member's value is level 1 and each parenthesis opens one more: the 65th would open level 66.
            "a hundred nested parentheses", "GNET0104",
            "network N(input: 3x8x8) {\n    c = " + new string('(', 64) + "{|#0:(|}" + new string('(', 35) + "relu" + new string(')', 100) + "\n}\n",
            ["64"]
        },
        {
            "an input shape with two dimensions", "GNET0105",
            """
            network N(input: {|#0:3x8|}) {
                r = relu
            }
            """,
            ["3x8"]
        },

        // ---------------------------------------------------------------- GNET02xx: semantics and shapes
        {
            // gcd(6, 8) = 2: the valid groups are 1 and 2.
            "in_channels not divisible by groups", "GNET0201",
            """
            network N(input: 6x8x8) {
                c = conv(6, 8, 3, groups: {|#0:4|})
            }
            """,
            ["c", "6", "4", "valid: 1, 2"]
        },
        {
            "out_channels not divisible by groups", "GNET0202",
            """
            network N(input: 8x8x8) {
                c = conv(8, 6, 3, groups: {|#0:4|})
            }
            """,
            ["c", "6", "4", "valid: 1, 2"]
        },
        {
            "in_channels differ from the channels that arrive", "GNET0203",
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 1)
                b = conv({|#0:4|}, 16, 1)
            }
            """,
            ["b", "4", "8", "input 8x8x8", "set in_channels to 8 or change the layer before it"]
        },
        {
            // (4 + 0 - 5) / 1 + 1 = 0.
            "a kernel larger than the input", "GNET0204",
            """
            network N(input: 3x4x4) {
                c = {|#0:conv(3, 8, 5)|}
            }
            """,
            ["c", "0x0", "3x4x4"]
        },
        {
            // Without padding the 3x3 conv makes 8 - 3 + 1 = 6.
            "add of two different shapes", "GNET0205",
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 3, padding: 1)
                b = conv(3, 8, 3)
                forward(x) = {|#0:a(x) + b(x)|}
            }
            """,
            ["add", "8x8x8", "8x6x6"]
        },
        {
            "linear in_features differ from the flattened size", "GNET0206",
            """
            network N(input: 3x8x8) {
                pool = avgpool
                fc = linear({|#0:4|}, 10)
                forward(x) = fc(flatten(pool(x)))
            }
            """,
            ["fc", "4", "3", "input 3"]
        },
        {
            "unknown op", "GNET0207",
            """
            network N(input: 3x8x8) {
                c = {|#0:conv2d|}(3, 8, 3)
            }
            """,
            ["name", "conv2d", "did you mean 'conv'?"]
        },
        {
            "unknown argument", "GNET0208",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, {|#0:stide: 2|})
            }
            """,
            ["conv", "stide", "in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias"]
        },
        {
            "a float where an integer is needed", "GNET0209",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, {|#0:3.0|})
            }
            """,
            ["argument 'kernel_size' of 'conv'", "an integer", "the number 3"]
        },
        {
            "a missing required argument", "GNET0210",
            """
            network N(input: 3x8x8) {
                c = {|#0:conv(3, 8)|}
            }
            """,
            ["conv", "kernel_size"]
        },
        {
            "a duplicate member", "GNET0211",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
                {|#0:c|} = relu
            }
            """,
            ["c"]
        },
        {
            "recursion between two blocks", "GNET0212",
            """
            block A(n) { b = B(n) }
            block B(n) { a = {|#0:A(n)|} }
            network N(input: 3x8x8) { a = A(1) }
            """,
            ["A", "A -> B -> A"]
        },
        {
            "more positional arguments than conv has", "GNET0213",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, 1, 0, 1, 1, false, {|#0:7|})
            }
            """,
            ["conv", "8 positional arguments", "9", "in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias"]
        },
        {
            "stride zero", "GNET0214",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, stride: {|#0:0|})
            }
            """,
            ["c", "stride", "at least 1", "0"]
        },
        {
            "linear on an image that was not flattened", "GNET0215",
            """
            network N(input: 3x8x8) {
                fc = {|#0:linear(192, 10)|}
            }
            """,
            ["fc", "a flat", "an image 3x8x8", "flatten it first, for example fc(flatten(x))"]
        },
        {
            "division by zero", "GNET0216",
            """
            network N(input: 3x8x8) {
                n = {|#0:1 / 0|}
                r = relu
            }
            """,
            ["division", "the divisor is zero"]
        },
        {
            // 2 x 16384 x 16384 = 536870912 elements, over the limit of 2^28 = 268435456.
            "a tensor of more than 2^28 elements", "GNET0217",
            """
            network N(input: 1x16384x16384) {
                c = {|#0:conv(1, 2, 1)|}
            }
            """,
            ["c", "2x16384x16384", "536870912", "268435456"]
        },
        {
            "an argument given by position and by name", "GNET0218",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, {|#0:kernel_size: 1|})
            }
            """,
            ["conv", "kernel_size"]
        },
        {
            "a network without input shape", "GNET0219",
            """
            network {|#0:N|}() {
                r = relu
            }
            """,
            ["N"]
        },
        {
            "a network without layers", "GNET0221",
            """
            network {|#0:N|}(input: 3x8x8) {
                width = 8
            }
            """,
            ["Network 'N'"]
        },

        // ---------------------------------------------------------------- GNET04xx: advice
        {
            "a depthwise conv whose channels are never mixed", "GNET0401",
            """
            network N(input: 8x8x8) {
                dw = {|#0:conv(8, 8, 3, padding: 1, groups: 8, bias: false)|}
            }
            """,
            ["dw"]
        },
        {
            "a grouped conv right after a grouped conv", "GNET0402",
            """
            network N(input: 8x8x8) {
                a = [conv(8, 8, 3, padding: 1, groups: 2), batchnorm(8), relu]
                b = {|#0:conv(8, 8, 3, padding: 1, groups: 2)|}
            }
            """,
            ["b", "a.0"]
        },
        {
            "a member forward never calls", "GNET0403",
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 1)
                {|#0:b|} = relu
                forward(x) = a(x)
            }
            """,
            ["b"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_rule_is_reported_at_its_span_in_the_file(string what, string id, string source, string[] arguments)
    {
        Assert.NotEmpty(what);
        var test = new GroupNetAnalyzerTest();
        test.TestState.Sources.Add(string.Empty);
        test.TestState.AdditionalFiles.Add((FilePath, source));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(id).WithLocation(0).WithArguments(arguments));
        await test.RunAsync();
    }

    [Fact]
    public async Task Files_are_compiled_together_and_each_diagnostic_is_reported_once_in_its_own_file()
    {
        // The block is declared in one file and used with bad groups values by networks in two others that import
        // it. The error is in the block's conv, so it is reported in the block's file, once per instance (the paths
        // differ), with the call that gave the bad value as an additional location in the network's file.
        var test = new GroupNetAnalyzerTest();
        test.TestState.Sources.Add(string.Empty);
        test.TestState.AdditionalFiles.Add(("/0/Blocks.gnet", """
            block Grouped(channels, g) {
                c = conv(channels, channels, 3, padding: 1, groups: {|#0:g|})
                mix = conv(channels, channels, 1)
            }
            """));
        test.TestState.AdditionalFiles.Add(("/0/First.gnet", """
            import "Blocks.gnet"
            network First(input: 12x8x8) = {|#1:Grouped(12, 5)|}
            """));
        test.TestState.AdditionalFiles.Add(("/0/Second.gnet", """
            import "Blocks.gnet"
            network Second(input: 12x8x8) {
                ok = Grouped(12, 4)
                bad = {|#2:Grouped(12, 8)|}
            }
            """));
        // gcd(12, 12) = 12: valid groups 1, 2, 3, 4, 6, 12.
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithLocation(1).WithArguments("c", "12", "5", "valid: 1, 2, 3, 4, 6, 12"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(0).WithLocation(1).WithArguments("c", "12", "5", "valid: 1, 2, 3, 4, 6, 12"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithLocation(2).WithArguments("bad.c", "12", "8", "valid: 1, 2, 3, 4, 6, 12"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(0).WithLocation(2).WithArguments("bad.c", "12", "8", "valid: 1, 2, 3, 4, 6, 12"));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_diagnostic_in_one_of_several_files_is_reported_in_that_file()
    {
        var test = new GroupNetAnalyzerTest();
        test.TestState.Sources.Add(string.Empty);
        test.TestState.AdditionalFiles.Add(("/0/A.gnet", """
            network A(input: 3x8x8) = conv(3, 8, 3)
            """));
        test.TestState.AdditionalFiles.Add(("/0/B.gnet", """
            # a comment line
            network B(input: 3x8x8) {
                c = conv(3, 8, 3, groups: {|#0:3|})
            }
            """));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(0).WithArguments("c", "8", "3", "valid: 1"));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_valid_file_has_no_diagnostics()
    {
        var test = new GroupNetAnalyzerTest();
        test.TestState.Sources.Add(string.Empty);
        test.TestState.AdditionalFiles.Add((FilePath, """
            network N(input: 8x8x8) {
                dw = conv(8, 8, 3, padding: 1, groups: 8, bias: false)
                pw = conv(8, 16, 1)
                forward(x) = pw(dw(x))
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public async Task Files_that_are_not_gnet_are_ignored()
    {
        var test = new GroupNetAnalyzerTest();
        test.TestState.Sources.Add(string.Empty);
        test.TestState.AdditionalFiles.Add(("/0/notes.txt", "network N(input: 3x8x8) { c = conv(3, 8, 3, groups: 2) }"));
        await test.RunAsync();
    }
}
