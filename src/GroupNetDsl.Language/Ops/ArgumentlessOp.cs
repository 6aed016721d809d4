namespace GroupNetDsl.Language.Ops;

/// <summary>The operation of an op with no arguments: which op it is says everything.</summary>
public sealed record ArgumentlessOperation(ArgumentlessOpDescriptor Op) : Operation
{
    public override string TorchName => Op.ModuleName;

    public override OpDescriptor Descriptor => Op;
}

/// <summary>
/// An op that takes no arguments and has no weights (identity, flatten, add, the input): its names are all it
/// declares beyond the rules it overrides, and every use of it is the same <see cref="ArgumentlessOperation"/>.
/// </summary>
public abstract class ArgumentlessOpDescriptor(string name, string torchName, string moduleName) : OpDescriptor
{
    public override string Name => name;

    public override string TorchName => torchName;

    /// <summary>The PyTorch module's class name, as a model's nodes report it: <c>Identity</c>.</summary>
    public string ModuleName => moduleName;

    internal override Operation? Create(OpSite site) => new ArgumentlessOperation(this);
}
