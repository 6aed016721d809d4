using System;

namespace GroupNetDsl;

/// <summary>
/// Marks a partial class as a network. Either declare the layers as attributes on the class and set
/// <see cref="Input"/>, or bind a network declared in a .gnet file with <see cref="Network"/>.
/// The generator then adds Load, Forward, the shape constants and the summary to the class.
/// </summary>
/// <example>
/// <code>
/// [GroupNet(Input = "3x32x32")]
/// [Conv2d(3, 16, 3, Padding = 1, Name = "conv")]
/// [ReLU]
/// public partial class Tiny;
///
/// [GroupNet(Network = "MiniGroupNet")]   // declared in a .gnet file of the project
/// public partial class Classifier;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GroupNetAttribute : Attribute
{
    /// <summary>The input shape of one image for the attribute form, channels x height x width, e.g. "3x64x64".</summary>
    public string? Input { get; set; }

    /// <summary>The name of a network declared in one of the project's .gnet files.</summary>
    public string? Network { get; set; }

    /// <summary>
    /// The network's weight file, relative to the folder of the .cs file that declares the class, e.g.
    /// "net.safetensors". The build checks its keys, shapes and dtypes against the network (GNET0310-GNET0316); with
    /// the file embedded (<c>GroupNetDslEmbedWeights</c>, docs/attributes.md) the class also gets <c>Load()</c>.
    /// For a class that binds a .gnet network, declare the weights in the .gnet file instead.
    /// </summary>
    public string? Weights { get; set; }
}
