using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GroupNetDsl.Kernels;

/// <summary>
/// A linear layer on one vector: output[o] = bias[o] + the dot product of weight row o with the input. Four rows at
/// a time share each load of the input and keep four independent sums in flight; a team's threads take runs of
/// rows, so each reads only its share of the weights. Every output is <see cref="VectorKernels.Dot"/>'s sum, in the
/// same order, plus the bias: the same bits as one dot product per row, on any number of threads.
/// </summary>
public static class LinearKernel
{
    // Rows per thread of a planned team below which waking the team costs more than it saves.
    private const int MinimumRowsPerThread = 64;

    /// <summary>output[o] = bias[o] + dot(weight row o, input) for o below <paramref name="outFeatures"/> (no bias when empty).</summary>
    /// <param name="weight">outFeatures x inFeatures, row-major.</param>
    /// <param name="input">inFeatures values.</param>
    /// <param name="bias">outFeatures values, or empty.</param>
    /// <param name="output">outFeatures values.</param>
    /// <param name="inFeatures">Length of a row.</param>
    /// <param name="outFeatures">Rows.</param>
    /// <param name="team">Threads to share the rows, or null.</param>
    public static unsafe void Multiply(ReadOnlySpan<float> weight, ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output, int inFeatures, int outFeatures, WorkerTeam? team)
    {
        if (inFeatures <= 0 || outFeatures <= 0 || weight.Length < (long)inFeatures * outFeatures || input.Length < inFeatures || output.Length < outFeatures
            || (bias.Length != 0 && bias.Length < outFeatures))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
        if (team is not null && outFeatures >= MinimumRowsPerThread * ConvolutionPlanner.PlannedThreads && team.TryAcquire())
        {
            try
            {
                fixed (float* weightPointer = weight, inputPointer = input, biasPointer = bias, outputPointer = output)
                {
                    var work = team.WorkOf<Work>();
                    work.Set(weightPointer, inputPointer, biasPointer, bias.Length != 0, outputPointer, inFeatures, outFeatures);
                    team.Run(work);
                }
                return;
            }
            finally
            {
                team.Release();
            }
        }
        Rows(weight, input, bias, output, inFeatures, 0, outFeatures);
    }

    /// <summary>Rows [first, last), four at a time, then one at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(ReadOnlySpan<float> weight, ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output, int inFeatures, int first, int last)
    {
        // Multiply checked the lengths: rows below outFeatures lie inside weight, and input holds inFeatures values.
        ref float w = ref MemoryMarshal.GetReference(weight);
        ref float x = ref MemoryMarshal.GetReference(input);
        int o = first;
        for (; o + 4 <= last; o += 4)
        {
            var (s0, s1, s2, s3) = Dot4(ref Unsafe.Add(ref w, (nint)o * inFeatures), inFeatures, ref x);
            output[o] = bias.IsEmpty ? s0 : bias[o] + s0;
            output[o + 1] = bias.IsEmpty ? s1 : bias[o + 1] + s1;
            output[o + 2] = bias.IsEmpty ? s2 : bias[o + 2] + s2;
            output[o + 3] = bias.IsEmpty ? s3 : bias[o + 3] + s3;
        }
        for (; o < last; o++)
        {
            float sum = VectorKernels.Dot(weight.Slice(o * inFeatures, inFeatures), input.Slice(0, inFeatures));
            output[o] = bias.IsEmpty ? sum : bias[o] + sum;
        }
    }

    /// <summary>
    /// Four consecutive rows' dot products with x, each exactly as <see cref="VectorKernels.Dot"/> sums it: the widest
    /// accelerated vector's lanes, then their sum, then the tail one value at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float, float, float, float) Dot4(ref float rows, int n, ref float x)
    {
        ref float r0 = ref rows;
        ref float r1 = ref Unsafe.Add(ref rows, n);
        ref float r2 = ref Unsafe.Add(ref rows, 2 * n);
        ref float r3 = ref Unsafe.Add(ref rows, 3 * n);
        int i = 0;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 8; i += 8)
            {
                var xi = Vector256.LoadUnsafe(ref x, (nuint)i);
                a0 += Vector256.LoadUnsafe(ref r0, (nuint)i) * xi;
                a1 += Vector256.LoadUnsafe(ref r1, (nuint)i) * xi;
                a2 += Vector256.LoadUnsafe(ref r2, (nuint)i) * xi;
                a3 += Vector256.LoadUnsafe(ref r3, (nuint)i) * xi;
            }
            s0 = Vector256.Sum(a0);
            s1 = Vector256.Sum(a1);
            s2 = Vector256.Sum(a2);
            s3 = Vector256.Sum(a3);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 4; i += 4)
            {
                var xi = Vector128.LoadUnsafe(ref x, (nuint)i);
                a0 += Vector128.LoadUnsafe(ref r0, (nuint)i) * xi;
                a1 += Vector128.LoadUnsafe(ref r1, (nuint)i) * xi;
                a2 += Vector128.LoadUnsafe(ref r2, (nuint)i) * xi;
                a3 += Vector128.LoadUnsafe(ref r3, (nuint)i) * xi;
            }
            s0 = Vector128.Sum(a0);
            s1 = Vector128.Sum(a1);
            s2 = Vector128.Sum(a2);
            s3 = Vector128.Sum(a3);
        }
        for (; i < n; i++)
        {
            float xi = Unsafe.Add(ref x, i);
            s0 += Unsafe.Add(ref r0, i) * xi;
            s1 += Unsafe.Add(ref r1, i) * xi;
            s2 += Unsafe.Add(ref r2, i) * xi;
            s3 += Unsafe.Add(ref r3, i) * xi;
        }
        return (s0, s1, s2, s3);
    }

    /// <summary>The arguments as pointers, so that other threads can run their share of the rows.</summary>
    private sealed unsafe class Work : TeamWork
    {
        private float* _weight, _input, _bias, _output;
        private bool _hasBias;
        private int _inFeatures, _outFeatures;

        public void Set(float* weight, float* input, float* bias, bool hasBias, float* output, int inFeatures, int outFeatures)
        {
            _weight = weight;
            _input = input;
            _bias = bias;
            _hasBias = hasBias;
            _output = output;
            _inFeatures = inFeatures;
            _outFeatures = outFeatures;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            // Runs of whole groups of four rows, so that every row is summed by the same code on any number of threads.
            int groups = (_outFeatures + 3) / 4;
            int first = Math.Min(_outFeatures, groups * part / parts * 4), last = Math.Min(_outFeatures, groups * (part + 1) / parts * 4);
            if (first >= last) return;
            Rows(new ReadOnlySpan<float>(_weight, _inFeatures * _outFeatures), new ReadOnlySpan<float>(_input, _inFeatures),
                new ReadOnlySpan<float>(_bias, _hasBias ? _outFeatures : 0), new Span<float>(_output, _outFeatures), _inFeatures, first, last);
        }
    }
}
