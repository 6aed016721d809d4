using System.Globalization;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Diagnostics;

/// <summary>One value a code fix needs, by name: the analyzers pass each on as a Roslyn diagnostic property.</summary>
public sealed record DiagnosticProperty(string Name, string Value);

/// <summary>The names and builders of the properties diagnostics carry, so code fixes never parse a message.</summary>
public static class DiagnosticProperties
{
    /// <summary>The current groups value of a GNET0201/GNET0202 diagnostic.</summary>
    public const string Groups = "Groups";

    /// <summary>gcd(in_channels, out_channels): every divisor of it is a valid groups value.</summary>
    public const string ChannelDivisor = "ChannelDivisor";

    /// <summary>in_channels, when it equals out_channels and the convolution can be made depthwise.</summary>
    public const string DepthwiseGroups = "DepthwiseGroups";

    /// <summary>The properties of a groups divisibility error (GNET0201, GNET0202) of a convolution.</summary>
    public static EquatableArray<DiagnosticProperty> ForGroups(int inChannels, int outChannels, int groups)
    {
        int divisor = inChannels, rest = outChannels;
        while (rest != 0) (divisor, rest) = (rest, divisor % rest);
        var properties = new System.Collections.Generic.List<DiagnosticProperty>
        {
            new(Groups, Text(groups)),
            new(ChannelDivisor, Text(divisor)),
        };
        if (inChannels == outChannels) properties.Add(new DiagnosticProperty(DepthwiseGroups, Text(inChannels)));
        return properties.ToEquatableArray();
    }

    /// <summary>The value of the property <paramref name="name"/>, or null.</summary>
    public static string? Find(this EquatableArray<DiagnosticProperty> properties, string name)
    {
        foreach (var property in properties)
        {
            if (property.Name == name) return property.Value;
        }
        return null;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
