using GroupNetDsl.Kernels;
using GroupNetDsl.TestSupport.Reference;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>The channel shuffle kernels: torchvision's permutation, written out here or the naive reference's, and their argument checks.</summary>
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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void ShufflePart_of_each_operand_gives_the_naive_cat_then_channel_shuffle(int seed)
    {
        // Random operands (1 to 3, any channel counts), groups dividing their total, planes from 1x1 to odd sizes.
        var random = new Random(seed);
        int groups = random.Next(1, 5);
        int count = random.Next(1, 4);
        int[] channels = Enumerable.Range(0, count).Select(_ => random.Next(1, 7)).ToArray();
        channels[^1] += (groups - channels.Sum() % groups) % groups;
        int height = random.Next(1, 6), width = random.Next(1, 9), plane = height * width, total = channels.Sum();
        var parts = channels.Select(c => Enumerable.Range(0, c * plane).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
        var output = new float[total * plane];

        int first = 0;
        for (int i = 0; i < count; i++)
        {
            ChannelKernels.ShufflePart(parts[i], first, output, total, groups);
            first += channels[i];
        }

        var expected = NaiveReference.ChannelShuffle(NaiveReference.Cat(parts.Select((p, i) => new Tensor(1, channels[i], height, width, p.Select(v => (double)v).ToArray())).ToArray()), groups);
        Assert.Equal(expected.Data.Select(v => (float)v).ToArray(), output);
    }

    [Fact]
    public void ShufflePart_rejects_operands_outside_the_channels_partial_planes_and_overlapping_spans()
    {
        var buffer = new float[24];
        Assert.Throws<ArgumentException>(() => ChannelKernels.ShufflePart(new float[6], 0, new float[12], 6, 4));
        Assert.Throws<ArgumentException>(() => ChannelKernels.ShufflePart(new float[6], 5, new float[12], 6, 2));
        Assert.Throws<ArgumentException>(() => ChannelKernels.ShufflePart(new float[6], -1, new float[12], 6, 2));
        Assert.Throws<ArgumentException>(() => ChannelKernels.ShufflePart(new float[14], 0, new float[12], 6, 2));
        Assert.Throws<ArgumentException>(() => ChannelKernels.ShufflePart(new float[5], 0, new float[12], 6, 2));
        Assert.Throws<ArgumentException>(() => ChannelKernels.ShufflePart(new float[1], 0, new float[13], 6, 2));
        Assert.Throws<ArgumentException>(() => ChannelKernels.ShufflePart(buffer.AsSpan(0, 4), 0, buffer.AsSpan(2, 12), 6, 2));
        Assert.Throws<ArgumentException>(() => ChannelKernels.ShufflePart(new float[2], 0, new float[12], 0, 1));
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
