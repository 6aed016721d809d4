namespace GroupNetDsl.TestSupport.Reference;

/// <summary>
/// PyTorch's inference semantics written as plain nested loops, one formula per op, straight from PyTorch's
/// documentation. Shares no code with the emitter or the runtime: batchnorm is applied as written, never folded;
/// padding is tested per tap, never precomputed; every sum is in double.
/// </summary>
public static class NaiveReference
{
    /// <summary>
    /// nn.Conv2d: out[n, o, y, x] = bias[o] + sum over the input channels i of o's group and taps (ky, kx) of
    /// weight[o, i - groupStart, ky, kx] * in[n, i, y * stride - padding + ky * dilation, x * stride - padding + kx * dilation],
    /// where positions outside the image are zeros. The weight is [out, in / groups, k, k].
    /// </summary>
    public static Tensor Conv2d(Tensor input, float[] weight, float[]? bias, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        int inChannels = input.Channels;
        if (inChannels % groups != 0 || outChannels % groups != 0) throw new ArgumentException("groups must divide the channels.");
        int inPerGroup = inChannels / groups;
        int outPerGroup = outChannels / groups;
        if (weight.Length != outChannels * inPerGroup * kernel * kernel) throw new ArgumentException("Wrong weight length.");
        int outHeight = (input.Height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (input.Width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        var output = new Tensor(input.Batch, outChannels, outHeight, outWidth);
        for (int n = 0; n < input.Batch; n++)
        {
            for (int o = 0; o < outChannels; o++)
            {
                int group = o / outPerGroup;
                for (int y = 0; y < outHeight; y++)
                {
                    for (int x = 0; x < outWidth; x++)
                    {
                        double sum = bias is null ? 0.0 : bias[o];
                        for (int j = 0; j < inPerGroup; j++)
                        {
                            int i = group * inPerGroup + j;
                            for (int ky = 0; ky < kernel; ky++)
                            {
                                for (int kx = 0; kx < kernel; kx++)
                                {
                                    int iy = y * stride - padding + ky * dilation;
                                    int ix = x * stride - padding + kx * dilation;
                                    if (iy < 0 || iy >= input.Height || ix < 0 || ix >= input.Width) continue;
                                    double w = weight[((o * inPerGroup + j) * kernel + ky) * kernel + kx];
                                    sum += w * input[n, i, iy, ix];
                                }
                            }
                        }
                        output[n, o, y, x] = sum;
                    }
                }
            }
        }
        return output;
    }

    /// <summary>nn.BatchNorm2d in eval mode: (x - running_mean) / sqrt(running_var + eps) * weight + bias, per channel.</summary>
    public static Tensor BatchNorm(Tensor input, float[] gamma, float[] beta, float[] runningMean, float[] runningVar, double eps)
    {
        var output = new Tensor(input.Batch, input.Channels, input.Height, input.Width);
        for (int n = 0; n < input.Batch; n++)
        {
            for (int c = 0; c < input.Channels; c++)
            {
                for (int y = 0; y < input.Height; y++)
                {
                    for (int x = 0; x < input.Width; x++)
                    {
                        output[n, c, y, x] = (input[n, c, y, x] - runningMean[c]) / Math.Sqrt(runningVar[c] + eps) * gamma[c] + beta[c];
                    }
                }
            }
        }
        return output;
    }

    /// <summary>nn.ReLU: max(x, 0).</summary>
    public static Tensor Relu(Tensor input) => Map(input, v => v > 0 ? v : 0);

    /// <summary>nn.ReLU6: min(max(x, 0), 6).</summary>
    public static Tensor Relu6(Tensor input) => Map(input, v => v > 0 ? (v < 6 ? v : 6) : 0);

    /// <summary>nn.Sigmoid: 1 / (1 + exp(-x)).</summary>
    public static Tensor Sigmoid(Tensor input) => Map(input, Sigmoid);

    /// <summary>nn.Sigmoid of one value.</summary>
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>nn.Hardsigmoid: relu6(x + 3) / 6.</summary>
    public static Tensor Hardsigmoid(Tensor input) => Map(input, Hardsigmoid);

    /// <summary>nn.Hardsigmoid of one value.</summary>
    public static double Hardsigmoid(double x) => Math.Min(Math.Max(x + 3, 0), 6) / 6;

    /// <summary>nn.Hardswish: x * relu6(x + 3) / 6.</summary>
    public static Tensor Hardswish(Tensor input) => Map(input, Hardswish);

    /// <summary>nn.Hardswish of one value.</summary>
    public static double Hardswish(double x) => x * Math.Min(Math.Max(x + 3, 0), 6) / 6;

    /// <summary>nn.SiLU: x * sigmoid(x).</summary>
    public static Tensor Silu(Tensor input) => Map(input, Silu);

    /// <summary>nn.SiLU of one value.</summary>
    public static double Silu(double x) => x / (1 + Math.Exp(-x));

    /// <summary>nn.GELU() (exact): x * Phi(x) = x * 0.5 * (1 + erf(x / sqrt(2))).</summary>
    public static Tensor Gelu(Tensor input) => Map(input, Gelu);

    /// <summary>nn.GELU() of one value.</summary>
    public static double Gelu(double x) => x * 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    /// <summary>
    /// erf in double precision, from its series of positive terms (no cancellation):
    /// erf(x) = 2 / sqrt(pi) * exp(-x^2) * sum over n of 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)). Past |x| = 6, erf is +-1 in double.
    /// </summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (a >= 6) return Math.Sign(x);
        double term = a, sum = a;
        for (int n = 1; term > sum * 1e-17; n++)
        {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
        }
        return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * Math.Exp(-a * a) * sum;
    }

    /// <summary>a + b, elementwise, same shapes.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        if (a.Data.Length != b.Data.Length || a.Channels != b.Channels || a.Height != b.Height) throw new ArgumentException("Shapes differ.");
        var output = new Tensor(a.Batch, a.Channels, a.Height, a.Width);
        for (int i = 0; i < a.Data.Length; i++) output.Data[i] = a.Data[i] + b.Data[i];
        return output;
    }

    /// <summary>
    /// torch.mul with PyTorch's broadcasting for the two cases the language allows: a * b elementwise for one shape, or
    /// out[n, c, y, x] = a[n, c, 0, 0] * b[n, c, y, x] when one operand is C x 1 x 1 (either one).
    /// </summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        if (a.Height == 1 && a.Width == 1 && (b.Height != 1 || b.Width != 1)) return Multiply(b, a);
        bool broadcast = b.Height == 1 && b.Width == 1 && (a.Height != 1 || a.Width != 1);
        if (a.Batch != b.Batch || a.Channels != b.Channels || (!broadcast && (a.Height != b.Height || a.Width != b.Width))) throw new ArgumentException("Shapes do not broadcast.");
        var output = new Tensor(a.Batch, a.Channels, a.Height, a.Width);
        for (int n = 0; n < a.Batch; n++)
        {
            for (int c = 0; c < a.Channels; c++)
            {
                for (int y = 0; y < a.Height; y++)
                {
                    for (int x = 0; x < a.Width; x++) output[n, c, y, x] = a[n, c, y, x] * (broadcast ? b[n, c, 0, 0] : b[n, c, y, x]);
                }
            }
        }
        return output;
    }

    /// <summary>
    /// torchvision's LayerNorm2d (nn.LayerNorm over the channels of each pixel): with mean and biased variance of
    /// in[n, :, y, x], out[n, c, y, x] = (in[n, c, y, x] - mean) / sqrt(var + eps) * weight[c] + bias[c].
    /// </summary>
    public static Tensor LayerNorm2d(Tensor input, float[] weight, float[] bias, double eps)
    {
        var output = new Tensor(input.Batch, input.Channels, input.Height, input.Width);
        for (int n = 0; n < input.Batch; n++)
        {
            for (int y = 0; y < input.Height; y++)
            {
                for (int x = 0; x < input.Width; x++)
                {
                    double mean = 0, variance = 0;
                    for (int c = 0; c < input.Channels; c++) mean += input[n, c, y, x];
                    mean /= input.Channels;
                    for (int c = 0; c < input.Channels; c++) variance += (input[n, c, y, x] - mean) * (input[n, c, y, x] - mean);
                    variance /= input.Channels;
                    for (int c = 0; c < input.Channels; c++) output[n, c, y, x] = (input[n, c, y, x] - mean) / Math.Sqrt(variance + eps) * weight[c] + bias[c];
                }
            }
        }
        return output;
    }

    /// <summary>nn.MaxPool2d(k, stride, padding), ceil_mode false: the maximum over the window's positions inside the image.</summary>
    public static Tensor MaxPool(Tensor input, int kernel, int stride, int padding) => Pool(input, kernel, stride, padding, max: true);

    /// <summary>
    /// nn.AvgPool2d(k, stride, padding), ceil_mode false, count_include_pad true: the sum over the window's positions
    /// inside the image divided by k * k (padded positions count as zeros).
    /// </summary>
    public static Tensor AvgPool(Tensor input, int kernel, int stride, int padding) => Pool(input, kernel, stride, padding, max: false);

    /// <summary>nn.AdaptiveAvgPool2d(1): the mean of each channel, C x 1 x 1.</summary>
    public static Tensor GlobalAvgPool(Tensor input)
    {
        var output = new Tensor(input.Batch, input.Channels, 1, 1);
        for (int n = 0; n < input.Batch; n++)
        {
            for (int c = 0; c < input.Channels; c++)
            {
                double sum = 0;
                for (int y = 0; y < input.Height; y++)
                {
                    for (int x = 0; x < input.Width; x++) sum += input[n, c, y, x];
                }
                output[n, c, 0, 0] = sum / (input.Height * input.Width);
            }
        }
        return output;
    }

    /// <summary>x.mean((2, 3)): the mean of each channel, the same values as <see cref="GlobalAvgPool"/> (C x 1 x 1 or C).</summary>
    public static Tensor Mean(Tensor input) => GlobalAvgPool(input);

    /// <summary>torch.flatten(x, 1): the same values, C * H * W features per image.</summary>
    public static Tensor Flatten(Tensor input) =>
        new(input.Batch, input.Channels * input.Height * input.Width, 1, 1, (double[])input.Data.Clone());

    /// <summary>nn.Linear: out[n, o] = bias[o] + sum over i of weight[o, i] * in[n, i]; the weight is [out, in].</summary>
    public static Tensor Linear(Tensor input, float[] weight, float[]? bias, int outFeatures)
    {
        int inFeatures = input.Channels * input.Height * input.Width;
        if (input.Height != 1 || input.Width != 1) throw new ArgumentException("linear takes a flat vector.");
        if (weight.Length != outFeatures * inFeatures) throw new ArgumentException("Wrong weight length.");
        var output = new Tensor(input.Batch, outFeatures, 1, 1);
        for (int n = 0; n < input.Batch; n++)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                double sum = bias is null ? 0.0 : bias[o];
                for (int i = 0; i < inFeatures; i++) sum += (double)weight[o * inFeatures + i] * input[n, i, 0, 0];
                output[n, o, 0, 0] = sum;
            }
        }
        return output;
    }

    /// <summary>torch.narrow(x, 1, start, length): channels start to start + length - 1 of each image.</summary>
    public static Tensor Narrow(Tensor input, int start, int length)
    {
        if (start < 0 || length < 1 || start + length > input.Channels) throw new ArgumentException("The range is outside the channels.");
        var output = new Tensor(input.Batch, length, input.Height, input.Width);
        for (int n = 0; n < input.Batch; n++)
        {
            for (int c = 0; c < length; c++)
            {
                for (int y = 0; y < input.Height; y++)
                {
                    for (int x = 0; x < input.Width; x++) output[n, c, y, x] = input[n, start + c, y, x];
                }
            }
        }
        return output;
    }

    /// <summary>torch.cat(tensors, dim=1): out[n, offset_i + c] = tensors[i][n, c], where offset_i is the channels of the tensors before i.</summary>
    public static Tensor Cat(params Tensor[] tensors)
    {
        var first = tensors[0];
        if (tensors.Any(t => t.Batch != first.Batch || t.Height != first.Height || t.Width != first.Width)) throw new ArgumentException("Heights or widths differ.");
        var output = new Tensor(first.Batch, tensors.Sum(t => t.Channels), first.Height, first.Width);
        for (int n = 0; n < first.Batch; n++)
        {
            int offset = 0;
            foreach (var tensor in tensors)
            {
                for (int c = 0; c < tensor.Channels; c++)
                {
                    for (int y = 0; y < first.Height; y++)
                    {
                        for (int x = 0; x < first.Width; x++) output[n, offset + c, y, x] = tensor[n, c, y, x];
                    }
                }
                offset += tensor.Channels;
            }
        }
        return output;
    }

    /// <summary>
    /// torchvision's channel_shuffle: x.view(n, groups, c / groups, h, w).transpose(1, 2).reshape(n, c, h, w). Element
    /// [n, i, j] of the transposed view is [n, j, i] of the first, so out[n, i * groups + j] = in[n, j * (c / groups) + i].
    /// </summary>
    public static Tensor ChannelShuffle(Tensor input, int groups)
    {
        if (input.Channels % groups != 0) throw new ArgumentException("groups must divide the channels.");
        int perGroup = input.Channels / groups;
        var output = new Tensor(input.Batch, input.Channels, input.Height, input.Width);
        for (int n = 0; n < input.Batch; n++)
        {
            for (int i = 0; i < perGroup; i++)
            {
                for (int j = 0; j < groups; j++)
                {
                    for (int y = 0; y < input.Height; y++)
                    {
                        for (int x = 0; x < input.Width; x++) output[n, i * groups + j, y, x] = input[n, j * perGroup + i, y, x];
                    }
                }
            }
        }
        return output;
    }

    private static Tensor Pool(Tensor input, int kernel, int stride, int padding, bool max)
    {
        int outHeight = (input.Height + 2 * padding - kernel) / stride + 1;
        int outWidth = (input.Width + 2 * padding - kernel) / stride + 1;
        var output = new Tensor(input.Batch, input.Channels, outHeight, outWidth);
        for (int n = 0; n < input.Batch; n++)
        {
            for (int c = 0; c < input.Channels; c++)
            {
                for (int y = 0; y < outHeight; y++)
                {
                    for (int x = 0; x < outWidth; x++)
                    {
                        double result = max ? double.NegativeInfinity : 0.0;
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                int iy = y * stride - padding + ky;
                                int ix = x * stride - padding + kx;
                                if (iy < 0 || iy >= input.Height || ix < 0 || ix >= input.Width) continue;
                                double v = input[n, c, iy, ix];
                                result = max ? Math.Max(result, v) : result + v;
                            }
                        }
                        output[n, c, y, x] = max ? result : result / (kernel * kernel);
                    }
                }
            }
        }
        return output;
    }

    private static Tensor Map(Tensor input, Func<double, double> function)
    {
        var output = new Tensor(input.Batch, input.Channels, input.Height, input.Width);
        for (int i = 0; i < input.Data.Length; i++) output.Data[i] = function(input.Data[i]);
        return output;
    }
}
