using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GroupNetDsl.Benchmarks.Suites;
using GroupNetDsl.Kernels;

namespace GroupNetDsl.Benchmarks.Probe;

/// <summary>
/// Issue 16 item 1, measured before building it: a 1x1 convolution in a channel-blocked layout (NCHW16c, as ONNX
/// Runtime's NCHWc kernels) against the engine's NCHW packed product on the same shapes, and what a reorder between
/// the layouts costs. The blocked kernel here is a probe, not the engine's: output blocks of 16 channels, 4 blocks x 6
/// pixels a tile, each input value broadcast from where it lies (no packing), bias and ReLU at the store.
/// </summary>
public static class BlockedLayoutProbe
{
    private const int Block = 16;

    /// <summary>1x1 shapes (in, out, height x width) of MiniGroupNet, MobileNetV2 and ResNeXt-50, channels a multiple of 16.</summary>
    private static readonly (string Network, int In, int Out, int Size, int Stride)[] Shapes =
    [
        ("MiniGroupNet", 64, 64, 64, 1), ("MiniGroupNet", 64, 128, 32, 1), ("MiniGroupNet", 64, 128, 64, 2), ("MiniGroupNet", 128, 128, 32, 1),
        ("MiniGroupNet", 128, 256, 16, 1), ("MiniGroupNet", 128, 256, 32, 2),
        ("MobileNetV2", 32, 192, 28, 1), ("MobileNetV2", 192, 32, 28, 1), ("MobileNetV2", 96, 576, 14, 1), ("MobileNetV2", 576, 96, 14, 1),
        ("MobileNetV2", 160, 960, 7, 1), ("MobileNetV2", 960, 160, 7, 1), ("MobileNetV2", 320, 1280, 7, 1),
        ("ResNeXt-50", 256, 128, 56, 1), ("ResNeXt-50", 128, 256, 56, 1), ("ResNeXt-50", 512, 256, 28, 1), ("ResNeXt-50", 1024, 512, 14, 1),
        ("ResNeXt-50", 2048, 1024, 7, 1), ("ResNeXt-50", 1024, 2048, 7, 1),
    ];

    public static void Run(int rounds)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            Console.WriteLine("The blocked probe is written for AVX-512.");
            return;
        }
        Console.WriteLine("1x1 conv with bias and ReLU, one thread, µs per call (median of rounds of 20 ms each, alternating):");
        Console.WriteLine("network       | in -> out @ HxW, stride   | NCHW packed | NCHW16c | NCHW/16c | reorder in | reorder out | max |diff|");
        foreach (var (network, inChannels, outChannels, size, stride) in Shapes)
        {
            int pixels = size * size, outSize = (size - 1) / stride + 1, outPixels = outSize * outSize;
            var shape = new ConvolutionShape(inChannels, size, size, outChannels, outSize, outSize, 1, stride, 0, 1, 1);
            var plan = ConvolutionPlanner.PlanProduct(shape);
            float[] input = RandomInput.Create(inChannels * pixels), weight = RandomInput.Create(outChannels * inChannels), bias = RandomInput.Create(outChannels);
            float[] packed = PackedGemm.Pack(weight, 1, outChannels, inChannels);
            float[] output = new float[outChannels * outPixels];
            float[] blockedInput = new float[input.Length], blockedWeight = PackBlocked(weight, outChannels, inChannels), blockedOutput = new float[output.Length];
            float[] back = new float[output.Length];
            ToBlocked(input, inChannels, pixels, blockedInput);

            Action ours = () => Convolution.Convolve(shape, plan, input, packed, bias, default, Activation.Relu, output, null);
            Action blocked = () => Pointwise(blockedInput, inChannels, size, size, stride, blockedWeight, bias, outChannels, blockedOutput);
            Action reorderIn = () => ToBlocked(input, inChannels, pixels, blockedInput);
            Action reorderOut = () => FromBlocked(blockedOutput, outChannels, outPixels, back);
            ours();
            blocked();
            reorderOut();
            float difference = 0;
            for (int i = 0; i < output.Length; i++) difference = Math.Max(difference, Math.Abs(output[i] - back[i]));

            var times = new List<double>[4];
            for (int t = 0; t < times.Length; t++) times[t] = new List<double>();
            long budget = Stopwatch.Frequency / 50;
            for (int round = 0; round < rounds; round++)
            {
                var order = round % 2 == 0 ? new[] { 0, 1, 2, 3 } : new[] { 1, 0, 3, 2 };
                foreach (int which in order)
                {
                    var action = which switch { 0 => ours, 1 => blocked, 2 => reorderIn, _ => reorderOut };
                    times[which].Add(CallTimer.MeanMicroseconds(action, budget, 3));
                }
            }
            double o = CallTimer.Median(times[0]), b = CallTimer.Median(times[1]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{network,-13} | {inChannels,4} -> {outChannels,4} @ {size,3}x{size,-3} s{stride} | {o,11:F1} | {b,7:F1} | {o / b,8:F2} | {CallTimer.Median(times[2]),10:F1} | {CallTimer.Median(times[3]),11:F1} | {difference:E1}"));
        }
    }

    /// <summary>Weights [out][in] as [out / 16][in][16]: for each input channel, the 16 weights of one output block.</summary>
    private static float[] PackBlocked(float[] weight, int outChannels, int inChannels)
    {
        var packed = new float[weight.Length];
        for (int o = 0; o < outChannels; o++)
        {
            for (int i = 0; i < inChannels; i++) packed[((o / Block) * inChannels + i) * Block + o % Block] = weight[o * inChannels + i];
        }
        return packed;
    }

    /// <summary>NCHW to NCHW16c: 16 channels' planes interleaved, a 16 x 16 transpose per 16 pixels.</summary>
    private static void ToBlocked(float[] source, int channels, int pixels, float[] target)
    {
        for (int cb = 0; cb < channels / Block; cb++)
        {
            int from = cb * Block * pixels, to = cb * Block * pixels;
            for (int p = 0; p < pixels; p++)
            {
                for (int c = 0; c < Block; c++) target[to + p * Block + c] = source[from + c * pixels + p];
            }
        }
    }

    private static void FromBlocked(float[] source, int channels, int pixels, float[] target)
    {
        for (int cb = 0; cb < channels / Block; cb++)
        {
            int at = cb * Block * pixels;
            for (int c = 0; c < Block; c++)
            {
                for (int p = 0; p < pixels; p++) target[at + c * pixels + p] = source[at + p * Block + c];
            }
        }
    }

    /// <summary>
    /// y = relu(bias + w x) in NCHW16c, at stride 1 or 2 (output pixels along a row read every <paramref name="stride"/>th
    /// input pixel, in place): tiles of 4 output blocks x 6 pixels, 2 x 12 for the last pair of blocks, within one output
    /// row at stride 2, then 1 block and 1 pixel for what is left.
    /// </summary>
    private static unsafe void Pointwise(float[] input, int inChannels, int height, int width, int stride, float[] weight, float[] bias, int outChannels, float[] output)
    {
        int outHeight = (height - 1) / stride + 1, outWidth = (width - 1) / stride + 1;
        int outPixels = outHeight * outWidth, cbStride = height * width * Block, step = stride * Block, outStride = outPixels * Block;
        // At stride 1 a run is the whole plane; at stride 2 one output row.
        int runs = stride == 1 ? 1 : outHeight, run = stride == 1 ? outPixels : outWidth;
        fixed (float* x = input, w = weight, b = bias, y = output)
        {
            int blocks = outChannels / Block;
            for (int r = 0; r < runs; r++)
            {
                float* xr = x + r * stride * width * Block;
                int firstOut = r * run;
                int ob = 0;
                for (; ob + 4 <= blocks; ob += 4) Tiles(4, xr, w + ob * inChannels * Block, b + ob * Block, y + ob * outStride + firstOut * Block, inChannels, cbStride, step, outStride, run);
                for (; ob + 2 <= blocks; ob += 2) Tiles(2, xr, w + ob * inChannels * Block, b + ob * Block, y + ob * outStride + firstOut * Block, inChannels, cbStride, step, outStride, run);
                for (; ob < blocks; ob++) Tiles(1, xr, w + ob * inChannels * Block, b + ob * Block, y + ob * outStride + firstOut * Block, inChannels, cbStride, step, outStride, run);
            }
        }
    }

    /// <summary>One run of output pixels for <paramref name="tileBlocks"/> output blocks.</summary>
    private static unsafe void Tiles(int tileBlocks, float* xr, float* wb, float* bb, float* yb, int inChannels, int cbStride, int step, int outStride, int run)
    {
        int p = 0;
        if (tileBlocks == 4) for (; p + 6 <= run; p += 6) Tile4x6(xr + p * step, cbStride, step, inChannels, wb, bb, yb + p * Block, outStride);
        if (tileBlocks == 2) for (; p + 12 <= run; p += 12) Tile2x12(xr + p * step, cbStride, step, inChannels, wb, bb, yb + p * Block, outStride);
        for (; p < run; p++)
        {
            for (int k = 0; k < tileBlocks; k++) Tile1x1(xr + p * step, cbStride, inChannels, wb + k * inChannels * Block, bb + k * Block, yb + k * outStride + p * Block);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile4x6(float* x, int cbStride, int step, int inChannels, float* w, float* b, float* y, int outStride)
    {
        int blockStride = inChannels * Block;
        Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + Block), b2 = Vector512.Load(b + 2 * Block), b3 = Vector512.Load(b + 3 * Block);
        Vector512<float> a00 = b0, a01 = b0, a02 = b0, a03 = b0, a04 = b0, a05 = b0;
        Vector512<float> a10 = b1, a11 = b1, a12 = b1, a13 = b1, a14 = b1, a15 = b1;
        Vector512<float> a20 = b2, a21 = b2, a22 = b2, a23 = b2, a24 = b2, a25 = b2;
        Vector512<float> a30 = b3, a31 = b3, a32 = b3, a33 = b3, a34 = b3, a35 = b3;
        for (int cb = 0; cb < inChannels / Block; cb++)
        {
            float* xs = x + cb * cbStride;
            float* ws = w + cb * Block * Block;
            for (int c = 0; c < Block; c++, ws += Block, xs++)
            {
                var w0 = Vector512.Load(ws);
                var w1 = Vector512.Load(ws + blockStride);
                var w2 = Vector512.Load(ws + 2 * blockStride);
                var w3 = Vector512.Load(ws + 3 * blockStride);
                var v = Vector512.Create(xs[0]);
                a00 = Vector512.FusedMultiplyAdd(w0, v, a00); a10 = Vector512.FusedMultiplyAdd(w1, v, a10); a20 = Vector512.FusedMultiplyAdd(w2, v, a20); a30 = Vector512.FusedMultiplyAdd(w3, v, a30);
                v = Vector512.Create(xs[step]);
                a01 = Vector512.FusedMultiplyAdd(w0, v, a01); a11 = Vector512.FusedMultiplyAdd(w1, v, a11); a21 = Vector512.FusedMultiplyAdd(w2, v, a21); a31 = Vector512.FusedMultiplyAdd(w3, v, a31);
                v = Vector512.Create(xs[2 * step]);
                a02 = Vector512.FusedMultiplyAdd(w0, v, a02); a12 = Vector512.FusedMultiplyAdd(w1, v, a12); a22 = Vector512.FusedMultiplyAdd(w2, v, a22); a32 = Vector512.FusedMultiplyAdd(w3, v, a32);
                v = Vector512.Create(xs[3 * step]);
                a03 = Vector512.FusedMultiplyAdd(w0, v, a03); a13 = Vector512.FusedMultiplyAdd(w1, v, a13); a23 = Vector512.FusedMultiplyAdd(w2, v, a23); a33 = Vector512.FusedMultiplyAdd(w3, v, a33);
                v = Vector512.Create(xs[4 * step]);
                a04 = Vector512.FusedMultiplyAdd(w0, v, a04); a14 = Vector512.FusedMultiplyAdd(w1, v, a14); a24 = Vector512.FusedMultiplyAdd(w2, v, a24); a34 = Vector512.FusedMultiplyAdd(w3, v, a34);
                v = Vector512.Create(xs[5 * step]);
                a05 = Vector512.FusedMultiplyAdd(w0, v, a05); a15 = Vector512.FusedMultiplyAdd(w1, v, a15); a25 = Vector512.FusedMultiplyAdd(w2, v, a25); a35 = Vector512.FusedMultiplyAdd(w3, v, a35);
            }
        }
        var zero = Vector512<float>.Zero;
        Vector512.Max(a00, zero).Store(y); Vector512.Max(a01, zero).Store(y + Block); Vector512.Max(a02, zero).Store(y + 2 * Block);
        Vector512.Max(a03, zero).Store(y + 3 * Block); Vector512.Max(a04, zero).Store(y + 4 * Block); Vector512.Max(a05, zero).Store(y + 5 * Block);
        y += outStride;
        Vector512.Max(a10, zero).Store(y); Vector512.Max(a11, zero).Store(y + Block); Vector512.Max(a12, zero).Store(y + 2 * Block);
        Vector512.Max(a13, zero).Store(y + 3 * Block); Vector512.Max(a14, zero).Store(y + 4 * Block); Vector512.Max(a15, zero).Store(y + 5 * Block);
        y += outStride;
        Vector512.Max(a20, zero).Store(y); Vector512.Max(a21, zero).Store(y + Block); Vector512.Max(a22, zero).Store(y + 2 * Block);
        Vector512.Max(a23, zero).Store(y + 3 * Block); Vector512.Max(a24, zero).Store(y + 4 * Block); Vector512.Max(a25, zero).Store(y + 5 * Block);
        y += outStride;
        Vector512.Max(a30, zero).Store(y); Vector512.Max(a31, zero).Store(y + Block); Vector512.Max(a32, zero).Store(y + 2 * Block);
        Vector512.Max(a33, zero).Store(y + 3 * Block); Vector512.Max(a34, zero).Store(y + 4 * Block); Vector512.Max(a35, zero).Store(y + 5 * Block);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile2x12(float* x, int cbStride, int step, int inChannels, float* w, float* b, float* y, int outStride)
    {
        int blockStride = inChannels * Block;
        Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + Block);
        Vector512<float> a0_0 = b0, a0_1 = b0, a0_2 = b0, a0_3 = b0, a0_4 = b0, a0_5 = b0, a0_6 = b0, a0_7 = b0, a0_8 = b0, a0_9 = b0, a0_10 = b0, a0_11 = b0;
        Vector512<float> a1_0 = b1, a1_1 = b1, a1_2 = b1, a1_3 = b1, a1_4 = b1, a1_5 = b1, a1_6 = b1, a1_7 = b1, a1_8 = b1, a1_9 = b1, a1_10 = b1, a1_11 = b1;
        for (int cb = 0; cb < inChannels / Block; cb++)
        {
            float* xs = x + cb * cbStride;
            float* ws = w + cb * Block * Block;
            for (int c = 0; c < Block; c++, ws += Block, xs++)
            {
                var w0 = Vector512.Load(ws);
                var w1 = Vector512.Load(ws + blockStride);
                Vector512<float> v;
                v = Vector512.Create(xs[0 * step]); a0_0 = Vector512.FusedMultiplyAdd(w0, v, a0_0); a1_0 = Vector512.FusedMultiplyAdd(w1, v, a1_0);
                v = Vector512.Create(xs[1 * step]); a0_1 = Vector512.FusedMultiplyAdd(w0, v, a0_1); a1_1 = Vector512.FusedMultiplyAdd(w1, v, a1_1);
                v = Vector512.Create(xs[2 * step]); a0_2 = Vector512.FusedMultiplyAdd(w0, v, a0_2); a1_2 = Vector512.FusedMultiplyAdd(w1, v, a1_2);
                v = Vector512.Create(xs[3 * step]); a0_3 = Vector512.FusedMultiplyAdd(w0, v, a0_3); a1_3 = Vector512.FusedMultiplyAdd(w1, v, a1_3);
                v = Vector512.Create(xs[4 * step]); a0_4 = Vector512.FusedMultiplyAdd(w0, v, a0_4); a1_4 = Vector512.FusedMultiplyAdd(w1, v, a1_4);
                v = Vector512.Create(xs[5 * step]); a0_5 = Vector512.FusedMultiplyAdd(w0, v, a0_5); a1_5 = Vector512.FusedMultiplyAdd(w1, v, a1_5);
                v = Vector512.Create(xs[6 * step]); a0_6 = Vector512.FusedMultiplyAdd(w0, v, a0_6); a1_6 = Vector512.FusedMultiplyAdd(w1, v, a1_6);
                v = Vector512.Create(xs[7 * step]); a0_7 = Vector512.FusedMultiplyAdd(w0, v, a0_7); a1_7 = Vector512.FusedMultiplyAdd(w1, v, a1_7);
                v = Vector512.Create(xs[8 * step]); a0_8 = Vector512.FusedMultiplyAdd(w0, v, a0_8); a1_8 = Vector512.FusedMultiplyAdd(w1, v, a1_8);
                v = Vector512.Create(xs[9 * step]); a0_9 = Vector512.FusedMultiplyAdd(w0, v, a0_9); a1_9 = Vector512.FusedMultiplyAdd(w1, v, a1_9);
                v = Vector512.Create(xs[10 * step]); a0_10 = Vector512.FusedMultiplyAdd(w0, v, a0_10); a1_10 = Vector512.FusedMultiplyAdd(w1, v, a1_10);
                v = Vector512.Create(xs[11 * step]); a0_11 = Vector512.FusedMultiplyAdd(w0, v, a0_11); a1_11 = Vector512.FusedMultiplyAdd(w1, v, a1_11);
            }
        }
        var zero = Vector512<float>.Zero;
        Vector512.Max(a0_0, zero).Store(y + 0 * outStride + 0 * Block);
        Vector512.Max(a0_1, zero).Store(y + 0 * outStride + 1 * Block);
        Vector512.Max(a0_2, zero).Store(y + 0 * outStride + 2 * Block);
        Vector512.Max(a0_3, zero).Store(y + 0 * outStride + 3 * Block);
        Vector512.Max(a0_4, zero).Store(y + 0 * outStride + 4 * Block);
        Vector512.Max(a0_5, zero).Store(y + 0 * outStride + 5 * Block);
        Vector512.Max(a0_6, zero).Store(y + 0 * outStride + 6 * Block);
        Vector512.Max(a0_7, zero).Store(y + 0 * outStride + 7 * Block);
        Vector512.Max(a0_8, zero).Store(y + 0 * outStride + 8 * Block);
        Vector512.Max(a0_9, zero).Store(y + 0 * outStride + 9 * Block);
        Vector512.Max(a0_10, zero).Store(y + 0 * outStride + 10 * Block);
        Vector512.Max(a0_11, zero).Store(y + 0 * outStride + 11 * Block);
        Vector512.Max(a1_0, zero).Store(y + 1 * outStride + 0 * Block);
        Vector512.Max(a1_1, zero).Store(y + 1 * outStride + 1 * Block);
        Vector512.Max(a1_2, zero).Store(y + 1 * outStride + 2 * Block);
        Vector512.Max(a1_3, zero).Store(y + 1 * outStride + 3 * Block);
        Vector512.Max(a1_4, zero).Store(y + 1 * outStride + 4 * Block);
        Vector512.Max(a1_5, zero).Store(y + 1 * outStride + 5 * Block);
        Vector512.Max(a1_6, zero).Store(y + 1 * outStride + 6 * Block);
        Vector512.Max(a1_7, zero).Store(y + 1 * outStride + 7 * Block);
        Vector512.Max(a1_8, zero).Store(y + 1 * outStride + 8 * Block);
        Vector512.Max(a1_9, zero).Store(y + 1 * outStride + 9 * Block);
        Vector512.Max(a1_10, zero).Store(y + 1 * outStride + 10 * Block);
        Vector512.Max(a1_11, zero).Store(y + 1 * outStride + 11 * Block);
    }

    private static unsafe void Tile1x1(float* x, int cbStride, int inChannels, float* w, float* b, float* y)
    {
        var acc = Vector512.Load(b);
        for (int cb = 0; cb < inChannels / Block; cb++)
        {
            float* xs = x + cb * cbStride;
            float* ws = w + cb * Block * Block;
            for (int c = 0; c < Block; c++) acc = Vector512.FusedMultiplyAdd(Vector512.Load(ws + c * Block), Vector512.Create(xs[c]), acc);
        }
        Vector512.Max(acc, Vector512<float>.Zero).Store(y);
    }
}
