using System;

namespace GroupNetDsl.Kernels;

/// <summary>
/// The sizes and layout rules that the generator plans with and the kernels check against. This one file is
/// compiled into the runtime and, linked, into the language library (internal there), so that each rule has one
/// definition: the generator cannot size a workspace differently from the kernel that uses it.
/// </summary>
#if GROUPNETDSL_LANGUAGE
internal
#else
public
#endif
static class KernelLayout
{
    /// <summary>
    /// True when a convolution runs on the depthwise kernel (one input channel per group: each output channel
    /// filters one input plane, PyTorch's weight used as it is); every other one is a packed matrix product per group.
    /// </summary>
    /// <param name="inChannelsPerGroup">Input channels per group.</param>
    /// <returns>Whether the depthwise kernel runs it.</returns>
    public static bool RunsOnDepthwiseKernel(int inChannelsPerGroup) => inChannelsPerGroup == 1;

    /// <summary>
    /// torchvision's channel_shuffle: the output channel that input channel <paramref name="channel"/> of
    /// <paramref name="channels"/> goes to with <paramref name="groups"/> groups (the channels seen as groups x
    /// (channels / groups), transposed): channel g x (channels / groups) + j goes to j x groups + g.
    /// </summary>
    public static int ShuffledChannel(int channel, int channels, int groups)
    {
        int perGroup = channels / groups;
        return channel % perGroup * groups + channel / perGroup;
    }

    /// <summary>
    /// Floats of workspace for a convolution with a global average pool fused in: its whole output (the pool's
    /// input), then one sum per output row.
    /// </summary>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="outputHeight">Output height.</param>
    /// <param name="outputWidth">Output width.</param>
    /// <returns>The workspace length.</returns>
    public static int PoolWorkspaceLength(int outChannels, int outputHeight, int outputWidth) =>
        checked(outChannels * outputHeight * outputWidth + outChannels * outputHeight);

    /// <summary>Floats of the row sums at the end of a pool workspace (see <see cref="PoolWorkspaceLength"/>).</summary>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="outputHeight">Output height.</param>
    /// <returns>The row sums' length.</returns>
    public static int PoolRowSumsLength(int outChannels, int outputHeight) => checked(outChannels * outputHeight);

    /// <summary>
    /// The most floats any buffer of the kernels (and a network's scratch) may hold: 2^30, so that every length and
    /// index a kernel computes in 32 bits, guards and gaps included, stays in range.
    /// </summary>
    public const int MaxBufferLength = 1 << 30;

    /// <summary>Floats per row of a channel's zero-padded stride-phase planes (see <c>PhasePlanes</c>).</summary>
    /// <param name="shape">The convolution's sizes.</param>
    /// <returns>The plane pitch.</returns>
    public static int PlanePitch(in ConvolutionShape shape) => checked((int)PhaseCount(shape.Width, shape.Padding, shape.Stride));

    /// <summary>Rows of a channel's zero-padded stride-phase planes (see <c>PhasePlanes</c>).</summary>
    /// <param name="shape">The convolution's sizes.</param>
    /// <returns>The plane rows.</returns>
    public static int PlaneRows(in ConvolutionShape shape) => checked((int)PhaseCount(shape.Height, shape.Padding, shape.Stride));

    /// <summary>
    /// The stride phases a tap reads along one axis (the same along both): the distinct values of k x dilation mod
    /// stride for k below the kernel size, which repeat every stride / gcd(dilation, stride).
    /// </summary>
    /// <param name="shape">The convolution's sizes.</param>
    /// <returns>The phase offsets per axis; a channel has the square of it planes.</returns>
    public static int PhaseOffsets(in ConvolutionShape shape)
    {
        int a = shape.Dilation, b = shape.Stride;
        while (b != 0) (a, b) = (b, a % b);
        return Math.Min(shape.Kernel, shape.Stride / a);
    }

    /// <summary>
    /// The length of the largest buffer the kernels use for a convolution, computed in 64 bits: see
    /// <see cref="LargestBuffer"/>. Allocates nothing, so kernels check it on every call.
    /// </summary>
    /// <param name="shape">The convolution's sizes, all positive.</param>
    /// <returns>Floats (saturated at 2^62).</returns>
    public static long LargestBufferLength(in ConvolutionShape shape)
    {
        Buffers(shape, out long input, out long output, out long weight, out long planes, out long wide);
        return Math.Max(Math.Max(Math.Max(input, output), Math.Max(weight, planes)), wide);
    }

    /// <summary>
    /// The largest buffer the kernels use for a convolution: the input, the output, the weights, one group's
    /// zero-padded phase planes, or a band of the product's wide output (at most all output rows).
    /// </summary>
    /// <param name="shape">The convolution's sizes, all positive.</param>
    /// <returns>What the buffer holds, with its sizes, and its length in floats.</returns>
    public static (string What, long Length) LargestBuffer(in ConvolutionShape shape)
    {
        Buffers(shape, out long input, out long output, out long weight, out long planes, out long wide);
        long largest = LargestBufferLength(shape);
        long inPerGroup = shape.InChannels / shape.Groups, outPerGroup = shape.OutChannels / shape.Groups;
        long pitch = PhaseCount(shape.Width, shape.Padding, shape.Stride), rows = PhaseCount(shape.Height, shape.Padding, shape.Stride);
        string what =
            input == largest ? $"input {shape.InChannels}x{shape.Height}x{shape.Width}"
            : output == largest ? $"output {shape.OutChannels}x{shape.OutputHeight}x{shape.OutputWidth}"
            : weight == largest ? $"weight {shape.OutChannels}x{inPerGroup}x{shape.Kernel}x{shape.Kernel}"
            : planes == largest ? $"zero-padded input planes {inPerGroup}x{Times(PhaseOffsets(shape), PhaseOffsets(shape))}x{rows}x{pitch} (channels x stride phases x rows x columns)"
            : $"wide product output {outPerGroup}x{shape.OutputHeight}x{pitch} (channels x rows x plane columns)";
        return (what, largest);
    }

    private static void Buffers(in ConvolutionShape shape, out long input, out long output, out long weight, out long planes, out long wide)
    {
        long pitch = PhaseCount(shape.Width, shape.Padding, shape.Stride), rows = PhaseCount(shape.Height, shape.Padding, shape.Stride);
        long phases = Times(PhaseOffsets(shape), PhaseOffsets(shape));
        long inPerGroup = shape.InChannels / shape.Groups, outPerGroup = shape.OutChannels / shape.Groups;
        input = Times(Times(shape.InChannels, shape.Height), shape.Width);
        output = Times(Times(shape.OutChannels, shape.OutputHeight), shape.OutputWidth);
        weight = Times(Times(Times(shape.OutChannels, inPerGroup), shape.Kernel), shape.Kernel);
        // Convolution's planes sit 16 floats apart and end with one more row (PhasePlanes, Convolution.Group).
        planes = Times(Times(inPerGroup, phases), Times(rows, pitch) + 16) + pitch;
        wide = Times(Times(outPerGroup, shape.OutputHeight), pitch);
    }

    // a x b for sizes (not negative), saturated: a product past 2^62 is only compared with the limit.
    private static long Times(long a, long b) => a != 0 && b > (1L << 62) / a ? 1L << 62 : a * b;

    // Rows (or columns) of a stride-phase plane: ceil((size + 2 x padding) / stride).
    private static long PhaseCount(int size, int padding, int stride) => ((long)size + (2L * padding) + stride - 1) / stride;
}
