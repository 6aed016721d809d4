namespace GroupNetDsl.Language.Ops;

/// <summary>hardsigmoid: nn.Hardsigmoid, relu6(x + 3) / 6.</summary>
public sealed class Hardsigmoid() : ActivationDescriptor("hardsigmoid", "nn.Hardsigmoid", ActivationKind.Hardsigmoid, methodName: "Hardsigmoid")
{
    public static readonly Hardsigmoid Descriptor = new();

    public override string Scalar(string value) => RuntimeScalar(value);
}
