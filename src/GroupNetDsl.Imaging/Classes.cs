using System;
using System.Numerics.Tensors;

namespace GroupNetDsl.Imaging;

/// <summary>What a classifier's logits mean: probabilities (softmax) and the most likely classes.</summary>
public static class Classes
{
    /// <summary>
    /// Softmax of <paramref name="logits"/> into <paramref name="probabilities"/>, with the largest logit subtracted
    /// first as PyTorch does, so large logits do not overflow (TensorPrimitives.SoftMax alone returns NaN for a logit
    /// of 1000).
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        if (logits.IsEmpty) throw new ArgumentException("There are no logits.", nameof(logits));
        if (probabilities.Length < logits.Length) throw new ArgumentException($"The destination holds {probabilities.Length} values; there are {logits.Length} logits.", nameof(probabilities));
        probabilities = probabilities[..logits.Length];
        TensorPrimitives.Subtract(logits, TensorPrimitives.Max(logits), probabilities);
        TensorPrimitives.Exp(probabilities, probabilities);
        TensorPrimitives.Divide(probabilities, TensorPrimitives.Sum(probabilities), probabilities);
    }

    /// <summary>The softmax of <paramref name="logits"/> as a new array.</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var probabilities = new float[logits.Length];
        Softmax(logits, probabilities);
        return probabilities;
    }

    /// <summary>
    /// The <paramref name="k"/> highest scores with their class indices, highest first (ties: the lower index first,
    /// as torch.topk on CPU); k larger than the number of classes gives all of them. NaN scores rank last.
    /// </summary>
    public static (int Class, float Score)[] Top(ReadOnlySpan<float> scores, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var values = scores.ToArray();
        Array.Sort(order, (a, b) =>
        {
            int byScore = Rank(values[b]).CompareTo(Rank(values[a]));
            return byScore != 0 ? byScore : a.CompareTo(b);
        });
        int count = Math.Min(k, order.Length);
        var top = new (int, float)[count];
        for (int i = 0; i < count; i++) top[i] = (order[i], values[order[i]]);
        return top;
    }

    /// <summary>The index of the highest score (the first one on a tie); -1 for no scores.</summary>
    public static int ArgMax(ReadOnlySpan<float> scores) => scores.IsEmpty ? -1 : TensorPrimitives.IndexOfMax(scores);

    private static float Rank(float score) => float.IsNaN(score) ? float.NegativeInfinity : score;
}
