namespace GroupNetDsl.Language.Binding;

// Ops are checked and shaped by their descriptors (Ops/); the binder only hands them the use at hand.
internal sealed partial class Binder
{
    private OpSite Site(OpModule module, int? inputChannels = null) =>
        new(module.Descriptor, DisplayName(module), module.Location, module.Arguments, inputChannels, Report);

    /// <summary>An op whose sizes come from its input (batchnorm written without num_features).</summary>
    private bool IsDeferred(OpModule module) => module.Descriptor.IsDeferred(Site(module));

    /// <summary>Builds the op from its bound arguments, checking what can be checked without an input.</summary>
    private Operation? CreateOperation(OpModule module, int? inputChannels) => module.Descriptor.Create(Site(module, inputChannels));

    /// <summary>The output shape of an op on its inputs, or null after reporting why there is none.</summary>
    private Model.TensorShape? InferShape(OpModule module, Operation operation, TensorValue[] inputs) =>
        module.Descriptor.InferShape(operation, System.Array.ConvertAll(inputs, input => input.Shape), Site(module));
}
