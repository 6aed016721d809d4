using System.Collections.Generic;
using System.Globalization;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Syntax;

namespace GroupNetDsl.Language.Binding;

// Lists of layers: literals, repetition over range, concatenation with '+', and members that hold a list to be
// spliced into another. Whatever the form, the items are numbered 0, 1, 2, ... in order, as PyTorch's
// nn.Sequential(*items) numbers them.
internal sealed partial class Binder
{
    /// <summary>Most items one list may have: a range beyond it is an error before any item is made.</summary>
    public const int MaxListItems = MaxNodes;

    /// <summary>Whether <paramref name="expression"/> denotes a list of layers (and not one layer or a number).</summary>
    private static bool IsListExpression(ExpressionSyntax expression, Scope scope) => expression switch
    {
        ListSyntax or ComprehensionSyntax => true,
        BinarySyntax { Operator: TokenKind.Plus } binary => IsListOperand(binary.Left, scope) || IsListOperand(binary.Right, scope),
        NameSyntax name => scope.TryGet(name.Name, out var value) && value is ListValue,
        _ => false,
    };

    // An 'if' is a list where '+' joins it ([a] + (if c then [b] else [])); alone it chooses a module as before.
    private static bool IsListOperand(ExpressionSyntax expression, Scope scope) =>
        IsListExpression(expression, scope)
        || (expression is IfSyntax conditional && (IsListOperand(conditional.WhenTrue, scope) || IsListOperand(conditional.WhenFalse, scope)));

    /// <summary>Makes the sequential at <paramref name="path"/> from a list expression, its items numbered in order.</summary>
    private Value InstantiateList(ExpressionSyntax expression, Scope scope, string path)
    {
        var items = new List<(ExpressionSyntax Item, Scope Scope)>();
        if (!CollectItems(expression, scope, items)) return ErrorValue.Instance;
        var children = new List<Module>();
        bool failed = false;
        for (int i = 0; i < items.Count; i++)
        {
            var (item, itemScope) = items[i];
            var value = EvaluateMember(item, itemScope, Join(path, i.ToString(CultureInfo.InvariantCulture)));
            if (value is ModuleValue module) children.Add(module.Module);
            else if (value is ErrorValue) failed = true;
            else
            {
                Report(DiagnosticDescriptors.WrongType, item.Location, $"item {i} of '{path}'", "a layer", value.Describe());
                failed = true;
            }
        }
        return failed ? ErrorValue.Instance : new ModuleValue(new SequentialModule(path, Place(expression.Location), children));
    }

    /// <summary>Appends the items a list expression stands for, each with the scope it is evaluated in; false after an error.</summary>
    private bool CollectItems(ExpressionSyntax expression, Scope scope, List<(ExpressionSyntax Item, Scope Scope)> items)
    {
        Enter();
        try
        {
            switch (expression)
            {
                case ListSyntax list:
                    foreach (var item in list.Items) AddItem(items, item, scope);
                    return true;
                case ComprehensionSyntax comprehension:
                    return CollectRepetition(comprehension, scope, items);
                case BinarySyntax { Operator: TokenKind.Plus } binary:
                    // Both sides are looked at, so the errors of both are reported in one run.
                    bool left = CollectItems(binary.Left, scope, items);
                    bool right = CollectItems(binary.Right, scope, items);
                    return left && right;
                case IfSyntax conditional:
                    return Branch(conditional, scope) is { } branch && CollectItems(branch, scope, items);
                case NameSyntax name when scope.TryGet(name.Name, out var value) && value is ListValue list:
                    return CollectItems(list.Expression, list.Scope, items);
                case NameSyntax name when scope.TryGet(name.Name, out var value) && value is ErrorValue:
                    return false;
                case MissingSyntax:
                    return false;
                default:
                    Report(DiagnosticDescriptors.InvalidExpression, expression.Location, "'+' on lists", "both sides must be lists; write a single layer in brackets, for example [layer]");
                    return false;
            }
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary><c>[element for i in range(start, stop)]</c>: the element once per i, with i bound in its arguments.</summary>
    private bool CollectRepetition(ComprehensionSyntax comprehension, Scope scope, List<(ExpressionSyntax Item, Scope Scope)> items)
    {
        var bounds = new List<long>();
        bool ok = true;
        foreach (var argument in comprehension.Range)
        {
            var value = EvaluateScalar(argument.Value, scope);
            if (value is IntValue integer) bounds.Add(integer.Value);
            else
            {
                if (value is not ErrorValue) Report(DiagnosticDescriptors.WrongType, argument.Value.Location, "argument of 'range'", "an integer", value.Describe());
                ok = false;
            }
        }
        if (comprehension.Range.Count > 2)
        {
            Report(DiagnosticDescriptors.TooManyArguments, comprehension.Range[2].Location, "range", DiagnosticDescriptors.PositionalArguments(2), comprehension.Range.Count, "start, stop");
            return false;
        }
        if (!ok) return false;
        long start = bounds.Count == 2 ? bounds[0] : 0;
        long stop = bounds[bounds.Count - 1];
        // The count is checked before any item exists, so a huge range costs nothing.
        if (stop - start > MaxListItems - items.Count)
        {
            throw new LimitExceeded(MaxListItems, "items in one list", $"range({Format(start)}, {Format(stop)}) has {Format(stop - start)} items; use a smaller range");
        }
        for (long i = start; i < stop; i++)
        {
            var itemScope = new Scope(scope.Path, scope);
            itemScope.Set(comprehension.Variable, new IntValue(i));
            AddItem(items, comprehension.Element, itemScope);
        }
        return true;
    }

    private static void AddItem(List<(ExpressionSyntax Item, Scope Scope)> items, ExpressionSyntax item, Scope scope)
    {
        if (items.Count >= MaxListItems) throw new LimitExceeded(MaxListItems, "items in one list", "split the list or use fewer repetitions");
        items.Add((item, scope));
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The members of <paramref name="body"/> that are spliced into a list (<c>[stem] + blocks + [last]</c>) and hold a
    /// list themselves: like a Python list variable, such a member is no module and has no path of its own; its items
    /// live where the list that splices them puts them.
    /// </summary>
    private static HashSet<string> SplicedMembers(ModuleBodySyntax body)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var member in body.Members) CollectSplicedNames(member.Value, names);
        return names;
    }

    private static void CollectSplicedNames(ExpressionSyntax expression, HashSet<string> names)
    {
        switch (expression)
        {
            case BinarySyntax { Operator: TokenKind.Plus } binary:
                AddOperand(binary.Left, names);
                AddOperand(binary.Right, names);
                CollectSplicedNames(binary.Left, names);
                CollectSplicedNames(binary.Right, names);
                break;
            case IfSyntax conditional:
                CollectSplicedNames(conditional.WhenTrue, names);
                CollectSplicedNames(conditional.WhenFalse, names);
                break;
        }
    }

    private static void AddOperand(ExpressionSyntax operand, HashSet<string> names)
    {
        if (operand is NameSyntax name) names.Add(name.Name);
        else if (operand is IfSyntax conditional)
        {
            AddOperand(conditional.WhenTrue, names);
            AddOperand(conditional.WhenFalse, names);
        }
    }

    /// <summary>Whether a member's value is kept as a list to splice rather than made a module (see <see cref="SplicedMembers"/>).</summary>
    private static bool IsSplicedList(MemberSyntax member, HashSet<string> spliced, Scope scope) =>
        spliced.Contains(member.Name) && IsListExpression(member.Value, scope);
}

/// <summary>A member that holds a list to splice into others: its items, unevaluated, with the scope they are evaluated in.</summary>
internal sealed class ListValue(ExpressionSyntax expression, Scope scope) : Value
{
    public ExpressionSyntax Expression => expression;

    public Scope Scope => scope;

    public override string Describe() => "a list of layers spliced into another list (it has no path of its own; call the list that splices it)";
}
