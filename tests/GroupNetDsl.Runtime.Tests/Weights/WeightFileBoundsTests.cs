using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Runtime.Tests.Weights;

/// <summary>Weight files that are damaged or hostile: each ends quickly in a <see cref="WeightFileException"/> naming the file.</summary>
public sealed class WeightFileBoundsTests
{
    private static readonly BatchNormKeys Keys = new("bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", 1e-5);

    private static WeightLoader BatchNorm(float gamma, float beta, float mean, float variance) =>
        new(SafeTensorsFile.Parse(new SafeTensorsWriter()
            .AddFloat32("conv.weight", [2, 1, 1, 1], 1f, 1f)
            .AddFloat32("bn.weight", [2], 1f, gamma)
            .AddFloat32("bn.bias", [2], 0f, beta)
            .AddFloat32("bn.running_mean", [2], 0f, mean)
            .AddFloat32("bn.running_var", [2], 1f, variance)
            .ToBytes(), "damaged.safetensors"));

    [Theory]
    [InlineData(1f, 0f, 0f, -1f, "bn.running_var")]
    [InlineData(1f, 0f, 0f, float.NaN, "bn.running_var")]
    [InlineData(1f, 0f, 0f, float.PositiveInfinity, "bn.running_var")]
    [InlineData(float.NaN, 0f, 0f, 1f, "bn.weight")]
    [InlineData(1f, float.NegativeInfinity, 0f, 1f, "bn.bias")]
    [InlineData(1f, 0f, float.NaN, 1f, "bn.running_mean")]
    public void Damaged_batchnorm_statistics_name_the_file_and_the_key(float gamma, float beta, float mean, float variance, string key)
    {
        var alone = Assert.Throws<WeightFileException>(() => BatchNormFolding.LoadScaleShift(BatchNorm(gamma, beta, mean, variance), Keys, channels: 2));
        var folded = Assert.Throws<WeightFileException>(() => ConvolutionWeights.Load(BatchNorm(gamma, beta, mean, variance), "conv.weight", null, 2, 1, 1, 1, Keys));

        foreach (var error in new[] { alone, folded })
        {
            Assert.Equal("damaged.safetensors", error.SourceName);
            Assert.Equal(key, error.Key);
            Assert.StartsWith($"damaged.safetensors: tensor '{key}' has ", error.Message, StringComparison.Ordinal);
            Assert.Contains("channel 1", error.Message, StringComparison.Ordinal);
            Assert.Contains("export the weights again", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_variance_of_minus_eps_is_rejected_and_one_just_above_is_folded()
    {
        // var + eps = 0 has no square root to divide by; var = -eps / 2 leaves eps / 2 > 0, scale sqrt(2 / eps).
        var keys = Keys with { Epsilon = 0.5 };
        Assert.Throws<WeightFileException>(() => BatchNormFolding.LoadScaleShift(BatchNorm(1f, 0f, 0f, -0.5f), keys, channels: 2));

        var (scale, _) = BatchNormFolding.LoadScaleShift(BatchNorm(1f, 0f, 0f, -0.25f), keys, channels: 2);

        Assert.Equal(2f, scale[1]);
    }

    [Fact]
    public void The_header_length_is_checked_against_the_file_before_the_file_is_read()
    {
        // A sparse file of 256 MiB whose header length is past the cap: reading it whole would allocate 256 MiB.
        string path = Path.Combine(Path.GetTempPath(), $"gnet-sparse-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var file = File.Create(path))
            {
                file.Write(BitConverter.GetBytes((ulong)SafeTensorsFile.MaximumHeaderLength + 1));
                file.SetLength(256L * 1024 * 1024);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();

            var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Open(path));

            Assert.Contains("more than the 100 MiB", error.Message, StringComparison.Ordinal);
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1024 * 1024);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_declared_header_longer_than_a_small_file_is_rejected_by_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gnet-short-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, SafeTensorsWriter.Assemble(50UL * 1024 * 1024, "{}"u8.ToArray(), []));
            long before = GC.GetAllocatedBytesForCurrentThread();

            var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Open(path));

            Assert.Contains("the header length 52428800 is larger than the file, which has only 2 bytes after the length field", error.Message, StringComparison.Ordinal);
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1024 * 1024);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_endless_stream_of_zeros_ends_at_the_empty_header()
    {
        // /dev/zero: header length 0, so the header is empty and not JSON; only the length field may be read.
        using var zeros = new EndlessStream([], maximumBytesRead: 1024);

        var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(zeros, "/dev/zero"));

        Assert.StartsWith("/dev/zero: the header is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_with_a_header_length_past_the_cap_is_rejected_after_eight_bytes()
    {
        using var stream = new EndlessStream(BitConverter.GetBytes(1UL << 40), maximumBytesRead: 1024);

        var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(stream, "huge"));

        Assert.Contains("more than the 100 MiB", error.Message, StringComparison.Ordinal);
        Assert.Equal(8, stream.BytesRead);
    }

    [Fact]
    public void A_stream_that_declares_a_long_header_and_ends_costs_only_what_it_sent()
    {
        var bytes = SafeTensorsWriter.Assemble(90UL * 1024 * 1024, "{}"u8.ToArray(), []);
        using var stream = new MemoryStream(bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(stream, "short"));

        Assert.Contains("is larger than the file, which has only 2 bytes", error.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4 * 1024 * 1024);
    }

    [Fact]
    public void After_the_last_tensor_an_endless_stream_is_not_read()
    {
        var file = new SafeTensorsWriter().AddFloat32("w", [2], 1.5f, -2f).ToBytes();
        using var stream = new EndlessStream(file, maximumBytesRead: file.Length + 1024);

        var weights = SafeTensorsFile.Read(stream, "endless");

        Assert.Equal([1.5f, -2f], weights.ReadFloat32("w"));
    }

    [Theory]
    [InlineData(typeof(NotSupportedException))]
    [InlineData(typeof(ObjectDisposedException))]
    [InlineData(typeof(IOException))]
    public void A_stream_whose_read_throws_gives_a_weight_file_exception_naming_it(Type exceptionType)
    {
        using var stream = new ThrowingStream((Exception)Activator.CreateInstance(exceptionType, "boom")!);

        var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(stream, "remote.safetensors"));

        Assert.Equal("remote.safetensors", error.SourceName);
        Assert.StartsWith("remote.safetensors: reading the weights failed", error.Message, StringComparison.Ordinal);
        Assert.IsType(exceptionType, error.InnerException);
    }

    [Fact]
    public void A_disposed_stream_gives_a_weight_file_exception()
    {
        var stream = new MemoryStream(new byte[16]);
        stream.Dispose();

        var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(stream, "closed"));

        Assert.IsType<ObjectDisposedException>(error.InnerException);
    }

    [Fact]
    public void A_directory_is_named_as_one()
    {
        string directory = Directory.CreateTempSubdirectory("gnet-dir-").FullName;
        try
        {
            var error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Open(directory));

            Assert.Equal($"Weight file '{directory}' is a directory, not a file. Give the path of the .safetensors file inside it.", error.Message);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    /// <summary>A prefix, then zeros for ever; fails the test when more than the allowed bytes are read.</summary>
    private sealed class EndlessStream(byte[] prefix, long maximumBytesRead) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (BytesRead + count > maximumBytesRead) count = (int)(maximumBytesRead - BytesRead);
            Assert.True(count > 0, $"The reader asked for more than {maximumBytesRead} bytes of an endless stream.");
            for (int i = 0; i < count; i++)
            {
                long position = BytesRead + i;
                buffer[offset + i] = position < prefix.Length ? prefix[position] : (byte)0;
            }
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class ThrowingStream(Exception error) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw error;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
