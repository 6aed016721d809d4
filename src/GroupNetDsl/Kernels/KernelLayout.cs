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

    /// <summary>Floats per row of a channel's zero-padded stride-phase planes (see <c>PhasePlanes</c>).</summary>
    /// <param name="shape">The convolution's sizes.</param>
    /// <returns>The plane pitch.</returns>
    public static int PlanePitch(in ConvolutionShape shape) => (shape.Width + 2 * shape.Padding + shape.Stride - 1) / shape.Stride;

    /// <summary>Rows of a channel's zero-padded stride-phase planes (see <c>PhasePlanes</c>).</summary>
    /// <param name="shape">The convolution's sizes.</param>
    /// <returns>The plane rows.</returns>
    public static int PlaneRows(in ConvolutionShape shape) => (shape.Height + 2 * shape.Padding + shape.Stride - 1) / shape.Stride;
}
