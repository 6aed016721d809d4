using GroupNetDsl.Package.Tests.Infrastructure;

namespace GroupNetDsl.Package.Tests.Reference;

/// <summary>
/// The standard library's <c>DepthwiseSeparableConv(32, 64)</c> (dw: 3x3 depthwise conv, padding 1, no bias; pw: 1x1
/// conv 32 -> 64, no bias; bn: eval-mode batchnorm, eps 1e-5; act: relu) with weights drawn here, written as the
/// state_dict PyTorch would save, and computed the naive way in double: a loop per output element, batchnorm
/// applied as its formula, not folded. The expected numbers of the package test come from here.
/// </summary>
public sealed class SeparableBlockReference
{
    public const int InputChannels = 32;
    public const int OutputChannels = 64;
    public const double Epsilon = 1e-5;

    private SeparableBlockReference(Random random)
    {
        DepthwiseWeight = Uniform(random, InputChannels * 3 * 3, -0.5, 0.5);
        PointwiseWeight = Uniform(random, OutputChannels * InputChannels, -0.3, 0.3);
        Gamma = Uniform(random, OutputChannels, 0.5, 1.5);
        Beta = Uniform(random, OutputChannels, -0.2, 0.2);
        RunningMean = Uniform(random, OutputChannels, -0.1, 0.1);
        RunningVariance = Uniform(random, OutputChannels, 0.5, 1.5);
    }

    public float[] DepthwiseWeight { get; }

    public float[] PointwiseWeight { get; }

    public float[] Gamma { get; }

    public float[] Beta { get; }

    public float[] RunningMean { get; }

    public float[] RunningVariance { get; }

    public static SeparableBlockReference Random(int seed) => new(new Random(seed));

    /// <summary>The weights under the keys of the PyTorch module's state_dict, batchnorm's step counter included.</summary>
    public void WriteSafeTensors(string path) => new SafeTensorsWriter()
        .Float32("dw.weight", [InputChannels, 1, 3, 3], DepthwiseWeight)
        .Float32("pw.weight", [OutputChannels, InputChannels, 1, 1], PointwiseWeight)
        .Float32("bn.weight", [OutputChannels], Gamma)
        .Float32("bn.bias", [OutputChannels], Beta)
        .Float32("bn.running_mean", [OutputChannels], RunningMean)
        .Float32("bn.running_var", [OutputChannels], RunningVariance)
        .Int64Scalar("bn.num_batches_tracked", 100)
        .WriteTo(path);

    /// <summary>The block's output (64 x height x width, NCHW) for one image of 32 x height x width.</summary>
    public double[] Forward(float[] input, int height, int width)
    {
        if (input.Length != InputChannels * height * width) throw new ArgumentException("The input is not 32 x height x width.", nameof(input));
        var depthwise = new double[InputChannels * height * width];
        for (int c = 0; c < InputChannels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double sum = 0;
                    for (int ky = 0; ky < 3; ky++)
                    {
                        for (int kx = 0; kx < 3; kx++)
                        {
                            int iy = y + ky - 1, ix = x + kx - 1;
                            if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                            sum += (double)input[(c * height + iy) * width + ix] * DepthwiseWeight[(c * 3 + ky) * 3 + kx];
                        }
                    }
                    depthwise[(c * height + y) * width + x] = sum;
                }
            }
        }

        var output = new double[OutputChannels * height * width];
        for (int o = 0; o < OutputChannels; o++)
        {
            for (int p = 0; p < height * width; p++)
            {
                double sum = 0;
                for (int c = 0; c < InputChannels; c++) sum += PointwiseWeight[o * InputChannels + c] * depthwise[c * height * width + p];
                double normalized = (sum - RunningMean[o]) / Math.Sqrt(RunningVariance[o] + Epsilon) * Gamma[o] + Beta[o];
                output[o * height * width + p] = Math.Max(normalized, 0);
            }
        }
        return output;
    }

    private static float[] Uniform(Random random, int count, double low, double high)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
        return values;
    }
}
