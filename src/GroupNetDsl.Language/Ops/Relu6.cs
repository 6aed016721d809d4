namespace GroupNetDsl.Language.Ops;

/// <summary>relu6: nn.ReLU6, min(max(x, 0), 6).</summary>
public sealed class Relu6() : ActivationDescriptor("relu6", "nn.ReLU6", ActivationKind.ReLU6, methodName: "Relu6")
{
    public static readonly Relu6 Descriptor = new();

    public override string Scalar(string value) => $"{value} > 0f ? ({value} < 6f ? {value} : 6f) : 0f";
}
