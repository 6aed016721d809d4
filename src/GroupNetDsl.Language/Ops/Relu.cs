namespace GroupNetDsl.Language.Ops;

/// <summary>relu: nn.ReLU, max(x, 0).</summary>
public sealed class Relu() : ActivationDescriptor("relu", "nn.ReLU", ActivationKind.ReLU, methodName: "Relu")
{
    public static readonly Relu Descriptor = new();

    public override string Scalar(string value) => $"{value} > 0f ? {value} : 0f";
}
