using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace GroupNetDsl.Kernels;

/// <summary>
/// The activations that need more than a max and a min (sigmoid, hardsigmoid, hardswish, SiLU, GELU), in PyTorch's
/// formulas and order of operations. Each is written once per vector width with the same operations lane by lane,
/// and one value runs the <see cref="Vector{T}"/> code on a broadcast vector, so a value's result does not depend
/// on the path a kernel took for it (vector, other width or scalar tail), nor on the thread split.
/// </summary>
/// <remarks>
/// exp is the runtime's vectorized <c>Exp</c>. erf has no vectorized form in .NET: <see cref="OnePlusErf(Vector512{float})"/>
/// is x * P(x^2) below |x| = 0.921875 and 1 - exp(Q(|x|)) above, P and Q fitted to erf and log(erfc) in double
/// precision (max abs error of 1 + erf about 2e-7 in float); past |x| = 4, erf is +-1 in float.
/// </remarks>
internal static class ActivationMath
{
    private const float SmallLimit = 0.921875f;
    private const float TailLimit = 4f;

    // erf(x) = x * P(x^2) for |x| < SmallLimit, lowest power first.
    private const float P0 = 1.1283791065216064f, P1 = -0.376125305891037f, P2 = 0.11282127350568771f,
        P3 = -0.026776062324643135f, P4 = 0.00500522181391716f, P5 = -0.0006045422051101923f;

    // erfc(t) = exp(Q(t)) for SmallLimit <= t < TailLimit, lowest power first.
    private const float Q0 = 0.00017930383910425007f, Q1 = -1.1295379400253296f, Q2 = -0.6332986950874329f,
        Q3 = -0.10833507031202316f, Q4 = 0.02515627071261406f, Q5 = -0.004185561090707779f,
        Q6 = 0.00043756235390901566f, Q7 = -2.137269802915398e-05f;

    // PyTorch's M_SQRT1_2.
    private const float InverseSqrt2 = 0.70710678118654752440f;

    /// <summary><paramref name="activation"/> (one of those above) of 16 values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> x, Activation activation)
    {
        var one = Vector512<float>.One;
        var six = Vector512.Create(6f);
        return activation switch
        {
            Activation.Sigmoid => one / (one + Vector512.Exp(-x)),
            Activation.Silu => x / (one + Vector512.Exp(-x)),
            Activation.Hardsigmoid => Vector512.Min(Vector512.Max(x + Vector512.Create(3f), Vector512<float>.Zero), six) / six,
            Activation.Hardswish => x * Vector512.Min(Vector512.Max(x + Vector512.Create(3f), Vector512<float>.Zero), six) / six,
            Activation.Gelu => x * Vector512.Create(0.5f) * OnePlusErf(x * Vector512.Create(InverseSqrt2)),
            _ => x,
        };
    }

    /// <summary>The same for one <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, Activation activation)
    {
        var one = Vector<float>.One;
        var six = new Vector<float>(6f);
        return activation switch
        {
            Activation.Sigmoid => one / (one + Vector.Exp(-x)),
            Activation.Silu => x / (one + Vector.Exp(-x)),
            Activation.Hardsigmoid => Vector.Min(Vector.Max(x + new Vector<float>(3f), Vector<float>.Zero), six) / six,
            Activation.Hardswish => x * Vector.Min(Vector.Max(x + new Vector<float>(3f), Vector<float>.Zero), six) / six,
            Activation.Gelu => x * new Vector<float>(0.5f) * OnePlusErf(x * new Vector<float>(InverseSqrt2)),
            _ => x,
        };
    }

    /// <summary>The same for one value: lane 0 of the <see cref="Vector{T}"/> code, so that it gives the vector code's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Apply(float x, Activation activation) => Apply(new Vector<float>(x), activation)[0];

    /// <summary>a * b + c, fused exactly when <see cref="VectorMath.Madd"/> fuses, so both widths round alike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Madd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Fma.IsSupported || AdvSimd.IsSupported ? Vector512.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary>1 + erf(z), with the tail below -SmallLimit computed as erfc(|z|) itself, not as 1 minus a value near 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> OnePlusErf(Vector512<float> z)
    {
        var t = Vector512.Abs(z);
        var s = z * z;
        var p = Vector512.Create(P5);
        p = Madd(p, s, Vector512.Create(P4));
        p = Madd(p, s, Vector512.Create(P3));
        p = Madd(p, s, Vector512.Create(P2));
        p = Madd(p, s, Vector512.Create(P1));
        p = Madd(p, s, Vector512.Create(P0));
        var small = Vector512<float>.One + z * p;

        var u = Vector512.Min(t, Vector512.Create(TailLimit));
        var q = Vector512.Create(Q7);
        q = Madd(q, u, Vector512.Create(Q6));
        q = Madd(q, u, Vector512.Create(Q5));
        q = Madd(q, u, Vector512.Create(Q4));
        q = Madd(q, u, Vector512.Create(Q3));
        q = Madd(q, u, Vector512.Create(Q2));
        q = Madd(q, u, Vector512.Create(Q1));
        q = Madd(q, u, Vector512.Create(Q0));
        var erfc = Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512.Create(TailLimit)), Vector512.Exp(q), Vector512<float>.Zero);
        var large = Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512<float>.Zero), erfc, Vector512.Create(2f) - erfc);
        return Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512.Create(SmallLimit)), small, large);
    }

    /// <summary>The same for one <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> OnePlusErf(Vector<float> z)
    {
        var t = Vector.Abs(z);
        var s = z * z;
        var p = new Vector<float>(P5);
        p = VectorMath.Madd(p, s, new Vector<float>(P4));
        p = VectorMath.Madd(p, s, new Vector<float>(P3));
        p = VectorMath.Madd(p, s, new Vector<float>(P2));
        p = VectorMath.Madd(p, s, new Vector<float>(P1));
        p = VectorMath.Madd(p, s, new Vector<float>(P0));
        var small = Vector<float>.One + z * p;

        var u = Vector.Min(t, new Vector<float>(TailLimit));
        var q = new Vector<float>(Q7);
        q = VectorMath.Madd(q, u, new Vector<float>(Q6));
        q = VectorMath.Madd(q, u, new Vector<float>(Q5));
        q = VectorMath.Madd(q, u, new Vector<float>(Q4));
        q = VectorMath.Madd(q, u, new Vector<float>(Q3));
        q = VectorMath.Madd(q, u, new Vector<float>(Q2));
        q = VectorMath.Madd(q, u, new Vector<float>(Q1));
        q = VectorMath.Madd(q, u, new Vector<float>(Q0));
        var erfc = Vector.ConditionalSelect(Vector.LessThan(t, new Vector<float>(TailLimit)), Vector.Exp(q), Vector<float>.Zero);
        var large = Vector.ConditionalSelect(Vector.LessThan(z, Vector<float>.Zero), erfc, new Vector<float>(2f) - erfc);
        return Vector.ConditionalSelect(Vector.LessThan(t, new Vector<float>(SmallLimit)), small, large);
    }
}
