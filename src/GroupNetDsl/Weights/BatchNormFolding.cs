using System;
using System.Globalization;

namespace GroupNetDsl.Weights;

/// <summary>
/// The state_dict keys and eps of a batchnorm, for loading it in one call. The keys are passed as they are: their
/// naming is the generator's.
/// </summary>
/// <param name="WeightKey">gamma, e.g. "stem.1.weight".</param>
/// <param name="BiasKey">beta.</param>
/// <param name="RunningMeanKey">The running mean.</param>
/// <param name="RunningVarianceKey">The running variance.</param>
/// <param name="NumBatchesTrackedKey">The step counter, not needed for inference.</param>
/// <param name="Epsilon">eps.</param>
public sealed record BatchNormKeys(string WeightKey, string BiasKey, string RunningMeanKey, string RunningVarianceKey, string NumBatchesTrackedKey, double Epsilon);

/// <summary>
/// Turns inference-mode batch normalization into plain arithmetic the emitted code can apply for free:
/// folded into the weights of the convolution before it, or reduced to one scale and shift per channel.
/// </summary>
/// <remarks>
/// <para>In inference mode, batch normalization of channel c is the affine map</para>
/// <code>
/// y = gamma[c] * (x - mean[c]) / sqrt(var[c] + eps) + beta[c]
///   = scale[c] * x + shift[c],   scale[c] = gamma[c] / sqrt(var[c] + eps),   shift[c] = beta[c] - mean[c] * scale[c]
/// </code>
/// <para>
/// When x is output channel c of a convolution, x = sum(w[c, ...] * input) + b[c], and the sum is linear, so
/// </para>
/// <code>
/// y = sum((w[c, ...] * scale[c]) * input) + (b[c] - mean[c]) * scale[c] + beta[c]
/// </code>
/// <para>
/// that is, the same convolution with w'[c, ...] = w[c, ...] * scale[c] and b'[c] = (b[c] - mean[c]) * scale[c] + beta[c]
/// (with b = 0 for a convolution without bias). This holds for grouped and depthwise convolutions alike, since
/// PyTorch lays out their weights with the output channel first. It does not hold for transposed convolutions,
/// whose weights have the output channel second.
/// </para>
/// <para>
/// Every value is computed in <see cref="double"/> and rounded to <see cref="float"/> once, so the folded weights are
/// within half a float ulp of the exact result. The names follow PyTorch's <c>BatchNorm2d</c>: gamma is
/// <c>weight</c>, beta is <c>bias</c>, and <c>running_mean</c>, <c>running_var</c>, <c>eps</c>.
/// </para>
/// </remarks>
public static class BatchNormFolding
{
    /// <summary>
    /// Folds a batch normalization into the convolution before it, in place:
    /// w'[c, ...] = w[c, ...] * scale[c] and b'[c] = (b[c] - mean[c]) * scale[c] + beta[c],
    /// with scale[c] = gamma[c] / sqrt(var[c] + eps).
    /// </summary>
    /// <param name="convolutionWeight">The weights, laid out [outputChannels, rest] as in PyTorch; scaled in place.</param>
    /// <param name="convolutionBias">Receives the folded bias, one per output channel; may be the same memory as <paramref name="originalBias"/>.</param>
    /// <param name="outputChannels">The convolution's output channels, which the batch normalization normalizes.</param>
    /// <param name="gamma">The batch normalization's weight, one per channel.</param>
    /// <param name="beta">The batch normalization's bias, one per channel.</param>
    /// <param name="runningMean">The running mean, one per channel.</param>
    /// <param name="runningVariance">The running variance, one per channel.</param>
    /// <param name="epsilon">The batch normalization's eps (PyTorch's default is 1e-5). A <see cref="float"/> converts implicitly.</param>
    /// <param name="originalBias">The convolution's own bias, or empty when it had none.</param>
    /// <exception cref="ArgumentException">
    /// A length does not match <paramref name="outputChannels"/>, or var + eps is not positive for some channel.
    /// </exception>
    public static void FoldIntoConvolution(
        Span<float> convolutionWeight,
        Span<float> convolutionBias,
        int outputChannels,
        ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean,
        ReadOnlySpan<float> runningVariance,
        double epsilon,
        ReadOnlySpan<float> originalBias)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputChannels);
        if (convolutionWeight.Length % outputChannels != 0)
        {
            throw new ArgumentException(
                Text($"The weight has {convolutionWeight.Length} elements, which is not a whole number per output channel for {outputChannels} channels."),
                nameof(convolutionWeight));
        }
        RequireLength(convolutionBias.Length, outputChannels, nameof(convolutionBias));
        RequireLength(gamma.Length, outputChannels, nameof(gamma));
        RequireLength(beta.Length, outputChannels, nameof(beta));
        RequireLength(runningMean.Length, outputChannels, nameof(runningMean));
        RequireLength(runningVariance.Length, outputChannels, nameof(runningVariance));
        if (!originalBias.IsEmpty) RequireLength(originalBias.Length, outputChannels, nameof(originalBias));

        int weightsPerChannel = convolutionWeight.Length / outputChannels;
        for (int channel = 0; channel < outputChannels; channel++)
        {
            double scale = Scale(gamma, runningVariance, epsilon, channel);
            var channelWeights = convolutionWeight.Slice(channel * weightsPerChannel, weightsPerChannel);
            for (int i = 0; i < channelWeights.Length; i++) channelWeights[i] = (float)(channelWeights[i] * scale);

            double bias = originalBias.IsEmpty ? 0.0 : originalBias[channel];
            convolutionBias[channel] = (float)((bias - runningMean[channel]) * scale + beta[channel]);
        }
    }

    /// <summary>
    /// Reduces a batch normalization that follows no convolution to y = scale * x + shift per channel:
    /// scale[c] = gamma[c] / sqrt(var[c] + eps) and shift[c] = beta[c] - mean[c] * scale[c].
    /// </summary>
    /// <param name="gamma">The batch normalization's weight, one per channel.</param>
    /// <param name="beta">The batch normalization's bias, one per channel.</param>
    /// <param name="runningMean">The running mean, one per channel.</param>
    /// <param name="runningVariance">The running variance, one per channel.</param>
    /// <param name="epsilon">The batch normalization's eps. A <see cref="float"/> converts implicitly.</param>
    /// <param name="scale">Receives the multiplier per channel.</param>
    /// <param name="shift">Receives the addend per channel.</param>
    /// <exception cref="ArgumentException">
    /// The lengths differ, or var + eps is not positive for some channel.
    /// </exception>
    public static void ToScaleShift(
        ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean,
        ReadOnlySpan<float> runningVariance,
        double epsilon,
        Span<float> scale,
        Span<float> shift)
    {
        int channels = gamma.Length;
        RequireLength(beta.Length, channels, nameof(beta));
        RequireLength(runningMean.Length, channels, nameof(runningMean));
        RequireLength(runningVariance.Length, channels, nameof(runningVariance));
        RequireLength(scale.Length, channels, nameof(scale));
        RequireLength(shift.Length, channels, nameof(shift));

        for (int channel = 0; channel < channels; channel++)
        {
            double channelScale = Scale(gamma, runningVariance, epsilon, channel);
            scale[channel] = (float)channelScale;
            shift[channel] = (float)(beta[channel] - runningMean[channel] * channelScale);
        }
    }

    /// <summary>
    /// Loads a batchnorm that follows no convolution as one scale and shift per channel (<see cref="ToScaleShift(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, double, Span{float}, Span{float})"/>).
    /// </summary>
    /// <param name="weights">The loader, which checks each tensor's shape.</param>
    /// <param name="batchNorm">The batchnorm's keys and eps.</param>
    /// <param name="channels">Its channels (num_features).</param>
    /// <returns>The multiplier and the addend per channel.</returns>
    public static (float[] Scale, float[] Shift) LoadScaleShift(WeightLoader weights, BatchNormKeys batchNorm, int channels)
    {
        var statistics = Take(weights, batchNorm, channels);
        var scale = new float[channels];
        var shift = new float[channels];
        ToScaleShift(statistics.Gamma, statistics.Beta, statistics.RunningMean, statistics.RunningVariance, batchNorm.Epsilon, scale, shift);
        weights.Ignore(batchNorm.NumBatchesTrackedKey);
        return (scale, shift);
    }

    /// <summary>
    /// Takes a batchnorm's four tensors from <paramref name="weights"/> and checks them with
    /// <see cref="CheckStatistics"/>: the one path by which loading, folded or not, reads batchnorm statistics.
    /// </summary>
    /// <param name="weights">The loader, which checks each tensor's shape.</param>
    /// <param name="batchNorm">The batchnorm's keys and eps.</param>
    /// <param name="channels">Its channels (num_features).</param>
    /// <returns>gamma, beta, the running mean and the running variance.</returns>
    /// <exception cref="WeightFileException">A tensor is missing, has another shape, or holds damaged statistics.</exception>
    public static (float[] Gamma, float[] Beta, float[] RunningMean, float[] RunningVariance) Take(WeightLoader weights, BatchNormKeys batchNorm, int channels)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(batchNorm);
        var gamma = weights.Take(batchNorm.WeightKey, channels);
        var beta = weights.Take(batchNorm.BiasKey, channels);
        var mean = weights.Take(batchNorm.RunningMeanKey, channels);
        var variance = weights.Take(batchNorm.RunningVarianceKey, channels);
        CheckStatistics(weights.WeightFile.SourceName, batchNorm, gamma, beta, mean, variance);
        return (gamma, beta, mean, variance);
    }

    /// <summary>
    /// Rejects batchnorm statistics that would make every output of the channel NaN or infinite: a value that is not
    /// finite, or a running variance with var + eps not positive. Loading and <c>gnet verify</c> both call it.
    /// </summary>
    /// <param name="sourceName">The weight file, for the message.</param>
    /// <param name="batchNorm">The batchnorm's keys and eps.</param>
    /// <param name="gamma">The batchnorm's weight.</param>
    /// <param name="beta">The batchnorm's bias.</param>
    /// <param name="runningMean">The running mean.</param>
    /// <param name="runningVariance">The running variance.</param>
    /// <exception cref="WeightFileException">Names the file, the key and the first damaged channel.</exception>
    public static void CheckStatistics(
        string sourceName,
        BatchNormKeys batchNorm,
        ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean,
        ReadOnlySpan<float> runningVariance)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(batchNorm);
        RequireFinite(sourceName, batchNorm.WeightKey, gamma);
        RequireFinite(sourceName, batchNorm.BiasKey, beta);
        RequireFinite(sourceName, batchNorm.RunningMeanKey, runningMean);
        RequireFinite(sourceName, batchNorm.RunningVarianceKey, runningVariance);
        for (int channel = 0; channel < runningVariance.Length; channel++)
        {
            if (!(runningVariance[channel] + batchNorm.Epsilon > 0))
            {
                throw WeightFileErrors.VarianceNotPositive(sourceName, batchNorm.RunningVarianceKey, channel, runningVariance[channel], batchNorm.Epsilon);
            }
        }
    }

    private static void RequireFinite(string sourceName, string key, ReadOnlySpan<float> values)
    {
        for (int channel = 0; channel < values.Length; channel++)
        {
            if (!float.IsFinite(values[channel])) throw WeightFileErrors.NotFinite(sourceName, key, channel, values[channel]);
        }
    }

    private static double Scale(ReadOnlySpan<float> gamma, ReadOnlySpan<float> runningVariance, double epsilon, int channel)
    {
        double denominator = runningVariance[channel] + epsilon;
        // Written so that NaN fails too: a variance that is not positive would make every output NaN or infinite.
        if (!(denominator > 0))
        {
            throw new ArgumentException(
                Text($"Channel {channel} has running variance {runningVariance[channel]} and eps {epsilon}; their sum must be positive. The batch-norm statistics are damaged."),
                nameof(runningVariance));
        }
        return gamma[channel] / Math.Sqrt(denominator);
    }

    private static void RequireLength(int actual, int expected, string parameterName)
    {
        if (actual != expected)
        {
            throw new ArgumentException(Text($"Expected {expected} elements, one per channel, but got {actual}."), parameterName);
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
