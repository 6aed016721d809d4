using GroupNetDsl.Analyzers.Tests.Infrastructure;
using GroupNetDsl.TestSupport.Samples;

namespace GroupNetDsl.Analyzers.Tests.Diagnostics;

/// <summary>
/// The network model's rules for a network declared with attributes: each diagnostic is reported at the
/// attribute or argument that causes it ({|#0:...|}), with the message arguments the rule names. Layers
/// without a Name are named by position (0, 1, ...) as in nn.Sequential, so paths here are indices.
/// </summary>
public class AttributeDiagnosticTests
{
    private const string Usings = "using GroupNetDsl;\n";

    public static TheoryData<string, string, string, string[]> Cases => new()
    {
        {
            "an input shape with two dimensions", "GNET0105",
            """
            [{|#0:GroupNet(Input = "3x8")|}]
            [ReLU]
            public partial class N;
            """,
            ["3x8"]
        },
        {
            // gcd(16, 24) = 8: the valid groups are its divisors.
            "in_channels not divisible by groups", "GNET0201",
            """
            [GroupNet(Input = "16x8x8")]
            [Conv2d(16, 24, 3, {|#0:Groups = 6|}, Name = "conv")]
            public partial class N;
            """,
            ["conv", "16", "6", "valid: 1, 2, 4, 8"]
        },
        {
            "out_channels not divisible by groups", "GNET0202",
            """
            [GroupNet(Input = "8x8x8")]
            [Conv2d(8, 12, 3, {|#0:Groups = 8|})]
            public partial class N;
            """,
            ["0", "12", "8", "valid: 1, 2, 4"]
        },
        {
            "in_channels differ from the channels that arrive", "GNET0203",
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1)]
            [Conv2d({|#0:4|}, 16, 1)]
            public partial class N;
            """,
            ["1", "4", "8", "input 8x8x8", "set in_channels to 8 or change the layer before it"]
        },
        {
            // (4 + 0 - 5) / 1 + 1 = 0.
            "a kernel larger than the input", "GNET0204",
            """
            [GroupNet(Input = "3x4x4")]
            [{|#0:Conv2d(3, 8, 5)|}]
            public partial class N;
            """,
            ["0", "0x0", "3x4x4"]
        },
        {
            // Global average pooling leaves 3 features.
            "linear in_features differ from the flattened size", "GNET0206",
            """
            [GroupNet(Input = "3x8x8")]
            [GlobalAvgPool]
            [Flatten]
            [Linear({|#0:4|}, 10)]
            public partial class N;
            """,
            ["2", "4", "3", "input 3"]
        },
        {
            "a layer attribute the language does not know", "GNET0207",
            """
            [GroupNet(Input = "3x8x8")]
            [{|#0:Swish|}]
            public partial class N;

            public sealed class SwishAttribute : LayerAttribute;
            """,
            ["layer attribute", "Swish", "use one of Conv2d, BatchNorm2d, Linear, ReLU, ReLU6, Identity, MaxPool2d, AvgPool2d, GlobalAvgPool, Flatten, Sigmoid, Hardsigmoid, Hardswish, SiLU, GELU, Dropout, StochasticDepth, DepthwiseSeparableConv, GroupedBottleneck"]
        },
        {
            "two layers with one name", "GNET0211",
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1, Name = "a")]
            [ReLU({|#0:Name = "a"|})]
            public partial class N;
            """,
            ["a"]
        },
        {
            "stride zero", "GNET0214",
            """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 3, {|#0:Stride = 0|})]
            public partial class N;
            """,
            ["0", "stride", "at least 1", "0"]
        },
        {
            "linear on an image that was not flattened", "GNET0215",
            """
            [GroupNet(Input = "3x8x8")]
            [{|#0:Linear(192, 10, Name = "fc")|}]
            public partial class N;
            """,
            ["fc", "a flat", "an image 3x8x8", "flatten it first, for example fc(flatten(x))"]
        },
        {
            "a network without input shape", "GNET0219",
            """
            [{|#0:GroupNet|}]
            [ReLU]
            public partial class N;
            """,
            ["N"]
        },
        {
            "a layer name that is no state_dict path", "GNET0220",
            """
            [GroupNet(Input = "3x8x8")]
            [ReLU({|#0:Name = "a b"|})]
            public partial class N;
            """,
            ["a b"]
        },
        {
            "a network without layers", "GNET0221",
            """
            [{|#0:GroupNet(Input = "3x8x8")|}]
            public partial class N;
            """,
            ["Network 'N'"]
        },
        {
            "a depthwise conv whose channels are never mixed", "GNET0401",
            """
            [GroupNet(Input = "8x8x8")]
            [{|#0:Conv2d(8, 8, 3, Padding = 1, Groups = 8, Name = "dw")|}]
            public partial class N;
            """,
            ["dw"]
        },
        {
            "a grouped conv right after a grouped conv", "GNET0402",
            """
            [GroupNet(Input = "8x8x8")]
            [Conv2d(8, 8, 3, Padding = 1, Groups = 2)]
            [ReLU]
            [{|#0:Conv2d(8, 8, 3, Padding = 1, Groups = 2)|}]
            public partial class N;
            """,
            ["2", "0"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_rule_is_reported_at_the_attribute_or_argument(string what, string id, string source, string[] arguments)
    {
        Assert.NotEmpty(what);
        var test = new GroupNetAnalyzerTest { TestCode = Usings + source };
        test.ExpectedDiagnostics.Add(Expect.Diagnostic(id).WithLocation(0).WithArguments(arguments));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_block_attribute_with_an_invalid_inner_conv_is_marked_as_a_whole()
    {
        // GroupedBottleneck(16, 26): hidden = round(26 * 0.5) = 13 channels, and the default 4 groups divide
        // neither side of its 13 -> 13 grouped conv. gcd(13, 13) = 13.
        var test = new GroupNetAnalyzerTest
        {
            TestCode = Usings + """
                [GroupNet(Input = "16x8x8")]
                [{|#0:GroupedBottleneck(16, 26, Name = "stage")|}]
                public partial class N;
                """,
        };
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0201").WithLocation(0).WithArguments("stage.group_conv.0", "13", "4", "valid: 1, 13"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(0).WithArguments("stage.group_conv.0", "13", "4", "valid: 1, 13"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Layers_of_a_class_split_over_two_files_are_reported_in_their_own_file()
    {
        var test = new GroupNetAnalyzerTest();
        test.TestState.Sources.Add(("/0/First.cs", Usings + """
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 1)]
            public partial class N;
            """));
        test.TestState.Sources.Add(("/0/Second.cs", Usings + """
            [Conv2d({|#0:3|}, 16, 1)]
            public partial class N;
            """));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0203").WithLocation(0).WithArguments("1", "3", "8", "input 8x8x8", "set in_channels to 8 or change the layer before it"));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_valid_network_has_no_diagnostics()
    {
        var test = new GroupNetAnalyzerTest
        {
            TestCode = SeedNetworkSources.MiniGroupNetAttributesFile,
        };
        await test.RunAsync();
    }
}
