namespace GroupNetDsl.Language.Ops;

/// <summary>hardswish: nn.Hardswish, x * relu6(x + 3) / 6.</summary>
public sealed class Hardswish() : ActivationDescriptor("hardswish", "nn.Hardswish", ActivationKind.Hardswish, methodName: "Hardswish")
{
    public static readonly Hardswish Descriptor = new();

    public override string Scalar(string value) => RuntimeScalar(value);
}
