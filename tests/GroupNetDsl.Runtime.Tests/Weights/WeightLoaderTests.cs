using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Runtime.Tests.Weights;

public sealed class WeightLoaderTests
{
    private const string FileName = "mobilenet.safetensors";

    [Fact]
    public void Take_returns_the_values_of_a_tensor_with_the_expected_shape()
    {
        var loader = Loader(new SafeTensorsWriter().AddFloat32("stem.0.weight", [2, 1, 1, 1], 0.5f, -0.5f));

        Assert.Equal([0.5f, -0.5f], loader.Take("stem.0.weight", 2, 1, 1, 1));
    }

    [Fact]
    public void TakeInto_fills_memory_the_caller_owns()
    {
        var loader = Loader(new SafeTensorsWriter().AddBFloat16("head.bias", [2], 0x3F80, 0x4000));
        var destination = new float[2];

        loader.TakeInto("head.bias", [2], destination);

        Assert.Equal([1f, 2f], destination);
        Assert.Empty(loader.GetUnusedKeys());
    }

    [Fact]
    public void F64_weights_load_rounded_to_the_nearest_float()
    {
        // 0.1 is no float: the nearest is (float)0.1; 1e300 is beyond float's range and rounds to infinity.
        var loader = Loader(new SafeTensorsWriter().AddFloat64("head.weight", [1, 3], 0.1, -2.5, 1e300));

        Assert.Equal([(float)0.1, -2.5f, float.PositiveInfinity], loader.Take("head.weight", 1, 3));
    }

    [Fact]
    public void A_missing_tensor_is_named_with_its_expected_shape()
    {
        var loader = Loader(new SafeTensorsWriter().AddFloat32("stem.1.weight", [1], 1f));

        var error = Assert.Throws<WeightFileException>(() => loader.Take("stem.0.weight", 64, 3, 3, 3));

        AssertNames(error, "stem.0.weight");
        Assert.Contains("missing tensor 'stem.0.weight' (expected shape [64, 3, 3, 3])", error.Message);
        Assert.Contains("different architecture", error.Message);
    }

    [Fact]
    public void A_tensor_saved_under_a_wrappers_prefix_is_named_with_the_prefix_and_the_fix()
    {
        var loader = Loader(new SafeTensorsWriter().AddFloat32("module.model.stem.0.weight", [1], 1f).AddFloat32("module.model.xstem.0.weight", [1], 1f));

        var error = Assert.Throws<WeightFileException>(() => loader.Take("stem.0.weight", 1));

        AssertNames(error, "stem.0.weight");
        Assert.Contains("missing tensor 'stem.0.weight' (expected shape [1]); the file has it as 'module.model.stem.0.weight': its keys carry the prefix 'module.model.'", error.Message);
        Assert.Contains("Save the state_dict without 'module.model.'", error.Message);
        // Only a whole name segment counts: "xstem.0.weight" does not end in ".stem.0.weight".
        Assert.Null(SafeTensorsFile.Parse(new SafeTensorsWriter().AddFloat32("module.xstem.0.weight", [1], 1f).ToBytes(), "m").FindKeyPrefix("stem.0.weight"));
    }

    [Theory]
    [InlineData(new long[] { 8, 1, 3, 3 }, new[] { 8, 2, 3, 3 }, "[8, 1, 3, 3]", "[8, 2, 3, 3]")]
    [InlineData(new long[] { 4 }, new[] { 4, 1 }, "[4]", "[4, 1]")]
    [InlineData(new long[] { }, new[] { 1 }, "[]", "[1]")]
    public void A_wrong_shape_shows_the_actual_and_expected_shapes(long[] actual, int[] expected, string actualText, string expectedText)
    {
        int elements = (int)actual.Aggregate(1L, (product, dimension) => product * dimension);
        var loader = Loader(new SafeTensorsWriter().AddFloat32("blocks.0.depthwise.weight", actual, new float[elements]));

        var error = Assert.Throws<WeightFileException>(() => loader.Take("blocks.0.depthwise.weight", expected));

        AssertNames(error, "blocks.0.depthwise.weight");
        Assert.Contains($"tensor 'blocks.0.depthwise.weight' has shape {actualText}, but the network expects {expectedText}", error.Message);
        Assert.Contains("blocks.0.depthwise.weight", loader.GetUnusedKeys());
    }

    [Fact]
    public void Taking_an_integer_tensor_is_an_unsupported_dtype()
    {
        var loader = Loader(new SafeTensorsWriter().AddInt64("steps", [1], 3));

        var error = Assert.Throws<WeightFileException>(() => loader.Take("steps", 1));

        AssertNames(error, "steps");
        Assert.Contains("unsupported dtype I64", error.Message);
    }

    [Fact]
    public void Every_untaken_key_is_listed_in_file_order_and_the_first_is_the_key()
    {
        var loader = Loader(new SafeTensorsWriter()
            .AddFloat32("stem.weight", [1], 1f)
            .AddFloat32("classifier.weight", [1], 1f)
            .AddFloat32("stem.bias", [1], 1f)
            .AddFloat32("classifier.bias", [1], 1f));
        loader.Take("stem.weight", 1);
        loader.Take("stem.bias", 1);

        var error = Assert.Throws<WeightFileException>(loader.EnsureNoUnexpectedKeys);

        AssertNames(error, "classifier.weight");
        Assert.Contains("2 tensors in the file were not used by the network: 'classifier.weight', 'classifier.bias'", error.Message);
        Assert.Equal(["classifier.weight", "classifier.bias"], loader.GetUnusedKeys());
    }

    [Fact]
    public void A_single_untaken_key_is_reported_in_the_singular()
    {
        var loader = Loader(new SafeTensorsWriter().AddFloat32("extra", [1], 1f));

        var error = Assert.Throws<WeightFileException>(loader.EnsureNoUnexpectedKeys);

        Assert.Contains("1 tensor in the file was not used by the network: 'extra'", error.Message);
    }

    [Fact]
    public void Ignored_keys_are_not_unexpected_and_ignoring_an_absent_key_is_fine()
    {
        var loader = Loader(new SafeTensorsWriter()
            .AddFloat32("w", [1], 1f)
            .AddFloat32("aux_head.weight", [1], 1f));
        loader.Take("w", 1);
        loader.Ignore("aux_head.weight");
        loader.Ignore("not.in.the.file");

        loader.EnsureNoUnexpectedKeys();
    }

    [Fact]
    public void Batch_norm_step_counters_are_ignored_without_being_asked()
    {
        var loader = Loader(new SafeTensorsWriter()
            .AddFloat32("bn.weight", [1], 1f)
            .AddInt64("bn.num_batches_tracked", [], 1000)
            .AddInt64("num_batches_tracked_by_hand", [], 1));
        loader.Take("bn.weight", 1);

        var error = Assert.Throws<WeightFileException>(loader.EnsureNoUnexpectedKeys);

        Assert.Equal(["num_batches_tracked_by_hand"], loader.GetUnusedKeys());
        Assert.DoesNotContain("'bn.num_batches_tracked'", error.Message);
        Assert.True(WeightLoader.IsIgnoredAutomatically("layer1.0.bn2.num_batches_tracked"));
        Assert.False(WeightLoader.IsIgnoredAutomatically("layer1.0.bn2.running_var"));
    }

    [Fact]
    public void A_file_fully_taken_passes_the_final_check()
    {
        var loader = Loader(new SafeTensorsWriter().AddFloat32("a", [1], 1f).AddFloat16("b", [1], 0x3C00));
        loader.Take("a", 1);
        loader.Take("b", 1);
        loader.Take("a", 1); // Taking twice is allowed (shared weights).

        loader.EnsureNoUnexpectedKeys();
        Assert.True(loader.Contains("a"));
        Assert.False(loader.Contains("c"));
    }

    [Fact]
    public void Open_on_a_missing_path_names_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"groupnetdsl-{Guid.NewGuid():N}.safetensors");

        var error = Assert.Throws<WeightFileException>(() => WeightLoader.Open(path));

        Assert.Contains(path, error.Message);
    }

    private static WeightLoader Loader(SafeTensorsWriter builder) => new(SafeTensorsFile.Parse(builder.ToBytes(), FileName));

    private static void AssertNames(WeightFileException error, string key)
    {
        Assert.Equal(FileName, error.SourceName);
        Assert.Equal(key, error.Key);
        Assert.StartsWith(FileName + ": ", error.Message);
        Assert.Contains($"'{key}'", error.Message);
    }
}
