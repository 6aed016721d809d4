using System;
using System.Collections.Generic;

namespace GroupNetDsl.Language.Ops;

/// <summary>sigmoid: nn.Sigmoid, 1 / (1 + exp(-x)). PyTorch's module takes no arguments.</summary>
public sealed class Sigmoid() : ActivationDescriptor("sigmoid", "nn.Sigmoid", ActivationKind.Sigmoid, methodName: "Sigmoid")
{
    public static readonly Sigmoid Descriptor = new();

    public override IReadOnlyList<OpParameter> Parameters => Array.Empty<OpParameter>();

    public override string Scalar(string value) => RuntimeScalar(value);
}
