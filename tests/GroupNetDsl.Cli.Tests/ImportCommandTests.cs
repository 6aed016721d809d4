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
        Import(Onnx("minigroupnet_g8"), "--name", "Mini", "--flat");
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
    public void Modules_of_one_structure_fold_into_a_block_with_the_numbers_that_differ_as_parameters()
    {
        Import(Onnx("minigroupnet_g8"), "--name", "Mini");
        string[] lines = File.ReadAllLines(Files.File("Mini.gnet")).Select(l => l.Trim()).ToArray();

        // MiniGroupNet's two GroupedBottlenecks, (64, 128) and (128, 256), both stride 2 with 8 groups: one block, the
        // channels its parameters, the members named as inside the PyTorch module.
        Assert.Contains("block StageBlock(in_channels, out_channels) {", lines);
        Assert.Contains("group_conv_0 = conv(in_channels, in_channels, 3, stride: 2, padding: 1, groups: 8)", lines);
        Assert.Contains("skip_0 = conv(in_channels, out_channels, 1, stride: 2)", lines);
        Assert.Contains("y7 = y6 + y1", lines);
        Assert.Contains("stage1 = StageBlock(64, 128)", lines);
        Assert.Contains("stage2 = StageBlock(128, 256)", lines);
        Assert.Contains("y10 = stage1(y2)", lines);
        Assert.Contains("stem_0 = conv(3, 64, 3, padding: 1)", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("stage1_", StringComparison.Ordinal));
    }

    [Fact]
    public void A_folded_layers_weights_move_into_its_block_instance_unchanged()
    {
        Import(Onnx("minigroupnet_g8"), "--name", "Folded");
        Import(Onnx("minigroupnet_g8"), "--name", "Flat", "--flat");
        var folded = SafeTensorsFile.Open(Files.File("Folded.safetensors"));
        var flat = SafeTensorsFile.Open(Files.File("Flat.safetensors"));

        Assert.Equal(flat.Tensors.Count, folded.Tensors.Count);
        Assert.Equal(flat.ReadFloat32("stage2_group_conv_0.weight"), folded.ReadFloat32("stage2.group_conv_0.weight"));
        Assert.Equal(new long[] { 128, 16, 3, 3 }, folded.Get("stage2.group_conv_0.weight").Shape.ToArray());
        Assert.Equal(flat.ReadFloat32("stem_0.bias"), folded.ReadFloat32("stem_0.bias"));
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
        graph.Node.Add(Node("Softmax", "/features/features.3/Softmax", "a", "output"));
        string model = Save("softmax.onnx", graph);

        var run = Import(model);

        run.AssertCannotRun(model);
        Assert.StartsWith($"error: {model}: node 1 '/features/features.3/Softmax' (Softmax) is not supported by gnet import; supported: Conv, Relu, ", run.Error, StringComparison.Ordinal);
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

    [Fact]
    public void Reshape_transpose_reshape_of_a_channel_shuffle_is_channel_shuffle_and_another_perm_is_an_error()
    {
        string Shuffle(string name, long[] perm)
        {
            var graph = ImageGraph(new long[] { 1, 4, 4, 4 });
            graph.Initializer.Add(Int64s("grouped", 1, 2, 2, 4, 4));
            graph.Initializer.Add(Int64s("back", 1, -1, 4, 4));
            graph.Node.Add(Node("Reshape", "/shuffle/Reshape", new[] { "input", "grouped" }, "a"));
            var transpose = Node("Transpose", "/shuffle/Transpose", "a", "b");
            transpose.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { perm } });
            graph.Node.Add(transpose);
            graph.Node.Add(Node("Reshape", "/shuffle/Reshape_1", new[] { "b", "back" }, "output"));
            return Save(name + ".onnx", graph);
        }

        var run = Import(Shuffle("shuffle", new long[] { 0, 2, 1, 3, 4 }), "--name", "Shuffle");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("y1 = channel_shuffle(x, 2)", File.ReadAllText(Files.File("Shuffle.gnet")), StringComparison.Ordinal);

        string wrong = Shuffle("swap_hw", new long[] { 0, 1, 2, 4, 3 });
        run = Import(wrong);
        run.AssertCannotRun(wrong);
        Assert.Contains("node 0 '/shuffle/Reshape' (Reshape): a 5-D Reshape is supported only as a channel shuffle's, read by one Transpose with perm [0, 2, 1, 3, 4]", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_slice_or_split_of_the_channels_is_narrow_and_a_slice_of_the_height_is_an_error()
    {
        var slice = ImageGraph(new long[] { 1, 4, 4, 4 });
        slice.Initializer.Add(Int64s("starts", 1));
        slice.Initializer.Add(Int64s("ends", 3));
        slice.Initializer.Add(Int64s("axes", 1));
        slice.Node.Add(Node("Slice", "/narrow/Slice", new[] { "input", "starts", "ends", "axes" }, "output"));
        Assert.Equal(ExitCodes.Success, Import(Save("slice.onnx", slice), "--name", "Sliced").ExitCode);
        Assert.Contains("y1 = narrow(x, 1, 2)", File.ReadAllText(Files.File("Sliced.gnet")), StringComparison.Ordinal);

        var split = ImageGraph(new long[] { 1, 4, 4, 4 });
        split.Initializer.Add(Int64s("sizes", 1, 3));
        split.Node.Add(new NodeProto { OpType = "Split", Name = "/chunk/Split", Input = { "input", "sizes" }, Output = { "a", "b" }, Attribute = { new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 } } });
        split.Node.Add(Node("Concat", "/cat/Concat", new[] { "b", "a" }, "output"));
        split.Node[1].Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        Assert.Equal(ExitCodes.Success, Import(Save("split.onnx", split), "--name", "Split").ExitCode);
        string text = File.ReadAllText(Files.File("Split.gnet"));
        Assert.Contains("y1 = narrow(x, 0, 1)", text, StringComparison.Ordinal);
        Assert.Contains("y2 = narrow(x, 1, 3)", text, StringComparison.Ordinal);
        Assert.Contains("y3 = cat(y2, y1)", text, StringComparison.Ordinal);

        var height = ImageGraph(new long[] { 1, 4, 4, 4 });
        height.Initializer.Add(Int64s("starts", 1));
        height.Initializer.Add(Int64s("ends", 3));
        height.Initializer.Add(Int64s("axes", 2));
        height.Node.Add(Node("Slice", "/crop/Slice", new[] { "input", "starts", "ends", "axes" }, "output"));
        string model = Save("crop.onnx", height);
        var run = Import(model);
        run.AssertCannotRun(model);
        Assert.Contains("node 0 '/crop/Slice' (Slice): only a slice of the channels (axis 1, step 1) of an image is supported", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flatten_computed_from_the_dynamic_batch_size_is_flatten()
    {
        // x.view(x.size(0), -1) with a dynamic batch axis, as PyTorch 1.13 exports it at opset 11.
        var graph = new GraphProto { Name = "test" };
        var input = Value("input", new long[] { 1, 4, 2, 2 });
        input.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "batch" };
        graph.Input.Add(input);
        graph.Output.Add(Value("output", new long[] { 1, 16 }));
        graph.Initializer.Add(Int64s("zero", 0));
        graph.Initializer.Add(Int64s("rest", -1));
        graph.Node.Add(Node("Shape", "/Shape", "input", "shape"));
        graph.Node.Add(Node("Gather", "/Gather", new[] { "shape", "zero" }, "batch"));
        var unsqueeze = Node("Unsqueeze", "/Unsqueeze", "batch", "batch1");
        unsqueeze.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0 } });
        graph.Node.Add(unsqueeze);
        graph.Node.Add(Node("Concat", "/Concat", new[] { "batch1", "rest" }, "target"));
        graph.Node[3].Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        graph.Node.Add(Node("Reshape", "/Reshape", new[] { "input", "target" }, "output"));

        var run = Import(Save("view.onnx", graph, opset: 11), "--name", "View");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("y1 = flatten(x)", File.ReadAllText(Files.File("View.gnet")), StringComparison.Ordinal);
    }

    [Fact]
    public void ReduceMean_over_height_and_width_is_mean_and_over_the_channels_is_an_error()
    {
        string Mean(string name, long[] axes, long? keepdims)
        {
            var graph = ImageGraph(new long[] { 1, 4, 4, 4 });
            var mean = Node("ReduceMean", "/mean/ReduceMean", "input", "output");
            mean.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { axes } });
            if (keepdims is long keep) mean.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = keep });
            graph.Node.Add(mean);
            return Save(name + ".onnx", graph);
        }

        Assert.Equal(ExitCodes.Success, Import(Mean("flat", new long[] { 2, 3 }, 0), "--name", "Flat").ExitCode);
        Assert.Contains("y1 = mean(x)", File.ReadAllText(Files.File("Flat.gnet")), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, Import(Mean("kept", new long[] { -1, -2 }, null), "--name", "Kept").ExitCode);
        Assert.Contains("y1 = mean(x, keepdim: true)", File.ReadAllText(Files.File("Kept.gnet")), StringComparison.Ordinal);

        string channels = Mean("channels", new long[] { 1 }, 0);
        var run = Import(channels);
        run.AssertCannotRun(channels);
        Assert.Contains("node 0 '/mean/ReduceMean' (ReduceMean): only the mean over height and width (axes [2, 3]) of an image is supported, not axes [1]", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sigmoid_times_its_input_is_silu_unless_the_sigmoid_is_read_elsewhere()
    {
        var silu = ImageGraph(new long[] { 1, 3, 4, 4 });
        silu.Node.Add(Node("Sigmoid", "/act/Sigmoid", "input", "s"));
        silu.Node.Add(Node("Mul", "/act/Mul", new[] { "input", "s" }, "output"));
        Assert.Equal(ExitCodes.Success, Import(Save("silu.onnx", silu), "--name", "Silu").ExitCode);
        string text = File.ReadAllText(Files.File("Silu.gnet"));
        Assert.Contains("act = silu", text, StringComparison.Ordinal);
        Assert.DoesNotContain("*", text, StringComparison.Ordinal);

        var shared = ImageGraph(new long[] { 1, 3, 4, 4 });
        shared.Node.Add(Node("Sigmoid", "/act/Sigmoid", "input", "s"));
        shared.Node.Add(Node("Mul", "/act/Mul", new[] { "input", "s" }, "m"));
        shared.Node.Add(Node("Add", "/act/Add", new[] { "m", "s" }, "output"));
        Assert.Equal(ExitCodes.Success, Import(Save("shared.onnx", shared), "--name", "Shared").ExitCode);
        text = File.ReadAllText(Files.File("Shared.gnet"));
        Assert.Contains("act = sigmoid", text, StringComparison.Ordinal);
        Assert.Contains("y2 = x * y1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_erf_form_of_gelu_is_gelu_and_an_erf_alone_is_unsupported()
    {
        string Gelu(string name, float half)
        {
            var graph = ImageGraph(new long[] { 1, 3, 4, 4 });
            graph.Initializer.Add(Scalar("sqrt2", MathF.Sqrt(2f)));
            graph.Initializer.Add(Scalar("one", 1f));
            graph.Initializer.Add(Scalar("half", half));
            graph.Node.Add(Node("Div", "/gelu/Div", new[] { "input", "sqrt2" }, "a"));
            graph.Node.Add(Node("Erf", "/gelu/Erf", "a", "b"));
            graph.Node.Add(Node("Add", "/gelu/Add", new[] { "b", "one" }, "c"));
            graph.Node.Add(Node("Mul", "/gelu/Mul", new[] { "input", "c" }, "d"));
            graph.Node.Add(Node("Mul", "/gelu/Mul_1", new[] { "d", "half" }, "output"));
            return Save(name + ".onnx", graph);
        }

        Assert.Equal(ExitCodes.Success, Import(Gelu("gelu", 0.5f), "--name", "Gelu").ExitCode);
        // The member is gelu_2: 'gelu' is the op's name, which forward calls.
        string text = File.ReadAllText(Files.File("Gelu.gnet"));
        Assert.Contains("gelu_2 = gelu", text, StringComparison.Ordinal);
        Assert.Contains("y1 = gelu_2(x)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("*", text, StringComparison.Ordinal);

        // x * 0.25 * (1 + erf(x / sqrt 2)) is no GELU: the Div is left alone and is not supported.
        string other = Gelu("other", 0.25f);
        var run = Import(other);
        run.AssertCannotRun(other);
        Assert.Contains("node 0 '/gelu/Div' (Div) is not supported by gnet import", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Identity_and_inference_dropout_pass_their_input_on()
    {
        var graph = ImageGraph(new long[] { 1, 3, 4, 4 });
        graph.Node.Add(Node("Dropout", "/drop/Dropout", "input", "a"));
        graph.Node.Add(Node("Identity", "/id/Identity", "a", "b"));
        graph.Node.Add(Node("Relu", "/act/Relu", "b", "output"));

        var run = Import(Save("identity.onnx", graph), "--name", "Passed");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("y1 = act(x)", File.ReadAllText(Files.File("Passed.gnet")), StringComparison.Ordinal);
    }

    [Fact]
    public void ConvNeXts_channels_last_linear_and_layer_scale_become_permute_linear_and_parameter()
    {
        // x.permute(0, 2, 3, 1), nn.Linear(4, 3) (MatMul by its transposed weight, then Add of its bias), back to NCHW,
        // and an nn.Parameter of shape [3, 1, 1] times the result.
        var graph = ImageGraph(new long[] { 1, 4, 2, 2 });
        graph.Initializer.Add(new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 4, 3 }, FloatData = { Enumerable.Range(0, 12).Select(i => (float)i) } });
        graph.Initializer.Add(new TensorProto { Name = "b", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3 }, FloatData = { 1f, 2f, 3f } });
        graph.Initializer.Add(new TensorProto { Name = "block.layer_scale", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3, 1, 1 }, FloatData = { 0.5f, 0.25f, 2f } });
        var last = Node("Transpose", "/block/Transpose", "input", "a");
        last.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 2, 3, 1 } });
        graph.Node.Add(last);
        graph.Node.Add(Node("MatMul", "/block/fc/MatMul", new[] { "a", "w" }, "m"));
        graph.Node.Add(Node("Add", "/block/fc/Add", new[] { "b", "m" }, "c"));
        var back = Node("Transpose", "/block/Transpose_1", "c", "d");
        back.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 3, 1, 2 } });
        graph.Node.Add(back);
        graph.Node.Add(Node("Mul", "/block/Mul", new[] { "block.layer_scale", "d" }, "output"));

        var run = Import(Save("convnext.onnx", graph, opset: 17), "--name", "Block");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        string[] lines = File.ReadAllLines(Files.File("Block.gnet")).Select(l => l.Trim()).ToArray();
        Assert.Contains("block_fc = linear(4, 3)", lines);
        Assert.Contains("block_layer_scale = parameter(3, 1, 1)", lines);
        Assert.Contains("y1 = permute(x, 0, 2, 3, 1)", lines);
        Assert.Contains("y2 = block_fc(y1)", lines);
        Assert.Contains("y3 = permute(y2, 0, 3, 1, 2)", lines);
        Assert.Contains("y4 = block_layer_scale * y3", lines);
        var weights = SafeTensorsFile.Open(Files.File("Block.safetensors"));
        // nn.Linear's weight is [out, in]: the MatMul's [in, out] matrix transposed.
        Assert.Equal(new float[] { 0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11 }, weights.ReadFloat32("block_fc.weight"));
        Assert.Equal(new float[] { 1, 2, 3 }, weights.ReadFloat32("block_fc.bias"));
        Assert.Equal(new float[] { 0.5f, 0.25f, 2f }, weights.ReadFloat32("block_layer_scale"));
    }

    [Fact]
    public void A_transpose_other_than_to_channels_last_and_back_is_an_error()
    {
        var graph = ImageGraph(new long[] { 1, 4, 2, 2 });
        var transpose = Node("Transpose", "/t/Transpose", "input", "output");
        transpose.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 1, 3, 2 } });
        graph.Node.Add(transpose);
        string model = Save("transpose.onnx", graph);

        var run = Import(model);

        run.AssertCannotRun(model);
        Assert.Contains("node 0 '/t/Transpose' (Transpose): only perm [0, 2, 3, 1] and [0, 3, 1, 2] of an image (channels-last and back) and a channel shuffle's Transpose are supported, not perm [0, 1, 3, 2]", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_channels_last_image_reaches_no_op_that_reads_its_axes_as_nchw()
    {
        // ONNX's Flatten of [N, H, W, C] orders the values by pixel, not by channel as flatten of an image does.
        var graph = ImageGraph(new long[] { 1, 4, 2, 2 });
        var last = Node("Transpose", "/t/Transpose", "input", "a");
        last.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 2, 3, 1 } });
        graph.Node.Add(last);
        graph.Node.Add(Node("Relu", "/act/Relu", "a", "b"));
        graph.Node.Add(Node("Flatten", "/flat/Flatten", "b", "output"));
        string model = Save("last.onnx", graph);

        var run = Import(model);

        run.AssertCannotRun(model);
        Assert.Contains("node 2 '/flat/Flatten' (Flatten): its input is a channels-last image (a Transpose made it [N, H, W, C]); only elementwise ops, GELU, LayerNormalization, MatMul and the Transpose back apply to one", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2f, true)]
    [InlineData(3f, false)]
    public void The_reducemean_form_of_a_layer_norm_is_layernorm_and_a_near_miss_is_an_error(float power, bool layerNorm)
    {
        // nn.LayerNorm(3, eps=1e-6) on a vector as PyTorch exports it before opset 17; with Pow 3 it is something else.
        var graph = new GraphProto { Name = "test" };
        graph.Input.Add(Value("input", new long[] { 1, 3, 4, 4 }));
        graph.Output.Add(Value("output", new long[] { 1, 3 }));
        graph.Initializer.Add(Scalar("power", power));
        graph.Initializer.Add(Scalar("eps", 1e-6f));
        graph.Initializer.Add(new TensorProto { Name = "ln.weight", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3 }, FloatData = { 1f, 2f, 3f } });
        graph.Initializer.Add(new TensorProto { Name = "ln.bias", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3 }, FloatData = { 0f, 1f, 0f } });
        graph.Node.Add(Node("GlobalAveragePool", "/pool/GlobalAveragePool", "input", "p"));
        graph.Node.Add(Node("Flatten", "/Flatten", "p", "v"));
        graph.Node[1].Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        foreach (var (op, inputs, output) in new[]
        {
            ("ReduceMean", new[] { "v" }, "mean"), ("Sub", new[] { "v", "mean" }, "d"), ("Pow", new[] { "d", "power" }, "sq"),
            ("ReduceMean", new[] { "sq" }, "var"), ("Add", new[] { "var", "eps" }, "ve"), ("Sqrt", new[] { "ve" }, "sd"),
            ("Div", new[] { "d", "sd" }, "n"), ("Mul", new[] { "n", "ln.weight" }, "w"), ("Add", new[] { "w", "ln.bias" }, "output"),
        })
        {
            var node = Node(op, $"/ln/{op}", inputs, output);
            if (op == "ReduceMean") node.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { -1 } });
            graph.Node.Add(node);
        }
        string model = Save($"ln{power}.onnx", graph, opset: 11);

        var run = Import(model, "--name", "Norm");

        if (layerNorm)
        {
            Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
            Assert.Contains("ln = layernorm(3, eps: 1e-06)", File.ReadAllText(Files.File("Norm.gnet")), StringComparison.Ordinal);
            Assert.Equal(new float[] { 1f, 2f, 3f }, SafeTensorsFile.Open(Files.File("Norm.safetensors")).ReadFloat32("ln.weight"));
        }
        else
        {
            run.AssertCannotRun(model);
            Assert.Contains("node 2 '/ln/ReduceMean' (ReduceMean): only the mean over height and width (axes [2, 3]) of an image is supported, not axes [-1]", run.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Malformed_nodes_of_every_mapped_op_are_errors_never_crashes()
    {
        // Each op with too few or unexpected inputs and outputs, fed by the image or by an integer constant.
        string[] ops =
        {
            "Shape", "Gather", "Unsqueeze", "Squeeze", "Cast", "Concat", "Add", "Sub", "Mul", "Div", "Slice", "Split", "Reshape", "Transpose",
            "ReduceMean", "Sigmoid", "HardSigmoid", "Identity", "Dropout", "LayerNormalization", "MatMul", "Erf", "Pow", "Sqrt",
        };
        int case_ = 0;
        foreach (string op in ops)
        {
            foreach (var inputs in new[] { Array.Empty<string>(), new[] { "input" }, new[] { "input", "ints" }, new[] { "ints" }, new[] { "ints", "ints", "ints" }, new[] { "input", "" } })
            {
                foreach (var outputs in new[] { Array.Empty<string>(), new[] { "output" }, new[] { "", "output" } })
                {
                    var graph = ImageGraph(new long[] { 1, 4, 2, 2 });
                    graph.Initializer.Add(Int64s("ints", 1, -1));
                    graph.Node.Add(new NodeProto { OpType = op, Name = $"/m/{op}", Input = { inputs }, Output = { outputs } });
                    string model = Save($"malformed_{case_++}.onnx", graph);

                    var run = Import(model, "--name", "Malformed");

                    Assert.True(run.ExitCode is ExitCodes.Success or ExitCodes.CannotRun, $"{op}({string.Join(", ", inputs)}) -> ({string.Join(", ", outputs)}): {run}");
                }
            }
        }
    }

    private static TensorProto Int64s(string name, params long[] values) =>
        new() { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, Dims = { values.Length }, Int64Data = { values } };

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
