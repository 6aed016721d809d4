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
/// exp is <see cref="Exp(Vector512{float})"/>, in single precision: x = n ln2 + r with |r| &lt;= ln2/2 (Cody-Waite, exact
/// without FMA too), exp(r) by a degree-6 polynomial fitted to relative error 4e-9 (0.07 ulp) in double with float
/// coefficients, times 2^n applied as two powers of two so that results down to the denormals round once. Sigmoid
/// and SiLU stay within 3 ulp of their formulas in double (2.3 on a dense sweep; 3.2 with the runtime's <c>Exp</c>,
/// which widens to double and costs several times more). erf has no vectorized form in .NET: <see cref="OnePlusErf(Vector512{float})"/>
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

    // exp's clamp: below ExpLow the result is 0 in float, above ExpHigh it is infinity; between them 2^n never
    // leaves [2^-150, 2^128], so its two halves are normal floats.
    private const float ExpLow = -104f, ExpHigh = 89f;

    // 1.5 * 2^23: x * log2(e) + RoundingBias rounds x * log2(e) to an integer n held in the low mantissa bits.
    private const float RoundingBias = 12582912f;
    private const int RoundingBiasBits = 0x4B400000;
    private const float Log2E = 1.44269504088896341f;

    // ln 2 = Ln2High + Ln2Low, Ln2High with 16 significant bits so that n * Ln2High is exact for |n| <= 150.
    private const float Ln2High = 0.693145751953125f, Ln2Low = 1.428606765330187e-06f;

    // exp(r) = 1 + r + r^2 * (E2 + E3 r + E4 r^2 + E5 r^3 + E6 r^4) on |r| <= ln2/2, fitted to the relative error.
    private const float E2 = 0.4999999403953552f, E3 = 0.1666652113199234f, E4 = 0.04166838899254799f,
        E5 = 0.008368710987269878f, E6 = 0.0013814604608342052f;

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
            Activation.Sigmoid => one / (one + Exp(-x)),
            Activation.Silu => x / (one + Exp(-x)),
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
            Activation.Sigmoid => one / (one + Exp(-x)),
            Activation.Silu => x / (one + Exp(-x)),
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

    /// <summary>e^x for 16 values; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpLow)), Vector512.Create(ExpHigh));
        var biased = Madd(x, Vector512.Create(Log2E), Vector512.Create(RoundingBias));
        var n = biased - Vector512.Create(RoundingBias);
        var r = Madd(n, Vector512.Create(-Ln2High), x);
        r = Madd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.Create(E6);
        p = Madd(p, r, Vector512.Create(E5));
        p = Madd(p, r, Vector512.Create(E4));
        p = Madd(p, r, Vector512.Create(E3));
        p = Madd(p, r, Vector512.Create(E2));
        p = Madd(p, r, Vector512<float>.One);
        p = Madd(p, r, Vector512<float>.One);
        // vscalefps multiplies by 2^n with one rounding, as the two powers below do: the same bits in one instruction.
        if (Avx512F.IsSupported) return Avx512F.Scale(p, n);
        var k = biased.AsInt32() - Vector512.Create(RoundingBiasBits);
        var half = Vector512.ShiftRightArithmetic(k, 1);
        var low = Vector512.ShiftLeft(half + Vector512.Create(127), 23).AsSingle();
        var high = Vector512.ShiftLeft(k - half + Vector512.Create(127), 23).AsSingle();
        return p * low * high;
    }

    /// <summary>The same for one <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Exp(Vector<float> x)
    {
        x = Vector.Min(Vector.Max(x, new Vector<float>(ExpLow)), new Vector<float>(ExpHigh));
        var biased = VectorMath.Madd(x, new Vector<float>(Log2E), new Vector<float>(RoundingBias));
        var n = biased - new Vector<float>(RoundingBias);
        var r = VectorMath.Madd(n, new Vector<float>(-Ln2High), x);
        r = VectorMath.Madd(n, new Vector<float>(-Ln2Low), r);
        var p = new Vector<float>(E6);
        p = VectorMath.Madd(p, r, new Vector<float>(E5));
        p = VectorMath.Madd(p, r, new Vector<float>(E4));
        p = VectorMath.Madd(p, r, new Vector<float>(E3));
        p = VectorMath.Madd(p, r, new Vector<float>(E2));
        p = VectorMath.Madd(p, r, Vector<float>.One);
        p = VectorMath.Madd(p, r, Vector<float>.One);
        var k = Vector.AsVectorInt32(biased) - new Vector<int>(RoundingBiasBits);
        var half = Vector.ShiftRightArithmetic(k, 1);
        var low = Vector.AsVectorSingle(Vector.ShiftLeft(half + new Vector<int>(127), 23));
        var high = Vector.AsVectorSingle(Vector.ShiftLeft(k - half + new Vector<int>(127), 23));
        return p * low * high;
    }

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
        var erfc = Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512.Create(TailLimit)), Exp(q), Vector512<float>.Zero);
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
        var erfc = Vector.ConditionalSelect(Vector.LessThan(t, new Vector<float>(TailLimit)), Exp(q), Vector<float>.Zero);
        var large = Vector.ConditionalSelect(Vector.LessThan(z, Vector<float>.Zero), erfc, new Vector<float>(2f) - erfc);
        return Vector.ConditionalSelect(Vector.LessThan(t, new Vector<float>(SmallLimit)), small, large);
    }
}
