using GroupNetDsl.Analyzers.Tests.Infrastructure;

namespace GroupNetDsl.Analyzers.Tests.Diagnostics;

/// <summary>The C#-side rules (GNET03xx): what a [GroupNet] class must be for the generator to extend it.</summary>
public class ClassUsageDiagnosticTests
{
    private const string Usings = "using GroupNetDsl;\n";

    private const string Networks = """
        network Good(input: 3x8x8) = conv(3, 8, 3)
        network Other(input: 3x8x8) = relu
        """;

    private static GroupNetAnalyzerTest Test(string source, string? gnet = null)
    {
        var test = new GroupNetAnalyzerTest { TestCode = Usings + source };
        if (gnet is not null) test.TestState.AdditionalFiles.Add(("/0/Networks.gnet", gnet));
        return test;
    }

    [Fact]
    public async Task GNET0301_a_class_that_is_not_partial()
    {
        var test = Test("""
            [GroupNet(Input = "3x8x8")]
            [ReLU]
            public class {|#0:N|};
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0301").WithLocation(0).WithArguments("N"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0301_also_for_a_class_that_binds_a_gnet_network()
    {
        var test = Test("""
            [GroupNet(Network = "Good")]
            public class {|#0:Classifier|};
            """, Networks);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0301").WithLocation(0).WithArguments("Classifier"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0302_a_nested_class()
    {
        var test = Test("""
            public partial class Outer
            {
                [GroupNet(Input = "3x8x8")]
                [ReLU]
                public partial class {|#0:Inner|};
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0302").WithLocation(0).WithArguments("Inner", "nested in 'Outer'"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0302_a_generic_class()
    {
        var test = Test("""
            [GroupNet(Input = "3x8x8")]
            [ReLU]
            public partial class {|#0:N|}<T>;
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0302").WithLocation(0).WithArguments("N", "generic"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0302_a_static_class()
    {
        var test = Test("""
            [GroupNet(Input = "3x8x8")]
            [ReLU]
            public static partial class {|#0:N|};
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0302").WithLocation(0).WithArguments("N", "static"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0302_names_every_reason_at_once()
    {
        var test = Test("""
            public partial class Outer
            {
                [GroupNet(Input = "3x8x8")]
                [ReLU]
                public partial class {|#0:Inner|}<T>;
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0302").WithLocation(0).WithArguments("Inner", "nested in 'Outer' and generic"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0302_a_record()
    {
        var test = Test("""
            [GroupNet(Input = "3x8x8")]
            [ReLU]
            public partial record {|#0:N|};
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0302").WithLocation(0).WithArguments("N", "a record"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0303_an_argument_that_is_not_a_constant_comes_with_the_compiler_error_and_stops_the_network_check()
    {
        // C# itself rejects the argument (CS0182) and the attribute data holds an error value for it; the
        // analyzer says which argument of the network is missing and does not check the network without it
        // (which would report a missing in_channels and a bad groups value as well).
        var test = Test("""
            public static class Sizes
            {
                public static readonly int Channels = 3;
            }

            [GroupNet(Input = "3x8x8")]
            [Conv2d({|#0:Sizes.Channels|}, 8, 3, {|#1:Groups = {|#2:Sizes.Channels|}|})]
            public partial class N;
            """);
        test.ExpectedDiagnostics.Add(Expect.CompilerError("CS0182").WithLocation(0));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0303").WithLocation(0).WithArguments("inChannels"));
        test.ExpectedDiagnostics.Add(Expect.CompilerError("CS0182").WithLocation(2));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0303").WithLocation(1).WithArguments("Groups"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0303_is_not_reported_for_a_const()
    {
        var test = Test("""
            public static class Sizes
            {
                public const int Channels = 3;
            }

            [GroupNet(Input = "3x8x8")]
            [Conv2d(Sizes.Channels, 8, 3)]
            public partial class N;
            """);
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0304_a_bound_network_that_no_gnet_file_declares_lists_the_declared_ones()
    {
        var test = Test("""
            [GroupNet({|#0:Network = "Goood"|})]
            public partial class Classifier;
            """, Networks);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0304").WithLocation(0).WithArguments("Goood", " (they declare Good, Other)"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0304_for_a_model_zoo_name_says_how_to_declare_a_network_with_it()
    {
        var test = Test("""
            [GroupNet({|#0:Network = "shufflenet_v2_x1_0"|})]
            public partial class Classifier;
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0304").WithLocation(0).WithArguments(
            "shufflenet_v2_x1_0",
            " (they declare none; 'shufflenet_v2_x1_0' is a block of the standard library, not a network: declare a network with it in a .gnet file, such as `network Net(input: CxHxW) = shufflenet_v2_x1_0(...)`, and bind that network's name)"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0304_without_any_gnet_file()
    {
        var test = Test("""
            [GroupNet({|#0:Network = "Good"|})]
            public partial class Classifier;
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0304").WithLocation(0).WithArguments("Good", " (they declare none)"));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_bound_network_that_exists_is_fine_and_its_own_errors_are_reported_in_its_file()
    {
        var test = Test("""
            [GroupNet(Network = "Good")]
            public partial class Classifier;

            [GroupNet(Network = "Broken")]
            public partial class Other;
            """, """
            network Good(input: 3x8x8) = conv(3, 8, 3)
            network Broken(input: 3x8x8) {
                c = conv(3, 8, 3, groups: {|#0:3|})
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0202").WithLocation(0).WithArguments("c", "8", "3", "valid: 1"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0305_members_whose_names_the_generated_code_needs()
    {
        var test = Test("""
            [GroupNet(Input = "3x8x8")]
            [ReLU]
            public partial class N
            {
                public void {|#0:Forward|}() { }

                public static int {|#1:InputLength|} => 3;

                private readonly int {|#2:Summary|};
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0305").WithLocation(0).WithArguments("N", "Forward"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0305").WithLocation(1).WithArguments("N", "InputLength"));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0305").WithLocation(2).WithArguments("N", "Summary"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0305_a_member_named_like_a_weight_field_of_the_network()
    {
        // The emitter keeps each conv's weights in a field named after the layer path (_conv_weight here).
        var test = Test("""
            [GroupNet(Input = "3x8x8")]
            [Conv2d(3, 8, 3, Name = "conv")]
            public partial class N
            {
                private readonly float[] {|#0:_conv_weight|} = [];
            }
            """);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0305").WithLocation(0).WithArguments("N", "_conv_weight"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0305_a_class_named_like_a_generated_member()
    {
        // C# forbids a member named like its class (CS0542), so the generator cannot extend this class.
        var test = Test("""
            [GroupNet(Network = "Good")]
            public partial class {|#0:Summary|};
            """, Networks);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0305").WithLocation(0).WithArguments("Summary", "Summary"));
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0305_is_not_reported_for_the_members_the_generator_wrote()
    {
        // What the build compiles: the user's part, and the part the generator added (marked [GeneratedCode]).
        var test = Test("""
            [GroupNet(Input = "3x8x8")]
            [ReLU]
            public partial class N
            {
                public int Width => 8;
            }

            [global::System.CodeDom.Compiler.GeneratedCode("GroupNetDsl", "0.1.0")]
            partial class N
            {
                public const int InputLength = 192;

                public static string Summary => "";

                public static N Load(string path) => new N();

                public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output) { }
            }
            """);
        await test.RunAsync();
    }

    [Fact]
    public async Task GNET0306_layer_attributes_and_a_bound_network_on_one_class()
    {
        var test = Test("""
            [GroupNet({|#0:Network = "Good"|})]
            [ReLU]
            public partial class Mixed;
            """, Networks);
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("GNET0306").WithLocation(0).WithArguments("Mixed", "Good"));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_class_without_GroupNet_is_not_checked()
    {
        var test = Test("""
            [ReLU]
            public class NotANetwork
            {
                public void Forward() { }
            }
            """);
        await test.RunAsync();
    }
}
