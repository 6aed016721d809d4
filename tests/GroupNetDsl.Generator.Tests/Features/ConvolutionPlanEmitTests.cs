using GroupNetDsl.Generator.Tests.Networks;
using GroupNetDsl.Language.Emit;

namespace GroupNetDsl.Generator.Tests.Features;

/// <summary>
/// The plan is decided at build time and shown in the generated code: each conv's layer method runs its kernel with
/// a static readonly shape and plan, every value named, under a comment that says the plan in words. The expected
/// plans are worked out by hand from the rules in src/GroupNetDsl/Kernels/ConvolutionPlan.cs.
/// </summary>
public sealed class ConvolutionPlanEmitTests
{
    private const string Kernels = "global::GroupNetDsl.Kernels";

    [Fact]
    public void Plan_of_a_dense_conv_is_written_beside_its_shape_and_passed_to_the_kernel()
    {
        string code = Emit(FeatureNetworks.BatchNormFold);
        const string method = "Conv_3x6x5_to_4x6x5_k3_s1_p1";

        // 4 x 30 x 27 multiply-adds are far fewer than a team is worth: one thread. The planes' rows are 5 + 2 wide,
        // wider than an output row: wide columns, in one band of the 6 rows.
        AssertInOrder(code,
            "    // Plan: packed product over zero-padded phase planes into wide columns, 6 output rows per band; one thread.",
            $"    private static readonly {Kernels}.ConvolutionShape {method}_Shape = new(InChannels: 3, Height: 6, Width: 5, OutChannels: 4, OutputHeight: 6, OutputWidth: 5, Kernel: 3, Stride: 1, Padding: 1, Dilation: 1, Groups: 1);",
            $"    private static readonly {Kernels}.ConvolutionPlan {method}_Plan = new(Variant: {Kernels}.ConvolutionVariant.WidePlaneProduct, Split: {Kernels}.ThreadSplit.None, BandRows: 6, TeamBandRows: 6);",
            $"    private static void {method}(",
            $"        {Kernels}.Convolution.Convolve({method}_Shape, {method}_Plan,");
    }

    [Fact]
    public void Plan_of_a_separable_step_names_the_depthwise_variant_and_the_bands()
    {
        string code = Emit(FeatureNetworks.SeparableStep);
        const string method = "DepthwiseConv_4x9x8_to_4x9x8_k3_s1_p1_g4_Relu6_Then_PointwiseConv_4x9x8_to_6x9x8_k1_s1_p0_Relu";

        // 3x3, stride 1, the output as large as the input, on rows narrower than 16: each channel as one flat run. At
        // most 256 output pixels: one band of all 9 rows, threads take runs of channels and then of output channels.
        AssertInOrder(code,
            "    // Plan: depthwise over each channel as one flat run, several rows a vector; threads take runs of output channels.",
            $"    private static readonly {Kernels}.ConvolutionShape {method}_Shape = new(InChannels: 4, Height: 9, Width: 8, OutChannels: 4, OutputHeight: 9, OutputWidth: 8, Kernel: 3, Stride: 1, Padding: 1, Dilation: 1, Groups: 4);",
            $"    private static readonly {Kernels}.ConvolutionPlan {method}_Plan = new(Variant: {Kernels}.ConvolutionVariant.DepthwiseFlat, Split: {Kernels}.ThreadSplit.OutputChannels, BandRows: 9, TeamBandRows: 9);",
            $"    private static void {method}(",
            $"        {Kernels}.SeparableKernel.Convolve({method}_Shape, {method}_Plan,");
    }

    [Fact]
    public void Shape_and_plan_fields_are_members_a_class_of_your_own_must_not_declare()
    {
        var names = CSharpEmitter.MemberNames(FeatureNetworks.Model(FeatureNetworks.BatchNormFold));
        Assert.Contains("Conv_3x6x5_to_4x6x5_k3_s1_p1_Shape", names);
        Assert.Contains("Conv_3x6x5_to_4x6x5_k3_s1_p1_Plan", names);
    }

    [Fact]
    public void Generated_code_makes_no_claim_of_unrolled_taps()
    {
        foreach (var spec in FeatureNetworks.All) Assert.DoesNotContain("unrolled", Emit(spec), StringComparison.OrdinalIgnoreCase);
    }

    private static string Emit(NetworkSpec spec) =>
        CSharpEmitter.Emit(FeatureNetworks.Model(spec), new EmitTarget("Features", spec.Name, Standalone: true)).Replace("\r\n", "\n");

    /// <summary>Each line occurs whole in <paramref name="code"/>, after the one before it.</summary>
    private static void AssertInOrder(string code, params string[] lines)
    {
        int at = 0;
        foreach (string line in lines)
        {
            int found = code.IndexOf("\n" + line, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"Not found after offset {at}:\n{line}\n\nin:\n{code}");
            at = found + line.Length;
        }
    }
}
