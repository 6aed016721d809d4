using System.Text;
using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Runtime.Tests.Weights;

/// <summary>
/// A file or stream's header is parsed in chunks of 1 MiB as it is read, so the header's bytes are never all in memory
/// next to the tables built from them. Headers longer than a chunk must read exactly as the same bytes parsed whole
/// (<see cref="SafeTensorsFile.Parse"/>): entries, tokens and UTF-8 characters cut by a chunk's end, and the same
/// errors.
/// </summary>
public sealed class ChunkedHeaderTests
{
    private const int Chunk = 1024 * 1024;

    [Fact]
    public void A_header_of_several_chunks_reads_as_the_same_bytes_parsed_whole()
    {
        // About 40,000 entries, 2.5 MiB of header: chunk ends fall inside entries, names and numbers.
        var writer = new SafeTensorsWriter();
        for (int i = 0; i < 40_000; i++) writer.AddFloat32($"layer{i}.weight", [1], i);
        var bytes = writer.ToBytes();
        Assert.True(BitConverter.ToUInt64(bytes) > 2 * Chunk);

        var whole = SafeTensorsFile.Parse(bytes, "weights");
        var read = SafeTensorsFile.Read(new MemoryStream(bytes), "weights");

        Assert.Equal(whole.Tensors.Select(t => t.ToString()), read.Tensors.Select(t => t.ToString()));
        Assert.Equal(whole.Tensors.Select(t => (t.DataBegin, t.DataEnd)), read.Tensors.Select(t => (t.DataBegin, t.DataEnd)));
        Assert.Equal(39_999f, read.ReadFloat32("layer39999.weight")[0]);
    }

    [Fact]
    public void Reading_a_stream_never_holds_the_whole_header()
    {
        var writer = new SafeTensorsWriter();
        for (int i = 0; i < 40_000; i++) writer.AddFloat32($"layer{i}.weight", [1], i);
        var bytes = writer.ToBytes();
        long headerLength = (long)BitConverter.ToUInt64(bytes);
        SafeTensorsFile.Read(new MemoryStream(bytes), "warm-up");

        // Parse reads the caller's bytes in place; Read allocates the same tables plus what it reads into.
        long before = GC.GetAllocatedBytesForCurrentThread();
        SafeTensorsFile.Parse(bytes, "weights");
        long parsed = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        SafeTensorsFile.Read(new MemoryStream(bytes), "weights");
        long read = GC.GetAllocatedBytesForCurrentThread() - before;

        // A chunk and the 160 KB of data, not a copy of the 2.5 MiB header.
        Assert.InRange(read - parsed, 0, headerLength - Chunk);
    }

    [Fact]
    public void A_name_longer_than_a_chunk_with_a_character_cut_by_the_chunks_end_reads_whole()
    {
        // '€' is 3 bytes; the name starts 2 bytes into the header, so the first chunk ends 2 bytes into a '€'.
        Assert.Equal(2, (Chunk - 2) % 3);
        string name = new('€', 500_000);
        var bytes = new SafeTensorsWriter().AddFloat32(name, [1], 7f).ToBytes();

        var read = SafeTensorsFile.Read(new MemoryStream(bytes), "weights");

        Assert.Equal(name, Assert.Single(read.Tensors).Name);
        Assert.Equal(7f, read.ReadFloat32(name)[0]);
    }

    [Fact]
    public void Invalid_UTF8_in_a_later_chunk_is_the_same_error_as_in_memory()
    {
        var writer = new SafeTensorsWriter();
        for (int i = 0; i < 40_000; i++) writer.AddFloat32($"layer{i}.weight", [1], i);
        var bytes = writer.ToBytes();
        // A byte that is never UTF-8, inside a name of the third chunk.
        int at = Encoding.ASCII.GetString(bytes).IndexOf("layer35000.", StringComparison.Ordinal) + 2;
        Assert.True(at > 2 * Chunk);
        bytes[at] = 0xFF;

        var inMemory = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Parse(bytes, "weights"));
        var streamed = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(new MemoryStream(bytes), "weights"));

        Assert.Equal("weights: the header is not valid UTF-8.", inMemory.Message[..inMemory.Message.IndexOf('.', StringComparison.Ordinal)] + ".");
        Assert.Equal(inMemory.Message, streamed.Message);
    }

    [Fact]
    public void A_stream_that_ends_inside_a_long_header_is_the_same_error_as_in_memory()
    {
        var writer = new SafeTensorsWriter();
        for (int i = 0; i < 40_000; i++) writer.AddFloat32($"layer{i}.weight", [1], i);
        var bytes = writer.ToBytes()[..(8 + (3 * Chunk / 2))];

        var inMemory = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Parse(bytes, "weights"));
        var streamed = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(new MemoryStream(bytes), "weights"));

        Assert.Contains($"which has only {3 * Chunk / 2} bytes after the length field", inMemory.Message, StringComparison.Ordinal);
        Assert.Equal(inMemory.Message, streamed.Message);
    }
}
