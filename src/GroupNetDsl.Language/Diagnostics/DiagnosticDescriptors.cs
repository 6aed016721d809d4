namespace GroupNetDsl.Language.Diagnostics;

/// <summary>
/// The one catalog of GroupNetDsl rules. Ids are grouped by range:
/// GNET01xx syntax, GNET02xx semantics and shapes, GNET03xx C# usage, GNET04xx advice.
/// Each rule has a page under docs/diagnostics/ named after its id.
/// </summary>
public static class DiagnosticDescriptors
{
    private const string Syntax = "GroupNetDsl.Syntax";
    private const string Shapes = "GroupNetDsl.Shapes";
    private const string Usage = "GroupNetDsl.Usage";
    private const string Advice = "GroupNetDsl.Advice";

    // ---- GNET01xx: syntax ----

    /// <summary>Message: "Unexpected character '{0}'; remove it".</summary>
    public static readonly DiagnosticDescriptor UnexpectedCharacter = new("GNET0101", "Unexpected character", "Unexpected character '{0}'; remove it", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "Expected {0} but found {1}".</summary>
    public static readonly DiagnosticDescriptor ExpectedToken = new("GNET0102", "Syntax error", "Expected {0} but found {1}", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "Number '{0}' is out of range; {1}".</summary>
    public static readonly DiagnosticDescriptor NumberOutOfRange = new("GNET0103", "Number out of range", "Number '{0}' is out of range; {1}", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "Nesting is deeper than {0} levels; split the expression into named members".</summary>
    public static readonly DiagnosticDescriptor NestingTooDeep = new("GNET0104", "Nesting too deep", "Nesting is deeper than {0} levels; split the expression into named members", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "Invalid shape '{0}'; write channels x height x width, for example 3x64x64".</summary>
    public static readonly DiagnosticDescriptor InvalidShape = new("GNET0105", "Invalid input shape", "Invalid shape '{0}'; write channels x height x width, for example 3x64x64", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "{0} more errors in this file are not shown; at most {1} are reported per file, fix those first".</summary>
    public static readonly DiagnosticDescriptor TooManyErrors = new("GNET0106", "Too many errors", "{0} more errors in this file are not shown; at most {1} are reported per file, fix those first", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "The forward block {0}; end it with one 'return expression', its output, as its last line".</summary>
    public static readonly DiagnosticDescriptor ForwardWithoutFinalReturn = new("GNET0107", "Forward block without a final return", "The forward block {0}; end it with one 'return expression', its output, as its last line", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "Invalid quoted name {0}; {1}".</summary>
    public static readonly DiagnosticDescriptor InvalidQuotedName = new("GNET0108", "Invalid quoted name", "Invalid quoted name {0}; {1}", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "Arguments are named with ':', not '='; write `{0}: {1}`".</summary>
    public static readonly DiagnosticDescriptor ArgumentNamedWithEquals = new("GNET0109", "Argument named with '='", "Arguments are named with ':', not '='; write `{0}: {1}`", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "Comments start with '#', not '//' (floor division, as in Python); write `# {0}`".</summary>
    public static readonly DiagnosticDescriptor SlashComment = new("GNET0110", "Comment written with '//'", "Comments start with '#', not '//' (floor division, as in Python); write `# {0}`", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "'return' belongs in a forward block; write `forward({0}) = {1}`, or `forward({0}) {{ ... return {1} }}` when the output needs statements".</summary>
    public static readonly DiagnosticDescriptor ReturnOutsideForward = new("GNET0111", "'return' outside a forward block", "'return' belongs in a forward block; write `forward({0}) = {1}`, or `forward({0}) {{ ... return {1} }}` when the output needs statements", Syntax, DiagnosticSeverity.Error);

    /// <summary>Message: "`{0}` is PyTorch's spelling; {1}".</summary>
    public static readonly DiagnosticDescriptor PyTorchSpelling = new("GNET0112", "PyTorch spelling", "`{0}` is PyTorch's spelling; {1}", Syntax, DiagnosticSeverity.Error);

    // ---- GNET02xx: semantics and shapes ----

    /// <summary>Message: "{0}: in_channels {1} is not divisible by groups {2}; use a groups value that divides both channel counts ({3})".</summary>
    public static readonly DiagnosticDescriptor InChannelsNotDivisible = new("GNET0201", "in_channels not divisible by groups", "{0}: in_channels {1} is not divisible by groups {2}; use a groups value that divides both channel counts ({3})", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: out_channels {1} is not divisible by groups {2}; use a groups value that divides both channel counts ({3})".</summary>
    public static readonly DiagnosticDescriptor OutChannelsNotDivisible = new("GNET0202", "out_channels not divisible by groups", "{0}: out_channels {1} is not divisible by groups {2}; use a groups value that divides both channel counts ({3})", Shapes, DiagnosticSeverity.Error);

    /// <summary>
    /// Message: "{0}: expects {1} input channels but receives {2} ({3}); {4}", {4} the fix: "set in_channels to {2} or change
    /// the layer before it", or for a layer inside a standard-library block, which the user cannot edit, how to feed the block.
    /// </summary>
    public static readonly DiagnosticDescriptor ChannelMismatch = new("GNET0203", "Channel mismatch", "{0}: expects {1} input channels but receives {2} ({3}); {4}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: output size {1} from input {2} is not positive; reduce the kernel, stride or dilation, add padding, or use a larger input".</summary>
    public static readonly DiagnosticDescriptor SpatialCollapse = new("GNET0204", "Spatial size collapses", "{0}: output size {1} from input {2} is not positive; reduce the kernel, stride or dilation, add padding, or use a larger input", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: cannot add tensors of shapes {1} and {2}; both operands must have the same shape".</summary>
    public static readonly DiagnosticDescriptor AddShapeMismatch = new("GNET0205", "Add of different shapes", "{0}: cannot add tensors of shapes {1} and {2}; both operands must have the same shape", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: in_features is {1} but the input has {2} features ({3}); set in_features to {2}".</summary>
    public static readonly DiagnosticDescriptor LinearFeatureMismatch = new("GNET0206", "Linear in_features mismatch", "{0}: in_features is {1} but the input has {2} features ({3}); set in_features to {2}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "Unknown {0} '{1}'; {2}".</summary>
    public static readonly DiagnosticDescriptor UnknownName = new("GNET0207", "Unknown name", "Unknown {0} '{1}'; {2}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "'{0}' has no argument named '{1}'; its arguments are {2}".</summary>
    public static readonly DiagnosticDescriptor UnknownArgument = new("GNET0208", "Unknown argument", "'{0}' has no argument named '{1}'; its arguments are {2}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: expected {1} but got {2}".</summary>
    public static readonly DiagnosticDescriptor WrongType = new("GNET0209", "Wrong argument type", "{0}: expected {1} but got {2}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "'{0}' needs the argument '{1}'; pass it by position or as {1}: value".</summary>
    public static readonly DiagnosticDescriptor MissingArgument = new("GNET0210", "Missing argument", "'{0}' needs the argument '{1}'; pass it by position or as {1}: value", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "'{0}' is declared more than once; rename one of them".</summary>
    public static readonly DiagnosticDescriptor DuplicateName = new("GNET0211", "Duplicate name", "'{0}' is declared more than once; rename one of them", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "Block '{0}' uses itself through {1}; a network must be finite, remove the cycle".</summary>
    public static readonly DiagnosticDescriptor Recursion = new("GNET0212", "Recursive block", "Block '{0}' uses itself through {1}; a network must be finite, remove the cycle", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "'{0}' takes at most {1} but got {2}; its arguments are {3}" ({1}: <see cref="PositionalArguments"/>).</summary>
    public static readonly DiagnosticDescriptor TooManyArguments = new("GNET0213", "Too many arguments", "'{0}' takes at most {1} but got {2}; its arguments are {3}", Shapes, DiagnosticSeverity.Error);

    /// <summary>"1 positional argument", "2 positional arguments": the count of GNET0213 in words.</summary>
    public static string PositionalArguments(int count) => count == 1 ? "1 positional argument" : count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " positional arguments";

    /// <summary>Message: "{0}: {1} must be {2} but is {3}".</summary>
    public static readonly DiagnosticDescriptor InvalidValue = new("GNET0214", "Invalid argument value", "{0}: {1} must be {2} but is {3}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: expects {1} input but receives {2}; {3}".</summary>
    public static readonly DiagnosticDescriptor WrongRank = new("GNET0215", "Wrong input rank", "{0}: expects {1} input but receives {2}; {3}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: {1}".</summary>
    public static readonly DiagnosticDescriptor InvalidExpression = new("GNET0216", "Invalid expression", "{0}: {1}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: the tensor {1} has {2} elements, more than the supported {3}; use a smaller input or fewer channels".</summary>
    public static readonly DiagnosticDescriptor TensorTooLarge = new("GNET0217", "Tensor too large", "{0}: the tensor {1} has {2} elements, more than the supported {3}; use a smaller input or fewer channels", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "Argument '{1}' of '{0}' is given twice; pass it once".</summary>
    public static readonly DiagnosticDescriptor DuplicateArgument = new("GNET0218", "Argument given twice", "Argument '{1}' of '{0}' is given twice; pass it once", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "Network '{0}' must declare its input shape, for example network {0}(input: 3x64x64)".</summary>
    public static readonly DiagnosticDescriptor MissingInputShape = new("GNET0219", "Missing input shape", "Network '{0}' must declare its input shape, for example network {0}(input: 3x64x64)", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "'{0}' is not a valid layer name; use identifiers and indices separated by dots, like stem.0 or stage1".</summary>
    public static readonly DiagnosticDescriptor InvalidLayerName = new("GNET0220", "Invalid layer name", "'{0}' is not a valid layer name; use identifiers and indices separated by dots, like stem.0 or stage1", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0} produces no output; give it at least one layer or a forward".</summary>
    public static readonly DiagnosticDescriptor EmptyModule = new("GNET0221", "Empty network", "{0} produces no output; give it at least one layer or a forward", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "Network '{0}' needs more than {1} {2}; {3}".</summary>
    public static readonly DiagnosticDescriptor NetworkTooLarge = new("GNET0222", "Network too large", "Network '{0}' needs more than {1} {2}; {3}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: {1} is not supported; {2}".</summary>
    public static readonly DiagnosticDescriptor UnsupportedArgument = new("GNET0223", "Unsupported argument", "{0}: {1} is not supported; {2}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: cannot concatenate tensors of shapes {1} along channels; all need the same height and width, so {2}".</summary>
    public static readonly DiagnosticDescriptor CatShapeMismatch = new("GNET0230", "cat of different heights or widths", "{0}: cannot concatenate tensors of shapes {1} along channels; all need the same height and width, so {2}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: the channel counts {1} add up to {2} but the input has {3} channels ({4}); make them add up to {3}".</summary>
    public static readonly DiagnosticDescriptor SplitSizesMismatch = new("GNET0231", "split sizes do not add up", "{0}: the channel counts {1} add up to {2} but the input has {3} channels ({4}); make them add up to {3}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: groups {1} does not divide the input's {2} channels; use one of {3}".</summary>
    public static readonly DiagnosticDescriptor ShuffleGroupsNotDivisible = new("GNET0232", "channel_shuffle groups not dividing", "{0}: groups {1} does not divide the input's {2} channels; use one of {3}", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0} gives {1} but {2}; {3}".</summary>
    public static readonly DiagnosticDescriptor TensorCountMismatch = new("GNET0233", "Wrong number of tensors", "{0} gives {1} but {2}; {3}", Shapes, DiagnosticSeverity.Error);
    /// <summary>Message: "{0}: cannot multiply tensors of shapes {1} and {2}; multiply two tensors of one shape, or a Cx1x1 tensor (one value per channel) and a CxHxW tensor of the same C".</summary>
    public static readonly DiagnosticDescriptor MultiplyShapeMismatch = new("GNET0225", "Multiply of incompatible shapes", "{0}: cannot multiply tensors of shapes {1} and {2}; multiply two tensors of one shape, or a Cx1x1 tensor (one value per channel) and a CxHxW tensor of the same C", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: {1}; only per-pixel ops (linear, layernorm, activations, add, mul, identity) take a channels-last tensor, so permute it back to NCHW first with permute(0, 3, 1, 2)".</summary>
    public static readonly DiagnosticDescriptor ChannelsLastInput = new("GNET0226", "Channels-last tensor where NCHW is needed", "{0}: {1}; only per-pixel ops (linear, layernorm, activations, add, mul, identity) take a channels-last tensor, so permute it back to NCHW first with permute(0, 3, 1, 2)", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "No file '{0}' is among the .gnet files compiled together{1}; add it to the project (AdditionalFiles) or fix the path".</summary>
    public static readonly DiagnosticDescriptor ImportNotFound = new("GNET0235", "Imported file not found", "No file '{0}' is among the .gnet files compiled together{1}; add it to the project (AdditionalFiles) or fix the path", Shapes, DiagnosticSeverity.Error);

    /// <summary>Message: "Block '{0}' is imported from both '{1}' and '{2}'; declare it in this file to choose, or import one of the files".</summary>
    public static readonly DiagnosticDescriptor AmbiguousImport = new("GNET0236", "Block imported twice", "Block '{0}' is imported from both '{1}' and '{2}'; declare it in this file to choose, or import one of the files", Shapes, DiagnosticSeverity.Error);

    // ---- GNET03xx: C# usage (reported by the analyzers) ----

    /// <summary>Message: "Class '{0}' declares a network and must be partial; add the partial modifier".</summary>
    public static readonly DiagnosticDescriptor ClassNotPartial = new("GNET0301", "Network class must be partial", "Class '{0}' declares a network and must be partial; add the partial modifier", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "Class '{0}' is {1}; declare networks on a non-generic top-level class".</summary>
    public static readonly DiagnosticDescriptor UnsupportedClass = new("GNET0302", "Unsupported network class", "Class '{0}' is {1}; declare networks on a non-generic top-level class", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "The value of '{0}' is not a compile-time constant; write a literal or a const".</summary>
    public static readonly DiagnosticDescriptor NonConstantArgument = new("GNET0303", "Non-constant attribute argument", "The value of '{0}' is not a compile-time constant; write a literal or a const", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "No network named '{0}' is declared in the project's .gnet files{1}; add the file as AdditionalFiles or fix the name".</summary>
    public static readonly DiagnosticDescriptor NetworkNotFound = new("GNET0304", "Network not found", "No network named '{0}' is declared in the project's .gnet files{1}; add the file as AdditionalFiles or fix the name", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "Class '{0}' already has a member named '{1}', which the generated network code needs; rename it".</summary>
    public static readonly DiagnosticDescriptor MemberCollision = new("GNET0305", "Member name collision", "Class '{0}' already has a member named '{1}', which the generated network code needs; rename it", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "Class '{0}' has layer attributes and also binds network '{1}'; use one form".</summary>
    public static readonly DiagnosticDescriptor MixedForms = new("GNET0306", "Both declaration forms on one class", "Class '{0}' has layer attributes and also binds network '{1}'; use one form", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "Network '{0}' is named like a member of its generated class, which C# does not allow (CS0542), so it gets no code; rename the network, for example to {0}Network".</summary>
    public static readonly DiagnosticDescriptor NetworkNamedLikeMember = new("GNET0307", "Network named like a generated member", "Network '{0}' is named like a member of its generated class, which C# does not allow (CS0542), so it gets no code; rename the network, for example to {0}Network", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "Network '{0}' would become the class '{1}', which a [GroupNet] class of the project already declares, so it gets no code; rename the network or the class".</summary>
    public static readonly DiagnosticDescriptor NetworkClassClash = new("GNET0308", "Network and class of the same name", "Network '{0}' would become the class '{1}', which a [GroupNet] class of the project already declares, so it gets no code; rename the network or the class", Usage, DiagnosticSeverity.Error);

    // ---- GNET0310-0319: declared weights, checked at build time against the file's header ----

    /// <summary>Message: "Weight file '{0}' of network {1} is not in the build (looked for '{2}'); fix the path (relative to the declaring file), or add a file outside the project folder with &lt;GroupNetWeights Include=\"...\" /&gt;".</summary>
    public static readonly DiagnosticDescriptor WeightFileNotFound = new("GNET0310", "Declared weight file not found", "Weight file '{0}' of network {1} is not in the build (looked for '{2}'); fix the path (relative to the declaring file), or add a file outside the project folder with <GroupNetWeights Include=\"...\" />", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: missing tensor '{1}' (expected shape {2}) of network {3}; export the weights of the module this network describes".</summary>
    public static readonly DiagnosticDescriptor WeightMissing = new("GNET0311", "Weight missing from the declared file", "{0}: missing tensor '{1}' (expected shape {2}) of network {3}; the file was exported from a different architecture or with different layer names, check the network against the PyTorch module", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: the keys carry the prefix '{1}' (the file has '{1}{2}' for '{2}', and {3} more); {4}".</summary>
    public static readonly DiagnosticDescriptor WeightKeysPrefixed = new("GNET0312", "Weight keys carry a prefix", "{0}: the keys carry the prefix '{1}' (the file has '{1}{2}' for '{2}', and {3} more like it). {4}", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: tensor '{1}' has shape {2}, but network {3} expects {4}; the network (channels, kernel size, groups) does not match the exported model".</summary>
    public static readonly DiagnosticDescriptor WeightShapeMismatch = new("GNET0313", "Weight of the wrong shape", "{0}: tensor '{1}' has shape {2}, but network {3} expects {4}; the network (channels, kernel size, groups) does not match the exported model", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: tensor '{1}' has dtype {2}; weights must be {3}: convert it in PyTorch (tensor.float()) before saving".</summary>
    public static readonly DiagnosticDescriptor WeightDataTypeUnsupported = new("GNET0314", "Weight of an unsupported dtype", "{0}: tensor '{1}' has dtype {2}; weights must be {3}: convert it in PyTorch (tensor.float()) before saving", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: tensor '{1}' {2} is not used by network {3}; the network lacks a layer the exported model has, or names it differently".</summary>
    public static readonly DiagnosticDescriptor WeightUnexpected = new("GNET0315", "Weight the network does not use", "{0}: tensor '{1}' {2} is not used by network {3}; the network lacks a layer the exported model has, or names it differently", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "{0}: {1}".</summary>
    public static readonly DiagnosticDescriptor WeightHeaderInvalid = new("GNET0316", "Declared weight file is not a safetensors file", "{0}: {1}; export the weights with safetensors.torch.save_file(model.state_dict(), path)", Usage, DiagnosticSeverity.Error);

    /// <summary>Message: "Class '{0}' binds network '{1}' of a .gnet file: declare its weights there, `network {1}(input: ..., weights: \"{2}\")`".</summary>
    public static readonly DiagnosticDescriptor WeightsOnBoundClass = new("GNET0317", "Weights declared on a class that binds a .gnet network", "Class '{0}' binds network '{1}' of a .gnet file: declare its weights there, `network {1}(input: ..., weights: \"{2}\")`", Usage, DiagnosticSeverity.Error);

    // ---- GNET04xx: advice ----

    /// <summary>Message: "{0}: depthwise convolution output never passes through a 1x1 convolution before the head, so channels are never mixed; add a pointwise conv".</summary>
    public static readonly DiagnosticDescriptor DepthwiseWithoutPointwise = new("GNET0401", "Depthwise conv without pointwise mixing", "{0}: depthwise convolution output never passes through a 1x1 convolution before the head, so channels are never mixed; add a pointwise conv", Advice, DiagnosticSeverity.Warning);

    /// <summary>Message: "{0}: grouped convolution follows grouped convolution {1} with no channel mixing in between; groups never exchange information, add a 1x1 conv or a channel shuffle".</summary>
    public static readonly DiagnosticDescriptor StackedGroupedConvs = new("GNET0402", "Grouped conv after grouped conv", "{0}: grouped convolution follows grouped convolution {1} with no channel mixing in between; groups never exchange information, add a 1x1 conv or a channel shuffle", Advice, DiagnosticSeverity.Warning);

    /// <summary>Message: "'{0}' is declared but never used in forward; remove it or call it".</summary>
    public static readonly DiagnosticDescriptor UnusedModule = new("GNET0403", "Unused module", "'{0}' is declared but never used in forward; remove it or call it", Advice, DiagnosticSeverity.Info);

    /// <summary>Every rule, in id order: the analyzers register exactly these.</summary>
    public static readonly DiagnosticDescriptor[] All =
    {
        UnexpectedCharacter, ExpectedToken, NumberOutOfRange, NestingTooDeep, InvalidShape, TooManyErrors, ForwardWithoutFinalReturn,
        InvalidQuotedName, ArgumentNamedWithEquals, SlashComment, ReturnOutsideForward, PyTorchSpelling,
        InChannelsNotDivisible, OutChannelsNotDivisible, ChannelMismatch, SpatialCollapse, AddShapeMismatch,
        LinearFeatureMismatch, UnknownName, UnknownArgument, WrongType, MissingArgument, DuplicateName,
        Recursion, TooManyArguments, InvalidValue, WrongRank, InvalidExpression, TensorTooLarge,
        DuplicateArgument, MissingInputShape, InvalidLayerName, EmptyModule, NetworkTooLarge,
        UnsupportedArgument,
        MultiplyShapeMismatch, ChannelsLastInput,
        CatShapeMismatch, SplitSizesMismatch, ShuffleGroupsNotDivisible, TensorCountMismatch,
        ImportNotFound, AmbiguousImport,
        ClassNotPartial, UnsupportedClass, NonConstantArgument, NetworkNotFound, MemberCollision, MixedForms,
        NetworkNamedLikeMember, NetworkClassClash,
        WeightFileNotFound, WeightMissing, WeightKeysPrefixed, WeightShapeMismatch, WeightDataTypeUnsupported, WeightUnexpected,
        WeightHeaderInvalid, WeightsOnBoundClass,
        DepthwiseWithoutPointwise, StackedGroupedConvs, UnusedModule,
    };
}
