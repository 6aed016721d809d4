namespace GroupNetDsl.Kernels;

/// <summary>What a kernel applies to each output after the bias (and residual) are added.</summary>
public enum Activation
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>min(max(x, 0), 6).</summary>
    Relu6,
}
