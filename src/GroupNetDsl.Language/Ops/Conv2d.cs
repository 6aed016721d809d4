using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Kernels;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>nn.Conv2d with square kernel, stride, padding and dilation.</summary>
public sealed record Conv2dOp(int InChannels, int OutChannels, int KernelSize, int Stride, int Padding, int Dilation, int Groups, bool Bias) : Operation
{
    public override string OpName => "conv";

    public override string TorchName => "Conv2d";

    public override OpDescriptor Descriptor => Conv2d.Descriptor;

    public int InChannelsPerGroup => InChannels / Groups;

    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>groups == in_channels: every input channel is filtered on its own (possibly with a channel multiplier).</summary>
    public bool IsDepthwise => Groups == InChannels && Groups > 1;

    /// <summary>Parameters as nn.Module.parameters() counts them.</summary>
    public long ParameterCount => (long)OutChannels * InChannelsPerGroup * KernelSize * KernelSize + (Bias ? OutChannels : 0);
}

/// <summary>
/// conv: every convolution, dense, grouped or depthwise. Its step takes in a batchnorm after it (folded into its
/// weights at load), a residual add and an activation (in its epilogue), a global average pool (summed as rows are
/// written), and a depthwise conv before it when it is a plain 1x1 conv (the separable step).
/// </summary>
public sealed class Conv2d : OpDescriptor
{
    private const string Kernels = "global::GroupNetDsl.Kernels";

    public static readonly Conv2d Descriptor = new();

    private static readonly OpParameter[] Signature =
    {
        OpParameter.RequiredInteger("in_channels"),
        OpParameter.RequiredInteger("out_channels"),
        OpParameter.RequiredInteger("kernel_size"),
        OpParameter.Integer("stride", 1),
        OpParameter.Integer("padding", 0, minimum: 0),
        OpParameter.Integer("dilation", 1),
        OpParameter.Integer("groups", 1),
        OpParameter.Boolean("bias", true),
    };

    public override string Name => "conv";

    public override string TorchName => "nn.Conv2d";

    public override bool HasWeights => true;

    public override IReadOnlyList<OpParameter> Parameters => Signature;

    public override IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute("Conv2d") };

    internal override Operation? Create(OpSite site)
    {
        int inChannels = site.Int("in_channels");
        int outChannels = site.Int("out_channels");
        int kernel = site.Int("kernel_size");
        int stride = site.Int("stride");
        int padding = site.Int("padding");
        int dilation = site.Int("dilation");
        int groups = site.Int("groups");
        bool bias = site.Flag("bias");
        if (!site.Ok) return null;
        var groupsLocation = site.LocationOf("groups");
        if (inChannels % groups != 0)
        {
            site.Report(DiagnosticDescriptors.InChannelsNotDivisible, DiagnosticProperties.ForGroups(inChannels, outChannels, groups), groupsLocation, site.DisplayName, inChannels, groups, ValidGroups(inChannels, outChannels));
        }
        if (outChannels % groups != 0)
        {
            site.Report(DiagnosticDescriptors.OutChannelsNotDivisible, DiagnosticProperties.ForGroups(inChannels, outChannels, groups), groupsLocation, site.DisplayName, outChannels, groups, ValidGroups(inChannels, outChannels));
        }
        return site.Ok ? new Conv2dOp(inChannels, outChannels, kernel, stride, padding, dilation, groups, bias) : null;
    }

    /// <summary>The groups values that divide both channel counts: the divisors of their gcd.</summary>
    internal static string ValidGroups(int inChannels, int outChannels)
    {
        int a = inChannels, b = outChannels;
        while (b != 0) (a, b) = (b, a % b);
        var divisors = new List<int>();
        for (int d = 1; d <= a; d++)
        {
            if (a % d == 0) divisors.Add(d);
        }
        string list = divisors.Count > 12
            ? string.Join(", ", divisors.Take(6)) + ", ..., " + string.Join(", ", divisors.Skip(divisors.Count - 3))
            : string.Join(", ", divisors);
        return "valid: " + list;
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        var conv = (Conv2dOp)operation;
        var input = inputs[0];
        if (!site.RequireImage(input, "flatten comes last, before linear")) return null;
        if (input.Channels != conv.InChannels)
        {
            site.ReportChannelMismatch(DiagnosticDescriptors.ChannelMismatch, "in_channels", conv.InChannels, input);
            return null;
        }
        // In 64 bits: dilation x (kernel - 1) passes 2^31 within the arguments' range (PyTorch then rejects the layer).
        long extent = ((long)conv.Dilation * (conv.KernelSize - 1)) + 1;
        if (site.Spatial(input, conv.OutChannels, extent, conv.Stride, conv.Padding) is not { } output) return null;
        // The kernels index their buffers (zero-padded planes, weights, a band of the product) in 32 bits.
        var (what, length) = KernelLayout.LargestBuffer(ShapeOf(conv, input, output));
        if (length > KernelLayout.MaxBufferLength)
        {
            site.Report(DiagnosticDescriptors.TensorTooLarge, site.Location, site.DisplayName, what, length, KernelLayout.MaxBufferLength);
            return null;
        }
        return output;
    }

    public override long ParameterCount(Operation operation) => ((Conv2dOp)operation).ParameterCount;

    public override long MultiplyAccumulates(Operation operation, TensorShape output)
    {
        var conv = (Conv2dOp)operation;
        return output.ElementCount * conv.InChannelsPerGroup * conv.KernelSize * conv.KernelSize;
    }

    public override IEnumerable<WeightTensor> Weights(string path, Operation operation)
    {
        var conv = (Conv2dOp)operation;
        yield return Weight(path, "weight", WeightRole.Parameter, conv.OutChannels, conv.InChannelsPerGroup, conv.KernelSize, conv.KernelSize);
        if (conv.Bias) yield return Weight(path, "bias", WeightRole.Parameter, conv.OutChannels);
    }

    public override string Describe(Operation operation)
    {
        var c = (Conv2dOp)operation;
        return string.Join(", ", new[]
        {
            $"{c.InChannels}->{c.OutChannels}",
            $"{c.KernelSize}x{c.KernelSize}",
            c.Stride != 1 ? $"stride {c.Stride}" : null,
            c.Padding != 0 ? $"pad {c.Padding}" : null,
            c.Dilation != 1 ? $"dilation {c.Dilation}" : null,
            c.IsDepthwise ? $"depthwise ({c.Groups} groups)" : c.Groups != 1 ? $"groups {c.Groups} ({c.Groups} groups of {c.InChannelsPerGroup}->{c.OutChannelsPerGroup})" : null,
            c.Bias ? "bias" : null,
        }.Where(s => s is not null));
    }

    public override bool Absorbs(Operation operation, FusionRole role) => role != FusionRole.None;

    public override bool IsSeparableFirstHalf(Operation operation) => ((Conv2dOp)operation).IsDepthwise;

    /// <summary>A plain 1x1 conv (stride 1, no padding, one group): the product the separable kernel runs on each band of depthwise rows.</summary>
    public override bool IsSeparableSecondHalf(Operation operation) => operation is Conv2dOp { KernelSize: 1, Stride: 1, Padding: 0, Groups: 1 };

    /// <summary>Planes too large for one band of all rows (see <see cref="ConvolutionPlanner.PlanExpandedSeparable"/>).</summary>
    public override bool ExpandsInBands(Operation operation, TensorShape input, TensorShape output) =>
        operation is Conv2dOp { IsDepthwise: true } conv && ConvolutionPlanner.PlanExpandedSeparable(ShapeOf(conv, input, output)) is not null;

    /// <summary>A separable step (with or without its expansion) and no residual to add: its product writes each channel where told.</summary>
    internal override bool WritesChannelsApart(Step step) => step.Depthwise is not null && step.FusedAdd is null;

    // ------------------------------------------------------------------ emission
    // The code of a conv step: one load call per conv (the runtime folds and packs), and a layer method per
    // configuration that calls the runtime kernel with its shape and its plan, both static readonly fields of
    // constants. The plan (kernel variant, thread split, band sizes) is ConvolutionPlanner's, chosen here at build
    // time; the kernel executes it. Grouped and dense convs are G matrix products (Convolution); depthwise convs run
    // channel by channel (DepthwiseKernel); a depthwise conv and the 1x1 conv that alone reads it run band by band
    // (SeparableKernel).

    internal override void Emit(StepCode code)
    {
        var step = code.Step;
        var node = step.Primary;
        var conv = (Conv2dOp)node.Operation;
        var input = code.Input;
        bool residual = step.FusedAdd is not null;

        // An inverted residual's expansion, loaded first as it comes first: the 1x1 conv whose output the step computes band by band.
        var expansion = step.Expansion is { } exStep ? ExpansionOf(code, exStep) : default;
        if (step.Depthwise is { } dwStep)
        {
            // A depthwise conv and the 1x1 conv that alone reads it: one method, the depthwise weights first.
            var dwNode = dwStep.Primary;
            var dwConv = (Conv2dOp)dwNode.Operation;
            var dwInput = code.Network.Nodes[dwNode.Inputs[0]].Output;
            var (dwWeight, dwBias) = LoadWeights(code, dwStep, dwConv);
            var (pwWeight, pwBias) = LoadWeights(code, step, conv);
            // Channels written apart, into a shuffled cat's planes: a stride of its own in the method's name and call.
            int stride = step.Into is { PlaneStride: > 1 } slot ? slot.PlaneStride * node.Output.Height * node.Output.Width : 0;
            string name = $"{expansion.Name}{MethodName(dwConv, dwInput, dwNode.Output, dwBias is not null)}{StepCode.ActivationSuffix(dwStep.Activation)}_Then_"
                + $"{MethodName(conv, input, node.Output, pwBias is not null)}{code.EpilogueSuffix}"
                + (stride > 0 ? "_ChannelStride" + stride.ToString(CultureInfo.InvariantCulture) : string.Empty);
            if (step.Expansion is { } withExpansion)
            {
                // An inverted residual: the expansion, the depthwise conv and the projection, band by band.
                var exConv = (Conv2dOp)withExpansion.Primary.Operation;
                string expanded = code.Methods.Add(name, () => ExpandedSeparableMethod(name, exConv, expansion.Input, expansion.Bias is not null, withExpansion.Activation, dwConv, dwInput, dwNode.Output,
                    dwBias is not null, dwStep.Activation, conv, node.Output, pwBias is not null, residual, step.Activation, stride), name + ShapeSuffix, name + PlanSuffix);
                code.CallWith((buffer, _) =>
                    $"{expanded}({buffer(withExpansion.Primary.Inputs[0])}, {expansion.Weight}, {expansion.Bias ?? "default"}, {dwWeight}, {dwBias ?? "default"}, {pwWeight}, {pwBias ?? "default"}, {code.ResidualArgument(buffer)}{buffer(step.Last.Index)}, _groupNetTeam);");
                return;
            }
            string separable = code.Methods.Add(name, () => SeparableMethod(name, dwConv, dwInput, dwNode.Output, dwBias is not null, dwStep.Activation,
                conv, node.Output, pwBias is not null, residual, step.Activation, stride), name + ShapeSuffix, name + PlanSuffix);
            code.CallWith((buffer, _) =>
                $"{separable}({buffer(dwNode.Inputs[0])}, {dwWeight}, {dwBias ?? "default"}, {pwWeight}, {pwBias ?? "default"}, {code.ResidualArgument(buffer)}{buffer(step.Last.Index)}, _groupNetTeam);");
            return;
        }

        var (weight, bias) = LoadWeights(code, step, conv);
        if (step.InputScale is { } scale)
        {
            // A channel scale and the plain 1x1 conv that alone reads its product: the conv takes the image and the scales.
            var (image, scales) = ExecutionPlan.ScaleOperands(scale, code.Network.Nodes);
            string scaled = MethodName(conv, input, node.Output, bias is not null) + "_ScaledInput" + code.EpilogueSuffix;
            code.Methods.Add(scaled, () => ScaledInputMethod(scaled, conv, input, node.Output, bias is not null, residual, step.Activation), scaled + ShapeSuffix, scaled + PlanSuffix);
            code.CallWith((buffer, _) =>
                $"{scaled}({buffer(image)}, {buffer(scales)}, {weight}, {bias ?? "default"}, {code.ResidualArgument(buffer)}{buffer(step.Last.Index)}, _groupNetTeam);");
            return;
        }
        bool pooled = step.FusedPool is not null;
        string method = MethodName(conv, input, node.Output, bias is not null) + code.EpilogueSuffix;
        if (step.SidePool is { } side)
        {
            // The output and, beside it, its channel means (a squeeze-and-excitation pool).
            code.Methods.Add(method, () => WithMeansMethod(method, conv, input, node.Output, bias is not null, residual, step.Activation), method + ShapeSuffix, method + PlanSuffix);
            code.CallWith((buffer, _) =>
                $"{method}({buffer(node.Inputs[0])}, {weight}, {bias ?? "default"}, {code.ResidualArgument(buffer)}{buffer(step.Last.Index)}, {buffer(side.Index)}, _groupNetTeam);");
            return;
        }
        code.Methods.Add(method, () => ConvolutionMethod(method, conv, input, node.Output, bias is not null, residual, step.Activation, pooled), method + ShapeSuffix, method + PlanSuffix);
        code.CallWith((buffer, workspace) =>
            $"{method}({buffer(node.Inputs[0])}, {weight}, {bias ?? "default"}, {code.ResidualArgument(buffer)}{(pooled ? workspace + ", " : string.Empty)}{buffer(step.Last.Index)}, _groupNetTeam);");
    }

    /// <summary>An expansion step's weight fields, its input's shape, and its part of the method name ("..._Then_").</summary>
    private static (string Weight, string? Bias, TensorShape Input, string Name) ExpansionOf(StepCode code, Step expansion)
    {
        var node = expansion.Primary;
        var conv = (Conv2dOp)node.Operation;
        var input = code.Network.Nodes[node.Inputs[0]].Output;
        var (weight, bias) = LoadWeights(code, expansion, conv);
        return (weight, bias, input, $"{MethodName(conv, input, node.Output, bias is not null)}{StepCode.ActivationSuffix(expansion.Activation)}_Then_");
    }

    /// <summary>
    /// The conv's weight fields (and bias, also with a batchnorm folded in) and their one load call: the runtime
    /// takes the tensors by key, folds the batchnorm and packs for the product kernel.
    /// </summary>
    private static (string Weight, string? Bias) LoadWeights(StepCode code, Step step, Conv2dOp conv)
    {
        string path = step.Primary.Path;
        string weight = code.Field(path, "weight");
        string? bias = conv.Bias || step.FoldedBatchNorm is not null ? code.Field(path, "bias") : null;
        code.Load.Add($"({weight}, {bias ?? "_"}) = {CSharpEmitter.WeightsNamespace}.ConvolutionWeights.Load(weights, {StepCode.Key(path, "weight")}, biasKey: {(conv.Bias ? StepCode.Key(path, "bias") : "null")},");
        string shape = string.Format(CultureInfo.InvariantCulture, "outChannels: {0}, inChannelsPerGroup: {1}, kernelSize: {2}, groups: {3}",
            conv.OutChannels, conv.InChannelsPerGroup, conv.KernelSize, conv.Groups);
        if (step.FoldedBatchNorm is { } norm)
        {
            code.Load.Add($"    {shape},");
            code.Load.Add($"    batchNorm: {BatchNorm2d.Keys(norm.Path, (BatchNorm2dOp)norm.Operation)});");
        }
        else
        {
            code.Load.Add($"    {shape});");
        }
        return (weight, bias);
    }

    private static string MethodName(Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias) =>
        string.Format(CultureInfo.InvariantCulture, "{0}_{1}x{2}x{3}_to_{4}x{5}x{6}_k{7}_s{8}_p{9}{10}{11}{12}",
            conv.IsDepthwise ? "DepthwiseConv" : conv.Groups > 1 ? "GroupedConv" : conv.KernelSize == 1 ? "PointwiseConv" : "Conv",
            input.Channels, input.Height, input.Width, output.Channels, output.Height, output.Width,
            conv.KernelSize, conv.Stride, conv.Padding,
            conv.Dilation != 1 ? "_d" + conv.Dilation.ToString(CultureInfo.InvariantCulture) : string.Empty,
            conv.Groups != 1 ? "_g" + conv.Groups.ToString(CultureInfo.InvariantCulture) : string.Empty,
            hasBias ? string.Empty : "_NoBias");

    /// <summary>
    /// The layer's method. With <paramref name="pool"/>, a global average pool is fused in: the method takes a
    /// workspace (the conv's output, then one sum per output row) and writes one mean per channel.
    /// </summary>
    private static string ConvolutionMethod(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation, bool pool)
    {
        var shape = ShapeOf(conv, input, output);
        bool depthwise = KernelLayout.RunsOnDepthwiseKernel(conv.InChannelsPerGroup);
        var plan = depthwise ? ConvolutionPlanner.PlanDepthwise(shape) : ConvolutionPlanner.PlanProduct(shape, pool);
        int depth = conv.InChannelsPerGroup * conv.KernelSize * conv.KernelSize;
        var w = new SourceWriter();
        ShapeAndPlan(w, name, shape, plan);
        w.Line(depthwise
            ? $"/// <summary>depthwise conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}: {input} -> {output}, channel by channel{Epilogue(residual, activation, pool)}.</summary>"
            : $"/// <summary>conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}, groups {conv.Groups}: {input} -> {output}; per group a [{conv.OutChannelsPerGroup} x {depth}] x [{depth} x {output.Height * output.Width}] product{Epilogue(residual, activation, pool)}.</summary>");
        string target = pool ? $"{SourceWriter.Span} workspace, {SourceWriter.Span} pooled" : $"{SourceWriter.Span} output";
        w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {(residual ? SourceWriter.ReadOnlySpan + " residual, " : string.Empty)}{target}, {Kernels}.WorkerTeam? team)");
        string arguments = $"input, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationDescriptor.RuntimeValue(activation)}";
        string kernel = depthwise ? "DepthwiseKernel" : "Convolution";
        w.Line($"{Kernels}.{kernel}.{(pool ? "ConvolveAndPool" : "Convolve")}({name}{ShapeSuffix}, {name}{PlanSuffix},");
        w.Line(pool ? $"    {arguments}, workspace, pooled, team);" : $"    {arguments}, output, team);");
        w.Close();
        return w.Text;
    }

    /// <summary>
    /// The layer's method when a global average pool reads its output beside another reader: it writes the output and
    /// one mean per channel, each run of channels averaged as soon as it is computed.
    /// </summary>
    private static string WithMeansMethod(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation)
    {
        var shape = ShapeOf(conv, input, output);
        bool depthwise = KernelLayout.RunsOnDepthwiseKernel(conv.InChannelsPerGroup);
        var plan = depthwise ? ConvolutionPlanner.PlanDepthwise(shape) : ConvolutionPlanner.PlanProduct(shape);
        var w = new SourceWriter();
        ShapeAndPlan(w, name, shape, plan);
        w.Line($"/// <summary>{(depthwise ? "depthwise conv" : "conv")} {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}, groups {conv.Groups}: {input} -> {output}{Epilogue(residual, activation, false)}, and the mean of each output channel.</summary>");
        w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {(residual ? SourceWriter.ReadOnlySpan + " residual, " : string.Empty)}{SourceWriter.Span} output, {SourceWriter.Span} means, {Kernels}.WorkerTeam? team)");
        w.Line($"{Kernels}.{(depthwise ? "DepthwiseKernel" : "Convolution")}.ConvolveWithMeans({name}{ShapeSuffix}, {name}{PlanSuffix},");
        w.Line($"    input, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationDescriptor.RuntimeValue(activation)}, output, means, team);");
        w.Close();
        return w.Text;
    }

    /// <summary>
    /// A depthwise conv and the 1x1 conv that alone reads it, as one method: SeparableKernel runs them band by band
    /// of output rows.
    /// </summary>
    private static string SeparableMethod(string name, Conv2dOp depthwise, TensorShape input, TensorShape middle, bool depthwiseBias, ActivationKind? depthwiseActivation,
        Conv2dOp pointwise, TensorShape output, bool hasBias, bool residual, ActivationKind? activation, int channelStride)
    {
        var shape = ShapeOf(depthwise, input, middle);
        var w = new SourceWriter();
        ShapeAndPlan(w, name, shape, ConvolutionPlanner.PlanSeparable(shape));
        w.Line($"/// <summary>depthwise conv {depthwise.InChannels}->{depthwise.OutChannels}, {depthwise.KernelSize}x{depthwise.KernelSize}, stride {depthwise.Stride}, pad {depthwise.Padding}, dilation {depthwise.Dilation}: {input} -> {middle}{Epilogue(false, depthwiseActivation, false)},"
            + $" then conv {pointwise.InChannels}->{pointwise.OutChannels}, 1x1: -> {output}{Epilogue(residual, activation, false)}{ChannelStrideText(channelStride)}; band by band of output rows.</summary>");
        w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} depthwiseWeight, {SourceWriter.ReadOnlySpan} depthwiseBias, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {(residual ? SourceWriter.ReadOnlySpan + " residual, " : string.Empty)}{SourceWriter.Span} output, {Kernels}.WorkerTeam? team)");
        w.Line($"{Kernels}.SeparableKernel.Convolve({name}{ShapeSuffix}, {name}{PlanSuffix},");
        w.Line($"    input, depthwiseWeight, {(depthwiseBias ? "depthwiseBias" : "default")}, {ActivationDescriptor.RuntimeValue(depthwiseActivation)},");
        w.Line($"    {pointwise.OutChannels}, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationDescriptor.RuntimeValue(activation)}, output, team{ChannelStrideArgument(channelStride)});");
        w.Close();
        return w.Text;
    }

    /// <summary>
    /// An inverted residual's three convs (a 1x1 expansion, the depthwise conv that alone reads it, the 1x1 conv that alone
    /// reads that) as one method: SeparableKernel runs them band by band of output rows.
    /// </summary>
    private static string ExpandedSeparableMethod(string name, Conv2dOp expansion, TensorShape input, bool expansionBias, ActivationKind? expansionActivation,
        Conv2dOp depthwise, TensorShape expanded, TensorShape middle, bool depthwiseBias, ActivationKind? depthwiseActivation,
        Conv2dOp pointwise, TensorShape output, bool hasBias, bool residual, ActivationKind? activation, int channelStride)
    {
        var shape = ShapeOf(depthwise, expanded, middle);
        var w = new SourceWriter();
        ShapeAndPlan(w, name, shape, ConvolutionPlanner.PlanExpandedSeparable(shape)!.Value);
        w.Line($"/// <summary>{ExpansionText(expansion, input, expanded, expansionActivation)}, then {DepthwiseText(depthwise, middle, depthwiseActivation)},"
            + $" then conv {pointwise.InChannels}->{pointwise.OutChannels}, 1x1: -> {output}{Epilogue(residual, activation, false)}{ChannelStrideText(channelStride)}; band by band of output rows.</summary>");
        w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} expandWeight, {SourceWriter.ReadOnlySpan} expandBias, {SourceWriter.ReadOnlySpan} depthwiseWeight, {SourceWriter.ReadOnlySpan} depthwiseBias, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {(residual ? SourceWriter.ReadOnlySpan + " residual, " : string.Empty)}{SourceWriter.Span} output, {Kernels}.WorkerTeam? team)");
        w.Line($"{Kernels}.SeparableKernel.ConvolveExpanded({name}{ShapeSuffix}, {name}{PlanSuffix},");
        w.Line($"    {expansion.InChannels}, input, expandWeight, {(expansionBias ? "expandBias" : "default")}, {ActivationDescriptor.RuntimeValue(expansionActivation)},");
        w.Line($"    depthwiseWeight, {(depthwiseBias ? "depthwiseBias" : "default")}, {ActivationDescriptor.RuntimeValue(depthwiseActivation)},");
        w.Line($"    {pointwise.OutChannels}, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationDescriptor.RuntimeValue(activation)}, output, team{ChannelStrideArgument(channelStride)});");
        w.Close();
        return w.Text;
    }

    private static string ChannelStrideText(int channelStride) =>
        channelStride > 0 ? string.Format(CultureInfo.InvariantCulture, ", each output channel {0} floats after the one before", channelStride) : string.Empty;

    private static string ChannelStrideArgument(int channelStride) =>
        channelStride > 0 ? string.Format(CultureInfo.InvariantCulture, ", outputChannelStride: {0}", channelStride) : string.Empty;

    private static string ExpansionText(Conv2dOp expansion, TensorShape input, TensorShape expanded, ActivationKind? activation) =>
        $"conv {expansion.InChannels}->{expansion.OutChannels}, 1x1: {input} -> {expanded}{Epilogue(false, activation, false)}";

    private static string DepthwiseText(Conv2dOp depthwise, TensorShape output, ActivationKind? activation) =>
        $"depthwise conv {depthwise.InChannels}->{depthwise.OutChannels}, {depthwise.KernelSize}x{depthwise.KernelSize}, stride {depthwise.Stride}, pad {depthwise.Padding}, dilation {depthwise.Dilation}: -> {output}{Epilogue(false, activation, false)}";

    /// <summary>The layer's method for a plain 1x1 conv whose input is scaled channel by channel first.</summary>
    private static string ScaledInputMethod(string name, Conv2dOp conv, TensorShape input, TensorShape output, bool hasBias, bool residual, ActivationKind? activation)
    {
        var shape = ShapeOf(conv, input, output);
        var w = new SourceWriter();
        ShapeAndPlan(w, name, shape, ConvolutionPlanner.PlanProduct(shape));
        w.Line($"/// <summary>conv {conv.InChannels}->{conv.OutChannels}, 1x1, of the input times one scale per channel: {input} -> {output}; a [{conv.OutChannels} x {conv.InChannels}] x [{conv.InChannels} x {output.Height * output.Width}] product{Epilogue(residual, activation, false)}.</summary>");
        w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} scales, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {(residual ? SourceWriter.ReadOnlySpan + " residual, " : string.Empty)}{SourceWriter.Span} output, {Kernels}.WorkerTeam? team)");
        w.Line($"{Kernels}.Convolution.ConvolveScaledInput({name}{ShapeSuffix}, {name}{PlanSuffix},");
        w.Line($"    input, scales, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationDescriptor.RuntimeValue(activation)}, output, team);");
        w.Close();
        return w.Text;
    }

    private static string Epilogue(bool residual, ActivationKind? activation, bool pool) =>
        (residual ? ", + residual" : string.Empty)
        + (activation is { } kind ? ", " + ActivationDescriptor.For(kind).Name : string.Empty)
        + (pool ? ", then the global average pool" : string.Empty);

    private const string ShapeSuffix = "_Shape";
    private const string PlanSuffix = "_Plan";

    private static ConvolutionShape ShapeOf(Conv2dOp conv, TensorShape input, TensorShape output) =>
        new(input.Channels, input.Height, input.Width, output.Channels, output.Height, output.Width, conv.KernelSize, conv.Stride, conv.Padding, conv.Dilation, conv.Groups);

    /// <summary>
    /// The layer's shape and plan as static readonly fields, every value named, under a comment that says the plan in
    /// words.
    /// </summary>
    private static void ShapeAndPlan(SourceWriter w, string name, ConvolutionShape shape, ConvolutionPlan plan)
    {
        w.Line($"// Plan: {ConvolutionPlanner.Describe(plan)}.");
        w.Line(string.Format(CultureInfo.InvariantCulture,
            "private static readonly {0}.ConvolutionShape {1}{2} = new(InChannels: {3}, Height: {4}, Width: {5}, OutChannels: {6}, OutputHeight: {7}, OutputWidth: {8}, Kernel: {9}, Stride: {10}, Padding: {11}, Dilation: {12}, Groups: {13});",
            Kernels, name, ShapeSuffix, shape.InChannels, shape.Height, shape.Width, shape.OutChannels, shape.OutputHeight, shape.OutputWidth,
            shape.Kernel, shape.Stride, shape.Padding, shape.Dilation, shape.Groups));
        w.Line(string.Format(CultureInfo.InvariantCulture,
            "private static readonly {0}.ConvolutionPlan {1}{2} = new(Variant: {0}.ConvolutionVariant.{3}, Split: {0}.ThreadSplit.{4}, BandRows: {5}, TeamBandRows: {6});",
            Kernels, name, PlanSuffix, plan.Variant, plan.Split, plan.BandRows, plan.TeamBandRows));
        w.Line();
    }
}
