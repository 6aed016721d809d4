using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Google.Protobuf;
using GroupNetDsl.Language.Ops;
using Onnx;

namespace GroupNetDsl.Cli.Onnx;

/// <summary>A network read from an ONNX file: its .gnet text and its weights under the members' names.</summary>
public sealed record ImportedNetwork(string Name, string GnetText, IReadOnlyList<NamedTensor> Weights);

/// <summary>
/// Translates an ONNX graph (parsed by OnnxSharp's protobuf classes) into a .gnet network with a forward block:
/// one member per layer, named after the PyTorch module path in the node's name, and one forward statement per
/// layer. Several nodes that PyTorch writes for one module become its op (SiLU, GELU, a channel shuffle), each
/// pattern in one method that checks every node, constant and shape of it; the integers PyTorch computes from
/// x.size() are computed here from the static shapes. Only what the language computes exactly as ONNX does is
/// mapped; anything else is one error naming the node, its op type and its index in the graph. BlockFolding then
/// folds repeated modules into blocks.
/// </summary>
public sealed class OnnxImporter
{
    // ONNX activations and the language's op for each; each maps only when the language has that op.
    private static readonly (string OnnxOp, string Op)[] Activations = { ("Sigmoid", "sigmoid"), ("HardSigmoid", "hardsigmoid"), ("HardSwish", "hardswish") };

    public static readonly string SupportedOps = "Conv, Relu, Clip (min 0, max 6), "
        + string.Concat(Activations.Where(a => OpRegistry.TryGet(a.Op, out _)).Select(a => a.OnnxOp + ", "))
        + "Add, Mul, MaxPool, AveragePool, Pad (zeros, before an AveragePool), GlobalAveragePool, ReduceMean (axes 2, 3), Flatten (axis 1), "
        + "Reshape (flatten), Reshape-Transpose-Reshape (channel shuffle), Transpose (channels-last and back), Slice and Split (channels), Gemm (transB 1), "
        + "MatMul (constant weight), Mul (constant [C, 1, 1] scale), LayerNormalization (last axis) and its ReduceMean form, BatchNormalization, Concat (axis 1), "
        + "Sigmoid-Mul (SiLU), Div-Erf-Add-Mul-Mul (GELU), Identity, Dropout, Constant, and Shape, Gather, Unsqueeze, Squeeze, Cast, Concat, Add, Sub, Mul, Div, Slice on shapes";

    private static readonly long[] Ones = { 1, 1 };
    private static readonly long[] NoPadding = { 0, 0, 0, 0 };

    private readonly string _path;
    private readonly GraphProto _graph;
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tensors = new(StringComparer.Ordinal);
    // PyTorch exports nn.AvgPool2d(padding=p) as a Pad by zeros and an unpadded AveragePool: the two become one avgpool.
    private readonly Dictionary<string, (string Input, long Padding, int Index)> _padded = new(StringComparer.Ordinal);
    // Static shapes of the network's tensors by ONNX name, batch first (null while the batch axis is dynamic).
    private readonly Dictionary<string, long?[]> _shapes = new(StringComparer.Ordinal);
    // Integer vectors PyTorch computes from shapes (Shape, Gather, Concat, ...) to feed Reshape and Slice; an element
    // that depends on the dynamic batch is null.
    private readonly Dictionary<string, long?[]> _integers = new(StringComparer.Ordinal);
    // Who reads each tensor (node indices; the graph output as -1), so that a pattern matches only when its inner
    // tensors are read by the pattern alone.
    private readonly Dictionary<string, List<int>> _readers = new(StringComparer.Ordinal);
    // Nodes a pattern already translated together with an earlier node.
    private readonly HashSet<int> _matched = new();
    // The first Reshape and the Transpose of a channel shuffle, waiting for its last Reshape.
    private readonly Dictionary<string, (string Input, long Groups, long?[] Shape, int Index)> _shuffles = new(StringComparer.Ordinal);
    // Images a Transpose made channels-last ([N, H, W, C], ConvNeXt's blocks), and what is computed from them: ONNX
    // reads their axes so, the language keeps the layout apart, so only ops that do not care about axes apply to them.
    private readonly HashSet<string> _channelsLast = new(StringComparer.Ordinal);
    private static readonly HashSet<string> ChannelsLastOps = new(StringComparer.Ordinal)
    {
        "Relu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Add", "Mul", "Div", "LayerNormalization", "MatMul", "Transpose", "Identity", "Dropout", "ReduceMean",
    };
    private readonly ModuleNames _names = new();
    private readonly List<ImportedLine> _lines = new();
    private readonly List<(string Member, string Suffix, NamedTensor Tensor)> _weights = new();

    private OnnxImporter(string path, GraphProto graph)
    {
        _path = path;
        _graph = graph;
    }

    /// <summary>Reads and translates an ONNX file.</summary>
    /// <exception cref="CommandFailedException">The file cannot be read, is no ONNX model, or uses what gnet cannot import (exit 2).</exception>
    public static ImportedNetwork Import(string path, string networkName, bool fold = true)
    {
        var model = Read(path);
        return new OnnxImporter(path, model.Graph).Translate(networkName, model, fold);
    }

    private static ModelProto Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CommandFailedException($"cannot read '{path}': the file does not exist.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CommandFailedException($"cannot read '{path}': {e.Message}");
        }
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CommandFailedException($"{path}: not a valid ONNX file (damaged or not ONNX): {e.Message}");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0 || model.Graph.Output.Count == 0)
        {
            throw new CommandFailedException($"{path}: not a valid ONNX file: it holds no graph with nodes and an output.");
        }
        return model;
    }

    private ImportedNetwork Translate(string networkName, ModelProto model, bool fold)
    {
        foreach (var initializer in _graph.Initializer) _constants[initializer.Name] = initializer;
        for (int index = 0; index < _graph.Node.Count; index++)
        {
            var node = _graph.Node[index];
            foreach (string input in node.Input) Readers(input).Add(index);
            // A pattern reads the constants of its later nodes (GELU's 1 and 0.5) before those nodes are translated.
            if (node.OpType == "Constant" && node.Output.Count > 0 && node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value) _constants[node.Output[0]] = value;
        }
        foreach (var graphOutput in _graph.Output) Readers(graphOutput.Name).Add(-1);
        string shape = InputShape();
        for (int index = 0; index < _graph.Node.Count; index++)
        {
            if (!_matched.Contains(index)) Translate(_graph.Node[index], index);
        }

        if (_graph.Output.Count != 1) throw Fail($"the graph has {_graph.Output.Count} outputs; gnet import takes one.");
        if (!_tensors.TryGetValue(_graph.Output[0].Name, out string? output) || output == "x")
        {
            throw Fail($"the graph's output '{_graph.Output[0].Name}' is not computed by any node.");
        }

        string opset = string.Join(", ", model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version.ToString(CultureInfo.InvariantCulture)));
        // A comment runs to the end of the line: the file name keeps no line break.
        string file = string.Concat(Path.GetFileName(_path).Where(c => !char.IsControl(c) && c is not ('\u2028' or '\u2029')));
        string header = $"# Imported by `gnet import` from {file} (ONNX opset {opset}).\n";
        var folded = fold ? BlockFolding.Fold(_lines, output, networkName) : BlockFolding.Flat(_lines, output);
        // A folded layer's weights move into its block instance: features_2_conv_0_0.weight becomes features_2.conv_0_0.weight.
        var weights = _weights.Select(w => folded.WeightPrefixes.TryGetValue(w.Member, out string? path) ? w.Tensor with { Name = w.Suffix.Length == 0 ? path : $"{path}.{w.Suffix}" } : w.Tensor).ToList();
        return new ImportedNetwork(networkName, header + folded.Text(networkName, shape), weights);
    }

    /// <summary>The one graph input that is not an initializer, as CxHxW (its batch dimension is ignored).</summary>
    private string InputShape()
    {
        var inputs = _graph.Input.Where(i => !_constants.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1) throw Fail($"the graph has {inputs.Count} inputs; gnet import takes one image input (N x C x H x W, float).");
        var input = inputs[0];
        var tensor = input.Type?.TensorType;
        if (tensor is null || tensor.ElemType != (int)TensorProto.Types.DataType.Float)
        {
            throw Fail($"the input '{input.Name}' is not a float tensor; gnet import takes one image input (N x C x H x W, float).");
        }
        var dims = tensor.Shape?.Dim;
        if (dims is null || dims.Count != 4 || dims.Skip(1).Any(d => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || d.DimValue <= 0))
        {
            throw Fail($"the input '{input.Name}' is not 4-D with fixed channels, height and width; gnet import takes N x C x H x W.");
        }
        _tensors[input.Name] = "x";
        _shapes[input.Name] = new long?[] { dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? dims[0].DimValue : null, dims[1].DimValue, dims[2].DimValue, dims[3].DimValue };
        return $"{dims[1].DimValue}x{dims[2].DimValue}x{dims[3].DimValue}";
    }

    private void Translate(NodeProto node, int index)
    {
        if (node.Domain is not ("" or "ai.onnx")) throw Unsupported(node, index);
        if (node.Output.Count == 0 || node.Output[0].Length == 0) throw Fail(node, index, "the node has no output");
        if (ShapeArithmetic(node, index)) return;
        if (node.Input.Any(_channelsLast.Contains) && !ChannelsLastOps.Contains(node.OpType))
        {
            throw Fail(node, index, "its input is a channels-last image (a Transpose made it [N, H, W, C]); only elementwise ops, GELU, LayerNormalization, MatMul and the Transpose back apply to one");
        }
        switch (node.OpType)
        {
            case "Constant":
                _constants[node.Output[0]] = node.Attribute.FirstOrDefault(a => a.Name == "value")?.T
                    ?? throw Fail(node, index, "only a Constant with a 'value' tensor is supported");
                return;
            case "Identity" or "Dropout":
                PassThrough(node, index);
                return;
            case "Conv":
                Conv(node, index);
                return;
            case "Relu":
                Layer(node, index, "relu", Tensor(node, index, 0), Shape(node, index, 0));
                return;
            case "Clip":
                Clip(node, index);
                return;
            case "Add":
                SameLayout(node, index);
                Expression(node, $"{Tensor(node, index, 0)} + {Tensor(node, index, 1)}", Broadcast(node, index));
                return;
            case "Mul":
                if (LayerScale(node, index)) return;
                SameLayout(node, index);
                Expression(node, $"{Tensor(node, index, 0)} * {Tensor(node, index, 1)}", Broadcast(node, index));
                return;
            case "MatMul":
                MatMul(node, index);
                return;
            case "LayerNormalization":
                LayerNorm(node, index);
                return;
            case "Div":
                if (!Gelu(node, index)) throw Unsupported(node, index);
                return;
            case "MaxPool":
            case "AveragePool":
                Pool(node, index);
                return;
            case "Pad":
                Pad(node, index);
                return;
            case "GlobalAveragePool":
                var pooled = Shape(node, index, 0);
                Layer(node, index, "avgpool", Tensor(node, index, 0), new[] { pooled[0], pooled[1], 1, 1 });
                return;
            case "ReduceMean":
                Mean(node, index);
                return;
            case "Flatten":
                if (Int(node, "axis", 1) != 1) throw Fail(node, index, "only axis 1 is supported (torch.flatten(x, 1))");
                Expression(node, $"flatten({Tensor(node, index, 0)})", Flat(Shape(node, index, 0)));
                return;
            case "Reshape":
                Reshape(node, index);
                return;
            case "Transpose":
                Permute(node, index);
                return;
            case "Slice":
                Slice(node, index);
                return;
            case "Split":
                Split(node, index);
                return;
            case "Gemm":
                Gemm(node, index);
                return;
            case "BatchNormalization":
                BatchNorm(node, index);
                return;
            case "Concat":
                if (Int(node, "axis", 0) != 1) throw Fail(node, index, "only axis 1 (channels) is supported");
                var parts = node.Input.Select((_, i) => Shape(node, index, i)).ToList();
                var joined = (long?[])parts[0].Clone();
                joined[1] = parts.Sum(p => p.Length > 1 ? p[1] : null);
                Expression(node, $"cat({string.Join(", ", node.Input.Select((_, i) => Tensor(node, index, i)))})", joined);
                return;
            case "Sigmoid" or "HardSigmoid":
                if (!SelfGated(node, index)) Activation(node, index);
                return;
            case "HardSwish":
                Activation(node, index);
                return;
            default:
                throw Unsupported(node, index);
        }
    }

    /// <summary>Identity and inference-mode Dropout: the output is the input, tensor or constant.</summary>
    private void PassThrough(NodeProto node, int index)
    {
        if (node.Output.Skip(1).Any(o => o.Length > 0)) throw Fail(node, index, "the mask output is not supported");
        // Dropout's training_mode (opset 12 and newer) must be a constant false; ratio does not matter at inference.
        if (node.OpType == "Dropout" && node.Input.Count > 2 && node.Input[2].Length > 0 && !IsFalse(Constant(node, index, 2, "training_mode")))
        {
            throw Fail(node, index, "only inference (training_mode false) is supported");
        }
        string input = node.Input.Count > 0 ? node.Input[0] : "";
        if (node.OpType == "Identity" && _constants.TryGetValue(input, out var constant))
        {
            _constants[node.Output[0]] = constant;
            return;
        }
        PassThroughTensor(node, index);
    }

    private void Conv(NodeProto node, int index)
    {
        string input = Tensor(node, index, 0);
        var weight = Constant(node, index, 1, "weight");
        if (weight.Dims.Count != 4) throw Fail(node, index, "the weight is not 4-D (only 2-D convolutions are supported)");
        if (Text(node, "auto_pad", "NOTSET") != "NOTSET") throw Fail(node, index, "auto_pad is not supported; export with explicit pads");
        long kernel = Square(node, index, "kernel_shape", Ints(node, "kernel_shape") ?? new[] { weight.Dims[2], weight.Dims[3] });
        if (weight.Dims[2] != kernel || weight.Dims[3] != kernel) throw Fail(node, index, "kernel_shape does not match the weight");
        long stride = Square(node, index, "strides", Ints(node, "strides") ?? Ones);
        long dilation = Square(node, index, "dilations", Ints(node, "dilations") ?? Ones);
        long padding = Symmetric(node, index);
        long groups = Int(node, "group", 1);
        bool bias = node.Input.Count > 2 && node.Input[2].Length > 0;

        var arguments = new List<string> { $"{weight.Dims[1] * groups}", $"{weight.Dims[0]}", $"{kernel}" };
        if (stride != 1) arguments.Add($"stride: {stride}");
        if (padding != 0) arguments.Add($"padding: {padding}");
        if (dilation != 1) arguments.Add($"dilation: {dilation}");
        if (groups != 1) arguments.Add($"groups: {groups}");
        if (!bias) arguments.Add("bias: false");
        var inputShape = Shape(node, index, 0);
        var shape = new[] { inputShape[0], weight.Dims[0], Spatial(inputShape[2], kernel, stride, padding, dilation), Spatial(inputShape[3], kernel, stride, padding, dilation) };
        string member = Layer(node, index, $"conv({string.Join(", ", arguments)})", input, shape);
        AddWeight(member, "weight", weight, node, index);
        if (bias) AddWeight(member, "bias", Constant(node, index, 2, "bias"), node, index);
    }

    private void Activation(NodeProto node, int index)
    {
        string op = Activations.Single(a => a.OnnxOp == node.OpType).Op;
        if (!OpRegistry.TryGet(op, out _)) throw Unsupported(node, index);
        // nn.Hardsigmoid is relu6(x + 3) / 6: HardSigmoid with alpha 1/6 and beta 1/2.
        if (node.OpType == "HardSigmoid" && (Math.Abs((Float(node, "alpha") ?? 0.2f) - 1f / 6) > 1e-6f || (Float(node, "beta") ?? 0.5f) != 0.5f))
        {
            throw Fail(node, index, $"only alpha 1/6 and beta 0.5 (nn.Hardsigmoid) are supported, not alpha {Show(Float(node, "alpha") ?? 0.2f)} beta {Show(Float(node, "beta") ?? 0.5f)}");
        }
        Layer(node, index, op, Tensor(node, index, 0), Shape(node, index, 0));
    }

    private void Clip(NodeProto node, int index)
    {
        string input = Tensor(node, index, 0);
        // Opset 11 and newer pass min and max as inputs, older opsets as attributes.
        float? min = node.Input.Count > 1 && node.Input[1].Length > 0 ? Scalar(node, index, 1) : Float(node, "min");
        float? max = node.Input.Count > 2 && node.Input[2].Length > 0 ? Scalar(node, index, 2) : Float(node, "max");
        if (min != 0f || max != 6f) throw Fail(node, index, $"only Clip(min 0, max 6) (ReLU6) is supported, not min {Show(min)} max {Show(max)}");
        Layer(node, index, "relu6", input, Shape(node, index, 0));
    }

    private void Pad(NodeProto node, int index)
    {
        string input = Tensor(node, index, 0);
        if (Text(node, "mode", "constant") != "constant") throw Fail(node, index, "only padding by a constant is supported");
        // Opset 11 and newer pass pads and value as inputs, older opsets as attributes.
        long[] pads = node.Input.Count > 1 && node.Input[1].Length > 0 ? Integers(Constant(node, index, 1, "pads"), node, index) : Ints(node, "pads") ?? NoPadding;
        float value = node.Input.Count > 2 && node.Input[2].Length > 0 ? Scalar(node, index, 2) : Float(node, "value") ?? 0f;
        if (value != 0f || pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || new[] { pads[3], pads[6], pads[7] }.Any(p => p != pads[2]))
        {
            throw Fail(node, index, $"only padding by zeros, the same on the four sides of the image, is supported (pads [{string.Join(", ", pads)}], value {Show(value)})");
        }
        _padded[node.Output[0]] = (input, pads[2], index);
        _shapes[node.Output[0]] = Shape(node, index, 0);
    }

    private void Pool(NodeProto node, int index)
    {
        var padded = node.OpType == "AveragePool" && node.Input.Count > 0 && _padded.TryGetValue(node.Input[0], out var pad) ? pad : default;
        string input = padded.Input ?? Tensor(node, index, 0);
        if (node.Output.Count > 1 && node.Output[1].Length > 0) throw Fail(node, index, "the indices output is not supported");
        if (Text(node, "auto_pad", "NOTSET") != "NOTSET") throw Fail(node, index, "auto_pad is not supported; export with explicit pads");
        if (Int(node, "ceil_mode", 0) != 0) throw Fail(node, index, "ceil_mode 1 is not supported");
        var kernelShape = Ints(node, "kernel_shape") ?? throw Fail(node, index, "kernel_shape is missing");
        long kernel = Square(node, index, "kernel_shape", kernelShape);
        long stride = Square(node, index, "strides", Ints(node, "strides") ?? Ones);
        if (Square(node, index, "dilations", Ints(node, "dilations") ?? Ones) != 1) throw Fail(node, index, "dilations are not supported");
        long padding = Symmetric(node, index);
        bool max = node.OpType == "MaxPool";
        if (!max && padding != 0 && Int(node, "count_include_pad", 0) != 1)
        {
            throw Fail(node, index, "count_include_pad 0 is not supported (avgpool counts the padding, as PyTorch's default)");
        }
        if (padded.Input is not null)
        {
            // The zeros of the Pad are counted in each average, as avgpool's padding is.
            if (padding != 0) throw Fail(node, index, "pads after a Pad are not supported");
            padding = padded.Padding;
        }
        string call = $"{(max ? "maxpool" : "avgpool")}({kernel}, stride: {stride}{(padding != 0 ? $", padding: {padding}" : "")})";
        var inputShape = Shape(node, index, 0);
        Layer(node, index, call, input, new[] { inputShape[0], inputShape[1], Spatial(inputShape[2], kernel, stride, padding, 1), Spatial(inputShape[3], kernel, stride, padding, 1) });
    }

    private void Gemm(NodeProto node, int index)
    {
        string input = Tensor(node, index, 0);
        if (Float(node, "alpha") is not (null or 1f) || Float(node, "beta") is not (null or 1f) || Int(node, "transA", 0) != 0 || Int(node, "transB", 0) != 1)
        {
            throw Fail(node, index, "only Gemm with alpha 1, beta 1, transA 0 and transB 1 (nn.Linear) is supported");
        }
        var weight = Constant(node, index, 1, "weight");
        if (weight.Dims.Count != 2) throw Fail(node, index, "the weight is not 2-D");
        bool bias = node.Input.Count > 2 && node.Input[2].Length > 0;
        string member = Layer(node, index, $"linear({weight.Dims[1]}, {weight.Dims[0]}{(bias ? "" : ", bias: false")})", input, new[] { Shape(node, index, 0)[0], weight.Dims[0] });
        AddWeight(member, "weight", weight, node, index);
        if (bias) AddWeight(member, "bias", Constant(node, index, 2, "bias"), node, index, new[] { weight.Dims[0] });
    }

    private void BatchNorm(NodeProto node, int index)
    {
        string input = Tensor(node, index, 0);
        if (Int(node, "training_mode", 0) != 0 || node.Output.Skip(1).Any(o => o.Length > 0)) throw Fail(node, index, "only inference (training_mode 0, one output) is supported");
        var scale = Constant(node, index, 1, "scale");
        float epsilon = Float(node, "epsilon") ?? 1e-5f;
        string eps = epsilon == 1e-5f ? "" : $", eps: {epsilon.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant()}";
        string member = Layer(node, index, $"batchnorm({scale.Dims.FirstOrDefault()}{eps})", input, Shape(node, index, 0));
        AddWeight(member, "weight", scale, node, index);
        AddWeight(member, "bias", Constant(node, index, 2, "bias"), node, index);
        AddWeight(member, "running_mean", Constant(node, index, 3, "mean"), node, index);
        AddWeight(member, "running_var", Constant(node, index, 4, "variance"), node, index);
    }

    // ---- Shape arithmetic: PyTorch computes Reshape's and Slice's arguments from x.size() at run time. ----

    private static readonly HashSet<string> ArithmeticOps = new(StringComparer.Ordinal) { "Shape", "Gather", "Unsqueeze", "Squeeze", "Cast", "Concat", "Add", "Sub", "Mul", "Div", "Slice", "Identity" };

    /// <summary>
    /// Evaluates a node that computes integers from shapes and constants (Shape, Gather, Concat along axis 0, ...),
    /// at import time; false when the node computes on images instead.
    /// </summary>
    private bool ShapeArithmetic(NodeProto node, int index)
    {
        if (!ArithmeticOps.Contains(node.OpType) || node.Input.Count == 0) return false;
        if (node.OpType == "Shape")
        {
            if (!_shapes.TryGetValue(node.Input[0], out var shape)) return false;
            long start = Int(node, "start", 0), end = Int(node, "end", shape.Length);
            _integers[node.Output[0]] = Range(shape, start, end);
            return true;
        }
        var inputs = new List<long?[]>();
        for (int i = 0; i < node.Input.Count; i++)
        {
            if (node.Input[i].Length == 0) inputs.Add(Array.Empty<long?>());
            else if (TryIntegers(node.Input[i], out var values)) inputs.Add(values);
            else return false;
        }
        if (inputs.Count == 0) return false;
        long?[] result;
        switch (node.OpType)
        {
            case "Gather":
                if (inputs.Count != 2) throw Fail(node, index, "a Gather needs data and indices");
                if (Int(node, "axis", 0) != 0) throw Fail(node, index, "only axis 0 is supported on a shape");
                result = inputs[1].Select(i => i is long at && at >= -inputs[0].Length && at < inputs[0].Length ? inputs[0][at < 0 ? at + inputs[0].Length : at] : throw Fail(node, index, $"index {Show(i)} is outside the shape")).ToArray();
                break;
            case "Unsqueeze" or "Squeeze" or "Identity":
                result = inputs[0];
                break;
            case "Cast":
                if (Int(node, "to", 0) != (int)TensorProto.Types.DataType.Int64) throw Fail(node, index, "only a cast to int64 is supported on a shape");
                result = inputs[0];
                break;
            case "Concat":
                result = inputs.SelectMany(v => v).ToArray();
                break;
            case "Slice":
                if (inputs.Count < 3 || (inputs.Count > 3 && inputs[3].Any(a => a is not (0 or -1) || inputs[3].Length != 1)) || (inputs.Count > 4 && inputs[4].Any(step => step != 1)))
                {
                    throw Fail(node, index, "only a slice of a shape along axis 0 with step 1 is supported");
                }
                result = Range(inputs[0], Single(node, index, inputs[1]), Single(node, index, inputs[2]));
                break;
            default:
                if (inputs.Count != 2 || (inputs[0].Length != inputs[1].Length && inputs[0].Length != 1 && inputs[1].Length != 1)) throw Fail(node, index, "the two integer vectors do not broadcast");
                int length = Math.Max(inputs[0].Length, inputs[1].Length);
                result = new long?[length];
                for (int i = 0; i < length; i++)
                {
                    long? a = inputs[0][inputs[0].Length == 1 ? 0 : i], b = inputs[1][inputs[1].Length == 1 ? 0 : i];
                    // ONNX's integer Div truncates, as C# does; a division by zero stays unknown and fails where used.
                    result[i] = node.OpType switch
                    {
                        "Add" => a + b,
                        "Sub" => a - b,
                        "Mul" => a * b,
                        // long.MinValue / -1 overflows: negate instead (it wraps, as the rest of this arithmetic).
                        _ => b == 0 ? null : b == -1 ? -a : a / b,
                    };
                }
                break;
        }
        _integers[node.Output[0]] = result;
        return true;
    }

    /// <summary>An int64 vector known at import time: a Constant or initializer, or the result of shape arithmetic.</summary>
    private bool TryIntegers(string name, out long?[] values)
    {
        if (_integers.TryGetValue(name, out values!)) return true;
        if (_constants.TryGetValue(name, out var constant) && constant.DataType == (int)TensorProto.Types.DataType.Int64 && constant.Dims.Count <= 1 && constant.DataLocation != TensorProto.Types.DataLocation.External)
        {
            var raw = constant.RawData.Span;
            if (raw.Length == 0) values = constant.Int64Data.Select(v => (long?)v).ToArray();
            else if (raw.Length % sizeof(long) == 0 && raw.Length <= 64 * sizeof(long))
            {
                values = new long?[raw.Length / sizeof(long)];
                for (int i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(i * sizeof(long)));
            }
            else return false;
            return true;
        }
        return false;
    }

    private long?[] IntegerInput(NodeProto node, int index, int position, string role)
    {
        if (position < node.Input.Count && TryIntegers(node.Input[position], out var values)) return values;
        throw Fail(node, index, $"the {role} (input {position}) is not an int64 vector known before running the network");
    }

    private long Single(NodeProto node, int index, long?[] values) =>
        values.Length == 1 && values[0] is long value ? value : throw Fail(node, index, $"[{string.Join(", ", values.Select(Show))}] is not one known integer");

    /// <summary>Elements start to end - 1, with ONNX's rules: negative counts from the end, both clamped to the length.</summary>
    private static long?[] Range(long?[] values, long start, long end)
    {
        long Clamp(long at) => Math.Clamp(at < 0 ? at + values.Length : at, 0, values.Length);
        long from = Clamp(start), to = Clamp(end);
        return values.Skip((int)from).Take((int)Math.Max(0, to - from)).ToArray();
    }

    // ---- Patterns of image ops that become one op of the language. ----

    /// <summary>
    /// Reshape: torch.flatten(x, 1) or x.view(n, -1) before a classifier, or the first of a channel shuffle's three
    /// nodes (x.view(n, g, c / g, h, w).transpose(1, 2).reshape(n, c, h, w)) and its last.
    /// </summary>
    private void Reshape(NodeProto node, int index)
    {
        var target = IntegerInput(node, index, 1, "shape");
        if (Int(node, "allowzero", 0) != 0) throw Fail(node, index, "allowzero 1 is not supported");
        string name = node.Input[0];
        if (_shuffles.TryGetValue(name, out var shuffle))
        {
            // The last node of a channel shuffle: back to the shape it started from.
            if (!SameShape(Resolve(target, Transposed(shuffle.Shape, shuffle.Groups)), shuffle.Shape)) throw Fail(node, index, $"a channel shuffle must end with the shape it started from, [{Show(shuffle.Shape)}], not [{Show(target)}]");
            Expression(node, $"channel_shuffle({shuffle.Input}, {shuffle.Groups})", shuffle.Shape);
            return;
        }
        var shape = Shape(node, index, 0);
        var resolved = Resolve(target, shape);
        if (shape.Length == 4 && resolved?.Length == 5 && resolved[3] == shape[2] && resolved[4] == shape[3] && resolved[1] * resolved[2] == shape[1] && resolved[1] > 1 && SameBatch(resolved, shape))
        {
            // The first node of a channel shuffle: its Transpose must swap the groups with the channels, alone.
            var reader = SoleReader(node.Output[0], index);
            if (reader is not { } transpose || transpose.Node.OpType != "Transpose" || !(Ints(transpose.Node, "perm") ?? Array.Empty<long>()).SequenceEqual(new long[] { 0, 2, 1, 3, 4 }))
            {
                throw Fail(node, index, "a 5-D Reshape is supported only as a channel shuffle's, read by one Transpose with perm [0, 2, 1, 3, 4]");
            }
            _matched.Add(transpose.Index);
            _shuffles[transpose.Node.Output[0]] = (Tensor(node, index, 0), resolved[1]!.Value, shape, index);
            return;
        }
        if (resolved?.Length == 2 && SameBatch(resolved, shape) && resolved[1] == shape.Skip(1).Aggregate((long?)1, (product, d) => product * d))
        {
            if (shape.Length == 2) PassThroughTensor(node, index);
            else Expression(node, $"flatten({Tensor(node, index, 0)})", Flat(shape));
            return;
        }
        throw Fail(node, index, $"only flattening ([{Show(shape)}] to [N, -1]) and channel shuffles are supported, not [{Show(shape)}] to [{Show(target)}]");
    }

    /// <summary>
    /// A Transpose that no channel shuffle took: an image to channels-last (perm [0, 2, 3, 1]) or back ([0, 3, 1, 2]),
    /// as ConvNeXt's blocks and LayerNorm2d do: permute.
    /// </summary>
    private void Permute(NodeProto node, int index)
    {
        var shape = Shape(node, index, 0);
        var perm = Ints(node, "perm") ?? Array.Empty<long>();
        if (shape.Length != 4 || !(perm.SequenceEqual(new long[] { 0, 2, 3, 1 }) || perm.SequenceEqual(new long[] { 0, 3, 1, 2 })))
        {
            throw Fail(node, index, $"only perm [0, 2, 3, 1] and [0, 3, 1, 2] of an image (channels-last and back) and a channel shuffle's Transpose are supported, not perm [{string.Join(", ", perm)}]");
        }
        bool toLast = perm[1] == 2;
        if (toLast == _channelsLast.Contains(node.Input[0])) throw Fail(node, index, toLast ? "the image is channels-last already" : "the image is not channels-last");
        Expression(node, $"permute({Tensor(node, index, 0)}, {string.Join(", ", perm)})", perm.Select(p => shape[p]).ToArray());
        if (toLast) _channelsLast.Add(node.Output[0]);
        else _channelsLast.Remove(node.Output[0]);
    }

    private void SameLayout(NodeProto node, int index)
    {
        if (node.Input.Count == 2 && _channelsLast.Contains(node.Input[0]) != _channelsLast.Contains(node.Input[1])) throw Fail(node, index, "one input is channels-last and the other is not");
    }

    /// <summary>LayerNormalization and MatMul work on the last axis: the channels of a channels-last image, or a vector's features.</summary>
    private void LastAxisIsFeatures(NodeProto node, int index, long?[] shape)
    {
        if (shape.Length != 2 && !_channelsLast.Contains(node.Input[0])) throw Fail(node, index, $"only a vector or a channels-last image is supported (the last axis of [{Show(shape)}] is not its channels)");
    }

    /// <summary>LayerNormalization over the last axis (nn.LayerNorm on a channels-last image or a vector): layernorm.</summary>
    private void LayerNorm(NodeProto node, int index)
    {
        var shape = Shape(node, index, 0);
        LastAxisIsFeatures(node, index, shape);
        long axis = Int(node, "axis", -1);
        if (axis != -1 && axis != shape.Length - 1) throw Fail(node, index, $"only the last axis is supported, not axis {axis}");
        if (node.Output.Skip(1).Any(o => o.Length > 0)) throw Fail(node, index, "only the normalized output is supported");
        var scale = Constant(node, index, 1, "scale");
        bool bias = node.Input.Count > 2 && node.Input[2].Length > 0;
        if (scale.Dims.Count != 1 || scale.Dims[0] != shape[^1] || !bias) throw Fail(node, index, "only a scale and a bias of the last dimension's size (nn.LayerNorm's weight and bias) are supported");
        float epsilon = Float(node, "epsilon") ?? 1e-5f;
        string eps = epsilon == 1e-5f ? "" : $", eps: {epsilon.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant()}";
        string member = Layer(node, index, $"layernorm({scale.Dims[0]}{eps})", Tensor(node, index, 0), shape);
        AddWeight(member, "weight", scale, node, index);
        AddWeight(member, "bias", Constant(node, index, 2, "bias"), node, index);
    }

    /// <summary>
    /// MatMul by a constant [in, out] matrix, and the Add of a constant [out] bias that alone reads it: nn.Linear on a
    /// channels-last image or a vector, as PyTorch exports it where Gemm does not fit: linear, its weight transposed.
    /// </summary>
    private void MatMul(NodeProto node, int index)
    {
        var shape = Shape(node, index, 0);
        LastAxisIsFeatures(node, index, shape);
        var matrix = Constant(node, index, 1, "weight");
        if (matrix.Dims.Count != 2 || matrix.Dims[0] != shape[^1]) throw Fail(node, index, "only a product with a constant [in, out] matrix over the last dimension is supported");
        long inputs = matrix.Dims[0], outputs = matrix.Dims[1];
        var add = SoleReader(node.Output[0], index);
        int biasPosition = add?.Node.OpType == "Add" && add.Value.Node.Input.Count == 2 ? add.Value.Node.Input.IndexOf(node.Output[0]) ^ 1 : -1;
        var bias = biasPosition >= 0 && _constants.TryGetValue(add!.Value.Node.Input[biasPosition], out var b) && b.Dims.Count == 1 && b.Dims[0] == outputs ? b : null;
        var result = (long?[])shape.Clone();
        result[^1] = outputs;
        string member = Layer(node, index, $"linear({inputs}, {outputs}{(bias is null ? ", bias: false" : "")})", Tensor(node, index, 0), result, bias is null ? null : add!.Value.Node.Output[0]);
        float[] values = Floats(matrix, node, index);
        var transposed = new float[values.Length];
        for (long i = 0; i < inputs; i++)
        {
            for (long o = 0; o < outputs; o++) transposed[(o * inputs) + i] = values[(i * outputs) + o];
        }
        _weights.Add((member, "weight", new NamedTensor($"{member}.weight", new[] { outputs, inputs }, transposed)));
        if (bias is not null)
        {
            _matched.Add(add!.Value.Index);
            AddWeight(member, "bias", bias, node, index);
        }
    }

    /// <summary>
    /// Mul by a constant [C, 1, 1] tensor (ConvNeXt's layer_scale, an nn.Parameter): a parameter member named after the
    /// initializer, as PyTorch's state_dict names it, times the tensor.
    /// </summary>
    private bool LayerScale(NodeProto node, int index)
    {
        int position = node.Input.Count == 2 && _constants.ContainsKey(node.Input[0]) ? 0 : node.Input.Count == 2 && _constants.ContainsKey(node.Input[1]) ? 1 : -1;
        if (position < 0 || _constants[node.Input[position]].Dims is not { Count: 3 } dims || dims[1] != 1 || dims[2] != 1) return false;
        var shape = Shape(node, index, 1 - position);
        if (_channelsLast.Contains(node.Input[1 - position])) throw Fail(node, index, "a constant [C, 1, 1] scale of a channels-last image is not supported");
        if (shape.Length != 4 || shape[1] != dims[0]) throw Fail(node, index, $"a constant [{string.Join(", ", dims)}] scales an image of shape [{Show(shape)}]");
        string scope = string.Join("_", ModuleNames.Scopes(node.Name));
        string name = node.Input[position].Contains('.', StringComparison.Ordinal) ? node.Input[position] : $"{scope}_layer_scale";
        string member = _names.Member("/" + name.Replace('.', '_') + "/Mul", node.OpType, index);
        Line(node, $"{member} * {Tensor(node, index, 1 - position)}", shape, null, member, $"parameter({dims[0]}, 1, 1)");
        _weights.Add((member, "", new NamedTensor(member, dims.ToArray(), Floats(_constants[node.Input[position]], node, index))));
        return true;
    }

    /// <summary>The shape a Reshape to <paramref name="target"/> gives: 0 copies the input's dimension, one -1 takes what is left.</summary>
    private static long?[]? Resolve(long?[] target, long?[] shape)
    {
        var resolved = target.Select((d, i) => d == 0 && i < shape.Length ? shape[i] : d).ToArray();
        // The batch may be written as x.size(0) (unknown here) or as the traced batch.
        if (resolved.Length > 0 && resolved[0] is null && shape[0] is not null) resolved[0] = shape[0];
        if (resolved.Skip(1).Any(d => d is null or < -1) || resolved.Count(d => d == -1) > 1) return null;
        int free = Array.IndexOf(resolved, (long?)-1);
        if (free < 0) return resolved;
        long? total = shape.Skip(1).Aggregate((long?)1, (product, d) => product * d);
        long known = resolved.Skip(1).Where(d => d != -1).Aggregate(1L, (product, d) => product * d!.Value);
        if (free == 0 || known == 0 || total % known != 0) return null;
        resolved[free] = total / known;
        return resolved;
    }

    private static long?[] Transposed(long?[] shape, long groups) => new[] { shape[0], shape[1] / groups, groups, shape[2], shape[3] };

    private static bool SameBatch(long?[] resolved, long?[] shape) => resolved[0] == shape[0] || (shape[0] is null && resolved[0] is -1 or null);

    private static bool SameShape(long?[]? resolved, long?[] shape) => resolved is not null && resolved.Length == shape.Length && SameBatch(resolved, shape) && resolved.Skip(1).SequenceEqual(shape.Skip(1));

    /// <summary>Slice of the channels (torch.chunk and tensor[:, a:b] as PyTorch exports them): narrow.</summary>
    private void Slice(NodeProto node, int index)
    {
        var shape = Shape(node, index, 0);
        long start = Single(node, index, IntegerInput(node, index, 1, "starts"));
        long end = Single(node, index, IntegerInput(node, index, 2, "ends"));
        long axis = node.Input.Count > 3 && node.Input[3].Length > 0 ? Single(node, index, IntegerInput(node, index, 3, "axes")) : 0;
        long step = node.Input.Count > 4 && node.Input[4].Length > 0 ? Single(node, index, IntegerInput(node, index, 4, "steps")) : 1;
        if (shape.Length != 4 || (axis != 1 && axis != -3) || step != 1) throw Fail(node, index, "only a slice of the channels (axis 1, step 1) of an image is supported");
        long channels = shape[1]!.Value;
        long from = Math.Clamp(start < 0 ? start + channels : start, 0, channels), to = Math.Clamp(end < 0 ? end + channels : end, 0, channels);
        if (to <= from) throw Fail(node, index, $"the slice {start}:{end} of {channels} channels is empty");
        Narrow(node, index, node.Output[0], from, to - from);
    }

    /// <summary>Split along the channels (torch.split, torch.chunk at opset 13 and newer): one narrow per part.</summary>
    private void Split(NodeProto node, int index)
    {
        var shape = Shape(node, index, 0);
        if (shape.Length != 4 || Int(node, "axis", 0) is not (1 or -3)) throw Fail(node, index, "only a split of the channels (axis 1) of an image is supported");
        long channels = shape[1]!.Value;
        // Opset 13 and newer pass the sizes as an input, older opsets as an attribute; without them the parts are equal.
        long?[] sizes = node.Input.Count > 1 && node.Input[1].Length > 0 ? IntegerInput(node, index, 1, "split") : (Ints(node, "split") ?? Enumerable.Repeat(channels / node.Output.Count, node.Output.Count).ToArray()).Select(v => (long?)v).ToArray();
        if (sizes.Length != node.Output.Count || sizes.Any(v => v is null or <= 0) || sizes.Sum() != channels) throw Fail(node, index, $"the sizes [{Show(sizes)}] do not split {channels} channels into {node.Output.Count} parts");
        long start = 0;
        for (int part = 0; part < sizes.Length; part++)
        {
            if (node.Output[part].Length > 0) Narrow(node, index, node.Output[part], start, sizes[part]!.Value);
            start += sizes[part]!.Value;
        }
    }

    private void Narrow(NodeProto node, int index, string output, long start, long length)
    {
        var shape = (long?[])Shape(node, index, 0).Clone();
        shape[1] = length;
        Expression(node, $"narrow({Tensor(node, index, 0)}, {start}, {length})", shape, output);
    }

    /// <summary>ReduceMean over height and width (x.mean((2, 3)), with or without keepdim): mean.</summary>
    private void Mean(NodeProto node, int index)
    {
        var shape = Shape(node, index, 0);
        // Opset 18 passes the axes as an input, older opsets as an attribute.
        long[] axes = node.Input.Count > 1 && node.Input[1].Length > 0
            ? IntegerInput(node, index, 1, "axes").Select(a => a ?? -99).ToArray()
            : Ints(node, "axes") ?? Array.Empty<long>();
        var normalized = axes.Select(a => a < 0 ? a + shape.Length : a).OrderBy(a => a);
        if (normalized.SequenceEqual(new long[] { shape.Length - 1 }) && ReducedLayerNorm(node, index, shape)) return;
        if (shape.Length != 4 || _channelsLast.Contains(node.Input[0]) || !normalized.SequenceEqual(new long[] { 2, 3 })) throw Fail(node, index, $"only the mean over height and width (axes [2, 3]) of an image is supported, not axes [{string.Join(", ", axes)}]");
        bool keep = Int(node, "keepdims", 1) != 0;
        Expression(node, keep ? $"mean({Tensor(node, index, 0)}, keepdim: true)" : $"mean({Tensor(node, index, 0)})", keep ? new[] { shape[0], shape[1], 1, 1 } : new[] { shape[0], shape[1] });
    }

    /// <summary>
    /// nn.LayerNorm as PyTorch exports it before opset 17 (ReduceMean over the last axis, Sub of that mean, Pow 2,
    /// ReduceMean, Add eps, Sqrt, Div, Mul by the weight, Add the bias), each node read by the next alone but the
    /// difference, which the Pow and the Div read: layernorm.
    /// </summary>
    private bool ReducedLayerNorm(NodeProto node, int index, long?[] shape)
    {
        if (Int(node, "keepdims", 1) == 0 || (shape.Length != 2 && !_channelsLast.Contains(node.Input[0]))) return false;
        string x = node.Input[0];
        var sub = SoleReader(node.Output[0], index);
        if (sub?.Node.OpType != "Sub" || sub.Value.Node.Input.Count != 2 || sub.Value.Node.Input[0] != x || sub.Value.Node.Input[1] != node.Output[0]) return false;
        string difference = sub.Value.Node.Output[0];
        var readers = Readers(difference).OrderBy(r => r).ToList();
        if (readers.Count != 2 || readers[0] <= sub.Value.Index) return false;
        var pow = (_graph.Node[readers[0]], readers[0]);
        if (pow.Item1.OpType != "Pow" || pow.Item1.Output.Count == 0 || pow.Item1.Input.Count != 2 || pow.Item1.Input[0] != difference || !IsScalar(pow.Item1, 1, 2f)) return false;
        var variance = SoleReader(pow.Item1.Output[0], pow.Item2);
        if (variance?.Node.OpType != "ReduceMean" || Int(variance.Value.Node, "keepdims", 1) == 0) return false;
        var varianceAxes = Ints(variance.Value.Node, "axes") ?? (variance.Value.Node.Input.Count > 1 && TryIntegers(variance.Value.Node.Input[1], out var v) ? v.Select(a => a ?? -99).ToArray() : Array.Empty<long>());
        if (varianceAxes.Length != 1 || (varianceAxes[0] != -1 && varianceAxes[0] != shape.Length - 1)) return false;
        var addEps = SoleReader(variance.Value.Node.Output[0], variance.Value.Index);
        float? epsilon = addEps?.Node.OpType == "Add" && addEps.Value.Node.Input.Count == 2 && addEps.Value.Node.Input[0] == variance.Value.Node.Output[0] ? ScalarValue(addEps.Value.Node, 1) : null;
        if (epsilon is not > 0f) return false;
        var sqrt = SoleReader(addEps!.Value.Node.Output[0], addEps.Value.Index);
        if (sqrt?.Node.OpType != "Sqrt") return false;
        var div = SoleReader(sqrt.Value.Node.Output[0], sqrt.Value.Index);
        if (div?.Node.OpType != "Div" || div.Value.Index != readers[1] || div.Value.Node.Input.Count != 2 || div.Value.Node.Input[0] != difference || div.Value.Node.Input[1] != sqrt.Value.Node.Output[0]) return false;
        var scale = SoleReader(div.Value.Node.Output[0], div.Value.Index);
        var weight = scale?.Node.OpType == "Mul" ? OtherConstant(scale.Value.Node, div.Value.Node.Output[0], shape[^1]) : null;
        var shift = weight is null ? null : SoleReader(scale!.Value.Node.Output[0], scale.Value.Index);
        var bias = shift?.Node.OpType == "Add" ? OtherConstant(shift.Value.Node, scale!.Value.Node.Output[0], shape[^1]) : null;
        if (bias is null) return false;

        foreach (int matched in new[] { sub.Value.Index, pow.Item2, variance.Value.Index, addEps.Value.Index, sqrt.Value.Index, div.Value.Index, scale!.Value.Index, shift!.Value.Index }) _matched.Add(matched);
        string eps = epsilon == 1e-5f ? "" : $", eps: {epsilon.Value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant()}";
        string member = Layer(node, index, $"layernorm({shape[^1]}{eps})", Tensor(node, index, 0), shape, shift.Value.Node.Output[0], "layernorm");
        AddWeight(member, "weight", weight!, node, index);
        AddWeight(member, "bias", bias, node, index);
        return true;
    }

    /// <summary>The constant [<paramref name="size"/>] vector a two-input node combines with <paramref name="tensor"/>.</summary>
    private TensorProto? OtherConstant(NodeProto node, string tensor, long? size)
    {
        if (node.Input.Count != 2 || !node.Input.Contains(tensor)) return null;
        string other = node.Input[0] == tensor ? node.Input[1] : node.Input[0];
        return _constants.TryGetValue(other, out var constant) && constant.Dims.Count == 1 && constant.Dims[0] == size ? constant : null;
    }

    private float? ScalarValue(NodeProto node, int position)
    {
        if (position >= node.Input.Count || !_constants.TryGetValue(node.Input[position], out var constant)) return null;
        if (constant.DataType != (int)TensorProto.Types.DataType.Float || constant.Dims.Aggregate(1L, (p, d) => p * d) != 1) return null;
        return constant.RawData.Length == 4 ? BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(constant.RawData.Span)) : constant.FloatData.Count == 1 ? constant.FloatData[0] : null;
    }

    /// <summary>
    /// A gate times its own input, with the gate read by that Mul alone: Mul(x, Sigmoid(x)) is nn.SiLU (every opset),
    /// Mul(x, HardSigmoid(x)) is nn.Hardswish (opsets before 14 have no HardSwish): silu, hardswish.
    /// </summary>
    private bool SelfGated(NodeProto node, int index)
    {
        string op = node.OpType == "Sigmoid" ? "silu" : "hardswish";
        if (node.Input.Count == 0) return false;
        if (node.OpType == "HardSigmoid" && (Math.Abs((Float(node, "alpha") ?? 0.2f) - 1f / 6) > 1e-6f || (Float(node, "beta") ?? 0.5f) != 0.5f)) return false;
        string x = node.Input[0];
        var mul = SoleReader(node.Output[0], index);
        if (mul?.Node.OpType != "Mul" || !mul.Value.Node.Input.Contains(x) || !OpRegistry.TryGet(op, out _)) return false;
        _matched.Add(mul.Value.Index);
        Layer(node, index, op, Tensor(node, index, 0), Shape(node, index, 0), mul.Value.Node.Output[0], op);
        return true;
    }

    /// <summary>
    /// nn.GELU() as PyTorch exports it, x * 0.5 * (1 + erf(x / sqrt(2))): Div(x, sqrt 2), Erf, Add 1, Mul by x,
    /// Mul by 0.5, each read by the next alone: gelu.
    /// </summary>
    private bool Gelu(NodeProto node, int index)
    {
        if (node.Input.Count != 2) return false;
        string x = node.Input[0];
        if (!IsScalar(node, 1, MathF.Sqrt(2f))) return false;
        var erf = SoleReader(node.Output[0], index);
        if (erf?.Node.OpType != "Erf") return false;
        var add = SoleReader(erf.Value.Node.Output[0], erf.Value.Index);
        if (add?.Node.OpType != "Add" || !HasScalar(add.Value.Node, erf.Value.Node.Output[0], 1f)) return false;
        var byX = SoleReader(add.Value.Node.Output[0], add.Value.Index);
        if (byX?.Node.OpType != "Mul" || !byX.Value.Node.Input.Contains(x) || !byX.Value.Node.Input.Contains(add.Value.Node.Output[0])) return false;
        var half = SoleReader(byX.Value.Node.Output[0], byX.Value.Index);
        if (half?.Node.OpType != "Mul" || !HasScalar(half.Value.Node, byX.Value.Node.Output[0], 0.5f) || !OpRegistry.TryGet("gelu", out _)) return false;
        foreach (int matched in new[] { erf.Value.Index, add.Value.Index, byX.Value.Index, half.Value.Index }) _matched.Add(matched);
        Layer(node, index, "gelu", Tensor(node, index, 0), Shape(node, index, 0), half.Value.Node.Output[0], "gelu");
        return true;
    }

    /// <summary>The node that alone reads <paramref name="tensor"/>, if it comes after <paramref name="after"/>.</summary>
    private (NodeProto Node, int Index)? SoleReader(string tensor, int after)
    {
        var readers = Readers(tensor);
        bool sole = readers.Count == 1 && readers[0] > after && !_matched.Contains(readers[0]) && _graph.Node[readers[0]].Output.Count > 0 && _graph.Node[readers[0]].Output[0].Length > 0;
        return sole ? (_graph.Node[readers[0]], readers[0]) : null;
    }

    /// <summary>Whether the other input of a two-input node next to <paramref name="tensor"/> is the float scalar <paramref name="value"/>.</summary>
    private bool HasScalar(NodeProto node, string tensor, float value) =>
        node.Input.Count == 2 && ((node.Input[0] == tensor && IsScalar(node, 1, value)) || (node.Input[1] == tensor && IsScalar(node, 0, value)));

    private bool IsScalar(NodeProto node, int position, float value) =>
        ScalarValue(node, position) is float actual && Math.Abs(actual - value) <= 1e-6f * Math.Abs(value);

    /// <summary>Whether a bool constant (Dropout's training_mode) is false.</summary>
    private static bool IsFalse(TensorProto constant) =>
        constant.DataType == (int)TensorProto.Types.DataType.Bool && constant.RawData.Span.IndexOfAnyExcept((byte)0) < 0 && constant.Int32Data.All(v => v == 0);

    // ---- Shapes of image tensors. ----

    private long?[] Shape(NodeProto node, int index, int position)
    {
        if (position < node.Input.Count && _shapes.TryGetValue(node.Input[position], out var shape)) return shape;
        Tensor(node, index, position);
        throw Fail(node, index, $"the shape of input {position} is unknown");
    }

    private long?[] Broadcast(NodeProto node, int index)
    {
        var a = Shape(node, index, 0);
        var b = Shape(node, index, 1);
        // Same rank: the larger of each pair of dimensions (one of them is 1 or they are equal; the language checks which).
        if (a.Length != b.Length) throw Fail(node, index, $"inputs of shapes [{Show(a)}] and [{Show(b)}] are not supported; only tensors of one rank");
        return a.Zip(b, (x, y) => x is null || y is null ? x ?? y : Math.Max(x.Value, y.Value)).ToArray();
    }

    private static long?[] Flat(long?[] shape) => new[] { shape[0], shape.Skip(1).Aggregate((long?)1, (product, d) => product * d) };

    private static long? Spatial(long? size, long kernel, long stride, long padding, long dilation) =>
        (size + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;

    private void PassThroughTensor(NodeProto node, int index)
    {
        _tensors[node.Output[0]] = Tensor(node, index, 0);
        _shapes[node.Output[0]] = Shape(node, index, 0);
        if (_channelsLast.Contains(node.Input[0])) _channelsLast.Add(node.Output[0]);
    }

    private List<int> Readers(string tensor)
    {
        if (!_readers.TryGetValue(tensor, out var readers)) _readers[tensor] = readers = new List<int>();
        return readers;
    }

    private static string Show(long?[] values) => string.Join(", ", values.Select(Show));

    private static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "N";

    /// <summary>Declares a member for the node and adds the forward statement that calls it.</summary>
    /// <param name="kind">What a node without a module path is named after, when not its op type (a pattern's op).</param>
    private string Layer(NodeProto node, int index, string declaration, string input, long?[] shape, string? output = null, string? kind = null)
    {
        string member = _names.Member(node.Name, kind ?? node.OpType, index);
        Line(node, $"{member}({input})", shape, output, member, declaration);
        return member;
    }

    /// <summary>Adds the forward statement computing the node's output (or <paramref name="output"/>, the last of a pattern's nodes).</summary>
    private void Expression(NodeProto node, string expression, long?[] shape, string? output = null) => Line(node, expression, shape, output, null, null);

    private void Line(NodeProto node, string expression, long?[] shape, string? output, string? member, string? declaration)
    {
        string tensor = _names.Tensor();
        _lines.Add(new ImportedLine(ModuleNames.Scopes(node.Name), member, declaration, tensor, expression));
        _tensors[output ?? node.Output[0]] = tensor;
        _shapes[output ?? node.Output[0]] = shape;
        if (node.Input.Any(_channelsLast.Contains)) _channelsLast.Add(output ?? node.Output[0]);
    }

    /// <summary>The forward name of the node's input <paramref name="position"/>, which another node or the graph input computes.</summary>
    private string Tensor(NodeProto node, int index, int position)
    {
        if (position >= node.Input.Count || node.Input[position].Length == 0) throw Fail(node, index, $"input {position} is missing");
        string name = node.Input[position];
        if (_tensors.TryGetValue(name, out string? tensor)) return tensor;
        if (_padded.TryGetValue(name, out var pad)) throw Fail(node, index, $"input {position} comes from the Pad of node {pad.Index}; a Pad is supported only before an AveragePool");
        if (_shuffles.TryGetValue(name, out var shuffle)) throw Fail(node, index, $"input {position} comes from the 5-D Reshape of node {shuffle.Index}; one is supported only as the Reshape, Transpose, Reshape of a channel shuffle");
        if (_integers.ContainsKey(name)) throw Fail(node, index, $"input {position} ('{name}') is an integer vector computed from shapes; only image tensors are supported there");
        if (_constants.ContainsKey(name)) throw Fail(node, index, $"input {position} ('{name}') is a constant; only tensors computed by the network are supported there");
        throw Fail(node, index, $"input {position} ('{name}') is not computed by an earlier node");
    }

    private TensorProto Constant(NodeProto node, int index, int position, string role)
    {
        if (position < node.Input.Count && _constants.TryGetValue(node.Input[position], out var constant)) return constant;
        throw Fail(node, index, $"the {role} (input {position}) is not an initializer or Constant; only fixed weights are supported");
    }

    private float Scalar(NodeProto node, int index, int position)
    {
        var values = Floats(Constant(node, index, position, "bound"), node, index);
        if (values.Length != 1) throw Fail(node, index, $"input {position} is not a scalar");
        return values[0];
    }

    private void AddWeight(string member, string suffix, TensorProto tensor, NodeProto node, int index, long[]? shape = null) =>
        _weights.Add((member, suffix, new NamedTensor($"{member}.{suffix}", shape ?? tensor.Dims.ToArray(), Floats(tensor, node, index))));

    /// <summary>The values of a float tensor, from raw_data (little-endian) or float_data.</summary>
    private float[] Floats(TensorProto tensor, NodeProto node, int index)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float) throw Fail(node, index, $"tensor '{tensor.Name}' is {(TensorProto.Types.DataType)tensor.DataType}, not float (F32)");
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External) throw Fail(node, index, $"tensor '{tensor.Name}' is stored in an external file, which is not supported");
        if (tensor.Dims.Any(d => d < 0 || d > int.MaxValue)) throw Fail(node, index, $"tensor '{tensor.Name}' has the invalid shape [{string.Join(", ", tensor.Dims)}]");
        long count = tensor.Dims.Aggregate(1L, (product, d) => product * d);
        if (count > Array.MaxLength / sizeof(float)) throw Fail(node, index, $"tensor '{tensor.Name}' is too large ({count} values)");
        float[] values;
        if (tensor.RawData.Length > 0)
        {
            if (tensor.RawData.Length != count * sizeof(float)) throw Fail(node, index, $"tensor '{tensor.Name}' has {tensor.RawData.Length} bytes of data, not {count * sizeof(float)} for its shape");
            values = new float[count];
            for (int i = 0; i < count; i++) values[i] = BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(tensor.RawData.Span.Slice(i * 4, 4)));
            return values;
        }
        if (tensor.FloatData.Count != count) throw Fail(node, index, $"tensor '{tensor.Name}' has {tensor.FloatData.Count} values, not {count} for its shape");
        return tensor.FloatData.ToArray();
    }

    /// <summary>The values of an int64 tensor (Pad's pads), from raw_data (little-endian) or int64_data.</summary>
    private long[] Integers(TensorProto tensor, NodeProto node, int index)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Int64) throw Fail(node, index, $"tensor '{tensor.Name}' is {(TensorProto.Types.DataType)tensor.DataType}, not int64");
        if (tensor.RawData.Length == 0) return tensor.Int64Data.ToArray();
        if (tensor.RawData.Length % sizeof(long) != 0 || tensor.RawData.Length > 64 * sizeof(long)) throw Fail(node, index, $"tensor '{tensor.Name}' has {tensor.RawData.Length} bytes, not a short list of int64");
        var values = new long[tensor.RawData.Length / sizeof(long)];
        for (int i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(tensor.RawData.Span.Slice(i * sizeof(long), sizeof(long)));
        return values;
    }

    private long Square(NodeProto node, int index, string attribute, long[] values)
    {
        if (values.Length != 2 || values[0] != values[1]) throw Fail(node, index, $"{attribute} [{string.Join(", ", values)}] is not supported; only equal height and width");
        return values[0];
    }

    private long Symmetric(NodeProto node, int index)
    {
        var pads = Ints(node, "pads") ?? NoPadding;
        if (pads.Length != 4 || pads.Any(p => p != pads[0])) throw Fail(node, index, $"pads [{string.Join(", ", pads)}] are not supported; only the same padding on every side");
        return pads[0];
    }

    private static long[]? Ints(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray();

    private static long Int(NodeProto node, string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;

    private static float? Float(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.F;

    private static string Text(NodeProto node, string name, string fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name)?.S.ToStringUtf8() ?? fallback;

    private static string Show(float? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "none";

    private CommandFailedException Unsupported(NodeProto node, int index) =>
        new($"{_path}: node {index} '{node.Name}' ({node.OpType}) is not supported by gnet import; supported: {SupportedOps}.");

    private CommandFailedException Fail(NodeProto node, int index, string problem) =>
        new($"{_path}: node {index} '{node.Name}' ({node.OpType}): {problem}.");

    private CommandFailedException Fail(string problem) => new($"{_path}: {problem}");
}
