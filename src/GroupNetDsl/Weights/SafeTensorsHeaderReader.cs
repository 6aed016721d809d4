using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace GroupNetDsl.Weights;

/// <summary>
/// Reads the JSON header of a safetensors file with <see cref="Utf8JsonReader"/> (no reflection, so trimming
/// and AOT are safe) and checks each entry on its own: JSON types, known dtype, non-negative integer
/// dimensions and offsets, and a byte range exactly as long as the shape needs. Checks that involve the data
/// buffer or several tensors live in <see cref="SafeTensorsLayout"/>.
/// </summary>
/// <remarks>
/// Stricter than the reference reader in two ways: duplicate keys are an error at every level (a JSON
/// parser would silently keep one of them), and an entry with a field other than <c>dtype</c>, <c>shape</c>
/// and <c>data_offsets</c> is rejected.
/// </remarks>
internal static class SafeTensorsHeaderReader
{
    /// <summary>The reserved header key for the string-to-string metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    private const string DataTypeField = "dtype";
    private const string ShapeField = "shape";
    private const string OffsetsField = "data_offsets";

    private static readonly JsonReaderOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 8,
    };

    /// <summary>Reads a header held in memory.</summary>
    public static SafeTensorsHeader Read(ReadOnlySpan<byte> json, string sourceName)
    {
        if (!Utf8.IsValid(json)) throw WeightFileErrors.HeaderNotUtf8(sourceName);

        var reader = new Utf8JsonReader(json, Options);
        try
        {
            return ReadRoot(ref reader, null, sourceName, json.Length);
        }
        catch (JsonException e)
        {
            throw WeightFileErrors.HeaderNotJson(sourceName, e.Message, e);
        }
    }

    /// <summary>
    /// Reads a header of <paramref name="length"/> bytes from <paramref name="stream"/> in chunks, so the header's
    /// bytes are never all in memory next to the tables built from them (a header of tiny entries would otherwise
    /// cost its own size once more). Each chunk is checked as UTF-8 before it is parsed.
    /// </summary>
    public static SafeTensorsHeader Read(Stream stream, int length, string sourceName)
    {
        var chunks = new HeaderChunks(stream, length, sourceName);
        var reader = chunks.First();
        try
        {
            return ReadRoot(ref reader, chunks, sourceName, length);
        }
        catch (JsonException e)
        {
            throw WeightFileErrors.HeaderNotJson(sourceName, e.Message, e);
        }
    }

    /// <summary>The bytes of the shortest possible entry: <c>"":{"dtype":"U8","shape":[],"data_offsets":[0,0]}</c>.</summary>
    private const int SmallestEntryLength = 49;

    private static SafeTensorsHeader ReadRoot(ref Utf8JsonReader reader, HeaderChunks? chunks, string sourceName, int jsonLength)
    {
        Advance(ref reader, chunks, sourceName);
        if (reader.TokenType != JsonTokenType.StartObject) throw WeightFileErrors.HeaderNotObject(sourceName, reader.TokenType);

        // Sized once for the most entries the header can hold, so a large header leaves no garbage of resized tables.
        int capacity = jsonLength / SmallestEntryLength;
        var tensors = new List<SafeTensorInfo>(capacity);
        var tensorsByName = new Dictionary<string, SafeTensorInfo>(capacity, StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        bool sawMetadata = false;
        while (true)
        {
            Advance(ref reader, chunks, sourceName);
            if (reader.TokenType == JsonTokenType.EndObject) break;

            string key = GetString(ref reader, sourceName);
            Advance(ref reader, chunks, sourceName);

            if (key == MetadataKey)
            {
                if (sawMetadata) throw WeightFileErrors.DuplicateKey(sourceName, key);
                sawMetadata = true;
                ReadMetadata(ref reader, chunks, sourceName, metadata);
            }
            else
            {
                if (tensorsByName.ContainsKey(key)) throw WeightFileErrors.DuplicateKey(sourceName, key);
                var tensor = ReadEntry(ref reader, chunks, sourceName, key);
                tensorsByName.Add(key, tensor);
                tensors.Add(tensor);
            }
        }

        // In single-value mode, anything but whitespace after the object makes Read throw.
        while (true)
        {
            if (reader.Read()) throw WeightFileErrors.HeaderNotJson(sourceName, "content after the header object");
            if (chunks is null || chunks.Complete) break;
            reader = chunks.Next(reader.BytesConsumed, reader.CurrentState);
        }
        return new SafeTensorsHeader(tensors, tensorsByName, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, HeaderChunks? chunks, string sourceName, Dictionary<string, string> metadata)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw WeightFileErrors.MetadataNotObject(sourceName, reader.TokenType);
        while (true)
        {
            Advance(ref reader, chunks, sourceName);
            if (reader.TokenType == JsonTokenType.EndObject) return;

            string key = GetString(ref reader, sourceName);
            Advance(ref reader, chunks, sourceName);
            if (reader.TokenType != JsonTokenType.String) throw WeightFileErrors.MetadataValueNotString(sourceName, key, reader.TokenType);
            if (!metadata.TryAdd(key, GetString(ref reader, sourceName))) throw WeightFileErrors.DuplicateMetadataKey(sourceName, key);
        }
    }

    private static SafeTensorInfo ReadEntry(ref Utf8JsonReader reader, HeaderChunks? chunks, string sourceName, string name)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw WeightFileErrors.EntryNotObject(sourceName, name, reader.TokenType);

        string? dataTypeText = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        while (true)
        {
            Advance(ref reader, chunks, sourceName);
            if (reader.TokenType == JsonTokenType.EndObject) break;

            string field = GetString(ref reader, sourceName);
            Advance(ref reader, chunks, sourceName);
            switch (field)
            {
                case DataTypeField:
                    if (dataTypeText is not null) throw WeightFileErrors.DuplicateField(sourceName, name, field);
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw WeightFileErrors.WrongFieldType(sourceName, name, field, "a string such as \"F32\"", reader.TokenType);
                    }
                    dataTypeText = GetString(ref reader, sourceName);
                    break;
                case ShapeField:
                    if (shape is not null) throw WeightFileErrors.DuplicateField(sourceName, name, field);
                    shape = ReadIntegers(ref reader, chunks, sourceName, name, field, "an array of integers such as [64, 3, 3, 3]");
                    break;
                case OffsetsField:
                    if (offsets is not null) throw WeightFileErrors.DuplicateField(sourceName, name, field);
                    offsets = ReadIntegers(ref reader, chunks, sourceName, name, field, "an array of two integers, [begin, end]");
                    break;
                default:
                    throw WeightFileErrors.UnknownField(sourceName, name, field);
            }
        }

        if (dataTypeText is null) throw WeightFileErrors.MissingField(sourceName, name, DataTypeField);
        if (shape is null) throw WeightFileErrors.MissingField(sourceName, name, ShapeField);
        if (offsets is null) throw WeightFileErrors.MissingField(sourceName, name, OffsetsField);
        return CreateInfo(sourceName, name, dataTypeText, shape, offsets);
    }

    private static SafeTensorInfo CreateInfo(string sourceName, string name, string dataTypeText, List<long> shapeList, List<long> offsets)
    {
        if (!SafeTensorDataTypeExtensions.TryParseFormatName(dataTypeText, out var dataType))
        {
            throw WeightFileErrors.UnknownDataType(sourceName, name, dataTypeText);
        }

        long[] shape = shapeList.ToArray();
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0) throw WeightFileErrors.InvalidDimension(sourceName, name, i, WeightFileErrors.Number(shape[i]));
        }

        if (offsets.Count != 2) throw WeightFileErrors.WrongOffsetCount(sourceName, name, offsets.Count);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0) throw WeightFileErrors.InvalidOffset(sourceName, name, WeightFileErrors.Number(begin));
        if (end < 0) throw WeightFileErrors.InvalidOffset(sourceName, name, WeightFileErrors.Number(end));
        if (begin > end) throw WeightFileErrors.OffsetsReversed(sourceName, name, begin, end);

        long elementCount;
        long byteLength;
        try
        {
            elementCount = 1;
            foreach (long dimension in shape) elementCount = checked(elementCount * dimension);
            byteLength = checked(elementCount * dataType.GetSizeInBytes());
        }
        catch (OverflowException)
        {
            throw WeightFileErrors.TooManyElements(sourceName, name, shape);
        }

        if (byteLength != end - begin)
        {
            throw WeightFileErrors.ByteLengthMismatch(sourceName, name, dataType, shape, byteLength, begin, end);
        }
        return new SafeTensorInfo(name, dataType, shape, elementCount, begin, end);
    }

    /// <summary>
    /// Reads an array of JSON integers. A number that is not an integer (or does not fit in 64 bits) is
    /// reported with its own text; negative values are left to the caller, whose message says which field.
    /// </summary>
    private static List<long> ReadIntegers(ref Utf8JsonReader reader, HeaderChunks? chunks, string sourceName, string tensor, string field, string expected)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw WeightFileErrors.WrongFieldType(sourceName, tensor, field, expected, reader.TokenType);

        var values = new List<long>();
        while (true)
        {
            Advance(ref reader, chunks, sourceName);
            if (reader.TokenType == JsonTokenType.EndArray) return values;
            if (reader.TokenType != JsonTokenType.Number) throw WeightFileErrors.WrongFieldType(sourceName, tensor, field, expected, reader.TokenType);
            if (!reader.TryGetInt64(out long value))
            {
                string text = Encoding.UTF8.GetString(reader.ValueSpan);
                throw field == ShapeField
                    ? WeightFileErrors.InvalidDimension(sourceName, tensor, values.Count, text)
                    : WeightFileErrors.InvalidOffset(sourceName, tensor, text);
            }
            values.Add(value);
        }
    }

    /// <summary>Moves to the next token, reading the next chunk when the current one ends inside it; running out of header is an error.</summary>
    private static void Advance(ref Utf8JsonReader reader, HeaderChunks? chunks, string sourceName)
    {
        while (!reader.Read())
        {
            if (chunks is null || chunks.Complete) throw WeightFileErrors.HeaderNotJson(sourceName, "the header ends early");
            reader = chunks.Next(reader.BytesConsumed, reader.CurrentState);
        }
    }

    /// <summary>
    /// The header as it arrives from a stream: a buffer of one chunk (larger only for a token longer than a chunk)
    /// holding what the reader has not consumed yet, refilled from the stream, each new byte checked as UTF-8.
    /// </summary>
    private sealed class HeaderChunks(Stream stream, int length, string sourceName)
    {
        private const int ChunkSize = 1024 * 1024;

        private byte[] _buffer = new byte[Math.Min(length, ChunkSize)];
        private int _filled;    // bytes of the buffer in use
        private int _validated; // bytes of the buffer checked as UTF-8
        private int _received;  // header bytes read from the stream

        /// <summary>The whole header has been read: the reader's current block is the final one.</summary>
        public bool Complete => _received == length;

        public Utf8JsonReader First()
        {
            Fill();
            return new Utf8JsonReader(_buffer.AsSpan(0, _filled), Complete, new JsonReaderState(Options));
        }

        /// <summary>A reader that resumes where the last one stopped, over the bytes it left and the next chunk.</summary>
        public Utf8JsonReader Next(long bytesConsumed, JsonReaderState state)
        {
            int consumed = (int)bytesConsumed;
            if (consumed == 0 && _filled == _buffer.Length)
            {
                // One token fills the buffer: make room for the rest of it.
                Array.Resize(ref _buffer, (int)Math.Min(length, 2L * _buffer.Length));
            }
            else
            {
                Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _filled - consumed);
                _filled -= consumed;
                _validated = Math.Max(0, _validated - consumed);
            }
            Fill();
            return new Utf8JsonReader(_buffer.AsSpan(0, _filled), Complete, state);
        }

        private void Fill()
        {
            while (_filled < _buffer.Length && _received < length)
            {
                int read = stream.Read(_buffer, _filled, Math.Min(_buffer.Length - _filled, length - _received));
                if (read == 0) throw WeightFileErrors.HeaderLongerThanFile(sourceName, (ulong)length, _received);
                _filled += read;
                _received += read;
            }

            // Up to the last whole character: one cut in two by the chunk's end is checked with the next chunk.
            int end = Complete ? _filled : StartOfIncompleteCharacter();
            if (!Utf8.IsValid(_buffer.AsSpan(_validated, end - _validated))) throw WeightFileErrors.HeaderNotUtf8(sourceName);
            _validated = end;
        }

        /// <summary>Where a character that the buffer's end cuts short begins, or the buffer's end.</summary>
        private int StartOfIncompleteCharacter()
        {
            for (int i = _filled - 1; i >= Math.Max(_validated, _filled - 3); i--)
            {
                byte b = _buffer[i];
                if ((b & 0xC0) == 0x80) continue; // a continuation byte: look further back for the lead byte
                int size = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return i + size > _filled ? i : _filled;
            }
            return _filled;
        }
    }

    /// <summary>
    /// Unescapes a property name or string value. <see cref="Utf8JsonReader.GetString"/> throws
    /// <see cref="InvalidOperationException"/> for escapes that decode to invalid UTF-16 (a lone surrogate).
    /// </summary>
    private static string GetString(ref Utf8JsonReader reader, string sourceName)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw WeightFileErrors.HeaderNotJson(sourceName, e.Message, e);
        }
    }
}
