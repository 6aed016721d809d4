using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Reporting;

namespace GroupNetDsl.Language.Emit;

/// <summary>The layer methods of one class, in the order Forward first calls them; one per distinct configuration.</summary>
internal sealed class LayerMethods
{
    private readonly List<string> _bodies = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<string> _staticFields = new();

    /// <summary>The methods' names and those of the static fields written with them.</summary>
    public IEnumerable<string> Names => _names.Concat(_staticFields);

    public IReadOnlyList<string> Bodies => _bodies;

    /// <summary>
    /// Adds the method <paramref name="name"/> unless a step added it already, with the static fields its body
    /// declares beside it; returns its name.
    /// </summary>
    public string Add(string name, Func<string> body, params string[] staticFields)
    {
        if (_names.Add(name))
        {
            _bodies.Add(body());
            _staticFields.AddRange(staticFields);
        }
        return name;
    }
}

/// <summary>
/// The code of one step: its weight fields, how they load, its comment and its call in Forward. The descriptor of
/// the step's primary op writes it (<see cref="OpDescriptor.Emit"/>) through the helpers here.
/// </summary>
internal sealed class StepCode
{
    private readonly CSharpEmitter.FieldNames _names;
    private Func<Func<int, string>, string?, string>? _call;

    private StepCode(Step step, Network network, CSharpEmitter.FieldNames names, LayerMethods methods)
    {
        Step = step;
        Network = network;
        _names = names;
        Methods = methods;
    }

    public Step Step { get; }

    public Network Network { get; }

    public LayerMethods Methods { get; }

    public List<string> Fields { get; } = new();

    public List<string> Load { get; } = new();

    public List<string> Comment { get; } = new();

    /// <summary>The shape of the primary op's (first) input.</summary>
    public TensorShape Input => Network.Nodes[Step.Primary.Inputs[0]].Output;

    /// <summary>The method-name suffix of what the epilogue applies: <c>_Residual_Relu</c>.</summary>
    public string EpilogueSuffix =>
        (Step.FusedAdd is not null ? "_Residual" : string.Empty) + ActivationSuffix(Step.Activation) + (Step.FusedPool is not null ? "_Pool" : string.Empty)
        + (Step.SidePool is not null ? "_Means" : string.Empty);

    /// <summary>The call statement, given how to name the buffer of a node and the step's workspace (null for none).</summary>
    public string Call(Func<int, string> buffer, string? workspace) => _call!(buffer, workspace);

    /// <summary>Sets the call statement (see <see cref="Call"/>).</summary>
    public void CallWith(Func<Func<int, string>, string?, string> call) => _call = call;

    public static StepCode Create(Step step, Network network, CSharpEmitter.FieldNames names, LayerMethods methods)
    {
        var code = new StepCode(step, network, names, methods);
        if (step.Expansion is { } expansion) code.Describe(expansion);
        if (step.Depthwise is { } first) code.Describe(first);
        code.Describe(step);
        step.Primary.Operation.Descriptor.Emit(code);
        return code;
    }

    /// <summary>Declares a weight field named after the layer <paramref name="path"/>.</summary>
    public string Field(string path, string suffix)
    {
        string name = _names.For(path, suffix);
        Fields.Add(name);
        return name;
    }

    /// <summary>The residual operand of a fused add, followed by ", ", or nothing.</summary>
    public string ResidualArgument(Func<int, string> buffer) => Step.FusedAdd is not null ? buffer(Step.ResidualNode) + ", " : string.Empty;

    public static string ActivationSuffix(ActivationKind? activation) => activation is { } kind ? "_" + ActivationDescriptor.For(kind).MethodName : string.Empty;

    /// <summary><c>weights.Take("key", length)</c>.</summary>
    public static string TakeVector(string path, string name, int length) => $"weights.Take({Key(path, name)}, {length})";

    /// <summary>A state_dict key as a C# literal.</summary>
    public static string Key(string path, string name) => CSharpEmitter.Literal(OpDescriptor.WeightKey(path, name));

    public static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "d";

    public static string Shape(TensorShape shape) => shape.IsFlat
        ? shape.Channels.ToString(CultureInfo.InvariantCulture)
        : $"{shape.Channels}x{shape.Height}x{shape.Width}";

    /// <summary>The op's name and its description, if it has one: "conv 96->24, 1x1", "mul".</summary>
    private static string OpText(Operation operation) =>
        SummaryTable.Describe(operation) is { Length: > 0 } description ? $"{operation.OpName} {CSharpEmitter.Comment(description)}" : operation.OpName;

    /// <summary>The step's lines of the comment above its call: the layer, then what is fused into it.</summary>
    private void Describe(Step step)
    {
        var node = step.Primary;
        var input = Network.Nodes[node.Inputs[0]].Output;
        if (step.InputScale is { } scale)
        {
            Comment.Add($"{CSharpEmitter.Comment(scale.Path)}: {OpText(scale.Operation)}, in {Network.Nodes[scale.Inputs[0]].Output} and {Network.Nodes[scale.Inputs[1]].Output}, out {scale.Output}");
            Comment.Add("  + run as the conv below reads it: the scale goes into the conv's weights (or its input), the product is never written");
        }
        Comment.Add($"{CSharpEmitter.Comment(node.Path)}: {OpText(node.Operation)}, in {input}, out {node.Output}"
            + (node.MultiplyAccumulates > 0 ? $", {SummaryTable.Number(node.MultiplyAccumulates)} MACs" : string.Empty));
        if (step.FoldedBatchNorm is { } bn) Comment.Add($"  + {CSharpEmitter.Comment(bn.Path)}: batchnorm folded into the weights at load");
        if (step.FusedAdd is { } add) Comment.Add($"  + {CSharpEmitter.Comment(add.Path)}: residual add of {CSharpEmitter.Comment(Network.Nodes[step.ResidualNode].Path)} in the epilogue");
        var activationNode = step.FusedPool is null ? step.Last : Network.Nodes[step.FusedPool.Inputs[0]];
        if (step.Activation is { } act) Comment.Add($"  + {CSharpEmitter.Comment(activationNode.Path)}: {ActivationDescriptor.For(act).Name} in the epilogue");
        if (step.FusedPool is not null) Comment.Add($"  + {CSharpEmitter.Comment(step.FusedPool.Path)}: global average pool, each output row summed as the conv writes it");
        if (step.SidePool is { } side) Comment.Add($"  + {CSharpEmitter.Comment(side.Path)}: global average pool of the output, which is kept, each run of channels averaged as soon as it is computed");
        if (step.FusedShuffle is { } shuffle) Comment.Add($"  + {CSharpEmitter.Comment(shuffle.Path)}: channel_shuffle {CSharpEmitter.Comment(SummaryTable.Describe(shuffle.Operation))}, each channel copied straight to its shuffled place");
        if (step.Depthwise is not null) Comment.Add("  + run band by band with the depthwise conv above: its output is never written out whole");
        if (step.Expansion is { } expansion)
        {
            Comment.Add($"  + {CSharpEmitter.Comment(expansion.Primary.Path)}: the expansion runs in the same bands (on a team, one share of the rows per thread), each band's rows computed once: its output is never written out whole");
        }
        if (step.Into is { } slot)
        {
            var target = Network.Nodes[slot.Target];
            string planes = slot.PlaneStride == 1
                ? string.Format(CultureInfo.InvariantCulture, "channels {0} to {1}", slot.FirstPlane, slot.FirstPlane + step.Last.Output.Channels - 1)
                : string.Format(CultureInfo.InvariantCulture, "channels {0}, {1}, ... {2}", slot.FirstPlane, slot.FirstPlane + slot.PlaneStride,
                    slot.FirstPlane + (step.Last.Output.Channels - 1) * slot.PlaneStride);
            Comment.Add($"  + written straight into {planes} of {CSharpEmitter.Comment(target.Path)}'s output {target.Output}, which reads it alone: the cat does not copy it");
        }
    }
}
