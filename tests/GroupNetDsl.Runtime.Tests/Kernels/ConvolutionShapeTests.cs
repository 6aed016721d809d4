using GroupNetDsl.Kernels;

namespace GroupNetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Shapes whose sizes pass 32 bits (issue 14, failure 1): <see cref="ConvolutionShape.IsValid"/> computes in 64 bits,
/// so the kernels reject them when planning, before any index is computed.
/// </summary>
public class ConvolutionShapeTests
{
    [Fact]
    public void A_dilated_kernel_that_wraps_in_32_bits_is_not_a_valid_shape()
    {
        // conv(2, 2, 257, dilation: 2^24, groups: 2) on 2x8x8: 2^24 x 256 = 2^32 wraps to 0, which made the output 8x8;
        // PyTorch rejects the layer (a kernel of 2^32 + 1 on 8 rows).
        var shape = new ConvolutionShape(2, 8, 8, 2, 8, 8, 257, 1, 0, 1 << 24, 2);

        Assert.False(shape.IsValid);
        Assert.Throws<ArgumentException>(() => ConvolutionPlanner.PlanDepthwise(shape));
    }

    [Fact]
    public void Padded_planes_past_the_kernels_limit_are_not_a_valid_shape()
    {
        // conv(1, 1, 3, dilation: 32768, padding: 32768) on 1x1x1: PyTorch's output is 1x1, but the zero-padded plane
        // is 65537 x 65537 floats (its length wrapped in the kernel's 32-bit check, which then wrote past it).
        var shape = new ConvolutionShape(1, 1, 1, 1, 1, 1, 3, 1, 32768, 32768, 1);

        Assert.Equal(65537L * 65537 + 16 + 65537, KernelLayout.LargestBufferLength(shape));
        Assert.False(shape.IsValid);
        Assert.Throws<ArgumentException>(() => ConvolutionPlanner.PlanDepthwise(shape));
        Assert.Throws<ArgumentException>(() => ConvolutionPlanner.PlanProduct(shape));
    }

    [Fact]
    public void A_kernel_that_just_fits_the_padded_input_is_valid_and_one_past_it_is_not()
    {
        // 8 + 2 x 1 = 10 padded rows: 5 taps at dilation 2 span 9 (output 2); 6 taps span 11, which leaves -1
        // before the division by the stride, truncated to 0: an output of 1 where PyTorch has none.
        Assert.True(new ConvolutionShape(1, 8, 8, 1, 2, 2, 5, 1, 1, 2, 1).IsValid);
        Assert.False(new ConvolutionShape(1, 8, 8, 1, 1, 1, 6, 1, 1, 2, 1).IsValid);
    }
}
