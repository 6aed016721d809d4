using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.IO;

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
/// Instances are immutable and safe to read from several threads. The whole file is held in memory (these
/// are the weights of small convolutional networks), so a file must be smaller than 2 GiB.
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
        Tensors = new ReadOnlyCollection<SafeTensorInfo>(new List<SafeTensorInfo>(header.Tensors));
        Metadata = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(header.Metadata, StringComparer.Ordinal));
        _tensorsByName = new Dictionary<string, SafeTensorInfo>(header.Tensors.Count, StringComparer.Ordinal);
        foreach (var tensor in header.Tensors) _tensorsByName.Add(tensor.Name, tensor);
    }

    /// <summary>The path the file was opened from, or the name given to <see cref="Read"/> or <see cref="Parse"/>; used in every message.</summary>
    public string SourceName { get; }

    /// <summary>The tensors, in the order the header lists them.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> map; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and validates the safetensors file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read; it also becomes <see cref="SourceName"/>.</param>
    /// <returns>The validated file.</returns>
    /// <exception cref="WeightFileException">
    /// The file does not exist or cannot be read (the original exception is the inner exception), or it is
    /// not a valid safetensors file.
    /// </exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw WeightFileErrors.FileNotFound(path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw WeightFileErrors.CouldNotRead(path, e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Reads <paramref name="stream"/> to its end and validates it as a safetensors file.</summary>
    /// <param name="stream">The stream to read from its current position; it is not closed.</param>
    /// <param name="sourceName">A name for messages, such as the file name or URL the stream came from.</param>
    /// <returns>The validated file.</returns>
    /// <exception cref="WeightFileException">Reading failed, or the content is not a valid safetensors file.</exception>
    public static SafeTensorsFile Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        var copy = new MemoryStream();
        try
        {
            stream.CopyTo(copy);
        }
        catch (IOException e)
        {
            throw WeightFileErrors.StreamFailed(sourceName, e);
        }
        return Parse(new ReadOnlyMemory<byte>(copy.GetBuffer(), 0, checked((int)copy.Length)), sourceName);
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

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(span);
        if (headerLength > MaximumHeaderLength) throw WeightFileErrors.HeaderTooLarge(sourceName, headerLength);
        int bytesAfterLength = span.Length - LengthPrefixSize;
        if (headerLength > (ulong)bytesAfterLength) throw WeightFileErrors.HeaderLongerThanFile(sourceName, headerLength, bytesAfterLength);

        int dataStart = LengthPrefixSize + (int)headerLength;
        var header = SafeTensorsHeaderReader.Read(span[LengthPrefixSize..dataStart], sourceName);
        var dataBuffer = bytes[dataStart..];
        SafeTensorsLayout.Validate(header.Tensors, dataBuffer.Length, sourceName);
        return new SafeTensorsFile(sourceName, dataBuffer, header);
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
