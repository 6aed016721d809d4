using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace GroupNetDsl.Benchmarks.Suites;

/// <summary>
/// The machine's measured fp32 FMA throughput on one core: twelve independent accumulators (more than latency x FMA
/// units on current x64 cores), nothing but fused multiply-adds in registers, at 256 and 512 bits. The report's
/// "% peak" is relative to the loop at the kernels' width, since a kernel can only approach what the core really does.
/// </summary>
public class FmaPeakBenchmarks
{
    /// <summary>Loop trips per call; each trip is 12 vector FMAs.</summary>
    public const int Iterations = 1 << 16;

    /// <summary>Accumulators in flight.</summary>
    public const int Accumulators = 12;

    /// <summary>Multiply-accumulates per call of <see cref="Vector256Fma"/>.</summary>
    public static long Vector256MultiplyAccumulates => (long)Iterations * Accumulators * Vector256<float>.Count;

    /// <summary>Multiply-accumulates per call of <see cref="Vector512Fma"/>.</summary>
    public static long Vector512MultiplyAccumulates => (long)Iterations * Accumulators * Vector512<float>.Count;

    /// <summary>256-bit FMAs (AVX2 + FMA on x64).</summary>
    [Benchmark(Description = "FMA peak, 256-bit")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public float Vector256Fma()
    {
        Vector256<float> m = Vector256.Create(0.9999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c); a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    /// <summary>512-bit FMAs (AVX-512F on x64; emulated with two 256-bit halves where the hardware has none).</summary>
    [Benchmark(Description = "FMA peak, 512-bit")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public float Vector512Fma()
    {
        Vector512<float> m = Vector512.Create(0.9999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c); a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
