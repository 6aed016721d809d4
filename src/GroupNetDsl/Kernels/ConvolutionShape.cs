namespace GroupNetDsl.Kernels;

/// <summary>The sizes of one convolution; generated code passes them as constants.</summary>
/// <param name="InChannels">Input channels.</param>
/// <param name="Height">Input height.</param>
/// <param name="Width">Input width.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="OutputHeight">Output height.</param>
/// <param name="OutputWidth">Output width.</param>
/// <param name="Kernel">Square kernel size.</param>
/// <param name="Stride">Stride.</param>
/// <param name="Padding">Zero padding on each side.</param>
/// <param name="Dilation">Dilation.</param>
/// <param name="Groups">Groups: input and output channels are split into this many independent slices.</param>
#if GROUPNETDSL_LANGUAGE
internal
#else
public
#endif
readonly record struct ConvolutionShape(int InChannels, int Height, int Width, int OutChannels, int OutputHeight, int OutputWidth,
    int Kernel, int Stride, int Padding, int Dilation, int Groups)
{
    /// <summary>Input channels per group.</summary>
    public int InPerGroup => InChannels / Groups;

    /// <summary>Output channels per group.</summary>
    public int OutPerGroup => OutChannels / Groups;

    /// <summary>Rows of B (and columns of A) per group: input channels x kernel taps.</summary>
    public int Depth => InPerGroup * Kernel * Kernel;

    /// <summary>
    /// True when the sizes are those PyTorch's Conv2d gives (floor mode, computed in 64 bits) and every buffer the
    /// kernels use for them fits <see cref="KernelLayout.MaxBufferLength"/>.
    /// </summary>
    public bool IsValid =>
        InChannels > 0 && OutChannels > 0 && Height > 0 && Width > 0 && Kernel > 0 && Stride > 0 && Padding >= 0 && Dilation > 0 && Groups > 0
        && InChannels % Groups == 0 && OutChannels % Groups == 0
        && OutputHeight > 0 && OutputHeight == OutputSize(Height)
        && OutputWidth > 0 && OutputWidth == OutputSize(Width)
        && KernelLayout.LargestBufferLength(this) <= KernelLayout.MaxBufferLength;

    /// <summary>PyTorch's output size along an axis of <paramref name="size"/>, or 0 when the dilated kernel does not fit the padded input.</summary>
    private long OutputSize(int size)
    {
        long span = (long)size + 2L * Padding - (long)Dilation * (Kernel - 1) - 1;
        return span < 0 ? 0 : span / Stride + 1;
    }
}
