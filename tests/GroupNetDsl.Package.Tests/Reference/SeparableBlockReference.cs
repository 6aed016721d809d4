using GroupNetDsl.TestSupport.Reference;
using GroupNetDsl.TestSupport.SafeTensors;

namespace GroupNetDsl.Package.Tests.Reference;

/// <summary>
/// The standard library's <c>DepthwiseSeparableConv(32, 64)</c> (dw: 3x3 depthwise conv, padding 1, no bias; pw: 1x1
/// conv 32 -> 64, no bias; bn: eval-mode batchnorm, eps 1e-5; act: relu) with weights drawn here, written as the
/// state_dict PyTorch would save, and computed by the shared naive reference in double, batchnorm applied as its
/// formula, not folded. The expected numbers of the package test come from here.
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
        .AddFloat32("dw.weight", [InputChannels, 1, 3, 3], DepthwiseWeight)
        .AddFloat32("pw.weight", [OutputChannels, InputChannels, 1, 1], PointwiseWeight)
        .AddFloat32("bn.weight", [OutputChannels], Gamma)
        .AddFloat32("bn.bias", [OutputChannels], Beta)
        .AddFloat32("bn.running_mean", [OutputChannels], RunningMean)
        .AddFloat32("bn.running_var", [OutputChannels], RunningVariance)
        .AddInt64Scalar("bn.num_batches_tracked", 100)
        .WriteTo(path);

    /// <summary>The block's output (64 x height x width, NCHW) for one image of 32 x height x width.</summary>
    public double[] Forward(float[] input, int height, int width)
    {
        if (input.Length != InputChannels * height * width) throw new ArgumentException("The input is not 32 x height x width.", nameof(input));
        var image = Tensor.FromFloats(input, 1, InputChannels, height, width);
        var depthwise = NaiveReference.Conv2d(image, DepthwiseWeight, null, InputChannels, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: InputChannels);
        var pointwise = NaiveReference.Conv2d(depthwise, PointwiseWeight, null, OutputChannels, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1);
        return NaiveReference.Relu(NaiveReference.BatchNorm(pointwise, Gamma, Beta, RunningMean, RunningVariance, Epsilon)).Data;
    }

    private static float[] Uniform(Random random, int count, double low, double high)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
        return values;
    }
}
