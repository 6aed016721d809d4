namespace GroupNetDsl.Language.Ops;

/// <summary>
/// What a node computes, with every argument resolved to a number. One record per op with arguments, declared in the
/// op's file beside its <see cref="OpDescriptor"/>, so that a new op is a new file, not a change to the others; ops
/// without arguments share <see cref="ArgumentlessOperation"/>.
/// </summary>
public abstract record Operation
{
    /// <summary>The .gnet name of the op, used in summaries and generated comments.</summary>
    public virtual string OpName => Descriptor.Name;

    /// <summary>The PyTorch module this op corresponds to.</summary>
    public abstract string TorchName { get; }

    /// <summary>The op's rules, counts, fusion and code.</summary>
    public abstract OpDescriptor Descriptor { get; }
}

/// <summary>The network's input. Always node 0; the registry does not list it, since no declaration can call it.</summary>
public sealed class NetworkInput() : ArgumentlessOpDescriptor("input", "input", moduleName: "input")
{
    public static readonly NetworkInput Descriptor = new();
}
