using Google.Protobuf;
using GroupNetDsl.Cli.Tests.Infrastructure;
using GroupNetDsl.TestSupport.Samples;
using GroupNetDsl.Weights;
using Onnx;

namespace GroupNetDsl.Cli.Tests;

/// <summary>
/// <c>gnet import</c> on the ONNX files tests/reference/export.py wrote from PyTorch 1.13 (opset 13, batchnorm folded
/// into the convs), and on small models built here with OnnxSharp's protobuf classes. That the imported network
/// computes PyTorch's output is proven in GroupNetDsl.Generator.Tests (OnnxImportParityTests), which compiles it.
/// </summary>
public sealed class ImportCommandTests : CommandTests
{
    private static string Onnx(string name) => RepositoryFiles.PathOf($"tests/reference/data/{name}.onnx");

    private GnetRun Import(string model, params string[] options) => Gnet.Run(["import", model, "--output-dir", Files.Path, .. options]);

    [Theory]
    [InlineData("minigroupnet_g8", "MinigroupnetG8")]
    [InlineData("dsconv_32_64", "Dsconv3264")]
    [InlineData("bottleneck_64_128_g8_s2", "Bottleneck64128G8S2")]
    public void Each_reference_model_imports_into_a_network_that_checks_and_verifies_clean(string model, string network)
    {
        var run = Import(Onnx(model));

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal(string.Empty, run.Error);
        string gnet = Files.File(network + ".gnet");
        string weights = Files.File(network + ".safetensors");
        var check = Gnet.Run("check", gnet);
        Assert.True(check.ExitCode == ExitCodes.Success, check.ToString());
        var verify = Gnet.Run("verify", gnet, weights);
        Assert.True(verify.ExitCode == ExitCodes.Success, verify.ToString());
    }

    [Fact]
    public void Members_are_named_after_the_pytorch_module_paths_and_declared_as_the_modules_were()
    {
        Import(Onnx("minigroupnet_g8"), "--name", "Mini");
        string[] lines = File.ReadAllLines(Files.File("Mini.gnet")).Select(l => l.Trim()).ToArray();

        // MiniGroupNet's stem is [Conv2d(3, 64, 3, padding=1, bias=False), BatchNorm2d, ReLU]: the exporter folded the
        // batchnorm into the conv, which so gained a bias.
        Assert.Contains("network Mini(input: 3x64x64) {", lines);
        Assert.Contains("stem_0 = conv(3, 64, 3, padding: 1)", lines);
        Assert.Contains("stem_2 = relu", lines);
        // GroupedBottleneck(64, 128, groups=8, stride=2): its grouped 3x3 conv and its 1x1 strided skip.
        Assert.Contains("stage1_group_conv_0 = conv(64, 64, 3, stride: 2, padding: 1, groups: 8)", lines);
        Assert.Contains("stage1_skip_0 = conv(64, 128, 1, stride: 2)", lines);
        Assert.Contains("pool = avgpool", lines);
        Assert.Contains("fc = linear(256, 10)", lines);
        Assert.Contains(lines, l => l.EndsWith(" = flatten(y19)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(" + y3", StringComparison.Ordinal));
    }

    [Fact]
    public void The_weights_that_kept_their_names_through_onnx_equal_pytorchs_state_dict()
    {
        Import(Onnx("minigroupnet_g8"), "--name", "Mini");
        var imported = SafeTensorsFile.Open(Files.File("Mini.safetensors"));
        var pytorch = SafeTensorsFile.Open(RepositoryFiles.PathOf("tests/reference/data/minigroupnet_g8.safetensors"));

        // The convs' weights were folded with their batchnorms; fc's are PyTorch's own, bit for bit.
        Assert.Equal(pytorch.ReadFloat32("fc.weight"), imported.ReadFloat32("fc.weight"));
        Assert.Equal(pytorch.ReadFloat32("fc.bias"), imported.ReadFloat32("fc.bias"));
        Assert.Equal(new long[] { 10, 256 }, imported.Get("fc.weight").Shape.ToArray());
        Assert.Equal(new long[] { 64, 3, 3, 3 }, imported.Get("stem_0.weight").Shape.ToArray());
        Assert.Equal(new long[] { 64 }, imported.Get("stem_0.bias").Shape.ToArray());
        Assert.Equal(20, imported.Tensors.Count);
    }

    [Fact]
    public void An_unsupported_op_is_one_error_naming_the_node_its_op_type_and_its_position()
    {
        var graph = ImageGraph(new long[] { 1, 3, 4, 4 });
        graph.Node.Add(Node("Relu", "/features/features.2/Relu", "input", "a"));
        graph.Node.Add(Node("Transpose", "/features/features.3/Transpose", "a", "output"));
        string model = Save("transpose.onnx", graph);

        var run = Import(model);

        run.AssertCannotRun(model);
        Assert.StartsWith($"error: {model}: node 1 '/features/features.3/Transpose' (Transpose) is not supported by gnet import; supported: Conv, Relu, ", run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Files.Path, "*.gnet"));
    }

    [Fact]
    public void Clip_from_0_to_6_is_relu6_in_both_opset_forms()
    {
        var inputs = ImageGraph(new long[] { 1, 3, 4, 4 });
        inputs.Initializer.Add(Scalar("low", 0f));
        inputs.Initializer.Add(Scalar("high", 6f));
        inputs.Node.Add(Node("Clip", "/act/Clip", new[] { "input", "low", "high" }, "output"));
        Assert.Equal(ExitCodes.Success, Import(Save("clip13.onnx", inputs, opset: 13), "--name", "Clip13").ExitCode);
        Assert.Contains("act = relu6", File.ReadAllText(Files.File("Clip13.gnet")), StringComparison.Ordinal);

        var attributes = ImageGraph(new long[] { 1, 3, 4, 4 });
        var clip = Node("Clip", "/act/Clip", "input", "output");
        clip.Attribute.Add(new AttributeProto { Name = "min", Type = AttributeProto.Types.AttributeType.Float, F = 0f });
        clip.Attribute.Add(new AttributeProto { Name = "max", Type = AttributeProto.Types.AttributeType.Float, F = 6f });
        attributes.Node.Add(clip);
        Assert.Equal(ExitCodes.Success, Import(Save("clip6.onnx", attributes, opset: 6), "--name", "Clip6").ExitCode);
        Assert.Contains("act = relu6", File.ReadAllText(Files.File("Clip6.gnet")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sigmoid", "sigmoid")]
    [InlineData("HardSigmoid", "hardsigmoid")]
    [InlineData("HardSwish", "hardswish")]
    public void Sigmoid_HardSigmoid_and_HardSwish_map_to_their_ops(string onnxOp, string op)
    {
        var graph = ImageGraph(new long[] { 1, 3, 4, 4 });
        var node = Node(onnxOp, $"/act/{onnxOp}", "input", "output");
        if (onnxOp == "HardSigmoid") node.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 1f / 6 });
        graph.Node.Add(node);
        string model = Save("activation.onnx", graph, opset: 14);

        var run = Import(model, "--name", "Activation");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains($"act = {op}", File.ReadAllText(Files.File("Activation.gnet")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_identity_is_another_name_for_its_input_a_weight_or_a_computed_tensor()
    {
        // PyTorch 1.13 exports two equal biases (a fresh network's zeros) as one initializer and an Identity copy.
        var graph = ImageGraph(new long[] { 1, 3, 4, 4 });
        graph.Initializer.Add(new TensorProto { Name = "w1", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3, 3, 1, 1 }, FloatData = { new float[9] } });
        graph.Initializer.Add(new TensorProto { Name = "w2", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3, 3, 1, 1 }, FloatData = { new float[9] } });
        graph.Initializer.Add(new TensorProto { Name = "b", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3 }, FloatData = { 1f, 2f, 3f } });
        graph.Node.Add(Node("Identity", "Identity_0", "b", "b_copy"));
        graph.Node.Add(Node("Conv", "/conv1/Conv", new[] { "input", "w1", "b" }, "h1"));
        graph.Node.Add(Node("Identity", "Identity_1", "h1", "h1_copy"));
        graph.Node.Add(Node("Conv", "/conv2/Conv", new[] { "h1_copy", "w2", "b_copy" }, "output"));
        string model = Save("identity.onnx", graph);

        var run = Import(model, "--name", "Copies");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        string[] lines = File.ReadAllLines(Files.File("Copies.gnet")).Select(l => l.Trim()).ToArray();
        Assert.Contains("conv1 = conv(3, 3, 1)", lines);
        Assert.Contains("conv2 = conv(3, 3, 1)", lines);
        Assert.Contains("y2 = conv2(y1)", lines);
        var weights = SafeTensorsFile.Open(Files.File("Copies.safetensors"));
        Assert.Equal(new[] { 1f, 2f, 3f }, weights.ReadFloat32("conv2.bias"));
    }

    [Fact]
    public void Clip_to_other_bounds_and_asymmetric_padding_are_named_errors()
    {
        var clip = ImageGraph(new long[] { 1, 3, 4, 4 });
        clip.Initializer.Add(Scalar("low", 0f));
        clip.Initializer.Add(Scalar("high", 5f));
        clip.Node.Add(Node("Clip", "/act/Clip", new[] { "input", "low", "high" }, "output"));
        string clipModel = Save("clip5.onnx", clip);
        var run = Import(clipModel);
        run.AssertCannotRun(clipModel);
        Assert.Contains("node 0 '/act/Clip' (Clip): only Clip(min 0, max 6) (ReLU6) is supported, not min 0 max 5", run.Error, StringComparison.Ordinal);

        var pool = ImageGraph(new long[] { 1, 3, 4, 4 });
        var maxPool = Node("MaxPool", "/pool/MaxPool", "input", "output");
        maxPool.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 2, 2 } });
        maxPool.Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 0, 1, 1 } });
        pool.Node.Add(maxPool);
        string poolModel = Save("pool.onnx", pool);
        run = Import(poolModel);
        run.AssertCannotRun(poolModel);
        Assert.Contains("node 0 '/pool/MaxPool' (MaxPool): pads [0, 0, 1, 1] are not supported", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bias_of_the_wrong_length_is_found_before_anything_is_written()
    {
        var graph = ImageGraph(new long[] { 1, 3, 4, 4 });
        graph.Initializer.Add(new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3, 3, 1, 1 }, FloatData = { new float[9] } });
        graph.Initializer.Add(new TensorProto { Name = "b", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 2 }, FloatData = { 1f, 2f } });
        graph.Node.Add(Node("Conv", "/conv/Conv", new[] { "input", "w", "b" }, "output"));
        string model = Save("bias.onnx", graph);

        var run = Import(model);

        run.AssertFailed(ExitCodes.CannotRun);
        Assert.StartsWith($"error: {model}: the model's weights do not fit the translated network, so nothing was written:", run.ErrorLines[0], StringComparison.Ordinal);
        // The member is conv_2: 'conv' is the op's name, which forward calls.
        Assert.Equal("error: tensor 'conv_2.bias' has shape [2], expected [3]", run.ErrorLines[1]);
        Assert.Empty(Directory.GetFiles(Files.Path, "*.gnet"));
    }

    [Fact]
    public void An_input_that_is_not_a_4d_image_is_an_error()
    {
        var graph = ImageGraph(new long[] { 1, 16 });
        graph.Node.Add(Node("Relu", "/act/Relu", "input", "output"));
        string model = Save("flat.onnx", graph);

        var run = Import(model);

        run.AssertCannotRun(model);
        Assert.Contains("the input 'input' is not 4-D", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_truncated_files_and_missing_files_are_clear_errors_naming_the_file()
    {
        var random = new Random(17);
        byte[] noise = new byte[4096];
        random.NextBytes(noise);
        string noiseFile = Files.File("noise.onnx");
        File.WriteAllBytes(noiseFile, noise);
        Import(noiseFile).AssertCannotRun(noiseFile);

        byte[] whole = File.ReadAllBytes(Onnx("minigroupnet_g8"));
        foreach (int length in new[] { 0, 1, 17, whole.Length / 3, whole.Length / 2, whole.Length - 1 })
        {
            string truncated = Files.File($"truncated_{length}.onnx");
            File.WriteAllBytes(truncated, whole[..length]);
            Import(truncated).AssertCannotRun(truncated);
        }

        string missing = Files.File("missing.onnx");
        Import(missing).AssertCannotRun(missing);
    }

    [Fact]
    public void Damaged_copies_of_a_real_model_never_crash_gnet()
    {
        byte[] whole = File.ReadAllBytes(Onnx("dsconv_32_64"));
        var random = new Random(1234);
        string path = Files.File("damaged.onnx");
        for (int attempt = 0; attempt < 300; attempt++)
        {
            byte[] damaged = (byte[])whole.Clone();
            for (int flip = 0; flip < 1 + attempt % 8; flip++) damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            File.WriteAllBytes(path, damaged);

            var run = Import(path, "--name", "Damaged");

            // A flipped byte inside a weight is still a model: only a crash (exit 3) is wrong.
            Assert.True(run.ExitCode is ExitCodes.Success or ExitCodes.CannotRun, run.ToString());
        }
    }

    [Fact]
    public void A_name_that_is_not_an_identifier_is_refused()
    {
        var run = Import(Onnx("dsconv_32_64"), "--name", "my net");

        run.AssertCannotRun("my net");
        Assert.Empty(Directory.GetFiles(Files.Path));
    }

    private static GraphProto ImageGraph(long[] inputShape)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Input.Add(Value("input", inputShape));
        graph.Output.Add(Value("output", new long[] { 1, 3, 4, 4 }));
        return graph;
    }

    private static ValueInfoProto Value(string name, long[] shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        foreach (long dimension in shape) tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dimension });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    private static NodeProto Node(string opType, string name, string input, string output) => Node(opType, name, new[] { input }, output);

    private static NodeProto Node(string opType, string name, string[] inputs, string output) =>
        new() { OpType = opType, Name = name, Input = { inputs }, Output = { output } };

    private static TensorProto Scalar(string name, float value) =>
        new() { Name = name, DataType = (int)TensorProto.Types.DataType.Float, FloatData = { value } };

    private string Save(string name, GraphProto graph, long opset = 13)
    {
        var model = new ModelProto { IrVersion = 7, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        string path = Files.File(name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }
}
