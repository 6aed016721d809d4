using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Attributes;

/// <summary>A constant attribute argument as the C# compiler saw it.</summary>
/// <remarks>Exactly one of the value properties is set. Equatable so it can flow through the generator's cache.</remarks>
public sealed record AttributeValue(long? Integer, double? Number, bool? Boolean, string? Text)
{
    public static AttributeValue Of(long value) => new(value, null, null, null);

    public static AttributeValue Of(double value) => new(null, value, null, null);

    public static AttributeValue Of(bool value) => new(null, null, value, null);

    public static AttributeValue Of(string? value) => new(null, null, null, value);
}

/// <summary>One argument: positional (Name null) or a named property such as Padding.</summary>
public sealed record AttributeArgument(string? Name, AttributeValue Value, SourceLocation Location);

/// <summary>One layer attribute, e.g. [Conv2d(3, 64, 3, Padding = 1, Name = "stem.0")]; AttributeName is "Conv2d".</summary>
public sealed record AttributeLayer(string AttributeName, EquatableArray<AttributeArgument> Arguments, SourceLocation Location);

/// <summary>A network declared as attributes on a partial class, in source order.</summary>
public sealed record AttributeNetwork(string ClassName, string? Input, SourceLocation Location, EquatableArray<AttributeLayer> Layers)
{
    /// <summary>[GroupNet(Weights = "net.safetensors")] as written, and where; null when none is declared.</summary>
    public AttributeArgument? Weights { get; init; }
}
