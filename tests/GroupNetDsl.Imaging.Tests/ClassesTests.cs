namespace GroupNetDsl.Imaging.Tests;

/// <summary>Softmax and top-k against arithmetic written here (in double).</summary>
public sealed class ClassesTests
{
    [Theory]
    [InlineData(new[] { 1f, 2f, 3f })]
    [InlineData(new[] { 1000f, 1001f, 999f })]
    [InlineData(new[] { -5f })]
    public void Softmax_is_exp_over_the_sum_of_exps_even_for_large_logits(float[] logits)
    {
        double max = logits.Max();
        double sum = logits.Sum(l => Math.Exp(l - max));

        var probabilities = Classes.Softmax(logits);

        for (int i = 0; i < logits.Length; i++) Assert.Equal(Math.Exp(logits[i] - max) / sum, probabilities[i], 1e-6);
        Assert.Equal(1.0, probabilities.Sum(p => (double)p), 1e-6);
    }

    [Fact]
    public void Top_gives_the_highest_scores_first_lower_index_on_ties_and_NaN_last()
    {
        float[] scores = [0.1f, float.NaN, 0.5f, 0.2f, 0.5f];

        Assert.Equal([(2, 0.5f), (4, 0.5f), (3, 0.2f)], Classes.Top(scores, 3));
        Assert.Equal(5, Classes.Top(scores, 10).Length);
        Assert.Equal(1, Classes.Top(scores, 10)[^1].Class);
        Assert.Empty(Classes.Top(scores, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Classes.Top(scores, -1));
    }

    [Fact]
    public void ArgMax_is_the_first_highest_score()
    {
        Assert.Equal(1, Classes.ArgMax([0f, 3f, 3f, 1f]));
        Assert.Equal(-1, Classes.ArgMax([]));
    }
}
