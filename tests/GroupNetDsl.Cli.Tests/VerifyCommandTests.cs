using GroupNetDsl.Cli.Tests.Infrastructure;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Cli.Tests;

public sealed class VerifyCommandTests : CommandTests
{
    [Fact]
    public void Pytorchs_weights_for_the_sample_pass()
    {
        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetWeights);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(
            new[] { $"OK: {ReferenceData.MiniGroupNetWeights} matches network MiniGroupNet: {StateDictWithout(_ => false).Count(t => !t.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal))} tensors, {ReferenceData.Number(ReferenceData.MiniGroupNetParameters)} parameters." },
            run.OutputLines);
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public void Quoted_and_numbered_names_are_the_state_dict_keys_as_pytorch_writes_them()
    {
        // RegNet's "block1-0" and a Sequential's numbered children: the keys torch.save writes for such a module.
        string network = Files.Write("quoted.gnet", "network Quoted(input: 4x8x8) {\n    \"block1-0\" = [conv(4, 8, 1), conv(8, 8, 1, bias: false)]\n    0 = relu\n    forward(x) = \"0\"(\"block1-0\"(x))\n}\n");
        string weights = Files.File("quoted.safetensors");
        TensorSpec.Write(weights, new[]
        {
            new TensorSpec("block1-0.0.weight", "F32", new long[] { 8, 4, 1, 1 }),
            new TensorSpec("block1-0.0.bias", "F32", new long[] { 8 }),
            new TensorSpec("block1-0.1.weight", "F32", new long[] { 8, 8, 1, 1 }),
        });

        var run = Gnet.Run("verify", network, weights);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(new[] { $"OK: {weights} matches network Quoted: 3 tensors, {ReferenceData.Number((8 * 4) + 8 + (8 * 8))} parameters." }, run.OutputLines);
    }

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    [InlineData("BF16")]
    [InlineData("F64")]
    public void Every_float_dtype_the_loader_reads_passes(string dtype)
    {
        string network = Files.Write("linear.gnet", "network Head(input: 4x1x1) = [flatten, linear(4, 2)]\n");
        string weights = Files.File(dtype + ".safetensors");
        TensorSpec.Write(weights, new[] { new TensorSpec("1.weight", dtype, new long[] { 2, 4 }), new TensorSpec("1.bias", dtype, new long[] { 2 }) });

        var run = Gnet.Run("verify", network, weights);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(new[] { $"OK: {weights} matches network Head: 2 tensors, {(2 * 4) + 2} parameters." }, run.OutputLines);
    }

    [Fact]
    public void An_integer_weight_fails_and_the_message_lists_the_float_dtypes()
    {
        string network = Files.Write("linear.gnet", "network Head(input: 4x1x1) = [flatten, linear(4, 2)]\n");
        string weights = Files.File("i32.safetensors");
        TensorSpec.Write(weights, new[] { new TensorSpec("1.weight", "I32", new long[] { 2, 4 }), new TensorSpec("1.bias", "F32", new long[] { 2 }) });

        var run = Gnet.Run("verify", network, weights);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal($"{weights}: tensor '1.weight' has dtype I32; weights must be F32, F16, BF16 or F64", run.OutputLines[0]);
    }

    [Fact]
    public void A_missing_tensor_fails_and_is_named_with_its_expected_shape()
    {
        string path = Files.File("missing-key.safetensors");
        TensorSpec.Write(path, StateDictWithout(t => t.Name == "stage1.group_conv.0.weight"));

        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, path);

        // nn.Conv2d(64, 64, 3, groups=8): [64, 64 / 8, 3, 3].
        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal($"{path}: missing tensor 'stage1.group_conv.0.weight', expected shape [64, {64 / 8}, 3, 3]", run.OutputLines[0]);
        Assert.Equal($"FAILED: {path} does not match network MiniGroupNet (1 problem).", run.OutputLines[1]);
    }

    [Fact]
    public void A_wrong_shape_fails_and_names_the_tensor_and_both_shapes()
    {
        // The weight an ungrouped conv would have: every filter sees all 64 input channels.
        string path = Files.File("wrong-shape.safetensors");
        var tensors = StateDictWithout(_ => false)
            .Select(t => t.Name == "stage1.group_conv.0.weight" ? t with { Shape = new long[] { 64, 64, 3, 3 } } : t);
        TensorSpec.Write(path, tensors);

        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, path);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal($"{path}: tensor 'stage1.group_conv.0.weight' has shape [64, 64, 3, 3], expected [64, {64 / 8}, 3, 3]", run.OutputLines[0]);
        Assert.Contains("(1 problem)", run.OutputLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void An_unexpected_tensor_fails_and_is_named()
    {
        string path = Files.File("extra.safetensors");
        TensorSpec.Write(path, StateDictWithout(_ => false).Append(new TensorSpec("head.weight", "F32", new long[] { 10, 256 })));

        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, path);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal($"{path}: unexpected tensor 'head.weight' [10, 256]: network MiniGroupNet has no such weight", run.OutputLines[0]);
    }

    [Fact]
    public void A_weight_that_is_not_floating_point_fails()
    {
        string path = Files.File("integer.safetensors");
        TensorSpec.Write(path, StateDictWithout(_ => false).Select(t => t.Name == "fc.bias" ? t with { DataType = "I32" } : t));

        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, path);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.StartsWith($"{path}: tensor 'fc.bias' has dtype I32", run.OutputLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        string path = Files.File("several.safetensors");
        var tensors = StateDictWithout(t => t.Name is "stem.0.weight" or "fc.bias")
            .Select(t => t.Name == "fc.weight" ? t with { Shape = new long[] { 10, 128 } } : t)
            .Append(new TensorSpec("module.stem.0.weight", "F32", new long[] { 64, 3, 3, 3 }));
        TensorSpec.Write(path, tensors);

        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, path);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal(
            new[]
            {
                // The file has the key under a wrapper's prefix: named, with the fix.
                $"{path}: missing tensor 'stem.0.weight', expected shape [64, 3, 3, 3]; the file has it as 'module.stem.0.weight'. "
                    + "Save the state_dict without 'module.' (python/gnet_safetensors.py's save_state_dict strips 'module.' and 'model.'; docs/from-pytorch.md).",
                $"{path}: tensor 'fc.weight' has shape [10, 128], expected [10, 256]",
                $"{path}: missing tensor 'fc.bias', expected shape [10]",
                $"{path}: unexpected tensor 'module.stem.0.weight' [64, 3, 3, 3]: network MiniGroupNet has no such weight",
                $"FAILED: {path} does not match network MiniGroupNet (4 problems).",
            },
            run.OutputLines.Take(5));
    }

    [Fact]
    public void A_file_whose_every_name_has_a_wrappers_prefix_is_one_line_with_the_fix()
    {
        string path = Files.File("prefixed.safetensors");
        TensorSpec.Write(path, StateDictWithout(_ => false).Select(t => t with { Name = "model." + t.Name }));
        // Every state_dict tensor but the batchnorm step counters, which may be absent and are never unexpected.
        int expected = StateDictWithout(t => t.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).Count();

        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, path);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal(
            new[]
            {
                $"{path}: every tensor's name starts with 'model.' ('model.stem.0.weight' for 'stem.0.weight'), so {expected} tensors of the network are missing and as many of the file unexpected. "
                    + "Save the state_dict without 'model.' (python/gnet_safetensors.py's save_state_dict strips 'module.' and 'model.'; docs/from-pytorch.md).",
                $"FAILED: {path} does not match network MiniGroupNet ({2 * expected} problems).",
            },
            run.OutputLines.Take(2));
    }

    [Fact]
    public void Batchnorm_step_counters_may_be_absent()
    {
        string path = Files.File("no-counters.safetensors");
        TensorSpec.Write(path, StateDictWithout(t => t.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)));

        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, path);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.StartsWith("OK: ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_weight_file_exits_2_with_the_path_in_the_message()
    {
        string missing = Files.File("no-such-weights.safetensors");

        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, missing);

        run.AssertCannotRun(missing);
    }

    [Fact]
    public void A_weight_file_that_is_not_safetensors_exits_2()
    {
        var run = Gnet.Run("verify", ReferenceData.MiniGroupNetSource, ReferenceData.MiniGroupNetSource);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Contains(ReferenceData.MiniGroupNetSource, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_gnet_file_exits_2_with_the_path_in_the_message()
    {
        string missing = Files.File("no-such-network.gnet");

        var run = Gnet.Run("verify", missing, ReferenceData.MiniGroupNetWeights);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Equal(new[] { $"error: cannot read '{missing}': the file does not exist." }, run.ErrorLines);
    }

    [Fact]
    public void Without_weights_the_file_the_network_declares_is_verified_relative_to_the_gnet_file()
    {
        // Run from another folder: the declared path is relative to the .gnet file, not to the working directory.
        string network = Files.Write("linear.gnet", "network Head(input: 4x1x1, weights: \"head.safetensors\") = [flatten, linear(4, 2)]\n");
        string weights = Files.File("head.safetensors");
        TensorSpec.Write(weights, new[] { new TensorSpec("1.weight", "F32", new long[] { 2, 4 }), new TensorSpec("1.bias", "F32", new long[] { 3 }) });

        var run = Gnet.Run("verify", network);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal($"{weights}: tensor '1.bias' has shape [3], expected [2]", run.OutputLines[0]);
        Assert.Equal($"FAILED: {weights} does not match network Head (1 problem).", run.OutputLines[1]);
    }

    [Fact]
    public void Without_weights_a_network_that_declares_none_exits_2_naming_both_ways()
    {
        string network = Files.Write("linear.gnet", "network Head(input: 4x1x1) = [flatten, linear(4, 2)]\n");

        var run = Gnet.Run("verify", network);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Equal(new[] { $"error: network Head declares no weight file: give WEIGHTS (gnet verify {network} net.safetensors), or declare it, network Head(input: ..., weights: \"net.safetensors\")." }, run.ErrorLines);
        Assert.Equal(string.Empty, run.Output);
    }

    /// <summary>The names, dtypes and shapes of PyTorch's MiniGroupNet state_dict, minus the tensors <paramref name="drop"/> selects.</summary>
    private static IEnumerable<TensorSpec> StateDictWithout(Func<SafeTensorInfo, bool> drop) =>
        SafeTensorsFile.Open(ReferenceData.MiniGroupNetWeights).Tensors
            .Where(t => !drop(t))
            .Select(t => new TensorSpec(t.Name, t.DataType.GetFormatName(), t.Shape.ToArray()))
            .ToList();
}
