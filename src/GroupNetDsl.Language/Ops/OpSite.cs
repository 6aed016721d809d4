using System;
using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Binding;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Ops;

/// <summary>
/// One use of an op as the binder sees it: its bound arguments, where it is written, and where to report. A
/// descriptor reads its arguments here (defaults from its own parameter list) and reports each broken rule.
/// </summary>
internal sealed class OpSite(OpDescriptor op, string displayName, SourceLocation location, IReadOnlyDictionary<string, BoundArgument> arguments, int? inputChannels,
    Action<DiagnosticDescriptor, EquatableArray<DiagnosticProperty>, SourceLocation, object[]> report)
{
    /// <summary>The layer's path (or the network's name), as diagnostics name it.</summary>
    public string DisplayName => displayName;

    public SourceLocation Location => location;

    /// <summary>Channels of the input when the op is created at its first call, else null.</summary>
    public int? InputChannels => inputChannels;

    /// <summary>False once an argument was reported.</summary>
    public bool Ok { get; private set; } = true;

    /// <summary>
    /// The input channels the op declares, when the one problem reported is that its input has others: the binder
    /// then goes on with the output the op has on the channels it declares, so later errors are reported in the same run.
    /// </summary>
    public int? DeclaredChannels => _reports == 1 ? _declaredChannels : null;

    private int _reports;
    private int? _declaredChannels;

    public IEnumerable<string> GivenArguments => arguments.Keys;

    public bool Has(string name) => arguments.ContainsKey(name);

    /// <summary>Where the argument is written, or the op itself when it was left out.</summary>
    public SourceLocation LocationOf(string name) => arguments.TryGetValue(name, out var argument) ? argument.Location : Location;

    /// <summary>An integer argument, its parameter's default when left out; reported when out of range.</summary>
    public int Int(string name) => Int(name, Parameter(name).DefaultValue is long value ? (int)value : Parameter(name).Minimum);

    /// <summary>An integer argument whose value when left out is <paramref name="derived"/> (see <see cref="OpParameter.Derived"/>).</summary>
    public int Int(string name, int derived)
    {
        if (!arguments.TryGetValue(name, out var argument)) return derived;
        long value = ((IntValue)argument.Value).Value;
        int minimum = Parameter(name).Minimum;
        if (value < minimum || value > OpParameter.MaximumInteger)
        {
            Report(DiagnosticDescriptors.InvalidValue, argument.Location, DisplayName, name,
                value < minimum ? (minimum == 0 ? "0 or more" : $"at least {minimum}") : $"at most {OpParameter.MaximumInteger}", value);
            return derived;
        }
        return (int)value;
    }

    /// <summary>A list argument (<c>[16, 16]</c>) as written, or null when the argument is a single integer or left out.</summary>
    public IReadOnlyList<long>? IntegerList(string name) => arguments.TryGetValue(name, out var argument) && argument.Value is IntListValue list ? list.Values : null;

    public bool Flag(string name) => arguments.TryGetValue(name, out var argument) ? ((BoolValue)argument.Value).Value : (bool)Parameter(name).DefaultValue!;

    /// <summary>A string argument, its parameter's default (or null) when left out.</summary>
    public string? Text(string name) => arguments.TryGetValue(name, out var argument) ? ((StringValue)argument.Value).Value : Parameter(name).DefaultValue as string;

    public double Number(string name) => arguments.TryGetValue(name, out var argument) ? ((FloatValue)argument.Value).Value : (double)Parameter(name).DefaultValue!;

    /// <summary>Reports a broken rule; the op is then not created.</summary>
    public void Report(DiagnosticDescriptor descriptor, SourceLocation location, params object[] arguments) =>
        Report(descriptor, EquatableArray<DiagnosticProperty>.Empty, location, arguments);

    /// <summary>Reports a broken rule with typed properties that code fixes read (see <see cref="DiagnosticProperties"/>).</summary>
    public void Report(DiagnosticDescriptor descriptor, EquatableArray<DiagnosticProperty> properties, SourceLocation location, params object[] arguments)
    {
        report(descriptor, properties, location, arguments);
        Ok = false;
        _reports++;
    }

    /// <summary>
    /// Reports that the input has other channels than <paramref name="channels"/>, the value of <paramref name="argument"/>
    /// (<paramref name="descriptor"/>: GNET0203, or the linear's own), and remembers them (see <see cref="DeclaredChannels"/>).
    /// </summary>
    public void ReportChannelMismatch(DiagnosticDescriptor descriptor, string argument, int channels, TensorShape input)
    {
        var location = LocationOf(argument);
        if (descriptor == DiagnosticDescriptors.ChannelMismatch)
        {
            // A layer of a standard-library block (a zoo network's first conv) is not the user's to edit: say what feeds it.
            string fix = StandardLibrary.Contains(location.FilePath)
                ? $"it is inside a standard-library block: give the block {channels} input channels (the network's input or the layer before it), or change the block's argument that sets them if it has one"
                : $"set {argument} to {input.Channels} or change the layer before it";
            Report(descriptor, location, DisplayName, channels, input.Channels, $"input {input}", fix);
        }
        else
        {
            Report(descriptor, location, DisplayName, channels, input.Channels, $"input {input}");
        }
        _declaredChannels = channels;
    }

    /// <summary>True for an image input; else reports that the op needs one.</summary>
    public bool RequireImage(TensorShape input, string hint)
    {
        if (!input.IsFlat) return true;
        Report(DiagnosticDescriptors.WrongRank, Location, DisplayName, "an image (channels x height x width)", $"a flat vector of {input.Channels}", hint);
        return false;
    }

    /// <summary>True for an image of <paramref name="channels"/> channels, the value of <paramref name="argument"/>; else reports why not.</summary>
    public bool RequireChannels(TensorShape input, int channels, string argument, string hint)
    {
        if (!RequireImage(input, hint)) return false;
        if (input.Channels == channels) return true;
        ReportChannelMismatch(DiagnosticDescriptors.ChannelMismatch, argument, channels, input);
        return false;
    }

    /// <summary>The output of a sliding window (conv, pool) over <paramref name="input"/>, or null after reporting why there is none.</summary>
    public TensorShape? Spatial(TensorShape input, int channels, long extent, int stride, int padding)
    {
        // PyTorch: floor((size + 2 * padding - extent) / stride) + 1, computed in 64 bits.
        long height = ((long)input.Height + 2L * padding - extent) / stride + 1;
        long width = ((long)input.Width + 2L * padding - extent) / stride + 1;
        if (input.Height + 2L * padding - extent < 0) height = 0;
        if (input.Width + 2L * padding - extent < 0) width = 0;
        if (height <= 0 || width <= 0)
        {
            Report(DiagnosticDescriptors.SpatialCollapse, Location, DisplayName, $"{height}x{width}", input);
            return null;
        }
        if (height > 1 << 20 || width > 1 << 20 || (long)channels * height * width > TensorShape.MaxElements)
        {
            Report(DiagnosticDescriptors.TensorTooLarge, Location, DisplayName, $"{channels}x{height}x{width}", (long)channels * height * width, TensorShape.MaxElements);
            return null;
        }
        return TensorShape.Chw(channels, (int)height, (int)width);
    }

    private OpParameter Parameter(string name) => op.Parameters.First(p => p.Name == name);
}
