using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GroupNetDsl.Kernels;

/// <summary>Moves whole channel planes of one NCHW image: the ops that only reorder channels.</summary>
public static class ChannelKernels
{
    /// <summary>
    /// torchvision's channel_shuffle: the channels seen as groups x (channels / groups), transposed. Output channel
    /// j * groups + g is input channel g * (channels / groups) + j; each plane is one vectorized copy.
    /// </summary>
    /// <param name="input">One image, channels planes.</param>
    /// <param name="output">The shuffled image, as long as the input and apart from it.</param>
    /// <param name="channels">The channel count, a multiple of groups.</param>
    /// <param name="groups">The groups.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Shuffle(ReadOnlySpan<float> input, Span<float> output, int channels, int groups)
    {
        // Checked once, so the copies below need no checks of their own.
        if (channels < 1 || groups < 1 || channels % groups != 0) throw new ArgumentException($"{groups} groups do not divide {channels} channels.");
        if (input.Length != output.Length || input.Length % channels != 0) throw new ArgumentException($"Expected two spans of one length, a multiple of {channels}, but got {input.Length} and {output.Length}.");
        if (input.Overlaps(output)) throw new ArgumentException("The input and output overlap.");
        int plane = input.Length / channels;
        int perGroup = channels / groups;
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        for (int g = 0; g < groups; g++)
        {
            for (int j = 0; j < perGroup; j++)
            {
                // Both offsets are below input.Length, an int.
                ref float from = ref Unsafe.Add(ref source, (g * perGroup + j) * plane);
                ref float to = ref Unsafe.Add(ref target, (j * groups + g) * plane);
                MemoryMarshal.CreateReadOnlySpan(ref from, plane).CopyTo(MemoryMarshal.CreateSpan(ref to, plane));
            }
        }
    }

    /// <summary>
    /// torch.cat then channel_shuffle, one operand of the cat at a time: the operand's channels are channels
    /// [firstChannel, firstChannel + its channels) of the concatenation, and channel k = g * (channels / groups) + j of
    /// that goes to output channel j * groups + g, so the concatenation itself is never written.
    /// </summary>
    /// <param name="part">One operand of the cat: whole planes, as many as fit.</param>
    /// <param name="firstChannel">Where the operand starts in the concatenation.</param>
    /// <param name="output">The shuffled concatenation, channels planes, apart from the operand.</param>
    /// <param name="channels">The concatenation's channels, a multiple of groups.</param>
    /// <param name="groups">The groups.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ShufflePart(ReadOnlySpan<float> part, int firstChannel, Span<float> output, int channels, int groups)
    {
        // Checked once, so the copies below need no checks of their own.
        if (channels < 1 || groups < 1 || channels % groups != 0) throw new ArgumentException($"{groups} groups do not divide {channels} channels.");
        if (output.Length % channels != 0) throw new ArgumentException($"The output's length {output.Length} is not a multiple of {channels} channels.");
        int plane = output.Length / channels;
        if (plane == 0 ? part.Length != 0 : part.Length % plane != 0) throw new ArgumentException($"The operand's length {part.Length} is not whole planes of {plane}.");
        int partChannels = plane == 0 ? 0 : part.Length / plane;
        if (firstChannel < 0 || firstChannel > channels - partChannels) throw new ArgumentException($"Channels {firstChannel} to {firstChannel + partChannels} are not inside {channels}.");
        if (part.Overlaps(output)) throw new ArgumentException("The operand and the output overlap.");
        ref float source = ref MemoryMarshal.GetReference(part);
        ref float target = ref MemoryMarshal.GetReference(output);
        for (int c = 0; c < partChannels; c++)
        {
            int k = firstChannel + c;
            // Both offsets are below the lengths checked above, ints.
            ref float from = ref Unsafe.Add(ref source, c * plane);
            ref float to = ref Unsafe.Add(ref target, KernelLayout.ShuffledChannel(k, channels, groups) * plane);
            MemoryMarshal.CreateReadOnlySpan(ref from, plane).CopyTo(MemoryMarshal.CreateSpan(ref to, plane));
        }
    }
}
