using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Attributes;

/// <summary>
/// Lowers the attribute form to the same syntax tree the .gnet parser builds, so that both forms share
/// every later stage. The class is a sequential network: layers run in source order. Consecutive layers
/// named P.0, P.1, ... become one sequential member P, exactly as <c>P = [a, b, c]</c> in .gnet; an
/// unnamed layer is named by its position, like a child of nn.Sequential.
/// </summary>
public static class AttributeForm
{
    /// <summary>
    /// Attribute type name (without the Attribute suffix) to the .gnet op or block it declares: each op's attributes
    /// (<see cref="OpDescriptor.Attributes"/>), then each standard-library block under its own name.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Layers = OpRegistry.All
        .SelectMany(op => op.Attributes.Select(attribute => (Attribute: attribute.Name, Declares: op.Name)))
        .Concat(StandardLibrary.Blocks.Select(block => (Attribute: block.Name, Declares: block.Name)))
        .ToDictionary(pair => pair.Attribute, pair => pair.Declares);

    /// <summary>The named property that sets a layer's name (its state_dict prefix).</summary>
    public const string NameProperty = "Name";

    private static readonly Regex Identifier = new("^[A-Za-z_][A-Za-z0-9_]*$");
    private static readonly Regex Indexed = new("^([A-Za-z_][A-Za-z0-9_]*)\\.([0-9]+)$");
    private static readonly Regex Index = new("^[0-9]+$");

    public static NetworkSyntax ToSyntax(AttributeNetwork network, DiagnosticBag diagnostics)
    {
        var members = new List<MemberSyntax>();
        var sequence = new List<ExpressionSyntax>();
        string? sequenceName = null;
        SourceLocation? sequenceLocation = null;

        // A rejected layer (bad name) stays in the chain as a member that failed, under a name no layer
        // can have: dropping it would run its neighbours into each other and report errors of the gap.
        void Reject(int index, SourceLocation location)
        {
            CloseSequence();
            members.Add(new MemberSyntax("<layer " + index.ToString(CultureInfo.InvariantCulture) + ">", location, new MissingSyntax(location)));
        }

        void CloseSequence()
        {
            if (sequenceName is null) return;
            members.Add(new MemberSyntax(sequenceName, sequenceLocation!, new ListSyntax(sequence.ToList(), sequenceLocation!)));
            sequence.Clear();
            sequenceName = null;
        }

        for (int i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            var call = ToCall(layer, diagnostics);
            var nameArgument = layer.Arguments.FirstOrDefault(a => a.Name == NameProperty);
            string name = nameArgument?.Value.Text ?? i.ToString(CultureInfo.InvariantCulture);
            var nameLocation = nameArgument?.Location ?? layer.Location;

            var indexed = Indexed.Match(name);
            if (indexed.Success)
            {
                string prefix = indexed.Groups[1].Value;
                int position = int.TryParse(indexed.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : -1;
                if (sequenceName == prefix && position == sequence.Count)
                {
                    sequence.Add(call);
                    continue;
                }
                CloseSequence();
                if (position == 0 && members.All(m => m.Name != prefix))
                {
                    sequenceName = prefix;
                    sequenceLocation = nameLocation;
                    sequence.Add(call);
                    continue;
                }
                diagnostics.Report(DiagnosticDescriptors.InvalidLayerName, nameLocation, name + $"' (layers named {prefix}.N must be consecutive and numbered from 0 in order; this is out of order) '");
                Reject(i, nameLocation);
                continue;
            }

            CloseSequence();
            if (!Identifier.IsMatch(name) && !Index.IsMatch(name))
            {
                diagnostics.Report(DiagnosticDescriptors.InvalidLayerName, nameLocation, name);
                Reject(i, nameLocation);
                continue;
            }
            if (members.Any(m => m.Name == name))
            {
                diagnostics.Report(DiagnosticDescriptors.DuplicateName, nameLocation, name);
                Reject(i, nameLocation);
                continue;
            }
            members.Add(new MemberSyntax(name, nameLocation, call));
        }
        CloseSequence();

        // The binder checks the input shape and reports an empty network, as for .gnet: reporting here
        // too would say it twice.
        return new NetworkSyntax(network.ClassName, network.Location, network.Input, network.Location, members, null)
        {
            Weights = network.Weights is { Value.Text: { Length: > 0 } path } weights ? (path, weights.Location) : null,
        };
    }

    private static ExpressionSyntax ToCall(AttributeLayer layer, DiagnosticBag diagnostics)
    {
        if (!Layers.TryGetValue(layer.AttributeName, out var op))
        {
            diagnostics.Report(DiagnosticDescriptors.UnknownName, layer.Location, "layer attribute", layer.AttributeName, "use one of " + string.Join(", ", Layers.Keys));
            return new MissingSyntax(layer.Location);
        }
        var arguments = new List<ArgumentSyntax>();
        foreach (var argument in layer.Arguments)
        {
            if (argument.Name == NameProperty) continue;
            ExpressionSyntax value = argument.Value switch
            {
                { Integer: { } integer } => new IntegerSyntax(integer, argument.Location),
                { Number: { } number } => new FloatSyntax(number, argument.Location),
                { Boolean: { } boolean } => new BooleanSyntax(boolean, argument.Location),
                _ => new MissingSyntax(argument.Location),
            };
            if (value is MissingSyntax)
            {
                diagnostics.Report(DiagnosticDescriptors.WrongType, argument.Location, $"argument '{argument.Name ?? "?"}' of [{layer.AttributeName}]", "a number or bool", $"the text \"{argument.Value.Text}\"");
            }
            arguments.Add(new ArgumentSyntax(argument.Name is null ? null : SnakeCase(argument.Name), argument.Location, value));
        }
        return new CallSyntax(new NameSyntax(op, layer.Location), arguments, layer.Location);
    }

    /// <summary>BottleneckRatio -> bottleneck_ratio: attribute properties are C# names for PyTorch's arguments.</summary>
    public static string SnakeCase(string name)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && !char.IsUpper(name[i - 1])) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
