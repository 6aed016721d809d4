namespace GroupNetDsl.Language.Ops;

/// <summary>relu6: nn.ReLU6, min(max(x, 0), 6).</summary>
public sealed class Relu6 : ActivationDescriptor
{
    public static readonly Relu6 Descriptor = new();

    public override string Name => "relu6";

    public override string TorchName => "nn.ReLU6";

    public override ActivationKind Kind => ActivationKind.ReLU6;

    public override string MethodName => "Relu6";

    public override string Scalar(string value) => $"{value} > 0f ? ({value} < 6f ? {value} : 6f) : 0f";
}
