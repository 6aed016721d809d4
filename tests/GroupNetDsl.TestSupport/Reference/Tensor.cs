namespace GroupNetDsl.TestSupport.Reference;

/// <summary>A batch of activations, NCHW, in double precision. A flat vector is C x 1 x 1.</summary>
public sealed class Tensor
{
    public Tensor(int batch, int channels, int height, int width, double[]? data = null)
    {
        Batch = batch;
        Channels = channels;
        Height = height;
        Width = width;
        Data = data ?? new double[batch * channels * height * width];
        if (Data.Length != batch * channels * height * width) throw new ArgumentException("Data length does not match the shape.");
    }

    public int Batch { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public double[] Data { get; }

    public double this[int n, int c, int y, int x]
    {
        get => Data[((n * Channels + c) * Height + y) * Width + x];
        set => Data[((n * Channels + c) * Height + y) * Width + x] = value;
    }

    public static Tensor FromFloats(float[] values, int batch, int channels, int height, int width) =>
        new(batch, channels, height, width, values.Select(v => (double)v).ToArray());
}
