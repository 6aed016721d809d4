using System.Collections.Generic;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Syntax;

// The parse tree of a .gnet document. The attribute form builds the same tree, so everything after
// parsing (binding, shapes, checks) exists once. These types are stage-internal and never cached.

public sealed class DocumentSyntax
{
    public DocumentSyntax(SourceDocument source, IReadOnlyList<BlockSyntax> blocks, IReadOnlyList<NetworkSyntax> networks)
    {
        Source = source;
        Blocks = blocks;
        Networks = networks;
    }

    public SourceDocument Source { get; }

    public IReadOnlyList<BlockSyntax> Blocks { get; }

    public IReadOnlyList<NetworkSyntax> Networks { get; }
}

/// <summary>Members and an optional forward: what blocks and networks have in common.</summary>
public abstract class ModuleBodySyntax
{
    protected ModuleBodySyntax(string name, SourceLocation nameLocation, IReadOnlyList<MemberSyntax> members, ForwardSyntax? forward)
    {
        Name = name;
        NameLocation = nameLocation;
        Members = members;
        Forward = forward;
    }

    public string Name { get; }

    public SourceLocation NameLocation { get; }

    public IReadOnlyList<MemberSyntax> Members { get; }

    public ForwardSyntax? Forward { get; }
}

public sealed class BlockSyntax : ModuleBodySyntax
{
    public BlockSyntax(string name, SourceLocation nameLocation, IReadOnlyList<ParameterSyntax> parameters, IReadOnlyList<MemberSyntax> members, ForwardSyntax? forward)
        : base(name, nameLocation, members, forward) => Parameters = parameters;

    public IReadOnlyList<ParameterSyntax> Parameters { get; }
}

public sealed class NetworkSyntax : ModuleBodySyntax
{
    public NetworkSyntax(string name, SourceLocation nameLocation, string? inputShape, SourceLocation? inputLocation, IReadOnlyList<MemberSyntax> members, ForwardSyntax? forward)
        : base(name, nameLocation, members, forward)
    {
        InputShape = inputShape;
        InputLocation = inputLocation;
    }

    /// <summary>The shape text as written (e.g. "3x64x64"), or null when missing.</summary>
    public string? InputShape { get; }

    public SourceLocation? InputLocation { get; }
}

public sealed class ParameterSyntax
{
    public ParameterSyntax(string name, SourceLocation location, ExpressionSyntax? defaultValue)
    {
        Name = name;
        Location = location;
        DefaultValue = defaultValue;
    }

    public string Name { get; }

    public SourceLocation Location { get; }

    public ExpressionSyntax? DefaultValue { get; }
}

/// <summary><c>name = expression</c>. The name may be dotted only when it comes from the attribute form.</summary>
public sealed class MemberSyntax
{
    public MemberSyntax(string name, SourceLocation nameLocation, ExpressionSyntax value)
    {
        Name = name;
        NameLocation = nameLocation;
        Value = value;
    }

    public string Name { get; }

    public SourceLocation NameLocation { get; }

    public ExpressionSyntax Value { get; }
}

/// <summary><c>forward(x) = expression</c>.</summary>
public sealed class ForwardSyntax
{
    public ForwardSyntax(string parameter, SourceLocation location, ExpressionSyntax body)
    {
        Parameter = parameter;
        Location = location;
        Body = body;
    }

    public string Parameter { get; }

    public SourceLocation Location { get; }

    public ExpressionSyntax Body { get; }
}

public abstract class ExpressionSyntax
{
    protected ExpressionSyntax(SourceLocation location) => Location = location;

    public SourceLocation Location { get; }
}

public sealed class IntegerSyntax : ExpressionSyntax
{
    public IntegerSyntax(long value, SourceLocation location) : base(location) => Value = value;

    public long Value { get; }
}

public sealed class FloatSyntax : ExpressionSyntax
{
    public FloatSyntax(double value, SourceLocation location) : base(location) => Value = value;

    public double Value { get; }
}

public sealed class BooleanSyntax : ExpressionSyntax
{
    public BooleanSyntax(bool value, SourceLocation location) : base(location) => Value = value;

    public bool Value { get; }
}

public sealed class NameSyntax : ExpressionSyntax
{
    public NameSyntax(string name, SourceLocation location) : base(location) => Name = name;

    public string Name { get; }
}

public sealed class ArgumentSyntax
{
    public ArgumentSyntax(string? name, SourceLocation location, ExpressionSyntax value)
    {
        Name = name;
        Location = location;
        Value = value;
    }

    /// <summary>The keyword (<c>stride</c> in <c>stride: 2</c>), or null for a positional argument.</summary>
    public string? Name { get; }

    public SourceLocation Location { get; }

    public ExpressionSyntax Value { get; }
}

/// <summary><c>callee(arguments)</c>: an op, a block, or (in forward) a member applied to a tensor.</summary>
public sealed class CallSyntax : ExpressionSyntax
{
    public CallSyntax(NameSyntax callee, IReadOnlyList<ArgumentSyntax> arguments, SourceLocation location) : base(location)
    {
        Callee = callee;
        Arguments = arguments;
    }

    public NameSyntax Callee { get; }

    public IReadOnlyList<ArgumentSyntax> Arguments { get; }
}

/// <summary><c>[a, b, c]</c>: a sequential whose children are named 0, 1, 2.</summary>
public sealed class ListSyntax : ExpressionSyntax
{
    public ListSyntax(IReadOnlyList<ExpressionSyntax> items, SourceLocation location) : base(location) => Items = items;

    public IReadOnlyList<ExpressionSyntax> Items { get; }
}

public sealed class UnarySyntax : ExpressionSyntax
{
    public UnarySyntax(TokenKind op, ExpressionSyntax operand, SourceLocation location) : base(location)
    {
        Operator = op;
        Operand = operand;
    }

    public TokenKind Operator { get; }

    public ExpressionSyntax Operand { get; }
}

public sealed class BinarySyntax : ExpressionSyntax
{
    public BinarySyntax(TokenKind op, ExpressionSyntax left, ExpressionSyntax right, SourceLocation location) : base(location)
    {
        Operator = op;
        Left = left;
        Right = right;
    }

    public TokenKind Operator { get; }

    public ExpressionSyntax Left { get; }

    public ExpressionSyntax Right { get; }
}

public sealed class IfSyntax : ExpressionSyntax
{
    public IfSyntax(ExpressionSyntax condition, ExpressionSyntax whenTrue, ExpressionSyntax whenFalse, SourceLocation location) : base(location)
    {
        Condition = condition;
        WhenTrue = whenTrue;
        WhenFalse = whenFalse;
    }

    public ExpressionSyntax Condition { get; }

    public ExpressionSyntax WhenTrue { get; }

    public ExpressionSyntax WhenFalse { get; }
}

/// <summary>Stands in for an expression that failed to parse; binding skips it silently (the parser reported it).</summary>
public sealed class MissingSyntax : ExpressionSyntax
{
    public MissingSyntax(SourceLocation location) : base(location)
    {
    }
}
