using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Binding;

// The rules of each op: what its arguments must be, and what shape it makes of its input.
internal sealed partial class Binder
{
    /// <summary>An op whose sizes come from its input (batchnorm written without num_features).</summary>
    private static bool IsDeferred(OpModule module) => module.OpName == "batchnorm" && !module.Arguments.ContainsKey("num_features");

    /// <summary>Builds the op from its bound arguments, checking what can be checked without an input.</summary>
    private Operation? CreateOperation(OpModule module, int? inputChannels)
    {
        var arguments = module.Arguments;
        string path = DisplayName(module);
        bool ok = true;

        int Int(string name, int fallback, int minimum, string requirement)
        {
            if (!arguments.TryGetValue(name, out var argument)) return fallback;
            long value = ((IntValue)argument.Value).Value;
            if (value < minimum || value > 1 << 24)
            {
                Report(DiagnosticDescriptors.InvalidValue, argument.Location, path, name, value < minimum ? requirement : $"at most {1 << 24}", value);
                ok = false;
                return fallback;
            }
            return (int)value;
        }

        bool Flag(string name, bool fallback) => arguments.TryGetValue(name, out var argument) ? ((BoolValue)argument.Value).Value : fallback;

        double Number(string name, double fallback) => arguments.TryGetValue(name, out var argument) ? ((FloatValue)argument.Value).Value : fallback;

        switch (module.OpName)
        {
            case "conv":
            {
                int inChannels = Int("in_channels", 1, 1, "at least 1");
                int outChannels = Int("out_channels", 1, 1, "at least 1");
                int kernel = Int("kernel_size", 1, 1, "at least 1");
                int stride = Int("stride", 1, 1, "at least 1");
                int padding = Int("padding", 0, 0, "0 or more");
                int dilation = Int("dilation", 1, 1, "at least 1");
                int groups = Int("groups", 1, 1, "at least 1");
                bool bias = Flag("bias", true);
                if (!ok) return null;
                var groupsLocation = arguments.TryGetValue("groups", out var g) ? g.Location : module.Location;
                if (inChannels % groups != 0)
                {
                    Report(DiagnosticDescriptors.InChannelsNotDivisible, DiagnosticProperties.ForGroups(inChannels, outChannels, groups), groupsLocation, path, inChannels, groups, ValidGroups(inChannels, outChannels));
                    ok = false;
                }
                if (outChannels % groups != 0)
                {
                    Report(DiagnosticDescriptors.OutChannelsNotDivisible, DiagnosticProperties.ForGroups(inChannels, outChannels, groups), groupsLocation, path, outChannels, groups, ValidGroups(inChannels, outChannels));
                    ok = false;
                }
                return ok ? new Conv2dOp(inChannels, outChannels, kernel, stride, padding, dilation, groups, bias) : null;
            }
            case "batchnorm":
            {
                int features = arguments.ContainsKey("num_features") ? Int("num_features", 1, 1, "at least 1") : inputChannels ?? 0;
                double epsilon = Number("eps", 1e-5);
                if (epsilon <= 0 || double.IsNaN(epsilon))
                {
                    Report(DiagnosticDescriptors.InvalidValue, arguments["eps"].Location, path, "eps", "positive", epsilon);
                    ok = false;
                }
                if (ok && features <= 0)
                {
                    Report(DiagnosticDescriptors.WrongRank, module.Location, path, "an image (channels x height x width)", "a flat vector", "batchnorm normalizes the channels of an image");
                    ok = false;
                }
                return ok ? new BatchNorm2dOp(features, epsilon) : null;
            }
            case "linear":
            {
                int inFeatures = Int("in_features", 1, 1, "at least 1");
                int outFeatures = Int("out_features", 1, 1, "at least 1");
                return ok ? new LinearOp(inFeatures, outFeatures, Flag("bias", true)) : null;
            }
            case "relu":
                return new ActivationOp(ActivationKind.ReLU);
            case "relu6":
                return new ActivationOp(ActivationKind.ReLU6);
            case "identity":
                return new IdentityOp();
            case "add":
                return new AddOp();
            case "flatten":
                return new FlattenOp();
            case "maxpool":
            case "avgpool":
            {
                if (module.OpName == "avgpool" && !arguments.ContainsKey("kernel_size"))
                {
                    if (arguments.Count > 0)
                    {
                        var first = arguments.First();
                        Report(DiagnosticDescriptors.InvalidExpression, first.Value.Location, path, $"'{first.Key}' needs kernel_size; without it avgpool is the global average pool");
                        return null;
                    }
                    return new GlobalAvgPoolOp();
                }
                int kernel = Int("kernel_size", 1, 1, "at least 1");
                int stride = Int("stride", kernel, 1, "at least 1");
                int padding = Int("padding", 0, 0, "0 or more");
                if (ok && padding > kernel / 2)
                {
                    Report(DiagnosticDescriptors.InvalidValue, arguments["padding"].Location, path, "padding", $"at most half the kernel size ({kernel / 2})", padding);
                    ok = false;
                }
                return ok ? new Pool2dOp(module.OpName == "maxpool" ? PoolKind.Max : PoolKind.Average, kernel, stride, padding) : null;
            }
            default:
                return null;
        }
    }

    /// <summary>The output shape of an op on its inputs, or null after reporting why there is none.</summary>
    private TensorShape? InferShape(OpModule module, Operation operation, TensorValue[] inputs)
    {
        var input = inputs[0].Shape;
        string path = DisplayName(module);
        switch (operation)
        {
            case Conv2dOp conv:
            {
                if (!RequireImage(module, input, "flatten comes last, before linear")) return null;
                if (input.Channels != conv.InChannels)
                {
                    Report(DiagnosticDescriptors.ChannelMismatch, ArgumentLocation(module, "in_channels"), path, conv.InChannels, input.Channels, $"input {input}");
                    return null;
                }
                int extent = conv.Dilation * (conv.KernelSize - 1) + 1;
                return Spatial(module, input, conv.OutChannels, extent, conv.Stride, conv.Padding);
            }
            case BatchNorm2dOp norm:
                if (!RequireImage(module, input, "batchnorm normalizes the channels of an image")) return null;
                if (input.Channels != norm.NumFeatures)
                {
                    Report(DiagnosticDescriptors.ChannelMismatch, ArgumentLocation(module, "num_features"), path, norm.NumFeatures, input.Channels, $"input {input}");
                    return null;
                }
                return input;
            case Pool2dOp pool:
                if (!RequireImage(module, input, "pool before flatten")) return null;
                return Spatial(module, input, input.Channels, pool.KernelSize, pool.Stride, pool.Padding);
            case GlobalAvgPoolOp:
                if (!RequireImage(module, input, "pool before flatten")) return null;
                return TensorShape.Chw(input.Channels, 1, 1);
            case FlattenOp:
                return TensorShape.Flat((int)input.ElementCount);
            case LinearOp linear:
                if (!input.IsFlat)
                {
                    Report(DiagnosticDescriptors.WrongRank, module.Location, path, "a flat", $"an image {input}", "flatten it first, for example fc(flatten(x))");
                    return null;
                }
                if (input.Channels != linear.InFeatures)
                {
                    Report(DiagnosticDescriptors.LinearFeatureMismatch, ArgumentLocation(module, "in_features"), path, linear.InFeatures, input.Channels, $"input {input}");
                    return null;
                }
                return TensorShape.Flat(linear.OutFeatures);
            case AddOp:
                if (inputs[0].Shape != inputs[1].Shape)
                {
                    Report(DiagnosticDescriptors.AddShapeMismatch, module.Location, path, inputs[0].Shape, inputs[1].Shape);
                    return null;
                }
                return input;
            case ActivationOp:
            case IdentityOp:
                return input;
            default:
                return null;
        }
    }

    private bool RequireImage(OpModule module, TensorShape input, string hint)
    {
        if (!input.IsFlat) return true;
        Report(DiagnosticDescriptors.WrongRank, module.Location, DisplayName(module), "an image (channels x height x width)", $"a flat vector of {input.Channels}", hint);
        return false;
    }

    private TensorShape? Spatial(OpModule module, TensorShape input, int channels, int extent, int stride, int padding)
    {
        // PyTorch: floor((size + 2 * padding - extent) / stride) + 1, computed in 64 bits.
        long height = ((long)input.Height + 2L * padding - extent) / stride + 1;
        long width = ((long)input.Width + 2L * padding - extent) / stride + 1;
        if (input.Height + 2L * padding - extent < 0) height = 0;
        if (input.Width + 2L * padding - extent < 0) width = 0;
        if (height <= 0 || width <= 0)
        {
            Report(DiagnosticDescriptors.SpatialCollapse, module.Location, DisplayName(module), $"{height}x{width}", input);
            return null;
        }
        if (height > 1 << 20 || width > 1 << 20 || (long)channels * height * width > TensorShape.MaxElements)
        {
            Report(DiagnosticDescriptors.TensorTooLarge, module.Location, DisplayName(module), $"{channels}x{height}x{width}", (long)channels * height * width, TensorShape.MaxElements);
            return null;
        }
        return TensorShape.Chw(channels, (int)height, (int)width);
    }

    private static Text.SourceLocation ArgumentLocation(OpModule module, string name) =>
        module.Arguments.TryGetValue(name, out var argument) ? argument.Location : module.Location;

    /// <summary>The groups values that divide both channel counts: the divisors of their gcd.</summary>
    internal static string ValidGroups(int inChannels, int outChannels)
    {
        int a = inChannels, b = outChannels;
        while (b != 0) (a, b) = (b, a % b);
        var divisors = new List<int>();
        for (int d = 1; d <= a; d++)
        {
            if (a % d == 0) divisors.Add(d);
        }
        string list = divisors.Count > 12
            ? string.Join(", ", divisors.Take(6)) + ", ..., " + string.Join(", ", divisors.Skip(divisors.Count - 3))
            : string.Join(", ", divisors);
        return "valid: " + list;
    }
}
