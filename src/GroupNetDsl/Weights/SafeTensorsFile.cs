using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;

namespace GroupNetDsl.Weights;

/// <summary>
/// A safetensors file, read whole into memory and checked before anything is handed out.
/// </summary>
/// <remarks>
/// <para>
/// The format: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON mapping each tensor name
/// to <c>{"dtype": "F32", "shape": [64, 3, 3, 3], "data_offsets": [begin, end]}</c>, plus an optional
/// <c>"__metadata__"</c> object of strings; then the data buffer, little-endian, with offsets counted from its
/// first byte.
/// </para>
/// <para>
/// Everything is validated when the file is opened, so a file that opens can be read: a header of at most
/// <see cref="MaximumHeaderLength"/> bytes that fits the file; valid JSON without duplicate keys; each entry with
/// exactly the three fields and the right JSON types; a known dtype; non-negative integer dimensions; offsets
/// with begin ≤ end spanning exactly the bytes the dtype and shape need; no range past the end of the buffer;
/// no two ranges sharing a byte. Every failure is a <see cref="WeightFileException"/> naming the file and key.
/// </para>
/// <para>
/// Instances are immutable and safe to read from several threads. The data the tensors occupy is held in memory
/// (these are the weights of small convolutional networks), so it must be smaller than 2 GiB.
/// </para>
/// </remarks>
public sealed class SafeTensorsFile
{
    /// <summary>The largest header this reader accepts: 100 MiB, as in the reference implementation.</summary>
    public const int MaximumHeaderLength = 100 * 1024 * 1024;

    private const int LengthPrefixSize = sizeof(ulong);

    private readonly ReadOnlyMemory<byte> _dataBuffer;
    private readonly Dictionary<string, SafeTensorInfo> _tensorsByName;

    private SafeTensorsFile(string sourceName, ReadOnlyMemory<byte> dataBuffer, SafeTensorsHeader header)
    {
        SourceName = sourceName;
        _dataBuffer = dataBuffer;
        // The header's collections are this instance's own: nothing else holds them.
        Tensors = new ReadOnlyCollection<SafeTensorInfo>(header.Tensors);
        Metadata = new ReadOnlyDictionary<string, string>(header.Metadata);
        _tensorsByName = header.TensorsByName;
    }

    /// <summary>The path the file was opened from, or the name given to <see cref="Read"/> or <see cref="Parse"/>; used in every message.</summary>
    public string SourceName { get; }

    /// <summary>The fix for keys saved under a wrapper's prefix (<see cref="FindKeyPrefix"/>), as <c>Load</c> and <c>gnet verify</c> both say it.</summary>
    /// <param name="prefix">The prefix, such as <c>module.</c>.</param>
    /// <returns>One sentence.</returns>
    public static string StripPrefixFix(string prefix) => WeightKeyRules.StripPrefixFix(prefix);

    /// <summary>
    /// The prefix the file puts before <paramref name="key"/>, when it lacks the key but has it under a prefix, as a
    /// wrapper saves it (<c>module.</c> from DataParallel, <c>model.</c> from a training framework): the part before
    /// the first tensor name that ends with "." + key. Null when there is none.
    /// </summary>
    /// <param name="key">A key the network expects.</param>
    /// <returns>The prefix, ending with '.', or null.</returns>
    public string? FindKeyPrefix(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WeightKeyRules.FindKeyPrefix(key, Tensors.Select(tensor => tensor.Name));
    }

    /// <summary>The tensors, in the order the header lists them.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> map; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and validates the safetensors file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read; it also becomes <see cref="SourceName"/>.</param>
    /// <returns>The validated file.</returns>
    /// <remarks>
    /// The header length is checked against <see cref="MaximumHeaderLength"/> and the file's length before anything
    /// else is read; then the header is parsed, and only the bytes the tensors occupy are read.
    /// </remarks>
    /// <exception cref="WeightFileException">
    /// The file does not exist, is a directory or cannot be read (the original exception is the inner exception),
    /// or it is not a valid safetensors file.
    /// </exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw WeightFileErrors.IsDirectory(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw WeightFileErrors.FileNotFound(path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw WeightFileErrors.CouldNotRead(path, e);
        }
        using (stream)
        {
            // A device such as /dev/zero is not seekable: it is read like any stream, within the same caps.
            long? length = stream.CanSeek ? stream.Length : null;
            return ReadBounded(stream, path, length, e => WeightFileErrors.CouldNotRead(path, e));
        }
    }

    /// <summary>Reads a safetensors file from <paramref name="stream"/> and validates it.</summary>
    /// <param name="stream">The stream to read from its current position; it is not closed.</param>
    /// <param name="sourceName">A name for messages, such as the file name or URL the stream came from.</param>
    /// <returns>The validated file.</returns>
    /// <remarks>
    /// Reading is bounded whatever the stream holds: the header length must be at most
    /// <see cref="MaximumHeaderLength"/>; the header is read as it arrives (memory grows with the bytes actually
    /// received, not with the declared length) and parsed before any data; then exactly the bytes up to the end of
    /// the last tensor are read (at most <see cref="Array.MaxLength"/>), and anything after them is left unread.
    /// </remarks>
    /// <exception cref="WeightFileException">
    /// Reading failed (the stream's exception is the inner exception), or the content is not a valid safetensors file.
    /// </exception>
    public static SafeTensorsFile Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        return ReadBounded(stream, sourceName, null, e => WeightFileErrors.StreamFailed(sourceName, e));
    }

    /// <summary>Validates <paramref name="bytes"/> as a complete safetensors file.</summary>
    /// <param name="bytes">The file's bytes. They are not copied: do not change them while the result is in use.</param>
    /// <param name="sourceName">A name for messages, such as the file name the bytes came from.</param>
    /// <returns>The validated file.</returns>
    /// <exception cref="WeightFileException">The bytes are not a valid safetensors file.</exception>
    public static SafeTensorsFile Parse(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        var span = bytes.Span;
        if (span.Length < LengthPrefixSize) throw WeightFileErrors.ShorterThanLengthPrefix(sourceName, span.Length);

        int headerLength = CheckHeaderLength(BinaryPrimitives.ReadUInt64LittleEndian(span), span.Length - LengthPrefixSize, sourceName);
        int dataStart = LengthPrefixSize + headerLength;
        var header = SafeTensorsHeaderReader.Read(span[LengthPrefixSize..dataStart], sourceName);
        var dataBuffer = bytes[dataStart..];
        SafeTensorsLayout.Validate(header.Tensors, dataBuffer.Length, sourceName);
        return new SafeTensorsFile(sourceName, dataBuffer, header);
    }

    /// <summary>The header length as an int, once it is within the cap and within the bytes after the length field (when known).</summary>
    private static int CheckHeaderLength(ulong headerLength, long? bytesAfterLength, string sourceName)
    {
        if (headerLength > MaximumHeaderLength) throw WeightFileErrors.HeaderTooLarge(sourceName, headerLength);
        if (bytesAfterLength is long available && headerLength > (ulong)available)
        {
            throw WeightFileErrors.HeaderLongerThanFile(sourceName, headerLength, available);
        }
        return (int)headerLength;
    }

    /// <summary>
    /// The one reader behind <see cref="Open"/> and <see cref="Read"/>: length field, header (checked against
    /// <paramref name="totalLength"/> when it is known), then the data the tensors occupy.
    /// </summary>
    private static SafeTensorsFile ReadBounded(Stream stream, string sourceName, long? totalLength, Func<Exception, WeightFileException> readFailed)
    {
        try
        {
            var prefix = new byte[LengthPrefixSize];
            int prefixRead = ReadUpTo(stream, prefix);
            if (prefixRead < LengthPrefixSize) throw WeightFileErrors.ShorterThanLengthPrefix(sourceName, prefixRead);

            long? bytesAfterLength = totalLength - LengthPrefixSize;
            int headerLength = CheckHeaderLength(BinaryPrimitives.ReadUInt64LittleEndian(prefix), bytesAfterLength, sourceName);
            var header = SafeTensorsHeaderReader.Read(stream, headerLength, sourceName);

            long needed = 0;
            foreach (var tensor in header.Tensors) needed = Math.Max(needed, tensor.DataEnd);
            long? dataLength = bytesAfterLength - headerLength;
            if (dataLength is long known) SafeTensorsLayout.Validate(header.Tensors, known, sourceName);
            if (needed > Array.MaxLength) throw WeightFileErrors.DataTooLarge(sourceName, needed);

            var data = ReadGrowing(stream, (int)needed, totalLength is not null, out int dataRead);
            SafeTensorsLayout.Validate(header.Tensors, dataRead, sourceName);
            return new SafeTensorsFile(sourceName, new ReadOnlyMemory<byte>(data, 0, dataRead), header);
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException or UnauthorizedAccessException)
        {
            throw readFailed(e);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    /// <summary>
    /// Reads up to <paramref name="length"/> bytes. Unless the file is known to hold them, the buffer grows with what
    /// arrives, so a declared length the stream does not deliver costs only the bytes actually read.
    /// </summary>
    private static byte[] ReadGrowing(Stream stream, int length, bool lengthIsAvailable, out int read)
    {
        const int firstChunk = 1024 * 1024;
        var buffer = new byte[lengthIsAvailable ? length : Math.Min(length, firstChunk)];
        read = 0;
        while (read < length)
        {
            if (read == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            int chunk = stream.Read(buffer, read, buffer.Length - read);
            if (chunk == 0) break;
            read += chunk;
        }
        return buffer;
    }

    /// <summary>Whether the file has a tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <returns><see langword="true"/> when the header lists it.</returns>
    public bool Contains(string name) => _tensorsByName.ContainsKey(name);

    /// <summary>Looks up a tensor by name.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <param name="tensor">The tensor, when found.</param>
    /// <returns><see langword="true"/> when the header lists it.</returns>
    public bool TryGet(string name, [MaybeNullWhen(false)] out SafeTensorInfo tensor) => _tensorsByName.TryGetValue(name, out tensor);

    /// <summary>Looks up a tensor by name, or throws.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="WeightFileException">The file has no such tensor.</exception>
    public SafeTensorInfo Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _tensorsByName.TryGetValue(name, out var tensor) ? tensor : throw WeightFileErrors.TensorNotFound(SourceName, name);
    }

    /// <summary>The raw little-endian bytes of a tensor, for dtypes that are not read as floats.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <returns>A view of the file's memory, <see cref="SafeTensorInfo.ByteLength"/> bytes long.</returns>
    /// <exception cref="WeightFileException">The file has no such tensor.</exception>
    public ReadOnlyMemory<byte> GetData(string name)
    {
        var tensor = Get(name);
        return _dataBuffer.Slice((int)tensor.DataBegin, (int)tensor.ByteLength);
    }

    /// <summary>
    /// Converts a floating-point tensor to <see cref="float"/>: <c>F32</c> as is, <c>F16</c> through
    /// <see cref="Half"/>, <c>BF16</c> by placing its bits in the upper half of a float (exact), <c>F64</c> rounded
    /// to nearest.
    /// </summary>
    /// <param name="name">The tensor's key.</param>
    /// <param name="destination">Exactly <see cref="SafeTensorInfo.ElementCount"/> elements, filled in row-major order.</param>
    /// <exception cref="WeightFileException">The file has no such tensor, or its dtype is not a floating-point one.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public void ReadFloat32(string name, Span<float> destination)
    {
        var tensor = Get(name);
        if (!tensor.DataType.CanReadAsFloat32()) throw WeightFileErrors.UnsupportedDataTypeForFloat(SourceName, tensor);
        if (destination.Length != tensor.ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has {tensor.ElementCount} elements but the destination holds {destination.Length}.",
                nameof(destination));
        }
        Float32Conversion.Convert(tensor.DataType, _dataBuffer.Span.Slice((int)tensor.DataBegin, (int)tensor.ByteLength), destination);
    }

    /// <summary>Converts a floating-point tensor to a new <see cref="float"/> array; see <see cref="ReadFloat32(string, Span{float})"/>.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <returns>The values in row-major order.</returns>
    /// <exception cref="WeightFileException">The file has no such tensor, or its dtype is not a floating-point one.</exception>
    public float[] ReadFloat32(string name)
    {
        var tensor = Get(name);
        if (!tensor.DataType.CanReadAsFloat32()) throw WeightFileErrors.UnsupportedDataTypeForFloat(SourceName, tensor);
        var values = new float[tensor.ElementCount];
        ReadFloat32(name, values);
        return values;
    }
}
