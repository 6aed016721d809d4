using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>The channel shuffle kernel: torchvision's permutation, written out here, and its argument checks.</summary>
public class ChannelKernelsTests
{
    [Theory]
    [InlineData(6, 2, 5)]
    [InlineData(6, 3, 1)]
    [InlineData(12, 4, 7)]
    [InlineData(8, 1, 3)]
    [InlineData(8, 8, 3)]
    public void Shuffle_moves_channel_g_times_c_over_groups_plus_j_to_j_times_groups_plus_g(int channels, int groups, int plane)
    {
        var input = Enumerable.Range(0, channels * plane).Select(i => (float)i).ToArray();
        var output = new float[input.Length];

        ChannelKernels.Shuffle(input, output, channels, groups);

        int perGroup = channels / groups;
        for (int g = 0; g < groups; g++)
        {
            for (int j = 0; j < perGroup; j++)
            {
                for (int p = 0; p < plane; p++) Assert.Equal(input[(g * perGroup + j) * plane + p], output[(j * groups + g) * plane + p]);
            }
        }
    }

    [Fact]
    public void Shuffle_rejects_groups_that_do_not_divide_lengths_that_differ_and_overlapping_spans()
    {
        var buffer = new float[24];
        Assert.Throws<ArgumentException>(() => ChannelKernels.Shuffle(new float[12], new float[12], 6, 4));
        Assert.Throws<ArgumentException>(() => ChannelKernels.Shuffle(new float[12], new float[13], 6, 2));
        Assert.Throws<ArgumentException>(() => ChannelKernels.Shuffle(new float[13], new float[13], 6, 2));
        Assert.Throws<ArgumentException>(() => ChannelKernels.Shuffle(buffer.AsSpan(0, 12), buffer.AsSpan(6, 12), 6, 2));
        Assert.Throws<ArgumentException>(() => ChannelKernels.Shuffle(new float[12], new float[12], 0, 1));
    }
}
