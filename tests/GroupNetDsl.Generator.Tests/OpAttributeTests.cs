using System.Reflection;
using GroupNetDsl.Language;
using GroupNetDsl.Language.Attributes;
using GroupNetDsl.Language.Ops;
using GroupNetDsl.Language.Syntax;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// The runtime's layer attributes against what they declare: each op attribute against its descriptor (the only
/// source of an op's signature and defaults), each block attribute against the standard-library block. The
/// attributes repeat the defaults in their initializers for documentation and reflection; this keeps both sides one.
/// </summary>
public sealed class OpAttributeTests
{
    private static readonly Type[] LayerAttributes = typeof(LayerAttribute).Assembly.GetTypes()
        .Where(type => type.IsSubclassOf(typeof(LayerAttribute)) && !type.IsAbstract)
        .OrderBy(type => type.Name, StringComparer.Ordinal)
        .ToArray();

    public static TheoryData<string> OpAttributeNames() => new(OpRegistry.All.SelectMany(op => op.Attributes).Select(a => a.Name));

    public static TheoryData<string> BlockNames() => new(StandardLibrary.Blocks.Select(block => block.Name));

    [Fact]
    public void Every_layer_attribute_declares_an_op_or_a_standard_library_block()
    {
        Assert.NotEmpty(LayerAttributes);
        foreach (var type in LayerAttributes)
        {
            Assert.True(AttributeForm.Layers.ContainsKey(Short(type)), $"[{Short(type)}] is neither an op's attribute (OpDescriptor.Attributes) nor a standard-library block.");
        }
        Assert.Equal(LayerAttributes.Select(Short).OrderBy(n => n, StringComparer.Ordinal), AttributeForm.Layers.Keys.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(OpAttributeNames))]
    public void An_op_attribute_takes_its_descriptors_arguments_with_its_defaults(string name)
    {
        var op = OpRegistry.All.Single(o => o.Attributes.Any(a => a.Name == name));
        var form = op.Attributes.Single(a => a.Name == name);
        var parameters = op.Parameters.ToDictionary(p => p.Name);
        var defaults = form.Properties.ToDictionary(p => parameters[p].PropertyName, p => Expected(parameters[p]));
        AssertAttribute(name, form.ConstructorParameters.Select(p => parameters[p].PropertyName).ToArray(), defaults,
            property => parameters.Values.Single(p => p.PropertyName == property).Type switch
            {
                ArgumentType.Integer => typeof(int),
                ArgumentType.Number => typeof(double),
                _ => typeof(bool),
            });
    }

    [Theory]
    [MemberData(nameof(BlockNames))]
    public void A_block_attribute_takes_the_blocks_parameters_with_their_defaults(string name)
    {
        var block = StandardLibrary.Blocks.Single(b => b.Name == name);
        var required = block.Parameters.Where(p => p.DefaultValue is null).Select(p => Pascal(p.Name)).ToArray();
        var defaults = block.Parameters.Where(p => p.DefaultValue is not null).ToDictionary(p => Pascal(p.Name), p => p.DefaultValue switch
        {
            IntegerSyntax integer => (object)(int)integer.Value,
            FloatSyntax number => number.Value,
            BooleanSyntax flag => flag.Value,
            _ => throw new InvalidOperationException($"{name}.{p.Name}: a default the attribute form cannot state"),
        });
        AssertAttribute(name, required, defaults, property => defaults.TryGetValue(property, out var value) ? value.GetType() : typeof(int));
    }

    /// <summary>
    /// The attribute <paramref name="name"/>: a constructor that takes exactly <paramref name="required"/> (other
    /// constructors may add optional arguments), properties for the rest, and each optional property's value on an
    /// attribute made with the required arguments only equal to its default.
    /// </summary>
    private static void AssertAttribute(string name, string[] required, Dictionary<string, object> defaults, Func<string, Type> typeOf)
    {
        var type = LayerAttributes.SingleOrDefault(t => Short(t) == name);
        Assert.True(type is not null, $"No {name}Attribute in the runtime assembly.");
        var properties = type!.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.DeclaringType == type).ToList();
        Assert.Equal(required.Concat(defaults.Keys).OrderBy(n => n, StringComparer.Ordinal), properties.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));

        var constructors = type.GetConstructors();
        var primary = constructors.SingleOrDefault(c => c.GetParameters().Select(p => Pascal(p.Name!)).SequenceEqual(required));
        Assert.True(primary is not null, $"[{name}] has no constructor taking exactly ({string.Join(", ", required)}).");
        foreach (var constructor in constructors)
        {
            var names = constructor.GetParameters().Select(p => Pascal(p.Name!)).ToArray();
            Assert.True(names.Take(required.Length).SequenceEqual(required) && names.Skip(required.Length).All(defaults.ContainsKey),
                $"[{name}]({string.Join(", ", names)}) takes arguments that are not its op's, in order.");
        }
        foreach (var property in properties)
        {
            Assert.True(property.PropertyType == typeOf(property.Name), $"[{name}].{property.Name} is {property.PropertyType.Name}, not {typeOf(property.Name).Name}.");
            Assert.True(property.SetMethod is { IsPublic: true } || constructors.Any(c => c.GetParameters().Any(p => Pascal(p.Name!) == property.Name)),
                $"[{name}].{property.Name} can be set neither as a named argument nor through a constructor.");
        }

        var attribute = primary!.Invoke(primary.GetParameters().Select(p => Sample(p.ParameterType)).ToArray());
        foreach (var (property, expected) in defaults)
        {
            object? actual = type.GetProperty(property)!.GetValue(attribute);
            Assert.True(Equals(expected, actual), $"[{name}].{property} defaults to {actual}, its op to {expected}.");
        }
    }

    /// <summary>What the attribute holds for a left-out argument: its default, or 0 ("not set") when the op derives it.</summary>
    private static object Expected(OpParameter parameter) => parameter.DefaultValue switch
    {
        long integer => (int)integer,
        double number => number,
        bool flag => flag,
        _ => parameter.Type == ArgumentType.Number ? 0.0 : (object)0,
    };

    private static object Sample(Type type) => type == typeof(int) ? 1 : type == typeof(double) ? 1.0 : true;

    private static string Short(Type type) => type.Name.Substring(0, type.Name.Length - "Attribute".Length);

    /// <summary>in_channels and inChannels alike to InChannels.</summary>
    private static string Pascal(string name) => string.Concat(name.Split('_').Where(s => s.Length > 0).Select(s => char.ToUpperInvariant(s[0]) + s.Substring(1)));
}
