using System.Linq;
using GroupNetDsl.Language.Emit;

namespace GroupNetDsl.Language.Ops;

/// <summary>The elementwise activations; each has an <see cref="ActivationDescriptor"/> in its own file.</summary>
public enum ActivationKind
{
    ReLU,
    ReLU6,
    Sigmoid,
    Hardsigmoid,
    Hardswish,
    SiLU,
    GELU,
}

/// <summary>An elementwise activation, on its own or in the epilogue of the step before it.</summary>
public sealed record ActivationOp(ActivationKind Activation) : Operation
{
    public override string TorchName => ActivationDescriptor.For(Activation).TorchName.Substring("nn.".Length);

    public override OpDescriptor Descriptor => ActivationDescriptor.For(Activation);
}

/// <summary>
/// What every activation shares: no weights, the input's shape, riding in the epilogue of a conv, batchnorm, add or
/// linear before it. An activation names itself, its PyTorch module and how the kernels and a scalar apply it.
/// </summary>
public abstract class ActivationDescriptor(string name, string torchName, ActivationKind kind, string methodName) : OpDescriptor
{
    private static readonly OpParameter[] Signature = { OpParameter.Ignored("inplace", ArgumentType.Boolean) };

    public override string Name => name;

    public override string TorchName => torchName;

    public ActivationKind Kind => kind;

    /// <summary>The member of the runtime's <c>Activation</c> enum and of <c>VectorKernels</c> that applies it: <c>Relu</c>.</summary>
    public string MethodName => methodName;

    /// <summary>C# that applies it to the float variable <paramref name="value"/>.</summary>
    public abstract string Scalar(string value);

    /// <summary>A <see cref="Scalar"/> that calls the runtime's one-value form, which gives the kernels' bits: <c>VectorKernels.Sigmoid(value)</c>.</summary>
    protected string RuntimeScalar(string value) => $"global::GroupNetDsl.Kernels.VectorKernels.{MethodName}({value})";

    public override System.Collections.Generic.IReadOnlyList<OpParameter> Parameters => Signature;

    public override bool AcceptsChannelsLast => true;

    public override System.Collections.Generic.IReadOnlyList<LayerAttributeForm> Attributes => new[] { Attribute(TorchName.Substring("nn.".Length)) };

    /// <summary>The descriptor of <paramref name="kind"/>, from the registry.</summary>
    public static ActivationDescriptor For(ActivationKind kind) => OpRegistry.All.OfType<ActivationDescriptor>().First(a => a.Kind == kind);

    /// <summary>The runtime's <c>Activation</c> value for an epilogue: <c>Activation.Relu</c>, or <c>Activation.None</c>.</summary>
    public static string RuntimeValue(ActivationKind? kind) => "global::GroupNetDsl.Kernels.Activation." + (kind is { } k ? For(k).MethodName : "None");

    /// <summary>The kernel call that applies it to the span <paramref name="target"/> in place, or nothing.</summary>
    public static string? Apply(ActivationKind? kind, string target) => kind is { } k ? $"global::GroupNetDsl.Kernels.VectorKernels.{For(k).MethodName}({target});" : null;

    internal override Operation? Create(OpSite site) => new ActivationOp(Kind);

    public override FusionRole FusesAs(Operation operation) => FusionRole.Activation;

    public override ActivationKind? EpilogueActivation(Operation operation) => Kind;

    internal override void Emit(StepCode code)
    {
        var node = code.Step.Primary;
        string method = code.Methods.Add($"{MethodName}_{node.Output.Length}", () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>{Name} on {node.Output}.</summary>");
            w.Open($"private static void {MethodName}_{node.Output.Length}({SourceWriter.ReadOnlySpan} input, {SourceWriter.Span} output)");
            w.Line("input.CopyTo(output);");
            w.Line(Apply(Kind, "output")!);
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {buffer(node.Index)});");
    }
}
