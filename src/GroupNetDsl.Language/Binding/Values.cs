using System.Collections.Generic;
using System.Globalization;
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

internal sealed class IntValue : Value
{
    public IntValue(long value) => Value = value;

    public long Value { get; }

    public override string Describe() => "the integer " + Value.ToString(CultureInfo.InvariantCulture);
}

internal sealed class FloatValue : Value
{
    public FloatValue(double value) => Value = value;

    public double Value { get; }

    public override string Describe() => "the number " + Value.ToString("R", CultureInfo.InvariantCulture);
}

internal sealed class BoolValue : Value
{
    public BoolValue(bool value) => Value = value;

    public bool Value { get; }

    public override string Describe() => Value ? "true" : "false";
}

internal sealed class ModuleValue : Value
{
    public ModuleValue(Module module) => Module = module;

    public Module Module { get; }

    public override string Describe() => $"the layer '{Module.Path}'";
}

internal sealed class TensorValue : Value
{
    public TensorValue(int node, TensorShape shape)
    {
        Node = node;
        Shape = shape;
    }

    public int Node { get; }

    public TensorShape Shape { get; }

    public override string Describe() => $"a tensor of shape {Shape}";
}

/// <summary>A module instance: created where it is declared, applied where forward calls it.</summary>
internal abstract class Module
{
    protected Module(string path, SourceLocation location)
    {
        Path = path;
        Location = location;
    }

    public string Path { get; }

    /// <summary>Where the user wrote it (for a module inside a standard-library block: where the block was used).</summary>
    public SourceLocation Location { get; }

    public bool Used { get; set; }
}

internal sealed class OpModule : Module
{
    public OpModule(string path, SourceLocation location, OpDescriptor descriptor, Dictionary<string, BoundArgument> arguments) : base(path, location)
    {
        Descriptor = descriptor;
        Arguments = arguments;
    }

    public OpDescriptor Descriptor { get; }

    public string OpName => Descriptor.Name;

    public Dictionary<string, BoundArgument> Arguments { get; }

    /// <summary>Position among the modules declared as members: orders the weights as PyTorch registers them.</summary>
    public int Order { get; init; }

    /// <summary>Set once the op's sizes are known (at creation, or at the first call for inferred sizes).</summary>
    public Operation? Operation { get; set; }
}

internal sealed class SequentialModule : Module
{
    public SequentialModule(string path, SourceLocation location, List<Module> children) : base(path, location) => Children = children;

    public List<Module> Children { get; }
}

internal sealed class BlockModule : Module
{
    public BlockModule(string path, SourceLocation location, ModuleBodySyntax syntax, Scope scope, List<(MemberSyntax Member, Module Module)> children)
        : base(path, location)
    {
        Syntax = syntax;
        Scope = scope;
        Children = children;
    }

    public ModuleBodySyntax Syntax { get; }

    public Scope Scope { get; }

    public List<(MemberSyntax Member, Module Module)> Children { get; }

    /// <summary>A member's value was an error (already reported): the members cannot run in order.</summary>
    public bool HasFailedMember { get; init; }
}

internal readonly struct BoundArgument
{
    public BoundArgument(Value value, SourceLocation location)
    {
        Value = value;
        Location = location;
    }

    public Value Value { get; }

    public SourceLocation Location { get; }
}

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
}
