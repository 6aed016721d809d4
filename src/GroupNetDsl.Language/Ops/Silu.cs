namespace GroupNetDsl.Language.Ops;

/// <summary>silu: nn.SiLU, x * sigmoid(x) (also called swish).</summary>
public sealed class Silu() : ActivationDescriptor("silu", "nn.SiLU", ActivationKind.SiLU, methodName: "Silu")
{
    public static readonly Silu Descriptor = new();

    public override string Scalar(string value) => RuntimeScalar(value);
}
