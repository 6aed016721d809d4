using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Syntax;

// The parse tree of a .gnet document. The attribute form builds the same tree, so everything after
// parsing (binding, shapes, checks) exists once. These types are stage-internal and never cached; they are
// classes, so a node is equal only to itself.

public sealed class DocumentSyntax(SourceDocument source, IReadOnlyList<BlockSyntax> blocks, IReadOnlyList<NetworkSyntax> networks)
{
    public SourceDocument Source => source;

    public IReadOnlyList<BlockSyntax> Blocks => blocks;

    public IReadOnlyList<NetworkSyntax> Networks => networks;

    /// <summary>The files whose blocks this document uses (<c>import "other.gnet"</c>), in source order.</summary>
    public IReadOnlyList<ImportSyntax> Imports { get; init; } = System.Array.Empty<ImportSyntax>();

    /// <summary>
    /// True when a syntax error lies outside every declaration's body (between declarations, in an import, in a block's
    /// name or parameters, or past the per-file cap): it may hide a declaration, so no model is built from this file.
    /// An error inside one declaration is that declaration's (<see cref="ModuleBodySyntax.SyntaxErrors"/>).
    /// </summary>
    public bool HasStrayErrors { get; init; }
}

/// <summary><c>import "other.gnet"</c>: the path as written (without quotes), relative to the importing file's folder.</summary>
public sealed class ImportSyntax(string path, SourceLocation location)
{
    public string Path => path;

    public SourceLocation Location => location;
}

/// <summary>Members and an optional forward: what blocks and networks have in common.</summary>
public abstract class ModuleBodySyntax(string name, SourceLocation nameLocation, IReadOnlyList<MemberSyntax> members, ForwardSyntax? forward)
{
    public string Name => name;

    public SourceLocation NameLocation => nameLocation;

    public IReadOnlyList<MemberSyntax> Members => members;

    public ForwardSyntax? Forward => forward;

    /// <summary>The syntax errors inside this declaration: none of its text may be trusted, so it gives no model.</summary>
    public IReadOnlyList<GnetDiagnostic> SyntaxErrors { get; internal set; } = System.Array.Empty<GnetDiagnostic>();
}

public sealed class BlockSyntax(string name, SourceLocation nameLocation, IReadOnlyList<ParameterSyntax> parameters, IReadOnlyList<MemberSyntax> members, ForwardSyntax? forward)
    : ModuleBodySyntax(name, nameLocation, members, forward)
{
    public IReadOnlyList<ParameterSyntax> Parameters => parameters;
}

public sealed class NetworkSyntax(string name, SourceLocation nameLocation, string? inputShape, SourceLocation? inputLocation, IReadOnlyList<MemberSyntax> members, ForwardSyntax? forward)
    : ModuleBodySyntax(name, nameLocation, members, forward)
{
    /// <summary>The shape text as written (e.g. "3x64x64"), or null when missing.</summary>
    public string? InputShape => inputShape;

    public SourceLocation? InputLocation => inputLocation;

    /// <summary>The declared weight file (<c>weights: "net.safetensors"</c>) as written, and where; null when none is declared.</summary>
    public (string Path, SourceLocation Location)? Weights { get; init; }
}

public sealed class ParameterSyntax(string name, SourceLocation location, ExpressionSyntax? defaultValue)
{
    public string Name => name;

    public SourceLocation Location => location;

    public ExpressionSyntax? DefaultValue => defaultValue;
}

/// <summary><c>name = expression</c>. The name may be dotted only when it comes from the attribute form.</summary>
public sealed class MemberSyntax(string name, SourceLocation nameLocation, ExpressionSyntax value)
{
    public string Name => name;

    public SourceLocation NameLocation => nameLocation;

    public ExpressionSyntax Value => value;
}

/// <summary>
/// <c>forward(x) = expression</c>, or a forward block: <c>forward(x) { statements; return expression }</c>, whose
/// return expression is the <see cref="Body"/>.
/// </summary>
public sealed class ForwardSyntax(string parameter, SourceLocation location, ExpressionSyntax body, IReadOnlyList<TensorStatementSyntax>? statements = null)
{
    public string Parameter => parameter;

    public SourceLocation Location => location;

    public ExpressionSyntax Body => body;

    /// <summary>The statements of a forward block before its return, in order (none for <c>forward(x) = expression</c>).</summary>
    public IReadOnlyList<TensorStatementSyntax> Statements => statements ?? System.Array.Empty<TensorStatementSyntax>();
}

/// <summary><c>name = expression</c> or <c>(a, b) = expression</c> in a forward block: names for the tensors the expression gives.</summary>
public sealed class TensorStatementSyntax(IReadOnlyList<NameSyntax> names, SourceLocation targetLocation, ExpressionSyntax value)
{
    public IReadOnlyList<NameSyntax> Names => names;

    /// <summary>The left-hand side: the name, or the parenthesized names.</summary>
    public SourceLocation TargetLocation => targetLocation;

    public ExpressionSyntax Value => value;
}

public abstract class ExpressionSyntax(SourceLocation location)
{
    public SourceLocation Location => location;
}

public sealed class IntegerSyntax(long value, SourceLocation location) : ExpressionSyntax(location)
{
    public long Value => value;
}

public sealed class FloatSyntax(double value, SourceLocation location) : ExpressionSyntax(location)
{
    public double Value => value;
}

public sealed class BooleanSyntax(bool value, SourceLocation location) : ExpressionSyntax(location)
{
    public bool Value => value;
}

public sealed class NameSyntax(string name, SourceLocation location) : ExpressionSyntax(location)
{
    public string Name => name;

    /// <summary>Written in quotes (<c>"row"</c>): a quoted name, or a string where an op's argument takes one.</summary>
    public bool Quoted { get; init; }
}

public sealed class ArgumentSyntax(string? name, SourceLocation location, ExpressionSyntax value)
{
    /// <summary>The keyword (<c>stride</c> in <c>stride: 2</c>), or null for a positional argument.</summary>
    public string? Name => name;

    public SourceLocation Location => location;

    public ExpressionSyntax Value => value;
}

/// <summary><c>callee(arguments)</c>: an op, a block, or (in forward) a member applied to a tensor.</summary>
public sealed class CallSyntax(NameSyntax callee, IReadOnlyList<ArgumentSyntax> arguments, SourceLocation location) : ExpressionSyntax(location)
{
    public NameSyntax Callee => callee;

    public IReadOnlyList<ArgumentSyntax> Arguments => arguments;
}

/// <summary><c>[a, b, c]</c>: a sequential whose children are named 0, 1, 2.</summary>
public sealed class ListSyntax(IReadOnlyList<ExpressionSyntax> items, SourceLocation location) : ExpressionSyntax(location)
{
    public IReadOnlyList<ExpressionSyntax> Items => items;
}

/// <summary>
/// <c>[element for variable in range(arguments)]</c>: the element once per integer of the range, the variable bound to
/// it, as items of a sequential (Python's list comprehension over <c>range</c>).
/// </summary>
public sealed class ComprehensionSyntax(ExpressionSyntax element, string variable, SourceLocation variableLocation, IReadOnlyList<ArgumentSyntax> range, SourceLocation location) : ExpressionSyntax(location)
{
    public ExpressionSyntax Element => element;

    public string Variable => variable;

    public SourceLocation VariableLocation => variableLocation;

    /// <summary>The arguments of <c>range</c>: (stop) or (start, stop).</summary>
    public IReadOnlyList<ArgumentSyntax> Range => range;
}

public sealed class UnarySyntax(TokenKind op, ExpressionSyntax operand, SourceLocation location) : ExpressionSyntax(location)
{
    public TokenKind Operator => op;

    public ExpressionSyntax Operand => operand;
}

public sealed class BinarySyntax(TokenKind op, ExpressionSyntax left, ExpressionSyntax right, SourceLocation location) : ExpressionSyntax(location)
{
    public TokenKind Operator => op;

    public ExpressionSyntax Left => left;

    public ExpressionSyntax Right => right;
}

public sealed class IfSyntax(ExpressionSyntax condition, ExpressionSyntax whenTrue, ExpressionSyntax whenFalse, SourceLocation location) : ExpressionSyntax(location)
{
    public ExpressionSyntax Condition => condition;

    public ExpressionSyntax WhenTrue => whenTrue;

    public ExpressionSyntax WhenFalse => whenFalse;
}

/// <summary>Stands in for an expression that failed to parse; binding skips it silently (the parser reported it).</summary>
public sealed class MissingSyntax(SourceLocation location) : ExpressionSyntax(location);
