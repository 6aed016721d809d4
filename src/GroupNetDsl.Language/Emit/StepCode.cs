using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Reporting;

namespace GroupNetDsl.Language.Emit;

public static partial class CSharpEmitter
{
    /// <summary>The code of one step: its weight fields, how they load, its comment and its call in Forward.</summary>
    internal sealed class StepCode
    {
        private readonly Func<Func<int, string>, string?, string> _call;

        private StepCode(List<string> fields, List<string> load, List<string> comment, Func<Func<int, string>, string?, string> call)
        {
            Fields = fields;
            Load = load;
            Comment = comment;
            _call = call;
        }

        public List<string> Fields { get; }

        public List<string> Load { get; }

        public List<string> Comment { get; }

        /// <summary>The call statement, given how to name the buffer of a node and the step's workspace (null for none).</summary>
        public string Call(Func<int, string> buffer, string? workspace) => _call(buffer, workspace);

        public static StepCode Create(Step step, Network network, FieldNames names, SortedDictionary<string, string> methods)
        {
            var fields = new List<string>();
            var load = new List<string>();
            var comment = new List<string>();
            var node = step.Primary;
            var input = network.Nodes[node.Inputs[0]].Output;
            if (step.Depthwise is { } first) Describe(first, network, comment);
            Describe(step, network, comment);

            string epilogue = (step.FusedAdd is not null ? "_Residual" : string.Empty) + ActivationSuffix(step.Activation) + (step.FusedPool is not null ? "_Pool" : string.Empty);
            string residualArgument(Func<int, string> buffer) => step.FusedAdd is not null ? buffer(step.ResidualNode) + ", " : string.Empty;

            switch (node.Operation)
            {
                case Conv2dOp conv when step.Depthwise is { } dwStep:
                {
                    // A depthwise conv and the 1x1 conv that alone reads it: one method, the depthwise weights first.
                    var dwNode = dwStep.Primary;
                    var dwConv = (Conv2dOp)dwNode.Operation;
                    var (dwWeight, dwBias) = ConvWeights(dwStep, dwConv, names, fields, load);
                    var (weight, bias) = ConvWeights(step, conv, names, fields, load);
                    var dwInput = network.Nodes[dwNode.Inputs[0]].Output;
                    string dwName = ConvolutionKernel.Name(dwConv, dwInput, dwNode.Output, dwBias is not null) + ActivationSuffix(dwStep.Activation);
                    string method = $"{dwName}_Then_{ConvolutionKernel.Name(conv, input, node.Output, bias is not null)}{epilogue}";
                    if (!methods.ContainsKey(method))
                    {
                        methods[method] = ConvolutionKernel.EmitSeparable(method, dwConv, dwInput, dwNode.Output, dwBias is not null, dwStep.Activation,
                            conv, node.Output, bias is not null, step.FusedAdd is not null, step.Activation);
                    }
                    return new StepCode(fields, load, comment, (buffer, _) =>
                        $"{method}({buffer(dwNode.Inputs[0])}, {dwWeight}, {(dwBias ?? "default")}, {weight}, {(bias ?? "default")}, {residualArgument(buffer)}{buffer(step.Last.Index)}, _groupNetTeam);");
                }
                case Conv2dOp conv:
                {
                    var (weight, bias) = ConvWeights(step, conv, names, fields, load);
                    bool hasBias = bias is not null;
                    string method = ConvolutionKernel.Name(conv, input, node.Output, hasBias) + epilogue;
                    bool pooled = step.FusedPool is not null;
                    if (!methods.ContainsKey(method)) methods[method] = ConvolutionKernel.Emit(method, conv, input, node.Output, hasBias, step.FusedAdd is not null, step.Activation, pooled);
                    return new StepCode(fields, load, comment, (buffer, workspace) =>
                        $"{method}({buffer(node.Inputs[0])}, {weight}, {(bias ?? "default")}, {residualArgument(buffer)}{(pooled ? workspace + ", " : string.Empty)}{buffer(step.Last.Index)}, _groupNetTeam);");
                }
                case BatchNorm2dOp norm:
                {
                    string scale = names.For(node.Path, "scale");
                    string shift = names.For(node.Path, "shift");
                    fields.Add(scale);
                    fields.Add(shift);
                    load.Add($"{scale} = new float[{norm.NumFeatures}];");
                    load.Add($"{shift} = new float[{norm.NumFeatures}];");
                    load.Add($"{WeightsNamespace}.BatchNormFolding.ToScaleShift({TakeVector(node.Path, "weight", norm.NumFeatures)}, {TakeVector(node.Path, "bias", norm.NumFeatures)},");
                    load.Add($"    {TakeVector(node.Path, "running_mean", norm.NumFeatures)}, {TakeVector(node.Path, "running_var", norm.NumFeatures)}, {Double(norm.Epsilon)}, {scale}, {shift});");
                    load.Add($"weights.Ignore({Literal(WeightLayout.Key(node.Path, "num_batches_tracked"))});");
                    string method = $"ScaleShift_{Shape(input)}{epilogue}";
                    if (!methods.ContainsKey(method)) methods[method] = ElementwiseKernels.ScaleShift(method, input, step.FusedAdd is not null, step.Activation);
                    return new StepCode(fields, load, comment, (buffer, _) =>
                        $"{method}({buffer(node.Inputs[0])}, {scale}, {shift}, {residualArgument(buffer)}{buffer(step.Last.Index)});");
                }
                case LinearOp linear:
                {
                    string weight = names.For(node.Path, "weight");
                    string? bias = linear.Bias ? names.For(node.Path, "bias") : null;
                    fields.Add(weight);
                    load.Add($"{weight} = weights.Take({Literal(WeightLayout.Key(node.Path, "weight"))}, {linear.OutFeatures}, {linear.InFeatures});");
                    if (bias is not null)
                    {
                        fields.Add(bias);
                        load.Add($"{bias} = {TakeVector(node.Path, "bias", linear.OutFeatures)};");
                    }
                    string method = $"Linear_{linear.InFeatures}_{linear.OutFeatures}{(bias is null ? "_NoBias" : string.Empty)}{epilogue}";
                    if (!methods.ContainsKey(method)) methods[method] = ElementwiseKernels.Linear(method, linear, step.Activation);
                    return new StepCode(fields, load, comment, (buffer, _) =>
                        $"{method}({buffer(node.Inputs[0])}, {weight}, {(bias ?? "default")}, {buffer(step.Last.Index)});");
                }
                case AddOp:
                {
                    string method = $"Add_{node.Output.Length}{epilogue}";
                    if (!methods.ContainsKey(method)) methods[method] = ElementwiseKernels.Add(method, node.Output, step.Activation);
                    return new StepCode(fields, load, comment, (buffer, _) =>
                        $"{method}({buffer(node.Inputs[0])}, {buffer(node.Inputs[1])}, {buffer(step.Last.Index)});");
                }
                case ActivationOp activation:
                {
                    string method = $"{(activation.Activation == ActivationKind.ReLU ? "Relu" : "Relu6")}_{node.Output.Length}";
                    if (!methods.ContainsKey(method)) methods[method] = ElementwiseKernels.Activation(method, node.Output, activation.Activation);
                    return new StepCode(fields, load, comment, (buffer, _) => $"{method}({buffer(node.Inputs[0])}, {buffer(node.Index)});");
                }
                case Pool2dOp pool:
                {
                    string method = $"{(pool.Pool == PoolKind.Max ? "MaxPool" : "AvgPool")}_{Shape(input)}_k{pool.KernelSize}_s{pool.Stride}_p{pool.Padding}";
                    if (!methods.ContainsKey(method)) methods[method] = ElementwiseKernels.Pool(method, pool, input, node.Output);
                    return new StepCode(fields, load, comment, (buffer, _) => $"{method}({buffer(node.Inputs[0])}, {buffer(node.Index)});");
                }
                case GlobalAvgPoolOp:
                {
                    string method = $"GlobalAvgPool_{Shape(input)}";
                    if (!methods.ContainsKey(method)) methods[method] = ElementwiseKernels.GlobalAveragePool(method, input);
                    return new StepCode(fields, load, comment, (buffer, _) => $"{method}({buffer(node.Inputs[0])}, {buffer(node.Index)});");
                }
                default:
                    throw new InvalidOperationException($"No code for {node.Operation.OpName} at {node.Path}.");
            }
        }

        private static string ActivationSuffix(ActivationKind? activation) => activation switch
        {
            ActivationKind.ReLU => "_Relu",
            ActivationKind.ReLU6 => "_Relu6",
            _ => string.Empty,
        };

        /// <summary>The fields a conv's weights (and bias, with a batchnorm folded in) load into, and how they load.</summary>
        private static (string Weight, string? Bias) ConvWeights(Step step, Conv2dOp conv, FieldNames names, List<string> fields, List<string> load)
        {
            var node = step.Primary;
            string weight = names.For(node.Path, "weight");
            bool hasBias = conv.Bias || step.FoldedBatchNorm is not null;
            string? bias = hasBias ? names.For(node.Path, "bias") : null;
            fields.Add(weight);
            if (bias is not null) fields.Add(bias);
            load.Add($"{weight} = weights.Take({Literal(WeightLayout.Key(node.Path, "weight"))}, {conv.OutChannels}, {conv.InChannelsPerGroup}, {conv.KernelSize}, {conv.KernelSize});");
            if (step.FoldedBatchNorm is { } norm)
            {
                var bnOp = (BatchNorm2dOp)norm.Operation;
                string originalBias = conv.Bias ? $"weights.Take({Literal(WeightLayout.Key(node.Path, "bias"))}, {conv.OutChannels})" : "global::System.ReadOnlySpan<float>.Empty";
                load.Add($"{bias} = new float[{conv.OutChannels}];");
                load.Add($"{WeightsNamespace}.BatchNormFolding.FoldIntoConvolution({weight}, {bias}, {conv.OutChannels},");
                load.Add($"    {TakeVector(norm.Path, "weight", bnOp.NumFeatures)}, {TakeVector(norm.Path, "bias", bnOp.NumFeatures)},");
                load.Add($"    {TakeVector(norm.Path, "running_mean", bnOp.NumFeatures)}, {TakeVector(norm.Path, "running_var", bnOp.NumFeatures)},");
                load.Add($"    {Double(bnOp.Epsilon)}, {originalBias});");
                load.Add($"weights.Ignore({Literal(WeightLayout.Key(norm.Path, "num_batches_tracked"))});");
            }
            else if (conv.Bias)
            {
                load.Add($"{bias} = {TakeVector(node.Path, "bias", conv.OutChannels)};");
            }
            if (!ConvolutionKernel.UsesTaps(conv))
            {
                // The matrix-product path reads weights in micro-kernel order: reorder them once, here.
                load.Add($"{weight} = global::GroupNetDsl.Kernels.PackedGemm.Pack({weight}, {conv.Groups}, {conv.OutChannelsPerGroup}, {conv.InChannelsPerGroup * conv.KernelSize * conv.KernelSize});");
            }
            return (weight, bias);
        }

        /// <summary>The step's lines of the comment above its call: the layer, then what is fused into it.</summary>
        private static void Describe(Step step, Network network, List<string> comment)
        {
            var node = step.Primary;
            var input = network.Nodes[node.Inputs[0]].Output;
            comment.Add($"{CSharpEmitter.Comment(node.Path)}: {node.Operation.OpName} {CSharpEmitter.Comment(SummaryTable.Describe(node.Operation))}, in {input}, out {node.Output}"
                + (node.MultiplyAccumulates > 0 ? $", {SummaryTable.Number(node.MultiplyAccumulates)} MACs" : string.Empty));
            if (step.FoldedBatchNorm is { } bn) comment.Add($"  + {CSharpEmitter.Comment(bn.Path)}: batchnorm folded into the weights at load");
            if (step.FusedAdd is { } add) comment.Add($"  + {CSharpEmitter.Comment(add.Path)}: residual add of {CSharpEmitter.Comment(network.Nodes[step.ResidualNode].Path)} in the epilogue");
            var activationNode = step.FusedPool is null ? step.Last : network.Nodes[step.FusedPool.Inputs[0]];
            if (step.Activation is { } act) comment.Add($"  + {CSharpEmitter.Comment(activationNode.Path)}: {(act == ActivationKind.ReLU ? "relu" : "relu6")} in the epilogue");
            if (step.FusedPool is not null) comment.Add($"  + {CSharpEmitter.Comment(step.FusedPool.Path)}: global average pool, each output row summed as the conv writes it");
            if (step.Depthwise is not null) comment.Add("  + run band by band with the depthwise conv above: its output is never written out whole");
        }

        private static string TakeVector(string path, string name, int length) => $"weights.Take({Literal(WeightLayout.Key(path, name))}, {length})";

        private static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "d";

        internal static string Shape(TensorShape shape) => shape.IsFlat
            ? shape.Channels.ToString(CultureInfo.InvariantCulture)
            : $"{shape.Channels}x{shape.Height}x{shape.Width}";
    }
}
