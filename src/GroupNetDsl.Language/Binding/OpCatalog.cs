using System.Collections.Generic;
using System.Linq;

namespace GroupNetDsl.Language.Binding;

internal enum ArgumentType
{
    Integer,
    Number,
    Boolean,
    Any,
}

/// <summary>One formal argument: its name (as in PyTorch), type, and whether it may be left out.</summary>
internal sealed class ParameterSpec
{
    public ParameterSpec(string name, ArgumentType type, bool required, object? defaultValue = null)
    {
        Name = name;
        Type = type;
        Required = required;
        DefaultValue = defaultValue;
    }

    public string Name { get; }

    public ArgumentType Type { get; }

    public bool Required { get; }

    /// <summary>long, double or bool; null means "derived" (from the input or from another argument).</summary>
    public object? DefaultValue { get; }
}

/// <summary>The signature of a built-in op.</summary>
internal sealed class OpSignature
{
    public OpSignature(string name, string torchName, int tensorInputs, bool hasWeights, params ParameterSpec[] parameters)
    {
        Name = name;
        TorchName = torchName;
        TensorInputs = tensorInputs;
        HasWeights = hasWeights;
        Parameters = parameters;
    }

    public string Name { get; }

    public string TorchName { get; }

    /// <summary>How many tensors the op takes when called in forward (add takes two).</summary>
    public int TensorInputs { get; }

    /// <summary>Ops with weights must be declared as members so their weights have state_dict names.</summary>
    public bool HasWeights { get; }

    public ParameterSpec[] Parameters { get; }

    public string ParameterList => Parameters.Length == 0 ? "none" : string.Join(", ", Parameters.Select(p => p.Name));
}

/// <summary>Every built-in op of the language. Adding an op starts here.</summary>
internal static class OpCatalog
{
    private static ParameterSpec Int(string name) => new(name, ArgumentType.Integer, required: true);

    private static ParameterSpec Int(string name, long? defaultValue) => new(name, ArgumentType.Integer, required: false, defaultValue);

    private static ParameterSpec Bool(string name, bool defaultValue) => new(name, ArgumentType.Boolean, required: false, defaultValue);

    private static ParameterSpec Number(string name, double defaultValue) => new(name, ArgumentType.Number, required: false, defaultValue);

    public static readonly OpSignature[] All =
    {
        new("conv", "nn.Conv2d", 1, true,
            Int("in_channels"), Int("out_channels"), Int("kernel_size"), Int("stride", 1), Int("padding", 0),
            Int("dilation", 1), Int("groups", 1), Bool("bias", true)),
        new("batchnorm", "nn.BatchNorm2d", 1, true,
            Int("num_features", null), Number("eps", 1e-5), Number("momentum", 0.1)),
        new("linear", "nn.Linear", 1, true, Int("in_features"), Int("out_features"), Bool("bias", true)),
        new("relu", "nn.ReLU", 1, false, Bool("inplace", false)),
        new("relu6", "nn.ReLU6", 1, false, Bool("inplace", false)),
        new("identity", "nn.Identity", 1, false),
        new("add", "torch.add", 2, false),
        new("maxpool", "nn.MaxPool2d", 1, false, Int("kernel_size"), Int("stride", null), Int("padding", 0)),
        new("avgpool", "nn.AvgPool2d / nn.AdaptiveAvgPool2d(1)", 1, false, Int("kernel_size", null), Int("stride", null), Int("padding", 0)),
        new("flatten", "torch.flatten(x, 1)", 1, false),
    };

    private static readonly Dictionary<string, OpSignature> ByName = All.ToDictionary(op => op.Name);

    public static bool TryGet(string name, out OpSignature signature) => ByName.TryGetValue(name, out signature!);
}
