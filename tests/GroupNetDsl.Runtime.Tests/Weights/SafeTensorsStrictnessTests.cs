using System.Text;
using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Runtime.Tests.Weights;

/// <summary>Each way a safetensors file can be wrong, and the message that says so.</summary>
public sealed class SafeTensorsStrictnessTests
{
    private const string FileName = "broken.safetensors";
    private const string Damaged = "The file is damaged or was not written by a safetensors writer";

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    public void A_file_shorter_than_the_length_prefix_is_rejected(int length)
    {
        var error = Rejects(new byte[length], key: null);

        Assert.Contains($"the file is {length} bytes long, too short for the 8-byte header length", error.Message);
    }

    [Fact]
    public void A_header_length_over_100_MiB_is_rejected()
    {
        var bytes = SafeTensorsWriter.Assemble(100 * 1024 * 1024 + 1, [], new byte[16]);

        var error = Rejects(bytes, key: null);

        Assert.Contains("the header length is 104857601 bytes, more than the 100 MiB", error.Message);
    }

    [Theory]
    // torch.save's zip archive, and the start of torch.onnx.export's file: ir_version 7, producer_name "pytorch".
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x08 }, "It is a zip archive, as torch.save writes a checkpoint: convert its state_dict with python/gnet_safetensors.py")]
    [InlineData(new byte[] { 0x08, 0x07, 0x12, 0x07, 0x70, 0x79, 0x74, 0x6F }, "It looks like an ONNX model: `gnet import model.onnx` writes a .gnet network")]
    public void A_pytorch_checkpoint_or_an_onnx_model_is_named_with_its_converter(byte[] start, string hint)
    {
        var error = Rejects([.. start, .. new byte[16]], key: null);

        Assert.Contains("This is not a safetensors file, or its first 8 bytes are damaged. " + hint, error.Message);
    }

    [Fact]
    public void A_header_length_of_almost_2_to_the_64_is_rejected_without_overflow()
    {
        var error = Rejects(SafeTensorsWriter.Assemble(ulong.MaxValue, [], new byte[16]), key: null);

        Assert.Contains("more than the 100 MiB", error.Message);
    }

    [Fact]
    public void A_header_length_larger_than_the_file_is_rejected()
    {
        var bytes = SafeTensorsWriter.Assemble(64, Encoding.UTF8.GetBytes("{}"), []);

        var error = Rejects(bytes, key: null);

        Assert.Contains("the header length 64 is larger than the file, which has only 2 bytes after the length field", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],}}""")]
    [InlineData("""{"w":{"dtype":"F32"/*comment*/,"shape":[1],"data_offsets":[0,4]}}""")]
    [InlineData("""{} {}""")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""")]
    [InlineData("""{"w\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""")]
    public void A_header_that_is_not_JSON_is_rejected(string header)
    {
        var error = Rejects(SafeTensorsWriter.Assemble(header, new byte[4]), key: null);

        Assert.Contains("the header is not valid JSON", error.Message);
        Assert.Contains(Damaged, error.Message);
    }

    [Fact]
    public void A_header_that_is_not_UTF8_is_rejected()
    {
        byte[] header = [.. Encoding.UTF8.GetBytes("{\"w"), 0xFF, .. Encoding.UTF8.GetBytes("\":{}}")];

        var error = Rejects(SafeTensorsWriter.Assemble((ulong)header.Length, header, []), key: null);

        Assert.Contains("the header is not valid UTF-8", error.Message);
    }

    [Theory]
    [InlineData("[1, 2]", "an array")]
    [InlineData("\"F32\"", "a string")]
    [InlineData("null", "null")]
    [InlineData("42", "a number")]
    public void A_header_that_is_not_an_object_is_rejected(string header, string found)
    {
        var error = Rejects(SafeTensorsWriter.Assemble(header, []), key: null);

        Assert.Contains($"the header must be a JSON object mapping tensor names to entries, but it is {found}", error.Message);
    }

    [Theory]
    [InlineData("3", "a number")]
    [InlineData("[\"F32\"]", "an array")]
    [InlineData("null", "null")]
    public void An_entry_that_is_not_an_object_is_rejected(string entry, string found)
    {
        var error = Rejects(SafeTensorsWriter.Assemble($$"""{"stem.0.weight":{{entry}}}""", []), "stem.0.weight");

        Assert.Contains($"the entry for tensor 'stem.0.weight' must be a JSON object with \"dtype\", \"shape\" and \"data_offsets\", but it is {found}", error.Message);
    }

    [Theory]
    [InlineData("""{"shape":[1],"data_offsets":[0,4]}""", "dtype")]
    [InlineData("""{"dtype":"F32","data_offsets":[0,4]}""", "shape")]
    [InlineData("""{"dtype":"F32","shape":[1]}""", "data_offsets")]
    [InlineData("""{}""", "dtype")]
    public void An_entry_missing_a_field_is_rejected(string entry, string field)
    {
        var error = Rejects(SafeTensorsWriter.Assemble($$"""{"w":{{entry}}}""", new byte[4]), "w");

        Assert.Contains($"the entry for tensor 'w' has no \"{field}\" field", error.Message);
    }

    [Theory]
    [InlineData("""{"dtype":5,"shape":[1],"data_offsets":[0,4]}""", "dtype", "a string such as \"F32\"", "a number")]
    [InlineData("""{"dtype":"F32","shape":"1","data_offsets":[0,4]}""", "shape", "an array of integers", "a string")]
    [InlineData("""{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}""", "shape", "an array of integers", "a string")]
    [InlineData("""{"dtype":"F32","shape":[[1]],"data_offsets":[0,4]}""", "shape", "an array of integers", "an array")]
    [InlineData("""{"dtype":"F32","shape":[1],"data_offsets":{"begin":0}}""", "data_offsets", "an array of two integers", "an object")]
    [InlineData("""{"dtype":"F32","shape":[1],"data_offsets":[0,null]}""", "data_offsets", "an array of two integers", "null")]
    [InlineData("""{"dtype":null,"shape":[1],"data_offsets":[0,4]}""", "dtype", "a string such as \"F32\"", "null")]
    public void A_field_of_the_wrong_JSON_type_is_rejected(string entry, string field, string expected, string found)
    {
        var error = Rejects(SafeTensorsWriter.Assemble($$"""{"w":{{entry}}}""", new byte[4]), "w");

        Assert.Contains($"\"{field}\" of tensor 'w' must be {expected}", error.Message);
        Assert.Contains($"but it is {found}", error.Message);
    }

    [Fact]
    public void An_unknown_field_is_rejected()
    {
        var error = Rejects(
            SafeTensorsWriter.Assemble("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"stride":[1]}}""", new byte[4]), "w");

        Assert.Contains("the entry for tensor 'w' has the unknown field \"stride\"", error.Message);
    }

    [Theory]
    [InlineData("F128")]
    [InlineData("f32")]
    [InlineData("float32")]
    [InlineData("")]
    public void An_unknown_dtype_is_rejected(string dataType)
    {
        var error = Rejects(
            SafeTensorsWriter.Assemble($$$"""{"w":{"dtype":"{{{dataType}}}","shape":[1],"data_offsets":[0,4]}}""", new byte[4]), "w");

        Assert.Contains($"tensor 'w' has unknown dtype '{dataType}'", error.Message);
        Assert.Contains("F32, F64, I64", error.Message);
    }

    [Theory]
    [InlineData("[2,-1]", 1, "-1")]
    [InlineData("[-4]", 0, "-4")]
    [InlineData("[2.5]", 0, "2.5")]
    [InlineData("[1,1e2]", 1, "1e2")]
    [InlineData("[99999999999999999999]", 0, "99999999999999999999")]
    public void A_negative_or_fractional_dimension_is_rejected(string shape, int position, string value)
    {
        var error = Rejects(
            SafeTensorsWriter.Assemble($$$"""{"w":{"dtype":"F32","shape":{{{shape}}},"data_offsets":[0,4]}}""", new byte[4]), "w");

        Assert.Contains($"dimension {position} of the shape of tensor 'w' is {value}; dimensions must be non-negative integers", error.Message);
    }

    [Fact]
    public void A_shape_too_large_to_count_is_rejected()
    {
        var error = Rejects(
            SafeTensorsWriter.Assemble("""{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}""", new byte[4]), "w");

        Assert.Contains("tensor 'w' has shape [4294967296, 4294967296], more bytes than any file can hold", error.Message);
    }

    [Theory]
    [InlineData("[-4,0]", "contains -4; offsets must be non-negative integers")]
    [InlineData("[0,-4]", "contains -4; offsets must be non-negative integers")]
    [InlineData("[0.5,4]", "contains 0.5; offsets must be non-negative integers")]
    [InlineData("[0]", "has 1 numbers; it must have exactly two, [begin, end]")]
    [InlineData("[0,4,8]", "has 3 numbers; it must have exactly two, [begin, end]")]
    [InlineData("[8,4]", "are [8, 4]: begin is after end")]
    public void Invalid_data_offsets_are_rejected(string offsets, string wording)
    {
        var error = Rejects(
            SafeTensorsWriter.Assemble($$$"""{"w":{"dtype":"F32","shape":[1],"data_offsets":{{{offsets}}}}}""", new byte[8]), "w");

        Assert.Contains($"data_offsets of tensor 'w' {wording}", error.Message);
    }

    [Theory]
    [InlineData("F32", "[2,3]", "[0,20]", 24)]
    [InlineData("F16", "[2,3]", "[0,24]", 12)]
    [InlineData("BF16", "[]", "[0,0]", 2)]
    [InlineData("F32", "[0]", "[0,4]", 0)]
    public void A_byte_range_that_does_not_fit_dtype_and_shape_is_rejected(string dataType, string shape, string offsets, int expectedBytes)
    {
        var error = Rejects(
            SafeTensorsWriter.Assemble($$$"""{"w":{"dtype":"{{{dataType}}}","shape":{{{shape}}},"data_offsets":{{{offsets}}}}}""", new byte[32]), "w");

        Assert.Contains($"tensor 'w' has dtype {dataType} and shape", error.Message);
        Assert.Contains($"which take {expectedBytes} bytes, but its data_offsets", error.Message);
    }

    [Fact]
    public void Offsets_past_the_end_of_the_buffer_are_rejected()
    {
        var error = Rejects(
            SafeTensorsWriter.Assemble(
                """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[100,108]}}""",
                new byte[8]),
            "b");

        Assert.Contains("tensor 'b' has data_offsets [100, 108], past the end of the data buffer, which holds only 8 bytes", error.Message);
    }

    [Fact]
    public void A_truncated_file_is_rejected_naming_the_tensor_that_ends_last()
    {
        var complete = new SafeTensorsWriter()
            .AddFloat32("last", [4], 1f, 2f, 3f, 4f)
            .AddFloat32("first", [1], 5f)
            .ToBytes();
        // "first" comes second in the buffer, so it ends last; chop 2 of its bytes.
        var truncated = complete[..^2];

        var error = Rejects(truncated, "first");

        Assert.Contains("tensor 'first' has data_offsets [16, 20], past the end of the data buffer, which holds only 18 bytes", error.Message);
        Assert.Contains("The file is truncated", error.Message);
    }

    [Theory]
    [InlineData("[0,8]", "[4,12]", "b", "a")]
    [InlineData("[0,16]", "[4,8]", "b", "a")]
    [InlineData("[4,8]", "[0,16]", "a", "b")]
    [InlineData("[0,8]", "[0,8]", "b", "a")]
    [InlineData("[8,16]", "[0,9]", "a", "b")]
    public void Overlapping_byte_ranges_are_rejected(string first, string second, string reported, string other)
    {
        var error = Rejects(
            SafeTensorsWriter.Assemble(
                $$$"""{"a":{"dtype":"U8","shape":[{{{Length(first)}}}],"data_offsets":{{{first}}}},"b":{"dtype":"U8","shape":[{{{Length(second)}}}],"data_offsets":{{{second}}}}}""",
                new byte[16]),
            reported);

        Assert.Contains($"tensor '{reported}' (bytes ", error.Message);
        Assert.Contains($"overlaps tensor '{other}' (bytes ", error.Message);
        Assert.Contains("every tensor must have bytes of its own", error.Message);
    }

    [Fact]
    public void Adjacent_and_empty_ranges_do_not_overlap()
    {
        var bytes = SafeTensorsWriter.Assemble(
            """
            {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
             "b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},
             "empty":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},
             "also_empty":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}
            """,
            new byte[8]);

        Assert.Equal(4, SafeTensorsFile.Parse(bytes, FileName).Tensors.Count);
    }

    [Fact]
    public void Duplicate_tensor_keys_are_rejected()
    {
        var error = Rejects(
            SafeTensorsWriter.Assemble(
                """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""",
                new byte[8]),
            "w");

        Assert.Contains("the header lists the key 'w' twice (duplicate key)", error.Message);
    }

    [Fact]
    public void Duplicate_keys_that_differ_only_in_escaping_are_rejected()
    {
        var error = Rejects(
            SafeTensorsWriter.Assemble(
                """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\u0077":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""",
                new byte[8]),
            "w");

        Assert.Contains("duplicate key", error.Message);
    }

    [Theory]
    [InlineData("""{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}""", "dtype")]
    [InlineData("""{"dtype":"F32","shape":[1],"shape":[1],"data_offsets":[0,4]}""", "shape")]
    [InlineData("""{"dtype":"F32","shape":[1],"data_offsets":[0,4],"data_offsets":[0,4]}""", "data_offsets")]
    public void Duplicate_fields_in_an_entry_are_rejected(string entry, string field)
    {
        var error = Rejects(SafeTensorsWriter.Assemble($$"""{"w":{{entry}}}""", new byte[4]), "w");

        Assert.Contains($"the entry for tensor 'w' has the field \"{field}\" twice (duplicate key)", error.Message);
    }

    [Fact]
    public void Duplicate_metadata_keys_are_rejected()
    {
        var error = Rejects(SafeTensorsWriter.Assemble("""{"__metadata__":{"format":"pt","format":"np"}}""", []), "__metadata__");

        Assert.Contains("'__metadata__' has the key 'format' twice (duplicate key)", error.Message);
    }

    [Fact]
    public void Two_metadata_objects_are_rejected()
    {
        var error = Rejects(SafeTensorsWriter.Assemble("""{"__metadata__":{},"__metadata__":{}}""", []), "__metadata__");

        Assert.Contains("the header lists the key '__metadata__' twice", error.Message);
    }

    [Theory]
    [InlineData("[]", "an array")]
    [InlineData("\"pt\"", "a string")]
    [InlineData("null", "null")]
    public void Metadata_that_is_not_an_object_is_rejected(string metadata, string found)
    {
        var error = Rejects(SafeTensorsWriter.Assemble($$"""{"__metadata__":{{metadata}}}""", []), "__metadata__");

        Assert.Contains($"'__metadata__' must be a JSON object of string values, but it is {found}", error.Message);
    }

    [Theory]
    [InlineData("1", "a number")]
    [InlineData("{}", "an object")]
    [InlineData("true", "true")]
    public void Metadata_values_that_are_not_strings_are_rejected(string value, string found)
    {
        var error = Rejects(SafeTensorsWriter.Assemble($$$"""{"__metadata__":{"epoch":{{{value}}}}}""", []), "__metadata__");

        Assert.Contains($"the value of 'epoch' in '__metadata__' must be a string, but it is {found}", error.Message);
    }

    [Fact]
    public void Reading_an_integer_tensor_as_float_is_an_unsupported_dtype()
    {
        var file = SafeTensorsFile.Parse(new SafeTensorsWriter().AddInt64("bn.num_batches_tracked", [], 7).ToBytes(), FileName);

        var error = Assert.Throws<WeightFileException>(() => file.ReadFloat32("bn.num_batches_tracked"));

        AssertNames(error, "bn.num_batches_tracked");
        Assert.Contains("tensor 'bn.num_batches_tracked' has unsupported dtype I64 for reading as float", error.Message);
        Assert.Throws<WeightFileException>(() => file.ReadFloat32("bn.num_batches_tracked", new float[1]));
    }

    [Fact]
    public void Reading_a_tensor_the_file_does_not_have_names_it()
    {
        var file = SafeTensorsFile.Parse(new SafeTensorsWriter().AddFloat32("w", [1], 1f).ToBytes(), FileName);

        var error = Assert.Throws<WeightFileException>(() => file.ReadFloat32("stem.0.weight"));

        AssertNames(error, "stem.0.weight");
        Assert.Contains("there is no tensor 'stem.0.weight' in the file", error.Message);
        Assert.Throws<WeightFileException>(() => file.GetData("stem.0.weight"));
    }

    [Fact]
    public void Every_listed_dtype_is_accepted_with_its_element_size()
    {
        foreach (var dataType in Enum.GetValues<SafeTensorDataType>())
        {
            string name = dataType.GetFormatName();
            int size = dataType.GetSizeInBytes();
            var bytes = SafeTensorsWriter.Assemble(
                $$$"""{"t":{"dtype":"{{{name}}}","shape":[3],"data_offsets":[0,{{{3 * size}}}]}}""", new byte[3 * size]);

            var tensor = SafeTensorsFile.Parse(bytes, FileName).Tensors.Single();

            Assert.Equal(dataType, tensor.DataType);
        }
    }

    /// <summary>Byte count of a "[begin,end]" literal, for a U8 tensor that spans it exactly.</summary>
    private static int Length(string offsets)
    {
        var parts = offsets.Trim('[', ']').Split(',');
        return int.Parse(parts[1]) - int.Parse(parts[0]);
    }

    private static WeightFileException Rejects(byte[] bytes, string? key)
    {
        var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Parse(bytes, FileName));
        if (key is not null)
        {
            AssertNames(error, key);
        }
        else
        {
            Assert.Null(error.Key);
            Assert.StartsWith(FileName + ": ", error.Message);
        }
        Assert.Equal(FileName, error.SourceName);
        return error;
    }

    private static void AssertNames(WeightFileException error, string key)
    {
        Assert.Equal(FileName, error.SourceName);
        Assert.Equal(key, error.Key);
        Assert.StartsWith(FileName + ": ", error.Message);
        Assert.Contains($"'{key}'", error.Message);
    }
}
