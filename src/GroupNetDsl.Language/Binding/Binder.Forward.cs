using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Binding;

// Forward: applying module instances to tensors builds the graph, one node per op call.
internal sealed partial class Binder
{
    private Value Apply(Module module, Value input, SourceLocation callSite)
    {
        Enter();
        try
        {
            return ApplyCore(module, input, callSite);
        }
        finally
        {
            _depth--;
        }
    }

    private Value ApplyCore(Module module, Value input, SourceLocation callSite)
    {
        if (input is not TensorValue tensor) return ErrorValue.Instance;
        module.Used = true;
        switch (module)
        {
            case OpModule op:
                return ApplyOp(op, new[] { tensor });
            case SequentialModule sequential:
            {
                Value current = tensor;
                foreach (var child in sequential.Children) current = Apply(child, current, callSite);
                return current;
            }
            case BlockModule block:
            {
                var savedAnchor = _anchor;
                _anchor = block.Location;
                var savedCallSites = block.Syntax is BlockSyntax ? EnterCallSite(block.Location) : _callSites;
                var savedBlocks = SeeBlocksOf(block.Syntax.NameLocation.FilePath);
                try
                {
                    if (block.Syntax.Forward is { } forward)
                    {
                        var scope = new Scope(block.Path, block.Scope);
                        scope.Set(forward.Parameter, tensor);
                        return EvaluateTensor(forward.Body, scope);
                    }
                    // A member that failed is missing from the chain: running the rest would report
                    // shape errors caused by the gap, not by the user.
                    if (block.HasFailedMember) return ErrorValue.Instance;
                    Value current = tensor;
                    foreach (var (_, child) in block.Children) current = Apply(child, current, callSite);
                    return current;
                }
                finally
                {
                    _anchor = savedAnchor;
                    _callSites = savedCallSites;
                    _blocks = savedBlocks;
                }
            }
            default:
                return ErrorValue.Instance;
        }
    }

    /// <summary>Evaluates a forward expression: calls of members and functional ops on tensors, and '+'.</summary>
    private Value EvaluateTensor(ExpressionSyntax expression, Scope scope)
    {
        Enter();
        try
        {
            return EvaluateTensorCore(expression, scope);
        }
        finally
        {
            _depth--;
        }
    }

    private Value EvaluateTensorCore(ExpressionSyntax expression, Scope scope)
    {
        switch (expression)
        {
            case MissingSyntax:
                return ErrorValue.Instance;
            case NameSyntax name:
                if (scope.TryGet(name.Name, out var value))
                {
                    if (value is TensorValue or ErrorValue) return value;
                    if (value is ModuleValue) Report(DiagnosticDescriptors.InvalidExpression, name.Location, name.Name, $"'{name.Name}' is a layer; call it on a tensor, for example {name.Name}(x)");
                    else Report(DiagnosticDescriptors.WrongType, name.Location, $"'{name.Name}'", "a tensor", value.Describe());
                    return ErrorValue.Instance;
                }
                ReportUnknown(name.Name, name.Location, scope);
                return ErrorValue.Instance;
            case CallSyntax call:
                return EvaluateTensorCall(call, scope);
            case BinarySyntax { Operator: TokenKind.Plus } binary:
            {
                var left = EvaluateTensor(binary.Left, scope);
                var right = EvaluateTensor(binary.Right, scope);
                var module = new OpModule(AnonymousPath(scope.Path, "add"), Place(binary.Location), Add.Descriptor, new Dictionary<string, BoundArgument>());
                return left is TensorValue a && right is TensorValue b ? ApplyOp(module, new[] { a, b }) : ErrorValue.Instance;
            }
            case IfSyntax conditional:
                return Branch(conditional, scope) is { } branch ? EvaluateTensor(branch, scope) : ErrorValue.Instance;
            default:
                Report(DiagnosticDescriptors.InvalidExpression, expression.Location, "forward", "forward can only call layers on tensors and add tensors with '+'");
                return ErrorValue.Instance;
        }
    }

    private Value EvaluateTensorCall(CallSyntax call, Scope scope)
    {
        string name = call.Callee.Name;
        if (scope.TryGet(name, out var callee))
        {
            if (callee is ErrorValue) return callee;
            if (callee is not ModuleValue member)
            {
                Report(DiagnosticDescriptors.WrongType, call.Callee.Location, $"'{name}'", "a layer to call", callee.Describe());
                return ErrorValue.Instance;
            }
            if (call.Arguments.Count != 1 || call.Arguments[0].Name is not null)
            {
                Report(DiagnosticDescriptors.InvalidExpression, call.Location, name, $"a layer takes exactly one tensor, for example {name}(x)");
                return ErrorValue.Instance;
            }
            var input = EvaluateTensor(call.Arguments[0].Value, scope);
            return Apply(member.Module, input, call.Location);
        }

        if (OpRegistry.TryGet(name, out var op))
        {
            if (op.HasWeights)
            {
                Report(DiagnosticDescriptors.InvalidExpression, call.Location, name, $"'{name}' has weights, which need a state_dict name; declare it as a member (name = {name}(...)) and call the member in forward");
                return ErrorValue.Instance;
            }
            int positional = call.Arguments.TakeWhile(a => a.Name is null).Count();
            if (positional < op.TensorInputs)
            {
                Report(DiagnosticDescriptors.MissingArgument, call.Location, name, op.TensorInputs == 1 ? "input tensor" : "second input tensor");
                return ErrorValue.Instance;
            }
            var inputs = new List<TensorValue>();
            bool failed = false;
            for (int i = 0; i < op.TensorInputs; i++)
            {
                if (EvaluateTensor(call.Arguments[i].Value, scope) is TensorValue t) inputs.Add(t);
                else failed = true;
            }
            var bound = BindArguments(name, op.Parameters, call.Arguments, scope, call.Location, skipPositional: op.TensorInputs);
            if (failed || bound is null) return ErrorValue.Instance;
            var module = new OpModule(AnonymousPath(scope.Path, name), Place(call.Location), op, bound);
            module.Operation = CreateOperation(module, inputChannels: null);
            if (module.Operation is null && !IsDeferred(module)) return ErrorValue.Instance;
            return ApplyOp(module, inputs.ToArray());
        }

        if (_blocks.ContainsKey(name))
        {
            Report(DiagnosticDescriptors.InvalidExpression, call.Location, name, $"blocks have weights, which need a state_dict name; declare it as a member (name = {name}(...)) and call the member in forward");
            return ErrorValue.Instance;
        }
        ReportUnknown(name, call.Callee.Location, scope);
        ReportUnknownNamesIn(call.Arguments, scope);
        return ErrorValue.Instance;
    }

    /// <summary>Names for parameter-free ops written inline in forward: the op name, then op_1, op_2 in one scope.</summary>
    private string AnonymousPath(string scopePath, string op)
    {
        string key = Join(scopePath, op);
        _anonymousCounts.TryGetValue(key, out int count);
        _anonymousCounts[key] = count + 1;
        return count == 0 ? key : key + "_" + count.ToString(CultureInfo.InvariantCulture);
    }

    private Value ApplyOp(OpModule module, TensorValue[] inputs)
    {
        module.Used = true;
        if (module.Operation is null)
        {
            // Sizes inferred from the input (batchnorm without num_features).
            module.Operation = CreateOperation(module, inputs[0].Shape.IsFlat ? null : inputs[0].Shape.Channels);
            if (module.Operation is null) return ErrorValue.Instance;
            DeclareWeights(module);
        }

        var output = InferShape(module, module.Operation, inputs);
        if (output is not TensorShape shape) return ErrorValue.Instance;
        if (shape.ElementCount > TensorShape.MaxElements)
        {
            Report(DiagnosticDescriptors.TensorTooLarge, module.Location, DisplayName(module), shape, shape.ElementCount, TensorShape.MaxElements);
            return ErrorValue.Instance;
        }

        var operation = module.Operation;
        long parameters = module.Descriptor.ParameterCount(operation);
        long macs = module.Descriptor.MultiplyAccumulates(operation, shape);
        int index = _nodes.Count;
        if (index >= MaxNodes) throw new LimitExceeded(MaxNodes, "nodes", ShrinkHint);
        _nodes.Add(new Node(index, module.Path, operation, inputs.Select(i => i.Node).ToEquatableArray(), shape, parameters, macs));
        _nodeLocations.Add(module.Location);
        return new TensorValue(index, shape);
    }

    private void DeclareWeights(OpModule module)
    {
        foreach (var weight in module.Descriptor.Weights(module.Path, module.Operation!))
        {
            if (_weightKeys.Add(weight.Key)) _weights.Add((module.Order, weight));
        }
    }

    private void ReportUnusedMembers()
    {
        foreach (var block in _blockInstances)
        {
            if (!block.Used || block.Syntax.Forward is null) continue;
            foreach (var (member, child) in block.Children)
            {
                if (!child.Used) Report(DiagnosticDescriptors.UnusedModule, member.NameLocation, child.Path);
            }
        }
    }
}
