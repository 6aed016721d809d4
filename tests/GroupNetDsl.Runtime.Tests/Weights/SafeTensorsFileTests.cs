using System.Text;
using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Runtime.Tests.Weights;

public sealed class SafeTensorsFileTests
{
    private const string FileName = "tiny.safetensors";

    [Fact]
    public void Float32_values_read_back_bit_for_bit()
    {
        float[] values = [1.5f, -0.0f, float.MaxValue, float.Epsilon, -123.456f, float.NaN];
        var file = Parse(new SafeTensorsWriter().AddFloat32("w", [2, 3], values));

        float[] read = file.ReadFloat32("w");

        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), read.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Float16_values_convert_to_the_floats_their_bits_encode()
    {
        // Expected values worked out from the IEEE half layout (1 sign, 5 exponent bits biased by 15, 10 mantissa bits).
        ushort[] bits = [0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0001, 0x7C00, 0x8000];
        float[] expected = [1.0f, -2.0f, (1 + 341 / 1024f) / 4, 65504f, MathF.Pow(2, -24), float.PositiveInfinity, -0.0f];
        var file = Parse(new SafeTensorsWriter().AddFloat16("h", [7], bits));

        float[] read = file.ReadFloat32("h");

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), read.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Float16_values_match_System_Half()
    {
        Half[] halves = [(Half)0.1f, (Half)(-3.75f), Half.Epsilon, Half.MaxValue, (Half)1e-3f];
        var file = Parse(new SafeTensorsWriter().AddFloat16("h", [5], halves.Select(BitConverter.HalfToUInt16Bits).ToArray()));

        Assert.Equal(halves.Select(half => (float)half), file.ReadFloat32("h"));
    }

    [Fact]
    public void BFloat16_values_are_the_upper_half_of_a_float()
    {
        ushort[] bits = [0x3F80, 0xC040, 0x4049, 0x7F80, 0x0001, 0x7FC0];
        var file = Parse(new SafeTensorsWriter().AddBFloat16("b", [2, 3], bits));

        float[] read = file.ReadFloat32("b");

        Assert.Equal(1.0f, read[0]);
        Assert.Equal(-3.0f, read[1]);
        Assert.Equal(3.140625f, read[2]); // 0x4049: 2^1 * (1 + 0x49 / 128)
        Assert.Equal(float.PositiveInfinity, read[3]);
        Assert.Equal(BitConverter.Int32BitsToSingle(0x0001 << 16), read[4]);
        Assert.True(float.IsNaN(read[5]));
    }

    [Fact]
    public void Float64_values_round_to_the_nearest_float()
    {
        var file = Parse(new SafeTensorsWriter().AddFloat64("d", [3], 0.1, -2.5, 1e300));

        Assert.Equal([(float)0.1, -2.5f, float.PositiveInfinity], file.ReadFloat32("d"));
    }

    [Fact]
    public void Reading_into_a_span_fills_it()
    {
        var file = Parse(new SafeTensorsWriter().AddFloat32("w", [2], 7f, 8f));
        Span<float> destination = stackalloc float[2];

        file.ReadFloat32("w", destination);

        Assert.Equal([7f, 8f], destination.ToArray());
    }

    [Fact]
    public void Reading_into_a_span_of_the_wrong_length_is_an_argument_error()
    {
        var file = Parse(new SafeTensorsWriter().AddFloat32("w", [2], 7f, 8f));

        Assert.Throws<ArgumentException>(() => file.ReadFloat32("w", new float[3]));
    }

    [Fact]
    public void Tensors_are_listed_in_header_order_with_shape_type_and_byte_range()
    {
        var file = Parse(new SafeTensorsWriter()
            .AddFloat32("conv.weight", [2, 1, 1, 1], 1f, 2f)
            .AddBFloat16("conv.bias", [2], 0x3F80, 0x3F80)
            .AddInt64("bn.num_batches_tracked", [], 42));

        Assert.Equal(["conv.weight", "conv.bias", "bn.num_batches_tracked"], file.Tensors.Select(tensor => tensor.Name));
        var weight = file.Tensors[0];
        Assert.Equal(SafeTensorDataType.Float32, weight.DataType);
        Assert.Equal([2L, 1, 1, 1], weight.Shape);
        Assert.Equal(4, weight.Rank);
        Assert.Equal(2, weight.ElementCount);
        Assert.Equal((0L, 8L), (weight.DataBegin, weight.DataEnd));
        Assert.Equal((8L, 12L, 4L), (file.Tensors[1].DataBegin, file.Tensors[1].DataEnd, file.Tensors[1].ByteLength));
        Assert.Equal("conv.weight: F32 [2, 1, 1, 1]", weight.ToString());

        var counter = file.Tensors[2];
        Assert.Equal(SafeTensorDataType.Int64, counter.DataType);
        Assert.Empty(counter.Shape);
        Assert.Equal(1, counter.ElementCount);
        Assert.Equal(42L, BitConverter.ToInt64(file.GetData("bn.num_batches_tracked").Span));
    }

    [Fact]
    public void TryGet_finds_listed_tensors_only()
    {
        var file = Parse(new SafeTensorsWriter().AddFloat32("w", [1], 1f));

        Assert.True(file.TryGet("w", out var tensor));
        Assert.Equal("w", tensor.Name);
        Assert.True(file.Contains("w"));
        Assert.False(file.TryGet("v", out _));
        Assert.False(file.Contains("v"));
    }

    [Fact]
    public void Tensors_may_be_stored_in_another_order_than_the_header_lists_them()
    {
        // "a" lives after "b" in the buffer; the header order is kept.
        var bytes = SafeTensorsWriter.Assemble(
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""",
            [.. BitConverter.GetBytes(2f), .. BitConverter.GetBytes(1f)]);

        var file = SafeTensorsFile.Parse(bytes, FileName);

        Assert.Equal(["a", "b"], file.Tensors.Select(tensor => tensor.Name));
        Assert.Equal([1f], file.ReadFloat32("a"));
        Assert.Equal([2f], file.ReadFloat32("b"));
    }

    [Fact]
    public void Empty_tensors_take_no_bytes_and_read_as_empty()
    {
        var file = Parse(new SafeTensorsWriter()
            .AddFloat32("empty", [0, 3])
            .AddFloat32("w", [1], 5f)
            .AddFloat32("also_empty", [3, 0]));

        Assert.Empty(file.ReadFloat32("empty"));
        Assert.Equal(0, file.Tensors[0].ElementCount);
        Assert.Equal([5f], file.ReadFloat32("w"));
    }

    [Fact]
    public void A_header_without_tensors_is_a_valid_empty_file()
    {
        var file = SafeTensorsFile.Parse(SafeTensorsWriter.Assemble("{}", []), FileName);

        Assert.Empty(file.Tensors);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Data_that_is_not_aligned_reads_correctly()
    {
        // A 9-byte header (not padded) puts the buffer at file offset 17, so the floats are unaligned.
        byte[] header = Encoding.UTF8.GetBytes("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""" + " ");
        Assert.NotEqual(0, header.Length % 4);
        var bytes = SafeTensorsWriter.Assemble((ulong)header.Length, header, [.. BitConverter.GetBytes(3.25f), .. BitConverter.GetBytes(-1f)]);

        Assert.Equal([3.25f, -1f], SafeTensorsFile.Parse(bytes, FileName).ReadFloat32("w"));
    }

    [Fact]
    public void Metadata_is_read_as_strings()
    {
        var file = Parse(new SafeTensorsWriter()
            .AddMetadata("format", "pt")
            .AddMetadata("note", "ünïcode \"quoted\"")
            .AddFloat32("w", [1], 1f));

        Assert.Equal(2, file.Metadata.Count);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("ünïcode \"quoted\"", file.Metadata["note"]);
        Assert.DoesNotContain(file.Tensors, tensor => tensor.Name == "__metadata__");
    }

    [Fact]
    public void Metadata_is_empty_when_the_header_has_none()
    {
        Assert.Empty(Parse(new SafeTensorsWriter().AddFloat32("w", [1], 1f)).Metadata);
    }

    [Fact]
    public void Escaped_names_are_unescaped()
    {
        var bytes = SafeTensorsWriter.Assemble(
            """{"layer\u002e0":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", BitConverter.GetBytes(1f));

        Assert.Equal("layer.0", SafeTensorsFile.Parse(bytes, FileName).Tensors[0].Name);
    }

    [Fact]
    public void Read_takes_the_whole_stream()
    {
        var bytes = new SafeTensorsWriter().AddFloat32("w", [2], 1f, 2f).ToBytes();
        using var stream = new MemoryStream(bytes);

        var file = SafeTensorsFile.Read(stream, "stream.safetensors");

        Assert.Equal("stream.safetensors", file.SourceName);
        Assert.Equal([1f, 2f], file.ReadFloat32("w"));
    }

    [Fact]
    public void Open_reads_a_file_from_disk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"groupnetdsl-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, new SafeTensorsWriter().AddFloat32("w", [1], 9f).ToBytes());

            var file = SafeTensorsFile.Open(path);

            Assert.Equal(path, file.SourceName);
            Assert.Equal([9f], file.ReadFloat32("w"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Open_on_a_missing_path_names_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"groupnetdsl-missing-{Guid.NewGuid():N}", "weights.safetensors");

        var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Open(path));

        Assert.Contains($"Weight file '{path}' does not exist", error.Message);
        // PyTorch 1.13 has no safetensors writer: the message names the one the repository ships.
        Assert.Contains("export the weights with python/gnet_safetensors.py's save_state_dict(model, path)", error.Message);
        Assert.Equal(path, error.SourceName);
        Assert.Null(error.Key);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    [Fact]
    public void Open_on_a_directory_says_it_is_a_directory()
    {
        string path = Path.GetTempPath();

        var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Open(path));

        Assert.Contains($"Weight file '{path}' is a directory", error.Message);
    }

    [Fact]
    public void Data_type_sizes_and_names_follow_the_format()
    {
        Assert.Equal(2, SafeTensorDataType.BFloat16.GetSizeInBytes());
        Assert.Equal(8, SafeTensorDataType.Int64.GetSizeInBytes());
        Assert.Equal(1, SafeTensorDataType.Boolean.GetSizeInBytes());
        Assert.Equal("F8_E4M3", SafeTensorDataType.Float8E4M3.GetFormatName());
        Assert.True(SafeTensorDataType.Float16.CanReadAsFloat32());
        Assert.False(SafeTensorDataType.Int32.CanReadAsFloat32());
    }

    private static SafeTensorsFile Parse(SafeTensorsWriter builder) => SafeTensorsFile.Parse(builder.ToBytes(), FileName);
}
