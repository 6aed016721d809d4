using System.Globalization;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

// The code of a conv step: one load call per conv (the runtime folds and packs), and a layer method per
// configuration that calls the runtime kernel with every size a constant. Grouped and dense convs are G matrix
// products (Convolution); depthwise convs run channel by channel (DepthwiseKernel); a depthwise conv and the 1x1
// conv that alone reads it run band by band (SeparableKernel).
public sealed partial class Conv2d
{
    private const string Kernels = "global::GroupNetDsl.Kernels";

    internal override void Emit(StepCode code)
    {
        var step = code.Step;
        var node = step.Primary;
        var conv = (Conv2dOp)node.Operation;
        var input = code.Input;
        bool residual = step.FusedAdd is not null;

        if (step.Depthwise is { } dwStep)
        {
            // A depthwise conv and the 1x1 conv that alone reads it: one method, the depthwise weights first.
            var dwNode = dwStep.Primary;
            var dwConv = (Conv2dOp)dwNode.Operation;
            var dwInput = code.Network.Nodes[dwNode.Inputs[0]].Output;
            var (dwWeight, dwBias) = LoadWeights(code, dwStep, dwConv);
            var (pwWeight, pwBias) = LoadWeights(code, step, conv);
            string name = $"{MethodName(dwConv, dwInput, dwNode.Output, dwBias is not null)}{StepCode.ActivationSuffix(dwStep.Activation)}_Then_"
                + $"{MethodName(conv, input, node.Output, pwBias is not null)}{code.EpilogueSuffix}";
            string separable = code.Methods.Add(name, () => SeparableMethod(name, dwConv, dwInput, dwNode.Output, dwBias is not null, dwStep.Activation,
                conv, node.Output, pwBias is not null, residual, step.Activation));
            code.CallWith((buffer, _) =>
                $"{separable}({buffer(dwNode.Inputs[0])}, {dwWeight}, {dwBias ?? "default"}, {pwWeight}, {pwBias ?? "default"}, {code.ResidualArgument(buffer)}{buffer(step.Last.Index)}, _groupNetTeam);");
            return;
        }

        var (weight, bias) = LoadWeights(code, step, conv);
        bool pooled = step.FusedPool is not null;
        string method = MethodName(conv, input, node.Output, bias is not null) + code.EpilogueSuffix;
        code.Methods.Add(method, () => ConvolutionMethod(method, conv, input, node.Output, bias is not null, residual, step.Activation, pooled));
        code.CallWith((buffer, workspace) =>
            $"{method}({buffer(node.Inputs[0])}, {weight}, {bias ?? "default"}, {code.ResidualArgument(buffer)}{(pooled ? workspace + ", " : string.Empty)}{buffer(step.Last.Index)}, _groupNetTeam);");
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
            code.Load.Add($"    batchNorm: new {CSharpEmitter.WeightsNamespace}.BatchNormToFold({StepCode.Key(norm.Path, "weight")}, {StepCode.Key(norm.Path, "bias")}, "
                + $"{StepCode.Key(norm.Path, "running_mean")}, {StepCode.Key(norm.Path, "running_var")}, {StepCode.Key(norm.Path, "num_batches_tracked")}, {StepCode.Double(((BatchNorm2dOp)norm.Operation).Epsilon)}));");
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
        bool depthwise = global::GroupNetDsl.Kernels.KernelLayout.RunsOnDepthwiseKernel(conv.InChannelsPerGroup);
        int depth = conv.InChannelsPerGroup * conv.KernelSize * conv.KernelSize;
        var w = new SourceWriter();
        w.Line(depthwise
            ? $"/// <summary>depthwise conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}: {input} -> {output}, channel by channel{Epilogue(residual, activation, pool)}.</summary>"
            : $"/// <summary>conv {conv.InChannels}->{conv.OutChannels}, {conv.KernelSize}x{conv.KernelSize}, stride {conv.Stride}, pad {conv.Padding}, dilation {conv.Dilation}, groups {conv.Groups}: {input} -> {output}; per group a [{conv.OutChannelsPerGroup} x {depth}] x [{depth} x {output.Height * output.Width}] product{Epilogue(residual, activation, pool)}.</summary>");
        string target = pool ? $"{SourceWriter.Span} workspace, {SourceWriter.Span} pooled" : $"{SourceWriter.Span} output";
        w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {(residual ? SourceWriter.ReadOnlySpan + " residual, " : string.Empty)}{target}, {Kernels}.WorkerTeam? team)");
        string arguments = $"input, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationDescriptor.RuntimeValue(activation)}";
        string kernel = depthwise ? "DepthwiseKernel" : "Convolution";
        w.Line($"{Kernels}.{kernel}.{(pool ? "ConvolveAndPool" : "Convolve")}({Shape(conv, input, output)},");
        w.Line(pool ? $"    {arguments}, workspace, pooled, team);" : $"    {arguments}, output, team);");
        w.Close();
        return w.Text;
    }

    /// <summary>
    /// A depthwise conv and the 1x1 conv that alone reads it, as one method: SeparableKernel runs them band by band
    /// of output rows.
    /// </summary>
    private static string SeparableMethod(string name, Conv2dOp depthwise, TensorShape input, TensorShape middle, bool depthwiseBias, ActivationKind? depthwiseActivation,
        Conv2dOp pointwise, TensorShape output, bool hasBias, bool residual, ActivationKind? activation)
    {
        var w = new SourceWriter();
        w.Line($"/// <summary>depthwise conv {depthwise.InChannels}->{depthwise.OutChannels}, {depthwise.KernelSize}x{depthwise.KernelSize}, stride {depthwise.Stride}, pad {depthwise.Padding}, dilation {depthwise.Dilation}: {input} -> {middle}{Epilogue(false, depthwiseActivation, false)},"
            + $" then conv {pointwise.InChannels}->{pointwise.OutChannels}, 1x1: -> {output}{Epilogue(residual, activation, false)}; band by band of output rows.</summary>");
        w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.ReadOnlySpan} depthwiseWeight, {SourceWriter.ReadOnlySpan} depthwiseBias, {SourceWriter.ReadOnlySpan} weight, {SourceWriter.ReadOnlySpan} bias, {(residual ? SourceWriter.ReadOnlySpan + " residual, " : string.Empty)}{SourceWriter.Span} output, {Kernels}.WorkerTeam? team)");
        w.Line($"{Kernels}.SeparableKernel.Convolve({Shape(depthwise, input, middle)},");
        w.Line($"    input, depthwiseWeight, {(depthwiseBias ? "depthwiseBias" : "default")}, {ActivationDescriptor.RuntimeValue(depthwiseActivation)},");
        w.Line($"    {pointwise.OutChannels}, weight, {(hasBias ? "bias" : "default")}, {(residual ? "residual" : "default")}, {ActivationDescriptor.RuntimeValue(activation)}, output, team);");
        w.Close();
        return w.Text;
    }

    private static string Epilogue(bool residual, ActivationKind? activation, bool pool) =>
        (residual ? ", + residual" : string.Empty)
        + (activation is { } kind ? ", " + ActivationDescriptor.For(kind).Name : string.Empty)
        + (pool ? ", then the global average pool" : string.Empty);

    /// <summary>The kernel's shape argument, every size named.</summary>
    private static string Shape(Conv2dOp conv, TensorShape input, TensorShape output) => string.Format(CultureInfo.InvariantCulture,
        "new {0}.ConvolutionShape(InChannels: {1}, Height: {2}, Width: {3}, OutChannels: {4}, OutputHeight: {5}, OutputWidth: {6}, Kernel: {7}, Stride: {8}, Padding: {9}, Dilation: {10}, Groups: {11})",
        Kernels, input.Channels, input.Height, input.Width, output.Channels, output.Height, output.Width, conv.KernelSize, conv.Stride, conv.Padding, conv.Dilation, conv.Groups);
}
