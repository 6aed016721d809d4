using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace GroupNetDsl.Weights;

/// <summary>
/// Every <see cref="WeightFileException"/> the runtime throws, in one place so the wording stays consistent:
/// the file first, then the key in quotes, then what is wrong, then what to do.
/// </summary>
internal static class WeightFileErrors
{
    private const string Damaged =
        "The file is damaged or was not written by a safetensors writer; export the weights again with safetensors.torch.save_file.";

    private const string Truncated =
        "The file is truncated (an interrupted download or copy?) or its header is damaged; copy or export it again.";

    private const string DamagedStatistics =
        "The batch-norm statistics are damaged (a diverged training run, or edited weights); retrain or restore the checkpoint, and export the weights again.";

    public static WeightFileException FileNotFound(string path, Exception inner) => new(
        path,
        null,
        Invariant($"Weight file '{path}' does not exist (looked for '{FullPathOrSame(path)}'). Check the path, or export the weights with python/gnet_safetensors.py's save_state_dict(model, path) or safetensors.torch.save_file(model.state_dict(), path) (docs/from-pytorch.md)."),
        inner);

    public static WeightFileException CouldNotRead(string path, Exception inner) => new(
        path,
        null,
        Invariant($"Weight file '{path}' could not be read: {inner.Message} Check that the path names a readable file."),
        inner);

    public static WeightFileException IsDirectory(string path) => new(
        path,
        null,
        Invariant($"Weight file '{path}' is a directory, not a file. Give the path of the .safetensors file inside it."));

    public static WeightFileException DataTooLarge(string sourceName, long bytes) => new(
        sourceName,
        null,
        Invariant($"{sourceName}: the tensors occupy {bytes} bytes of data, more than the 2 GiB this reader holds in memory. {Damaged}"));

    public static WeightFileException StreamFailed(string sourceName, Exception inner) => new(
        sourceName,
        null,
        Invariant($"{sourceName}: reading the weights failed: {inner.Message}"),
        inner);

    public static WeightFileException ShorterThanLengthPrefix(string sourceName, int fileLength) => new(
        sourceName,
        null,
        Invariant($"{sourceName}: the file is {fileLength} bytes long, too short for the 8-byte header length that starts every safetensors file. It is truncated or not a safetensors file."));

    public static WeightFileException HeaderTooLarge(string sourceName, ulong headerLength) => new(
        sourceName,
        null,
        Invariant($"{sourceName}: the header length is {headerLength} bytes, more than the 100 MiB ({SafeTensorsFile.MaximumHeaderLength} bytes) a safetensors header may have. This is not a safetensors file, or its first 8 bytes are damaged.{OtherFormat(headerLength)}"));

    /// <summary>
    /// What to do with the two files a PyTorch user has instead, told apart by the first bytes (the header length's
    /// low bytes): a zip archive ("PK\x03\x04"), as torch.save writes, or an ONNX model (field 1, ir_version, then
    /// field 2, producer_name).
    /// </summary>
    private static string OtherFormat(ulong firstBytes) =>
        (firstBytes & 0xFFFFFFFF) == 0x04034B50
            ? " It is a zip archive, as torch.save writes a checkpoint: convert its state_dict with python/gnet_safetensors.py (python3 gnet_safetensors.py model.pt model.safetensors; docs/from-pytorch.md)."
            : (firstBytes & 0xFF) == 0x08 && ((firstBytes >> 16) & 0xFF) == 0x12
                ? " It looks like an ONNX model: `gnet import model.onnx` writes a .gnet network and its .safetensors weights (docs/from-pytorch.md)."
                : string.Empty;

    public static WeightFileException HeaderLongerThanFile(string sourceName, ulong headerLength, long bytesAfterLength) => new(
        sourceName,
        null,
        Invariant($"{sourceName}: the header length {headerLength} is larger than the file, which has only {bytesAfterLength} bytes after the length field. {Truncated}"));

    public static WeightFileException HeaderNotUtf8(string sourceName) => new(
        sourceName,
        null,
        Invariant($"{sourceName}: the header is not valid UTF-8. {Damaged}"));

    public static WeightFileException HeaderNotJson(string sourceName, string detail, Exception? inner = null) => new(
        sourceName,
        null,
        Invariant($"{sourceName}: the header is not valid JSON ({detail}). {Damaged}"),
        inner);

    public static WeightFileException HeaderNotObject(string sourceName, JsonTokenType found) => new(
        sourceName,
        null,
        Invariant($"{sourceName}: the header must be a JSON object mapping tensor names to entries, but it is {Describe(found)}. {Damaged}"));

    public static WeightFileException DuplicateKey(string sourceName, string key) => new(
        sourceName,
        key,
        Invariant($"{sourceName}: the header lists the key '{key}' twice (duplicate key). {Damaged}"));

    public static WeightFileException DuplicateField(string sourceName, string tensor, string field) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: the entry for tensor '{tensor}' has the field \"{field}\" twice (duplicate key). {Damaged}"));

    public static WeightFileException DuplicateMetadataKey(string sourceName, string metadataKey) => new(
        sourceName,
        SafeTensorsHeaderReader.MetadataKey,
        Invariant($"{sourceName}: '{SafeTensorsHeaderReader.MetadataKey}' has the key '{metadataKey}' twice (duplicate key). {Damaged}"));

    public static WeightFileException EntryNotObject(string sourceName, string tensor, JsonTokenType found) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: the entry for tensor '{tensor}' must be a JSON object with \"dtype\", \"shape\" and \"data_offsets\", but it is {Describe(found)}. {Damaged}"));

    public static WeightFileException MissingField(string sourceName, string tensor, string field) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: the entry for tensor '{tensor}' has no \"{field}\" field. {Damaged}"));

    public static WeightFileException WrongFieldType(string sourceName, string tensor, string field, string expected, JsonTokenType found) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: \"{field}\" of tensor '{tensor}' must be {expected}, but it is {Describe(found)}. {Damaged}"));

    public static WeightFileException UnknownField(string sourceName, string tensor, string field) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: the entry for tensor '{tensor}' has the unknown field \"{field}\"; a safetensors entry has only \"dtype\", \"shape\" and \"data_offsets\". {Damaged}"));

    public static WeightFileException UnknownDataType(string sourceName, string tensor, string dataType) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: tensor '{tensor}' has unknown dtype '{dataType}'; this reader knows {KnownDataTypes()}. Convert the tensor to float32 in PyTorch (tensor.float()) before saving."));

    public static WeightFileException InvalidDimension(string sourceName, string tensor, int position, string value) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: dimension {position} of the shape of tensor '{tensor}' is {value}; dimensions must be non-negative integers. {Damaged}"));

    public static WeightFileException TooManyElements(string sourceName, string tensor, ReadOnlySpan<long> shape) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: tensor '{tensor}' has shape {ShapeText.Format(shape)}, more bytes than any file can hold. {Damaged}"));

    public static WeightFileException InvalidOffset(string sourceName, string tensor, string value) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: data_offsets of tensor '{tensor}' contains {value}; offsets must be non-negative integers. {Damaged}"));

    public static WeightFileException WrongOffsetCount(string sourceName, string tensor, int count) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: data_offsets of tensor '{tensor}' has {count} numbers; it must have exactly two, [begin, end]. {Damaged}"));

    public static WeightFileException OffsetsReversed(string sourceName, string tensor, long begin, long end) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: data_offsets of tensor '{tensor}' are [{begin}, {end}]: begin is after end. {Damaged}"));

    public static WeightFileException ByteLengthMismatch(
        string sourceName, string tensor, SafeTensorDataType dataType, ReadOnlySpan<long> shape, long expectedBytes, long begin, long end) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: tensor '{tensor}' has dtype {dataType.GetFormatName()} and shape {ShapeText.Format(shape)}, which take {expectedBytes} bytes, but its data_offsets [{begin}, {end}] span {end - begin} bytes. {Damaged}"));

    public static WeightFileException PastEndOfBuffer(string sourceName, SafeTensorInfo tensor, long bufferLength) => new(
        sourceName,
        tensor.Name,
        Invariant($"{sourceName}: tensor '{tensor.Name}' has data_offsets [{tensor.DataBegin}, {tensor.DataEnd}], past the end of the data buffer, which holds only {bufferLength} bytes. {Truncated}"));

    public static WeightFileException Overlap(string sourceName, SafeTensorInfo earlier, SafeTensorInfo later) => new(
        sourceName,
        later.Name,
        Invariant($"{sourceName}: tensor '{later.Name}' (bytes [{later.DataBegin}, {later.DataEnd}]) overlaps tensor '{earlier.Name}' (bytes [{earlier.DataBegin}, {earlier.DataEnd}]) in the data buffer; every tensor must have bytes of its own. {Damaged}"));

    public static WeightFileException MetadataNotObject(string sourceName, JsonTokenType found) => new(
        sourceName,
        SafeTensorsHeaderReader.MetadataKey,
        Invariant($"{sourceName}: '{SafeTensorsHeaderReader.MetadataKey}' must be a JSON object of string values, but it is {Describe(found)}. {Damaged}"));

    public static WeightFileException MetadataValueNotString(string sourceName, string metadataKey, JsonTokenType found) => new(
        sourceName,
        SafeTensorsHeaderReader.MetadataKey,
        Invariant($"{sourceName}: the value of '{metadataKey}' in '{SafeTensorsHeaderReader.MetadataKey}' must be a string, but it is {Describe(found)}. {Damaged}"));

    public static WeightFileException TensorNotFound(string sourceName, string tensor) => new(
        sourceName,
        tensor,
        Invariant($"{sourceName}: there is no tensor '{tensor}' in the file."));

    public static WeightFileException UnsupportedDataTypeForFloat(string sourceName, SafeTensorInfo tensor) => new(
        sourceName,
        tensor.Name,
        Invariant($"{sourceName}: tensor '{tensor.Name}' has unsupported dtype {tensor.DataType.GetFormatName()} for reading as float; only F32, F16, BF16 and F64 tensors can be read as weights. Convert it in PyTorch (tensor.float()) before saving."));

    public static WeightFileException NotFinite(string sourceName, string key, int channel, float value) => new(
        sourceName,
        key,
        Invariant($"{sourceName}: tensor '{key}' has {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} at channel {channel}; batch-norm statistics must be finite, or every output of the channel is NaN or infinite. {DamagedStatistics}"));

    public static WeightFileException VarianceNotPositive(string sourceName, string key, int channel, float variance, double epsilon) => new(
        sourceName,
        key,
        Invariant($"{sourceName}: tensor '{key}' has running variance {variance.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} at channel {channel}, and with eps {epsilon.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} the sum is not positive, so the batch-norm scale 1/sqrt(var + eps) is undefined. {DamagedStatistics}"));

    public static WeightFileException MissingTensor(string sourceName, string key, ReadOnlySpan<int> expectedShape, string? prefix) => new(
        sourceName,
        key,
        prefix is null
            ? Invariant($"{sourceName}: missing tensor '{key}' (expected shape {ShapeText.Format(expectedShape)}). The file was exported from a different architecture or with different layer names; check the network definition against the PyTorch module, and strip prefixes such as 'module.' that DataParallel adds.")
            : Invariant($"{sourceName}: missing tensor '{key}' (expected shape {ShapeText.Format(expectedShape)}); the file has it as '{prefix}{key}': its keys carry the prefix '{prefix}' (a wrapper's, such as DataParallel's 'module.'). {SafeTensorsFile.StripPrefixFix(prefix)}"));

    public static WeightFileException ShapeMismatch(string sourceName, SafeTensorInfo tensor, ReadOnlySpan<int> expectedShape) => new(
        sourceName,
        tensor.Name,
        Invariant($"{sourceName}: tensor '{tensor.Name}' has shape {ShapeText.Format(ToArray(tensor.Shape))}, but the network expects {ShapeText.Format(expectedShape)}. The network definition (channels, kernel size, groups) does not match the exported model."));

    public static WeightFileException UnexpectedTensors(string sourceName, IReadOnlyList<string> keys) => new(
        sourceName,
        keys[0],
        Invariant($"{sourceName}: {keys.Count} {(keys.Count == 1 ? "tensor" : "tensors")} in the file {(keys.Count == 1 ? "was" : "were")} not used by the network: {string.Join(", ", keys.Select(key => $"'{key}'"))}. The network definition lacks layers that the exported model has, or names them differently; fix the definition, or ignore tensors that are deliberately unused."));

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string KnownDataTypes() => string.Join(
        ", ",
        Enum.GetValues<SafeTensorDataType>().Select(dataType => dataType.GetFormatName()));

    private static long[] ToArray(IReadOnlyList<long> shape)
    {
        var array = new long[shape.Count];
        for (int i = 0; i < array.Length; i++) array[i] = shape[i];
        return array;
    }

    private static string FullPathOrSame(string path)
    {
        try
        {
            return System.IO.Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or System.IO.PathTooLongException or System.Security.SecurityException)
        {
            return path;
        }
    }

    public static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
