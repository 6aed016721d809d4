using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Syntax;

namespace GroupNetDsl.Language.Binding;

// Forward blocks: statements that name tensors, and the ops that give several tensors (chunk, split).
internal sealed partial class Binder
{
    /// <summary>Runs a forward: its statements in order, each binding its names, then its output expression.</summary>
    private Value RunForward(ForwardSyntax forward, Scope scope)
    {
        foreach (var statement in forward.Statements)
        {
            var value = EvaluateTensor(statement.Value, scope, allowSeveral: true);
            var tensors = value switch
            {
                TupleValue several => several.Tensors.Cast<Value>().ToList(),
                TensorValue one => new List<Value> { one },
                _ => null,
            };
            if (tensors is not null && tensors.Count != statement.Names.Count)
            {
                ReportCountMismatch(value, statement);
                tensors = null;
            }
            for (int i = 0; i < statement.Names.Count; i++)
            {
                var name = statement.Names[i];
                // Each name is bound once: a second binding would make a name mean two tensors in one block.
                if (scope.TryGet(name.Name, out _))
                {
                    Report(DiagnosticDescriptors.DuplicateName, name.Location, name.Name);
                    continue;
                }
                scope.Set(name.Name, tensors?[i] ?? ErrorValue.Instance);
            }
        }
        return EvaluateTensor(forward.Body, scope);
    }

    /// <summary>The tensors of chunk or split: one narrow view per channel range.</summary>
    private Value ApplySlices(OpModule module, TensorValue input)
    {
        module.Used = true;
        var slices = module.Descriptor.ChannelSlices(module.Operation!, input.Shape, Site(module));
        if (slices is null) return ErrorValue.Instance;
        var tensors = new List<TensorValue>();
        for (int i = 0; i < slices.Count; i++)
        {
            var piece = new OpModule(module.Path + "." + i.ToString(System.Globalization.CultureInfo.InvariantCulture), module.Location, Narrow.Descriptor, new Dictionary<string, BoundArgument>())
            {
                Operation = slices[i],
            };
            if (ApplyOp(piece, new[] { input }) is not TensorValue tensor) return ErrorValue.Instance;
            tensors.Add(tensor);
        }
        return new TupleValue(module.Descriptor.Name, tensors);
    }

    /// <summary>A list argument of integers (split's channel counts), or an error value after reporting its first bad item.</summary>
    private Value EvaluateIntegerList(ListSyntax list, Scope scope, string what)
    {
        var values = new List<long>();
        for (int i = 0; i < list.Items.Count; i++)
        {
            var item = EvaluateScalar(list.Items[i], scope);
            if (item is ErrorValue) return item;
            if (item is not IntValue integer)
            {
                Report(DiagnosticDescriptors.WrongType, list.Items[i].Location, $"item {i} of {what}", "an integer", item.Describe());
                return ErrorValue.Instance;
            }
            values.Add(integer.Value);
        }
        return new IntListValue(values);
    }

    private void ReportSeveralAsOne(TupleValue several, Text.SourceLocation location) =>
        Report(DiagnosticDescriptors.TensorCountMismatch, location, $"'{several.Op}'", several.Describe(), "one tensor is expected here",
            $"name them in a forward block first: ({Names(several.Tensors.Count)}) = {several.Op}(...)");

    private void ReportCountMismatch(Value value, TensorStatementSyntax statement)
    {
        int names = statement.Names.Count;
        string receive = names == 1 ? "1 name receives them" : $"{names} names receive {(value is TupleValue ? "them" : "it")}";
        if (value is TupleValue several)
        {
            string fix = several.Tensors.Count == 1 ? $"write one name: x1 = {several.Op}(...)" : $"write {several.Tensors.Count} names: ({Names(several.Tensors.Count)}) = {several.Op}(...)";
            Report(DiagnosticDescriptors.TensorCountMismatch, statement.TargetLocation, $"'{several.Op}'", several.Describe(), receive, fix);
        }
        else
        {
            Report(DiagnosticDescriptors.TensorCountMismatch, statement.TargetLocation, "The expression", "1 tensor", receive, "write one name: y = ...");
        }
    }

    private static string Names(int count) => string.Join(", ", Enumerable.Range(1, count).Select(i => "x" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
