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

    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid,

    /// <summary>min(max(x + 3, 0), 6) / 6.</summary>
    Hardsigmoid,

    /// <summary>x * min(max(x + 3, 0), 6) / 6.</summary>
    Hardswish,

    /// <summary>x / (1 + exp(-x)), x * sigmoid(x).</summary>
    Silu,

    /// <summary>x * 0.5 * (1 + erf(x / sqrt(2))), the exact GELU.</summary>
    Gelu,
}
