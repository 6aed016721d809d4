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

    /// <summary>
    /// The output shape of an op on its inputs, or null after reporting why there is none. After a channel mismatch
    /// it is the shape the op gives on the channels it declares: binding goes on from the layer as written, so the
    /// errors of later layers are reported in the same run, and a later layer that fits it reports nothing.
    /// </summary>
    private Model.TensorShape? InferShape(OpModule module, Operation operation, TensorValue[] inputs)
    {
        var shapes = System.Array.ConvertAll(inputs, input => input.Shape);
        var site = Site(module);
        var output = module.Descriptor.InferShape(operation, shapes, site);
        if (output is not null || site.DeclaredChannels is not int declared) return output;
        shapes[0] = shapes[0] with { Channels = declared };
        // Already reported: the second try only gives the shape, or nothing.
        var silent = new OpSite(module.Descriptor, site.DisplayName, module.Location, module.Arguments, null, (_, _, _, _) => { });
        return module.Descriptor.InferShape(operation, shapes, silent);
    }
}
