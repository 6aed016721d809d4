using System;
using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Kernels;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Binding;

/// <summary>
/// Turns one network declaration into a validated <see cref="Network"/>: evaluates block arguments,
/// instantiates modules with their PyTorch paths, runs forward to build the graph, infers every shape
/// and checks every rule. Errors are reported and binding goes on with an error value, so one run
/// finds every independent error without cascades.
/// </summary>
internal sealed partial class Binder
{
    private const int MaxBlockDepth = 32;

    /// <summary>Most nodes one network may have: real networks have a few thousand; a block that calls a member twice at every level doubles past this long before a build slows down.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>Most evaluation steps (members, layer applications, expressions) one network may take, for the graphs that double without creating nodes.</summary>
    public const int MaxSteps = 1_000_000;

    /// <summary>Deepest the binder's evaluation may nest (blocks, lists, calls and expressions together), so the deepest input fits in half of a 1 MB thread stack.</summary>
    public const int MaxDepth = 200;

    private IReadOnlyDictionary<string, BlockSyntax> _blocks;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<Node> _nodes = new();
    private readonly List<SourceLocation> _nodeLocations = new();
    // Each weight with the declaration order of its module: state_dict order is registration order, also
    // for a module whose weights are only known at its first call (batchnorm without num_features).
    private readonly List<(int Order, WeightTensor Weight)> _weights = new();
    private int _declaredModules;
    private readonly HashSet<string> _weightKeys = new(StringComparer.Ordinal);
    private readonly List<string> _blockStack = new();
    private readonly List<BlockModule> _blockInstances = new();
    private readonly Dictionary<string, int> _anonymousCounts = new(StringComparer.Ordinal);
    private SourceLocation _anchor;

    /// <summary>The (id, user call) of each problem inside the standard library reported so far: see <see cref="Report(DiagnosticDescriptor, EquatableArray{DiagnosticProperty}, SourceLocation, object[])"/>.</summary>
    private readonly HashSet<(string Id, SourceLocation Call)> _reportedAtCalls = new();
    private string _networkName = string.Empty;
    private int _steps;
    private int _depth;

    public Binder(IReadOnlyDictionary<string, BlockSyntax> blocks, DiagnosticBag diagnostics, SourceLocation anchor)
    {
        _blocks = blocks;
        _diagnostics = diagnostics;
        _anchor = anchor;
    }

    /// <summary>Blocks this network used, so callers can tell whether a broken block affects it.</summary>
    public HashSet<string> UsedBlocks { get; } = new(StringComparer.Ordinal);

    /// <summary>Where each node of the bound network was declared, by node index.</summary>
    public EquatableArray<SourceLocation> NodeLocations => _nodeLocations.ToEquatableArray();

    public Network? BindNetwork(NetworkSyntax syntax)
    {
        int errorsBefore = _diagnostics.ErrorCount;
        _anchor = syntax.NameLocation;
        _networkName = syntax.Name;
        SeeBlocksOf(syntax.NameLocation.FilePath);

        TensorShape input = default;
        if (syntax.InputShape is null)
        {
            _diagnostics.Report(DiagnosticDescriptors.MissingInputShape, syntax.NameLocation, syntax.Name);
        }
        else if (!TensorShape.TryParse(syntax.InputShape, out input) || input.IsFlat)
        {
            _diagnostics.Report(DiagnosticDescriptors.InvalidShape, syntax.InputLocation ?? syntax.NameLocation, syntax.InputShape);
            input = default;
        }

        Value output;
        try
        {
            var root = InstantiateBody(syntax, new Scope(string.Empty), string.Empty, syntax.NameLocation);
            if (input.Channels == 0 || root is null) return null;

            _nodes.Add(new Node(0, "input", new ArgumentlessOperation(NetworkInput.Descriptor), EquatableArray<int>.Empty, input, 0, 0));
            _nodeLocations.Add(syntax.InputLocation ?? syntax.NameLocation);
            output = Apply(root, new TensorValue(0, input), syntax.NameLocation);
        }
        catch (LimitExceeded limit)
        {
            _diagnostics.Report(DiagnosticDescriptors.NetworkTooLarge, syntax.NameLocation, syntax.Name, limit.Limit, limit.What, limit.Fix);
            return null;
        }
        // After an error, forward stopped early: members it never reached are not unused.
        if (output is TensorValue && _diagnostics.ErrorCount == errorsBefore) ReportUnusedMembers();

        if (_diagnostics.ErrorCount != errorsBefore || output is not TensorValue result) return null;
        if (result.Shape.ChannelsLast)
        {
            _diagnostics.Report(DiagnosticDescriptors.ChannelsLastInput, syntax.NameLocation, $"Network '{syntax.Name}'", $"its output is the channels-last tensor {result.Shape}, which PyTorch would return in another memory order");
            return null;
        }
        if (result.Node == 0)
        {
            _diagnostics.Report(DiagnosticDescriptors.EmptyModule, syntax.NameLocation, $"Network '{syntax.Name}'");
            return null;
        }

        var weights = _weights.OrderBy(w => w.Order).Select(w => w.Weight).ToEquatableArray(); // stable: a module's own order stays
        long parameters = weights.Where(w => w.Role == WeightRole.Parameter).Sum(w => w.ElementCount);
        long macs = _nodes.Sum(n => n.MultiplyAccumulates);
        var network = new Network(syntax.Name, syntax.NameLocation.FileName, input, _nodes.ToEquatableArray(), result.Node, weights, parameters, macs);
        // The tensors live at once share one scratch buffer, indexed in 32 bits by the generated code.
        long scratch = ExecutionPlan.Create(network).ScratchLength;
        if (scratch > KernelLayout.MaxBufferLength)
        {
            _diagnostics.Report(DiagnosticDescriptors.TensorTooLarge, syntax.NameLocation, $"Network '{syntax.Name}'", "scratch of one image (the tensors live at once)", scratch, KernelLayout.MaxBufferLength);
            return null;
        }
        return network;
    }

    // ---------------------------------------------------------------- instantiation (module declarations)

    /// <summary>Evaluates the members of a block or network body in order; returns null on a fatal error.</summary>
    private BlockModule? InstantiateBody(ModuleBodySyntax body, Scope scope, string path, SourceLocation location)
    {
        var children = new List<(MemberSyntax, Module)>();
        bool failed = false;
        var spliced = SplicedMembers(body);
        foreach (var member in body.Members)
        {
            if (scope.ContainsLocal(member.Name) || member.Name == body.Forward?.Parameter)
            {
                Report(DiagnosticDescriptors.DuplicateName, member.NameLocation, member.Name);
                continue;
            }
            if (IsSplicedList(member, spliced, scope))
            {
                scope.Set(member.Name, new ListValue(member.Value, scope));
                continue;
            }
            var value = EvaluateMember(member.Value, scope, Join(path, member.Name));
            scope.Set(member.Name, value);
            if (value is ModuleValue module) children.Add((member, module.Module));
            else if (value is ErrorValue) failed = true;
        }
        var block = new BlockModule(path, Place(location), body, scope, children) { HasFailedMember = failed };
        _blockInstances.Add(block);
        return block;
    }

    /// <summary>Evaluates a member's right-hand side: a layer (op, block, list) or a scalar.</summary>
    private Value EvaluateMember(ExpressionSyntax expression, Scope scope, string path)
    {
        Enter();
        try
        {
            return EvaluateMemberCore(expression, scope, path);
        }
        finally
        {
            _depth--;
        }
    }

    private Value EvaluateMemberCore(ExpressionSyntax expression, Scope scope, string path)
    {
        switch (expression)
        {
            case var list when IsListExpression(list, scope):
                return InstantiateList(list, scope, path);
            case CallSyntax call when !CalleeIsInScope(call.Callee.Name, scope) && !Builtins.IsFunction(call.Callee.Name):
                return CreateModule(call.Callee.Name, call.Callee.Location, call.Arguments, call.Location, scope, path);
            case NameSyntax name when !scope.TryGet(name.Name, out _) && (OpRegistry.TryGet(name.Name, out _) || _blocks.ContainsKey(name.Name)):
                return CreateModule(name.Name, name.Location, Array.Empty<ArgumentSyntax>(), name.Location, scope, path);
            case IfSyntax conditional:
                return Branch(conditional, scope) is { } branch ? EvaluateMember(branch, scope, path) : ErrorValue.Instance;
            default:
                return EvaluateScalar(expression, scope);
        }
    }

    /// <summary>
    /// Whether <c>name(...)</c> names something in scope rather than an op or block. A number cannot be called, so a
    /// parameter named like an op does not hide it there: torchvision's MNASNet has a parameter <c>dropout</c> and
    /// calls <c>nn.Dropout(p=dropout)</c>, written <c>dropout(dropout)</c>.
    /// </summary>
    private bool CalleeIsInScope(string name, Scope scope) =>
        scope.TryGet(name, out var value)
        && !(value is IntValue or FloatValue or BoolValue && (OpRegistry.TryGet(name, out _) || _blocks.ContainsKey(name)));

    /// <summary>Creates an op or block instance from <c>name(arguments)</c> written where <paramref name="path"/> will live.</summary>
    private Value CreateModule(string name, SourceLocation nameLocation, IReadOnlyList<ArgumentSyntax> arguments, SourceLocation location, Scope scope, string path)
    {
        if (OpRegistry.TryGet(name, out var op))
        {
            if (op.GivesSeveralTensors)
            {
                Report(DiagnosticDescriptors.InvalidExpression, location, name, $"'{name}' gives several tensors; use it in a forward block that names them, for example (a, b) = {name}(x, ...)");
                return ErrorValue.Instance;
            }
            if (op.TensorInputs > 1)
            {
                Report(DiagnosticDescriptors.InvalidExpression, location, name, $"'{name}' combines tensors; use it in forward, for example forward(x) = a(x) + b(x)");
                return ErrorValue.Instance;
            }
            var bound = BindArguments(name, op.Parameters, arguments, scope, location, skipPositional: 0);
            if (bound is null) return ErrorValue.Instance;
            var module = new OpModule(path, Place(location), op, bound) { Order = _declaredModules++ };
            // A deferred op (batchnorm without num_features) is created at its first call, from its input.
            module.Operation = IsDeferred(module) ? null : CreateOperation(module, inputChannels: null);
            if (module.Operation is not null) DeclareWeights(module);
            return module.Operation is null && !IsDeferred(module) ? ErrorValue.Instance : new ModuleValue(module);
        }

        if (_blocks.TryGetValue(name, out var block))
        {
            return InstantiateBlock(block, arguments, location, scope, path);
        }

        ReportUnknown(name, nameLocation, scope);
        ReportUnknownNamesIn(arguments, scope);
        return ErrorValue.Instance;
    }

    private Value InstantiateBlock(BlockSyntax block, IReadOnlyList<ArgumentSyntax> arguments, SourceLocation location, Scope callerScope, string path)
    {
        UsedBlocks.Add(block.Name);
        UsedBlockDeclarations.Add(block);
        if (_blockStack.Contains(block.Name))
        {
            var cycle = string.Join(" -> ", _blockStack.SkipWhile(b => b != block.Name).Concat(new[] { block.Name }));
            Report(DiagnosticDescriptors.Recursion, location, block.Name, cycle);
            return ErrorValue.Instance;
        }
        if (_blockStack.Count >= MaxBlockDepth)
        {
            Report(DiagnosticDescriptors.NestingTooDeep, location, MaxBlockDepth);
            return ErrorValue.Instance;
        }

        // Block parameters: positional or by name; defaults may refer to earlier parameters.
        var specs = block.Parameters.Select(p => OpParameter.BlockParameter(p.Name, p.DefaultValue is null)).ToList();
        var duplicates = block.Parameters.GroupBy(p => p.Name).Where(g => g.Count() > 1);
        foreach (var duplicate in duplicates) Report(DiagnosticDescriptors.DuplicateName, duplicate.Skip(1).First().Location, duplicate.Key);
        var bound = BindArguments(block.Name, specs, arguments, callerScope, location, skipPositional: 0);
        if (bound is null) return ErrorValue.Instance;

        var savedAnchor = _anchor;
        _anchor = Place(location);
        _blockStack.Add(block.Name);
        var savedBlocks = SeeBlocksOf(block.NameLocation.FilePath);
        var savedCallSites = EnterCallSite(location);
        try
        {
            var scope = new Scope(path);
            foreach (var parameter in block.Parameters)
            {
                if (scope.ContainsLocal(parameter.Name)) continue;
                if (bound.TryGetValue(parameter.Name, out var argument))
                {
                    scope.Set(parameter.Name, argument.Value);
                }
                else if (parameter.DefaultValue is not null)
                {
                    scope.Set(parameter.Name, EvaluateScalar(parameter.DefaultValue, scope));
                }
            }
            var instance = InstantiateBody(block, scope, path, location);
            return instance is null ? ErrorValue.Instance : new ModuleValue(instance);
        }
        finally
        {
            _blockStack.RemoveAt(_blockStack.Count - 1);
            _anchor = savedAnchor;
            _blocks = savedBlocks;
            _callSites = savedCallSites;
        }
    }

    /// <summary>
    /// Matches arguments to formal parameters (positional first, then by name). Returns null when the
    /// call is unusable; reports every problem. <paramref name="skipPositional"/> positional arguments
    /// are tensors that the caller handles.
    /// </summary>
    private Dictionary<string, BoundArgument>? BindArguments(string callee, IReadOnlyList<OpParameter> specs, IReadOnlyList<ArgumentSyntax> arguments, Scope scope, SourceLocation location, int skipPositional)
    {
        var bound = new Dictionary<string, BoundArgument>(StringComparer.Ordinal);
        bool ok = true;
        int positional = 0;
        for (int i = skipPositional; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            OpParameter? spec;
            if (argument.Name is null)
            {
                if (positional >= specs.Count)
                {
                    Report(DiagnosticDescriptors.TooManyArguments, argument.Location, callee, DiagnosticDescriptors.PositionalArguments(specs.Count), arguments.Count(a => a.Name is null) - skipPositional, specs.Count == 0 ? "none" : string.Join(", ", specs.Select(s => s.Name)));
                    ok = false;
                    break;
                }
                spec = specs[positional++];
            }
            else
            {
                spec = specs.FirstOrDefault(s => s.Name == argument.Name);
                if (spec is null)
                {
                    Report(DiagnosticDescriptors.UnknownArgument, argument.Location, callee, argument.Name, specs.Count == 0 ? "none" : string.Join(", ", specs.Select(s => s.Name)));
                    ok = false;
                    continue;
                }
            }

            if (bound.ContainsKey(spec.Name))
            {
                Report(DiagnosticDescriptors.DuplicateArgument, argument.Location, callee, spec.Name);
                ok = false;
                continue;
            }

            // A quoted word is a string where the argument takes one, or where no name in scope spells it (so that a
            // string given for a number is reported as the wrong type, not as an unknown name).
            var value = spec.Type == ArgumentType.IntegerOrList && argument.Value is ListSyntax list
                ? EvaluateIntegerList(list, scope, $"argument '{spec.Name}' of '{callee}'")
                : argument.Value is NameSyntax { Quoted: true } text && (spec.Type == ArgumentType.String || !scope.TryGet(text.Name, out _))
                ? new StringValue(text.Name)
                : EvaluateScalar(argument.Value, scope);
            if (value is ErrorValue)
            {
                ok = false;
                continue;
            }
            var converted = Convert(value, spec.Type);
            if (converted is null)
            {
                Report(DiagnosticDescriptors.WrongType, argument.Value.Location, $"argument '{spec.Name}' of '{callee}'", TypeName(spec), value.Describe());
                ok = false;
                continue;
            }
            bound[spec.Name] = new BoundArgument(converted, argument.Value.Location);
        }

        foreach (var spec in specs)
        {
            if (spec.Required && !bound.ContainsKey(spec.Name) && ok)
            {
                Report(DiagnosticDescriptors.MissingArgument, location, callee, spec.Name);
                ok = false;
            }
        }
        return ok ? bound : null;
    }

    private static Value? Convert(Value value, ArgumentType type) => (type, value) switch
    {
        (ArgumentType.Any, IntValue or FloatValue or BoolValue) => value,
        (ArgumentType.Integer, IntValue) => value,
        (ArgumentType.Number, IntValue i) => new FloatValue(i.Value),
        (ArgumentType.Number, FloatValue) => value,
        (ArgumentType.Boolean, BoolValue) => value,
        (ArgumentType.IntegerOrList, IntValue or IntListValue) => value,
        (ArgumentType.String, StringValue) => value,
        _ => null,
    };

    private static string TypeName(OpParameter spec) => spec.Type switch
    {
        ArgumentType.Integer => "an integer",
        ArgumentType.Number => "a number",
        ArgumentType.Boolean => "true or false",
        ArgumentType.IntegerOrList => "an integer or a list of integers such as [16, 16]",
        ArgumentType.String => "a string in double quotes" + (spec.DefaultValue is string example ? $" such as {StringValue.Quote(example)}" : ""),
        _ => "a number or true/false",
    };

    // ---------------------------------------------------------------- scalar expressions

    private Value EvaluateScalar(ExpressionSyntax expression, Scope scope)
    {
        Enter();
        try
        {
            return EvaluateScalarCore(expression, scope);
        }
        finally
        {
            _depth--;
        }
    }

    private Value EvaluateScalarCore(ExpressionSyntax expression, Scope scope)
    {
        switch (expression)
        {
            case MissingSyntax:
                return ErrorValue.Instance;
            case IntegerSyntax integer:
                return new IntValue(integer.Value);
            case FloatSyntax number:
                return new FloatValue(number.Value);
            case BooleanSyntax boolean:
                return new BoolValue(boolean.Value);
            case NameSyntax name:
                if (scope.TryGet(name.Name, out var value))
                {
                    return value;
                }
                ReportUnknown(name.Name, name.Location, scope);
                return ErrorValue.Instance;
            case UnarySyntax unary:
                return Builtins.Unary(unary, EvaluateScalar(unary.Operand, scope), this);
            case BinarySyntax binary:
                return Builtins.Binary(binary, EvaluateScalar(binary.Left, scope), EvaluateScalar(binary.Right, scope), this);
            case IfSyntax conditional:
                return Branch(conditional, scope) is { } branch ? EvaluateScalar(branch, scope) : ErrorValue.Instance;
            case CallSyntax call when Builtins.IsFunction(call.Callee.Name) && !scope.TryGet(call.Callee.Name, out _):
            {
                var arguments = new List<Value>();
                foreach (var argument in call.Arguments)
                {
                    if (argument.Name is not null)
                    {
                        Report(DiagnosticDescriptors.UnknownArgument, argument.Location, call.Callee.Name, argument.Name, "positional only");
                        return ErrorValue.Instance;
                    }
                    arguments.Add(EvaluateScalar(argument.Value, scope));
                }
                return Builtins.Call(call, arguments, this);
            }
            case CallSyntax call:
                Report(DiagnosticDescriptors.WrongType, call.Location, $"'{call.Callee.Name}(...)'", "a number here", "a layer");
                return ErrorValue.Instance;
            case ListSyntax or ComprehensionSyntax:
                Report(DiagnosticDescriptors.WrongType, expression.Location, "this expression", "a number", "a list of layers");
                return ErrorValue.Instance;
            default:
                return ErrorValue.Instance;
        }
    }

    // ---------------------------------------------------------------- limits

    /// <summary>Counts one evaluation step one level deeper; the caller leaves the level with <c>_depth--</c> in a finally.</summary>
    private void Enter()
    {
        if (++_steps > MaxSteps) throw new LimitExceeded(MaxSteps, "evaluation steps", ShrinkHint);
        if (++_depth > MaxDepth) throw new LimitExceeded(MaxDepth, "levels of nesting (blocks, lists and calls inside each other)", "flatten the nesting: fewer blocks inside blocks, or shorter chains of calls");
    }

    private const string ShrinkHint = "a block that calls a member more than once doubles the graph at each level; call each member once or use fewer levels";

    /// <summary>Stops binding at once: past a limit every further step is wasted work, and there may be exponentially many.</summary>
    private sealed class LimitExceeded : Exception
    {
        public LimitExceeded(int limit, string what, string fix)
        {
            Limit = limit;
            What = what;
            Fix = fix;
        }

        public int Limit { get; }

        public string What { get; }

        public string Fix { get; }
    }

    // ---------------------------------------------------------------- helpers

    internal void Report(DiagnosticDescriptor descriptor, SourceLocation location, params object[] arguments) =>
        Report(descriptor, EquatableArray<DiagnosticProperty>.Empty, location, arguments);

    internal void Report(DiagnosticDescriptor descriptor, EquatableArray<DiagnosticProperty> properties, SourceLocation location, params object[] arguments)
    {
        var place = Place(location);
        // A problem inside the standard library is placed at the user's call, and one bad argument of that call
        // (efficientnet_b0(stochastic_depth_prob: 2)) can break the same rule in every block it flows into: the
        // first report stands for them all, since the one fix is at the call.
        if (place != location && !_reportedAtCalls.Add((descriptor.Id, place))) return;
        _diagnostics.Report(new GnetDiagnostic(descriptor, place, new EquatableArray<string>(MessageArguments.Format(arguments)))
        {
            Properties = properties,
            // A cycle's message names every block on it already.
            AdditionalLocations = descriptor == DiagnosticDescriptors.Recursion ? EquatableArray<SourceLocation>.Empty : CallSitesFor(place),
        });
    }

    /// <summary>The branch of <paramref name="conditional"/> that its condition picks, or null (reported unless already an error) when the condition is not true or false.</summary>
    private ExpressionSyntax? Branch(IfSyntax conditional, Scope scope)
    {
        var condition = EvaluateScalar(conditional.Condition, scope);
        if (condition is BoolValue flag) return flag.Value ? conditional.WhenTrue : conditional.WhenFalse;
        if (condition is not ErrorValue) Report(DiagnosticDescriptors.WrongType, conditional.Condition.Location, "the condition of 'if'", "true or false", condition.Describe());
        return null;
    }

    private void ReportUnknown(string name, SourceLocation location, Scope scope)
    {
        var candidates = scope.AllNames.Concat(OpRegistry.All.Select(o => o.Name)).Concat(_blocks.Keys).Concat(Builtins.FunctionNames).Distinct();
        string? closest = Suggestion.Closest(name, candidates);
        // A PyTorch name too far from any .gnet one (adaptive_avg_pool2d): what to write instead, as for nn.AdaptiveAvgPool2d.
        var pytorch = PyTorchSpellings.Translate(new[] { "nn", name });
        string hint = closest is not null ? $"did you mean '{closest}'?"
            : pytorch.Reading != PyTorchReading.Missing ? $"that is PyTorch's name: {pytorch.Advice}"
            : "declare it as a parameter or member, or use an op (" + string.Join(", ", OpRegistry.All.Select(o => o.Name)) + ")";
        // The exact name in another file is surer than a near one here (InvertedResidual is 7 edits from the zoo's
        // MNASNetInvertedResidual, near enough for a long name).
        if (BlockElsewhere(name, location.FilePath) is { } file) hint = $"the block '{name}' is declared in '{file}'; import it with import \"{file}\" at the top of this file";
        Report(DiagnosticDescriptors.UnknownName, location, "name", name, hint);
    }

    /// <summary>Locations inside the standard library mean nothing to the user: point at the call site instead.</summary>
    private SourceLocation Place(SourceLocation location) =>
        StandardLibrary.Contains(location.FilePath) ? _anchor : location;

    /// <summary>How messages name a layer: its path, or the network's name for `network N = op(...)` (whose path is empty).</summary>
    private string DisplayName(Module module) => module.Path.Length == 0 ? _networkName : module.Path;

    // An empty name is the module of a block or network that is one module ('= [...]'): it sits at the path itself.
    private static string Join(string path, string name) => path.Length == 0 ? name : name.Length == 0 ? path : path + "." + name;
}
