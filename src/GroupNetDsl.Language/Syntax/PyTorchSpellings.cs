using System;
using System.Collections.Generic;

namespace GroupNetDsl.Language.Syntax;

/// <summary>How the parser reads a PyTorch spelling after reporting it (GNET0112), so the rest is checked as meant.</summary>
internal enum PyTorchReading
{
    /// <summary>As the .gnet op of <see cref="PyTorchSpelling.Name"/>, called with the same arguments if it was.</summary>
    Op,

    /// <summary>As the name alone, its arguments dropped (<c>nn.AdaptiveAvgPool2d(1)</c> is <c>avgpool</c>).</summary>
    NameOnly,

    /// <summary>As the op on the tensor alone (<c>torch.flatten(x, 1)</c> is <c>flatten(x)</c>).</summary>
    FirstArgument,

    /// <summary>As the op, a list or tuple given first spread into its arguments (<c>torch.cat([a, b], dim=1)</c> is <c>cat(a, b, dim: 1)</c>).</summary>
    Spread,

    /// <summary>The call's arguments as a list (<c>nn.Sequential(a, b)</c> is <c>[a, b]</c>).</summary>
    List,

    /// <summary>Nothing .gnet has: read as missing, so the error is not reported again as an unknown name.</summary>
    Missing,
}

/// <summary>What a PyTorch spelling is in .gnet: the advice the diagnostic gives, and how the parser reads it.</summary>
internal readonly record struct PyTorchSpelling(string Advice, string? Name, PyTorchReading Reading);

/// <summary>
/// The names a PyTorch module's code uses (<c>nn.Conv2d</c>, <c>F.relu</c>, <c>torch.cat</c>, <c>self.conv1</c>) and
/// their .gnet spellings, the ops table of docs/language.md: a transcribed module gets one error per name that says
/// what to write, not a syntax error at the dot.
/// </summary>
internal static class PyTorchSpellings
{
    // The last segment, lower case, without underscores: "Conv2d", "max_pool2d" and "MaxPool2d" alike.
    internal static readonly Dictionary<string, string> Ops = new(StringComparer.Ordinal)
    {
        ["conv2d"] = "conv",
        ["batchnorm2d"] = "batchnorm",
        ["linear"] = "linear",
        ["relu"] = "relu",
        ["relu6"] = "relu6",
        ["identity"] = "identity",
        ["add"] = "add",
        ["maxpool2d"] = "maxpool",
        ["avgpool2d"] = "avgpool",
        ["flatten"] = "flatten",
        ["chunk"] = "chunk",
        ["split"] = "split",
        ["narrow"] = "narrow",
        ["channelshuffle"] = "channel_shuffle",
        ["mul"] = "mul",
        ["mean"] = "mean",
        ["parameter"] = "parameter",
        ["permute"] = "permute",
        ["layernorm"] = "layernorm",
        ["layernorm2d"] = "layernorm2d",
        ["sigmoid"] = "sigmoid",
        ["hardsigmoid"] = "hardsigmoid",
        ["hardswish"] = "hardswish",
        ["silu"] = "silu",
        ["gelu"] = "gelu",
        ["dropout"] = "dropout",
        ["stochasticdepth"] = "stochastic_depth",
    };

    private static bool Contains(IReadOnlyList<string> segments, string segment)
    {
        for (int i = 0; i < segments.Count; i++)
        {
            if (segments[i] == segment) return true;
        }
        return false;
    }

    /// <summary>True when <paramref name="first"/> starts a PyTorch spelling: <c>nn</c>, <c>F</c>, <c>torch</c>, <c>torchvision</c> or <c>self</c>.</summary>
    public static bool IsPrefix(string first) => first is "nn" or "F" or "torch" or "torchvision" or "self";

    /// <summary>What <paramref name="segments"/> (<c>["nn", "Conv2d"]</c>) is in .gnet.</summary>
    public static PyTorchSpelling Translate(IReadOnlyList<string> segments)
    {
        string last = segments[segments.Count - 1];
        if (segments[0] == "self")
        {
            return segments.Count == 2
                ? new PyTorchSpelling($"write `{last}`: members are named without `self.`", last, PyTorchReading.Op)
                : new PyTorchSpelling("name a member without `self.`", null, PyTorchReading.Missing);
        }
        string key = last.Replace("_", string.Empty).ToLowerInvariant();
        // F.relu(x), torch.flatten(x, 1): a function of the tensor, not a module's constructor (nn.ReLU(), torch.nn.Flatten()).
        bool functional = segments[0] == "F" || (segments[0] == "torch" && !Contains(segments, "nn")) || Contains(segments, "functional");
        if (key is "adaptiveavgpool2d")
        {
            return functional
                ? new PyTorchSpelling("write `avgpool(x)` (the global average)", "avgpool", PyTorchReading.FirstArgument)
                : new PyTorchSpelling("write `avgpool`, without arguments (the global average)", "avgpool", PyTorchReading.NameOnly);
        }
        if (key is "flatten" && functional) return new PyTorchSpelling("write `flatten(x)` (from the channels on, as `torch.flatten(x, 1)`)", "flatten", PyTorchReading.FirstArgument);
        if (key is "sequential") return new PyTorchSpelling("write its modules as a list, `[a, b, c]`", null, PyTorchReading.List);
        if (key is "cat" or "concat") return new PyTorchSpelling("write `cat`, the tensors as its arguments: `cat(a, b, dim: 1)`", "cat", PyTorchReading.Spread);
        return Ops.TryGetValue(key, out var op)
            ? new PyTorchSpelling($"write `{op}`", op, PyTorchReading.Op)
            : new PyTorchSpelling(".gnet has no op of that name; the ops are listed in docs/language.md", null, PyTorchReading.Missing);
    }
}
