using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Google.Protobuf;
using GroupNetDsl.Language.Ops;
using Onnx;

namespace GroupNetDsl.Cli.Onnx;

/// <summary>A network read from an ONNX file: its .gnet text and its weights under the members' names.</summary>
public sealed record ImportedNetwork(string Name, string GnetText, IReadOnlyList<NamedTensor> Weights);

/// <summary>
/// Translates an ONNX graph (parsed by OnnxSharp's protobuf classes) into a .gnet network with a forward block:
/// one member per layer, named after the PyTorch module path in the node's name, and one forward statement per
/// node. Only what the language computes exactly as ONNX does is mapped; anything else is one error naming the
/// node, its op type and its index in the graph.
/// </summary>
public sealed class OnnxImporter
{
    // ONNX activations and the language's op for each; each maps only when the language has that op.
    private static readonly (string OnnxOp, string Op)[] Activations = { ("Sigmoid", "sigmoid"), ("HardSigmoid", "hardsigmoid"), ("HardSwish", "hardswish") };

    public static readonly string SupportedOps = "Conv, Relu, Clip (min 0, max 6), "
        + string.Concat(Activations.Where(a => OpRegistry.TryGet(a.Op, out _)).Select(a => a.OnnxOp + ", "))
        + "Add, Mul, MaxPool, AveragePool, Pad (zeros, before an AveragePool), GlobalAveragePool, Flatten (axis 1), Gemm (transB 1), BatchNormalization, Concat (axis 1), Constant, Identity";

    private static readonly long[] Ones = { 1, 1 };
    private static readonly long[] NoPadding = { 0, 0, 0, 0 };

    private readonly string _path;
    private readonly GraphProto _graph;
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tensors = new(StringComparer.Ordinal);
    // PyTorch exports nn.AvgPool2d(padding=p) as a Pad by zeros and an unpadded AveragePool: the two become one avgpool.
    private readonly Dictionary<string, (string Input, long Padding, int Index)> _padded = new(StringComparer.Ordinal);
    private readonly ModuleNames _names = new();
    private readonly List<string> _members = new();
    private readonly List<string> _statements = new();
    private readonly List<NamedTensor> _weights = new();

    private OnnxImporter(string path, GraphProto graph)
    {
        _path = path;
        _graph = graph;
    }

    /// <summary>Reads and translates an ONNX file.</summary>
    /// <exception cref="CommandFailedException">The file cannot be read, is no ONNX model, or uses what gnet cannot import (exit 2).</exception>
    public static ImportedNetwork Import(string path, string networkName)
    {
        var model = Read(path);
        return new OnnxImporter(path, model.Graph).Translate(networkName, model);
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

    private ImportedNetwork Translate(string networkName, ModelProto model)
    {
        foreach (var initializer in _graph.Initializer) _constants[initializer.Name] = initializer;
        string shape = InputShape();
        for (int index = 0; index < _graph.Node.Count; index++) Translate(_graph.Node[index], index);

        if (_graph.Output.Count != 1) throw Fail($"the graph has {_graph.Output.Count} outputs; gnet import takes one.");
        if (!_tensors.TryGetValue(_graph.Output[0].Name, out string? output) || output == "x")
        {
            throw Fail($"the graph's output '{_graph.Output[0].Name}' is not computed by any node.");
        }

        var text = new StringBuilder();
        string opset = string.Join(", ", model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version.ToString(CultureInfo.InvariantCulture)));
        // A comment runs to the end of the line: the file name keeps no line break.
        string file = string.Concat(Path.GetFileName(_path).Where(c => !char.IsControl(c) && c is not ('\u2028' or '\u2029')));
        text.Append("# Imported by `gnet import` from ").Append(file).Append(" (ONNX opset ").Append(opset).Append(").\n");
        text.Append("network ").Append(networkName).Append("(input: ").Append(shape).Append(") {\n");
        foreach (string member in _members) text.Append("    ").Append(member).Append('\n');
        text.Append("    forward(x) {\n");
        foreach (string statement in _statements) text.Append("        ").Append(statement).Append('\n');
        text.Append("        return ").Append(output).Append("\n    }\n}\n");
        return new ImportedNetwork(networkName, text.ToString(), _weights);
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
        return $"{dims[1].DimValue}x{dims[2].DimValue}x{dims[3].DimValue}";
    }

    private void Translate(NodeProto node, int index)
    {
        if (node.Domain is not ("" or "ai.onnx")) throw Unsupported(node, index);
        if (node.Output.Count == 0 || node.Output[0].Length == 0) throw Fail(node, index, "the node has no output");
        switch (node.OpType)
        {
            case "Constant":
                _constants[node.Output[0]] = node.Attribute.FirstOrDefault(a => a.Name == "value")?.T
                    ?? throw Fail(node, index, "only a Constant with a 'value' tensor is supported");
                return;
            case "Identity":
                Identity(node, index);
                return;
            case "Conv":
                Conv(node, index);
                return;
            case "Relu":
                Layer(node, index, "relu", Tensor(node, index, 0));
                return;
            case "Clip":
                Clip(node, index);
                return;
            case "Add":
                Expression(node, $"{Tensor(node, index, 0)} + {Tensor(node, index, 1)}");
                return;
            case "Mul":
                Expression(node, $"{Tensor(node, index, 0)} * {Tensor(node, index, 1)}");
                return;
            case "MaxPool":
            case "AveragePool":
                Pool(node, index);
                return;
            case "Pad":
                Pad(node, index);
                return;
            case "GlobalAveragePool":
                Layer(node, index, "avgpool", Tensor(node, index, 0));
                return;
            case "Flatten":
                if (Int(node, "axis", 1) != 1) throw Fail(node, index, "only axis 1 is supported (torch.flatten(x, 1))");
                Expression(node, $"flatten({Tensor(node, index, 0)})");
                return;
            case "Gemm":
                Gemm(node, index);
                return;
            case "BatchNormalization":
                BatchNorm(node, index);
                return;
            case "Concat":
                if (Int(node, "axis", 0) != 1) throw Fail(node, index, "only axis 1 (channels) is supported");
                Expression(node, $"cat({string.Join(", ", node.Input.Select((_, i) => Tensor(node, index, i)))})");
                return;
            case "Sigmoid" or "HardSigmoid" or "HardSwish":
                Activation(node, index);
                return;
            default:
                throw Unsupported(node, index);
        }
    }

    /// <summary>
    /// An Identity adds no layer: its output is another name for its input. PyTorch's exporter writes one for each
    /// initializer whose values repeat another's (freshly initialized biases are all zeros) and reads the copy.
    /// </summary>
    private void Identity(NodeProto node, int index)
    {
        string input = node.Input.Count > 0 ? node.Input[0] : "";
        if (_constants.TryGetValue(input, out var constant)) _constants[node.Output[0]] = constant;
        else _tensors[node.Output[0]] = Tensor(node, index, 0);
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
        string member = Layer(node, index, $"conv({string.Join(", ", arguments)})", input);
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
        Layer(node, index, op, Tensor(node, index, 0));
    }

    private void Clip(NodeProto node, int index)
    {
        string input = Tensor(node, index, 0);
        // Opset 11 and newer pass min and max as inputs, older opsets as attributes.
        float? min = node.Input.Count > 1 && node.Input[1].Length > 0 ? Scalar(node, index, 1) : Float(node, "min");
        float? max = node.Input.Count > 2 && node.Input[2].Length > 0 ? Scalar(node, index, 2) : Float(node, "max");
        if (min != 0f || max != 6f) throw Fail(node, index, $"only Clip(min 0, max 6) (ReLU6) is supported, not min {Show(min)} max {Show(max)}");
        Layer(node, index, "relu6", input);
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
        Layer(node, index, call, input);
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
        string member = Layer(node, index, $"linear({weight.Dims[1]}, {weight.Dims[0]}{(bias ? "" : ", bias: false")})", input);
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
        string member = Layer(node, index, $"batchnorm({scale.Dims.FirstOrDefault()}{eps})", input);
        AddWeight(member, "weight", scale, node, index);
        AddWeight(member, "bias", Constant(node, index, 2, "bias"), node, index);
        AddWeight(member, "running_mean", Constant(node, index, 3, "mean"), node, index);
        AddWeight(member, "running_var", Constant(node, index, 4, "variance"), node, index);
    }

    /// <summary>Declares a member for the node and adds the forward statement that calls it.</summary>
    private string Layer(NodeProto node, int index, string declaration, string input)
    {
        string member = _names.Member(node.Name, node.OpType, index);
        _members.Add($"{member} = {declaration}");
        Expression(node, $"{member}({input})");
        return member;
    }

    private void Expression(NodeProto node, string expression)
    {
        string tensor = _names.Tensor();
        _statements.Add($"{tensor} = {expression}");
        _tensors[node.Output[0]] = tensor;
    }

    /// <summary>The forward name of the node's input <paramref name="position"/>, which another node or the graph input computes.</summary>
    private string Tensor(NodeProto node, int index, int position)
    {
        if (position >= node.Input.Count || node.Input[position].Length == 0) throw Fail(node, index, $"input {position} is missing");
        string name = node.Input[position];
        if (_tensors.TryGetValue(name, out string? tensor)) return tensor;
        if (_padded.TryGetValue(name, out var pad)) throw Fail(node, index, $"input {position} comes from the Pad of node {pad.Index}; a Pad is supported only before an AveragePool");
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
        _weights.Add(new NamedTensor($"{member}.{suffix}", shape ?? tensor.Dims.ToArray(), Floats(tensor, node, index)));

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
