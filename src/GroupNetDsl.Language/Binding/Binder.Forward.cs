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
            case OpModule { Descriptor.IsLearnedTensor: true } parameter:
                Report(DiagnosticDescriptors.InvalidExpression, parameter.Location, DisplayName(parameter), LearnedTensorHint(parameter.Path));
                return ErrorValue.Instance;
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
                        return RunForward(forward, scope);
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

    /// <summary>
    /// Evaluates a forward expression: calls of members and functional ops on tensors, and '+'. The several tensors of
    /// chunk or split are a value only where a forward block names them (<paramref name="allowSeveral"/>).
    /// </summary>
    private Value EvaluateTensor(ExpressionSyntax expression, Scope scope, bool allowSeveral = false)
    {
        Enter();
        try
        {
            var value = EvaluateTensorCore(expression, scope, allowSeveral);
            if (value is TupleValue several && !allowSeveral)
            {
                ReportSeveralAsOne(several, expression.Location);
                return ErrorValue.Instance;
            }
            return value;
        }
        finally
        {
            _depth--;
        }
    }

    private Value EvaluateTensorCore(ExpressionSyntax expression, Scope scope, bool allowSeveral)
    {
        switch (expression)
        {
            case MissingSyntax:
                return ErrorValue.Instance;
            case NameSyntax name:
                if (scope.TryGet(name.Name, out var value))
                {
                    if (value is TensorValue or ErrorValue) return value;
                    if (value is ModuleValue { Module: OpModule { Descriptor.IsLearnedTensor: true } }) Report(DiagnosticDescriptors.InvalidExpression, name.Location, name.Name, LearnedTensorHint(name.Name));
                    else if (value is ModuleValue) Report(DiagnosticDescriptors.InvalidExpression, name.Location, name.Name, $"'{name.Name}' is a layer; call it on a tensor, for example {name.Name}(x)");
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
            case BinarySyntax { Operator: TokenKind.Star } binary:
                return EvaluateProduct(binary.Left, binary.Right, binary.Location, scope);
            case IfSyntax conditional:
                return Branch(conditional, scope) is { } branch ? EvaluateTensor(branch, scope, allowSeveral) : ErrorValue.Instance;
            default:
                Report(DiagnosticDescriptors.InvalidExpression, expression.Location, "forward", "forward can only call layers on tensors, add tensors with '+' and multiply them with '*'");
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
            if (member.Module is OpModule { Descriptor.IsLearnedTensor: true })
            {
                Report(DiagnosticDescriptors.InvalidExpression, call.Location, name, LearnedTensorHint(name));
                return ErrorValue.Instance;
            }
            var input = EvaluateTensor(call.Arguments[0].Value, scope);
            return Apply(member.Module, input, call.Location);
        }

        if (OpRegistry.TryGet(name, out var op))
        {
            if (op == Multiply.Descriptor && call.Arguments.Count == 2 && call.Arguments.All(a => a.Name is null))
            {
                return EvaluateProduct(call.Arguments[0].Value, call.Arguments[1].Value, call.Location, scope);
            }
            if (op.HasWeights)
            {
                Report(DiagnosticDescriptors.InvalidExpression, call.Location, name, $"'{name}' has weights, which need a state_dict name; declare it as a member (name = {name}(...)) and call the member in forward");
                return ErrorValue.Instance;
            }
            int positional = call.Arguments.TakeWhile(a => a.Name is null).Count();
            // An op that takes a list of tensors (cat) takes every positional argument, at least one.
            int tensorCount = op.TakesTensorList ? System.Math.Max(positional, 1) : op.TensorInputs;
            if (positional < tensorCount)
            {
                Report(DiagnosticDescriptors.MissingArgument, call.Location, name, tensorCount == 1 ? "input tensor" : "second input tensor");
                return ErrorValue.Instance;
            }
            var inputs = new List<TensorValue>();
            bool failed = false;
            for (int i = 0; i < tensorCount; i++)
            {
                if (EvaluateTensor(call.Arguments[i].Value, scope) is TensorValue t) inputs.Add(t);
                else failed = true;
            }
            var bound = BindArguments(name, op.Parameters, call.Arguments, scope, call.Location, skipPositional: tensorCount);
            if (failed || bound is null) return ErrorValue.Instance;
            var module = new OpModule(AnonymousPath(scope.Path, name), Place(call.Location), op, bound);
            module.Operation = CreateOperation(module, inputChannels: null);
            if (module.Operation is null && !IsDeferred(module)) return ErrorValue.Instance;
            return op.GivesSeveralTensors ? ApplySlices(module, inputs[0]) : ApplyOp(module, inputs.ToArray());
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

    /// <summary>
    /// <c>a * b</c> or <c>mul(a, b)</c>: a multiply node of two tensors, or, when one operand is a learned tensor
    /// (<c>layer_scale * x</c>), a node at the parameter's path that multiplies the other operand by it.
    /// </summary>
    private Value EvaluateProduct(ExpressionSyntax leftSyntax, ExpressionSyntax rightSyntax, SourceLocation location, Scope scope)
    {
        var leftParameter = LearnedTensor(leftSyntax, scope);
        var rightParameter = LearnedTensor(rightSyntax, scope);
        if ((leftParameter ?? rightParameter) is { } parameter)
        {
            var other = leftParameter is null ? leftSyntax : rightSyntax;
            if (leftParameter is not null && rightParameter is not null)
            {
                Report(DiagnosticDescriptors.InvalidExpression, location, "'*'", $"two learned tensors make no tensor of the network; multiply a tensor by one of them, for example {parameter.Path.Split('.').Last()} * x");
                return ErrorValue.Instance;
            }
            parameter.Used = true;
            if (parameter.Operation is null || EvaluateTensor(other, scope) is not TensorValue operand) return ErrorValue.Instance;
            // One node per use, at the parameter's path (its weight's key); diagnostics point at this product.
            var use = new OpModule(parameter.Path, Place(location), parameter.Descriptor, parameter.Arguments) { Operation = parameter.Operation };
            return ApplyOp(use, new[] { operand });
        }
        var left = EvaluateTensor(leftSyntax, scope);
        var right = EvaluateTensor(rightSyntax, scope);
        var module = new OpModule(AnonymousPath(scope.Path, "mul"), Place(location), Multiply.Descriptor, new Dictionary<string, BoundArgument>());
        return left is TensorValue a && right is TensorValue b ? ApplyOp(module, new[] { a, b }) : ErrorValue.Instance;
    }

    /// <summary>The learned tensor (parameter member) that <paramref name="expression"/> names, if it names one.</summary>
    private static OpModule? LearnedTensor(ExpressionSyntax expression, Scope scope) =>
        expression is NameSyntax name && scope.TryGet(name.Name, out var value) && value is ModuleValue { Module: OpModule { Descriptor.IsLearnedTensor: true } parameter } ? parameter : null;

    private static string LearnedTensorHint(string name)
    {
        string member = name.Split('.').Last();
        // A sequential's item has no name to write in forward: it must be a block's member.
        return member.Length > 0 && char.IsDigit(member[0])
            ? $"'{name}' is a learned tensor (nn.Parameter), not a layer; declare it as a block's member (layer_scale = parameter(...)) and multiply a tensor by it in forward, for example layer_scale * x"
            : $"'{name}' is a learned tensor (nn.Parameter), not a layer; multiply a tensor by it in forward, for example {member} * x";
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

        if (!module.Descriptor.AcceptsChannelsLast && inputs.FirstOrDefault(i => i.Shape.ChannelsLast) is { } channelsLast)
        {
            Report(DiagnosticDescriptors.ChannelsLastInput, module.Location, DisplayName(module), $"{module.Descriptor.Name} cannot take the channels-last tensor {channelsLast.Shape}");
            return ErrorValue.Instance;
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
                // An empty sequential does nothing, used or not: torchvision declares one where a branch is absent.
                if (!child.Used && child is not SequentialModule { Children.Count: 0 }) Report(DiagnosticDescriptors.UnusedModule, member.NameLocation, child.Path);
            }
        }
    }
}
