using GroupNetDsl.Kernels;
using GroupNetDsl.TestSupport.SafeTensors;
using GroupNetDsl.Weights;

namespace GroupNetDsl.Runtime.Tests.Weights;

public sealed class ConvolutionWeightsTests
{
    [Fact]
    public void A_depthwise_conv_keeps_PyTorchs_layout_and_its_bias()
    {
        float[] weight = [1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f];
        var loader = Loader(new SafeTensorsWriter()
            .AddFloat32("dw.weight", [2, 1, 2, 2], weight)
            .AddFloat32("dw.bias", [2], 0.5f, -0.5f));

        var (loaded, bias) = ConvolutionWeights.Load(loader, "dw.weight", "dw.bias", outChannels: 2, inChannelsPerGroup: 1, kernelSize: 2, groups: 2);

        Assert.Equal(weight, loaded);
        Assert.Equal([0.5f, -0.5f], bias);
        Assert.Empty(loader.GetUnusedKeys());
    }

    [Fact]
    public void A_conv_without_bias_or_batchnorm_gets_an_empty_bias()
    {
        var loader = Loader(new SafeTensorsWriter().AddFloat32("dw.weight", [1, 1, 1, 1], 3f));

        var (loaded, bias) = ConvolutionWeights.Load(loader, "dw.weight", biasKey: null, outChannels: 1, inChannelsPerGroup: 1, kernelSize: 1, groups: 1);

        Assert.Equal([3f], loaded);
        Assert.Empty(bias);
    }

    [Fact]
    public void A_following_batchnorm_is_folded_into_weight_and_bias()
    {
        // Two depthwise channels (no packing), 1x1 kernels with a bias: w' = w * s, b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps).
        const double eps = 1e-3;
        var loader = Loader(new SafeTensorsWriter()
            .AddFloat32("conv.weight", [2, 1, 1, 1], 2f, -3f)
            .AddFloat32("conv.bias", [2], 1f, 0.25f)
            .AddFloat32("bn.weight", [2], 0.5f, 4f)
            .AddFloat32("bn.bias", [2], 0.1f, -1f)
            .AddFloat32("bn.running_mean", [2], 0.5f, -2f)
            .AddFloat32("bn.running_var", [2], 3f, 0.25f)
            .AddInt64("bn.num_batches_tracked", [], 7));
        var norm = new BatchNormKeys("bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", eps);

        var (weight, bias) = ConvolutionWeights.Load(loader, "conv.weight", "conv.bias", outChannels: 2, inChannelsPerGroup: 1, kernelSize: 1, groups: 2, norm);

        double s0 = 0.5 / Math.Sqrt(3 + eps), s1 = 4 / Math.Sqrt(0.25 + eps);
        Assert.Equal([(float)(2 * s0), (float)(-3 * s1)], weight);
        Assert.Equal([(float)((1 - 0.5) * s0 + 0.1), (float)((0.25 + 2) * s1 - 1)], bias);
        Assert.Empty(loader.GetUnusedKeys());
    }

    [Fact]
    public void A_conv_without_its_own_bias_folds_the_batchnorm_into_a_new_one()
    {
        var loader = Loader(new SafeTensorsWriter()
            .AddFloat32("conv.weight", [1, 2, 1, 1], 1f, 2f)
            .AddFloat32("bn.weight", [1], 2f)
            .AddFloat32("bn.bias", [1], 1f)
            .AddFloat32("bn.running_mean", [1], 3f)
            .AddFloat32("bn.running_var", [1], 4f)
            .AddInt64("bn.num_batches_tracked", [], 1));
        var norm = new BatchNormKeys("bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", 0);

        // s = 2 / sqrt(4) = 1: the weight is unchanged (then packed), the bias is (0 - 3) * 1 + 1.
        var (_, bias) = ConvolutionWeights.Load(loader, "conv.weight", biasKey: null, outChannels: 1, inChannelsPerGroup: 2, kernelSize: 1, groups: 1, norm);

        Assert.Equal([-2f], bias);
    }

    [Fact]
    public void A_grouped_conv_is_packed_in_the_products_block_layout()
    {
        // Two groups of 3 output rows, each row 2 input channels x 2x2 taps = depth 8.
        const int groups = 2, rows = 3, depth = 8;
        float[] weight = Enumerable.Range(1, groups * rows * depth).Select(i => (float)i).ToArray();
        var loader = Loader(new SafeTensorsWriter().AddFloat32("g.weight", [groups * rows, 2, 2, 2], weight));

        var (packed, _) = ConvolutionWeights.Load(loader, "g.weight", biasKey: null, outChannels: groups * rows, inChannelsPerGroup: 2, kernelSize: 2, groups: groups);

        // The layout PackedGemm documents: [group][block of BlockRows rows][depth][row in block], the last block padded with zero rows.
        int blockRows = PackedGemm.BlockRows(rows);
        int blocks = (rows + blockRows - 1) / blockRows;
        var expected = new float[groups * blocks * depth * blockRows];
        for (int g = 0; g < groups; g++)
        {
            for (int row = 0; row < rows; row++)
            {
                for (int k = 0; k < depth; k++)
                {
                    expected[((g * blocks + row / blockRows) * depth + k) * blockRows + row % blockRows] = weight[(g * rows + row) * depth + k];
                }
            }
        }
        Assert.Equal(expected, packed);
    }

    private static WeightLoader Loader(SafeTensorsWriter builder) => new(SafeTensorsFile.Parse(builder.ToBytes(), "conv.safetensors"));
}
