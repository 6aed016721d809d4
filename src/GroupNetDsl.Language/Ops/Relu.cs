namespace GroupNetDsl.Language.Ops;

/// <summary>relu: nn.ReLU, max(x, 0).</summary>
public sealed class Relu : ActivationDescriptor
{
    public static readonly Relu Descriptor = new();

    public override string Name => "relu";

    public override string TorchName => "nn.ReLU";

    public override ActivationKind Kind => ActivationKind.ReLU;

    public override string MethodName => "Relu";

    public override string Scalar(string value) => $"{value} > 0f ? {value} : 0f";
}
