using System;
using GroupNetDsl.Kernels;

namespace GroupNetDsl.Weights;

/// <summary>Loads a convolution's weights in the layout its kernel reads.</summary>
public static class ConvolutionWeights
{
    /// <summary>
    /// Takes a convolution's weight (and bias) from <paramref name="weights"/>, folds a following batchnorm into them
    /// if there is one (<see cref="BatchNormFolding.FoldIntoConvolution"/>), and packs the weight for the matrix
    /// product (<see cref="PackedGemm.Pack"/>) unless the convolution runs on the depthwise kernel, which reads
    /// PyTorch's layout as it is (<see cref="KernelLayout.RunsOnDepthwiseKernel"/>).
    /// </summary>
    /// <param name="weights">The loader, which checks each tensor's shape.</param>
    /// <param name="weightKey">The weight's key, shaped [outChannels, inChannelsPerGroup, kernelSize, kernelSize].</param>
    /// <param name="biasKey">The bias's key, or null when the convolution has none.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="inChannelsPerGroup">Input channels per group.</param>
    /// <param name="kernelSize">Square kernel size.</param>
    /// <param name="groups">Groups.</param>
    /// <param name="batchNorm">The batchnorm to fold in, or null.</param>
    /// <returns>The weight for the kernel, and the bias (empty when there is neither a bias nor a batchnorm).</returns>
    public static (float[] Weight, float[] Bias) Load(WeightLoader weights, string weightKey, string? biasKey,
        int outChannels, int inChannelsPerGroup, int kernelSize, int groups, BatchNormKeys? batchNorm = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        float[] weight = weights.Take(weightKey, outChannels, inChannelsPerGroup, kernelSize, kernelSize);
        float[] bias;
        if (batchNorm is not null)
        {
            bias = new float[outChannels];
            var statistics = BatchNormFolding.Take(weights, batchNorm, outChannels);
            BatchNormFolding.FoldIntoConvolution(weight, bias, outChannels,
                statistics.Gamma, statistics.Beta, statistics.RunningMean, statistics.RunningVariance,
                batchNorm.Epsilon, biasKey is null ? ReadOnlySpan<float>.Empty : weights.Take(biasKey, outChannels));
            weights.Ignore(batchNorm.NumBatchesTrackedKey);
        }
        else
        {
            bias = biasKey is null ? Array.Empty<float>() : weights.Take(biasKey, outChannels);
        }
        if (!KernelLayout.RunsOnDepthwiseKernel(inChannelsPerGroup))
        {
            weight = PackedGemm.Pack(weight, groups, outChannels / groups, inChannelsPerGroup * kernelSize * kernelSize);
        }
        return (weight, bias);
    }
}
