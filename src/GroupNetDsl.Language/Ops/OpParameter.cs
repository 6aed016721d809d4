using System.Globalization;

namespace GroupNetDsl.Language.Ops;

/// <summary>The type an argument must have.</summary>
public enum ArgumentType
{
    Integer,
    Number,
    Boolean,
    Any,

    /// <summary>An integer or a list of integers (<c>[16, 16]</c>).</summary>
    IntegerOrList,

    /// <summary>A string in double quotes (<c>"row"</c>); the op says which values it accepts.</summary>
    String,
}

/// <summary>
/// One formal argument of an op, named as in PyTorch: its type, whether it may be left out and what it is then.
/// The descriptor's list of them is the only statement of an op's signature and defaults; the factories below make them.
/// </summary>
/// <param name="Name">PyTorch's name of the argument.</param>
/// <param name="Type">The type its value must have.</param>
/// <param name="Required">Whether it may not be left out.</param>
/// <param name="DefaultValue">long, double, bool or string when left out; null when required or <paramref name="Derived"/>.</param>
/// <param name="Derived">What a left-out argument becomes when no constant says it (e.g. "= kernel_size"), as the docs write it.</param>
/// <param name="Minimum">The smallest integer value accepted.</param>
/// <param name="HasEffect">False for arguments accepted for PyTorch's sake that change nothing in inference (inplace, momentum).</param>
public sealed record OpParameter(string Name, ArgumentType Type, bool Required, object? DefaultValue, string? Derived, int Minimum, bool HasEffect)
{
    /// <summary>The largest integer argument accepted: sizes beyond it cannot make a tensor that fits.</summary>
    public const int MaximumInteger = 1 << 24;

    /// <summary>The attribute form's property for this argument: PyTorch's name in PascalCase.</summary>
    public string PropertyName => PascalCase(Name);

    /// <summary>How the docs' op table writes it: <c>stride = 1</c>, <c>in_channels</c>, <c>momentum (ignored)</c>.</summary>
    public string Signature =>
        !HasEffect ? Name + " (ignored)"
        : Derived is not null ? Name + " " + Derived
        : DefaultValue is null ? Name
        : Name + " = " + Format(DefaultValue);

    public static OpParameter RequiredInteger(string name, int minimum = 1) => new(name, ArgumentType.Integer, true, null, null, minimum, true);

    public static OpParameter Integer(string name, long defaultValue, int minimum = 1) => new(name, ArgumentType.Integer, false, defaultValue, null, minimum, true);

    /// <summary>An integer whose value, when left out, comes from the input or another argument (<paramref name="derived"/> says which).</summary>
    public static OpParameter DerivedInteger(string name, string derived, int minimum = 1) => new(name, ArgumentType.Integer, false, null, derived, minimum, true);

    public static OpParameter Boolean(string name, bool defaultValue) => new(name, ArgumentType.Boolean, false, defaultValue, null, 0, true);

    public static OpParameter Number(string name, double defaultValue) => new(name, ArgumentType.Number, false, defaultValue, null, 0, true);

    public static OpParameter String(string name, string defaultValue) => new(name, ArgumentType.String, false, defaultValue, null, 0, true);

    /// <summary>An argument PyTorch has that changes nothing in inference: accepted and ignored.</summary>
    public static OpParameter Ignored(string name, ArgumentType type) => new(name, type, false, null, null, 0, false);

    /// <summary>A block's parameter: any scalar, required unless it has a default expression.</summary>
    internal static OpParameter BlockParameter(string name, bool required) => new(name, ArgumentType.Any, required, null, null, 0, true);

    private static string Format(object value) => value switch
    {
        bool flag => flag ? "true" : "false",
        string text => "\"" + text + "\"",
        // 1e-5, not 1E-05: as the docs and Python write it.
        double number => number.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant().Replace("e-0", "e-").Replace("e+0", "e+"),
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static string PascalCase(string name)
    {
        var builder = new System.Text.StringBuilder();
        bool upper = true;
        foreach (char c in name)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }
            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return builder.ToString();
    }
}

/// <summary>
/// A layer attribute of the runtime (<c>[Conv2d(...)]</c>) that declares this op. Its constructor takes
/// <paramref name="ConstructorParameters"/> and its settable properties are <paramref name="Properties"/>, both PyTorch's names.
/// </summary>
/// <param name="Name">The attribute's type name without the Attribute suffix.</param>
/// <param name="ConstructorParameters">The arguments its constructor takes.</param>
/// <param name="Properties">The arguments it takes as settable properties.</param>
public sealed record LayerAttributeForm(string Name, string[] ConstructorParameters, string[] Properties);

/// <summary>One row of the docs' op table (docs/language.md): how it is written, PyTorch's equivalent, its arguments.</summary>
public sealed record OpDocumentation(string Usage, string TorchName, string Arguments);
