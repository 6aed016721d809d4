using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Binding;

// What expressions evaluate to while a network is being bound. Internal to the binder.

internal abstract class Value
{
    public abstract string Describe();
}

/// <summary>The result of an expression that already reported an error: consumers stay silent.</summary>
internal sealed class ErrorValue : Value
{
    public static readonly ErrorValue Instance = new();

    public override string Describe() => "an invalid value";
}

internal sealed class IntValue(long value) : Value
{
    public long Value => value;

    public override string Describe() => "the integer " + Value.ToString(CultureInfo.InvariantCulture);
}

internal sealed class FloatValue(double value) : Value
{
    public double Value => value;

    public override string Describe() => "the number " + Value.ToString("R", CultureInfo.InvariantCulture);
}

internal sealed class BoolValue(bool value) : Value
{
    public bool Value => value;

    public override string Describe() => Value ? "true" : "false";
}

/// <summary>A string written as an op's argument (<c>"row"</c>); the op checks it against the values it accepts.</summary>
internal sealed class StringValue(string value) : Value
{
    public string Value => value;

    public override string Describe() => "the string " + Quote(Value);

    /// <summary>How .gnet writes the string: in double quotes, with \" and \\ escaped.</summary>
    public static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

/// <summary>A list of integers written as an argument (split's channel counts).</summary>
internal sealed class IntListValue(IReadOnlyList<long> values) : Value
{
    public IReadOnlyList<long> Values => values;

    public override string Describe() => "the list [" + string.Join(", ", Values) + "]";
}

/// <summary>The tensors of an op that gives several (chunk, split), until a forward block names them.</summary>
internal sealed class TupleValue(string op, IReadOnlyList<TensorValue> tensors) : Value
{
    /// <summary>The op's name, as messages say where the tensors came from.</summary>
    public string Op => op;

    public IReadOnlyList<TensorValue> Tensors => tensors;

    public override string Describe() => $"{Tensors.Count} tensors (of {string.Join(", ", Tensors.Select(t => t.Shape.Channels))} channels)";
}

internal sealed class ModuleValue(Module module) : Value
{
    public Module Module => module;

    public override string Describe() => $"the layer '{Module.Path}'";
}

internal sealed class TensorValue(int node, TensorShape shape) : Value
{
    public int Node => node;

    public TensorShape Shape => shape;

    public override string Describe() => $"a tensor of shape {Shape}";
}

/// <summary>A module instance: created where it is declared, applied where forward calls it.</summary>
internal abstract class Module(string path, SourceLocation location)
{
    public string Path => path;

    /// <summary>Where the user wrote it (for a module inside a standard-library block: where the block was used).</summary>
    public SourceLocation Location => location;

    public bool Used { get; set; }
}

internal sealed class OpModule(string path, SourceLocation location, OpDescriptor descriptor, Dictionary<string, BoundArgument> arguments) : Module(path, location)
{
    public OpDescriptor Descriptor => descriptor;

    public string OpName => Descriptor.Name;

    public Dictionary<string, BoundArgument> Arguments => arguments;

    /// <summary>Position among the modules declared as members: orders the weights as PyTorch registers them.</summary>
    public int Order { get; init; }

    /// <summary>Set once the op's sizes are known (at creation, or at the first call for inferred sizes).</summary>
    public Operation? Operation { get; set; }
}

internal sealed class SequentialModule(string path, SourceLocation location, List<Module> children) : Module(path, location)
{
    public List<Module> Children => children;
}

internal sealed class BlockModule(string path, SourceLocation location, ModuleBodySyntax syntax, Scope scope, List<(MemberSyntax Member, Module Module)> children)
    : Module(path, location)
{
    public ModuleBodySyntax Syntax => syntax;

    public Scope Scope => scope;

    public List<(MemberSyntax Member, Module Module)> Children => children;

    /// <summary>A member's value was an error (already reported): the members cannot run in order.</summary>
    public bool HasFailedMember { get; init; }
}

internal readonly record struct BoundArgument(Value Value, SourceLocation Location);

/// <summary>Names visible in a block or network body: parameters, then members in declaration order.</summary>
internal sealed class Scope
{
    private readonly Dictionary<string, Value> _values = new();

    public Scope(string path, Scope? parent = null)
    {
        Path = path;
        Parent = parent;
    }

    public string Path { get; }

    public Scope? Parent { get; }

    public bool TryGet(string name, out Value value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._values.TryGetValue(name, out value!)) return true;
        }
        value = ErrorValue.Instance;
        return false;
    }

    public bool ContainsLocal(string name) => _values.ContainsKey(name);

    public void Set(string name, Value value) => _values[name] = value;

    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Every name visible here: this scope's, then its parents'.</summary>
    public IEnumerable<string> AllNames => Parent is null ? Names : Names.Concat(Parent.AllNames);
}
