using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>
/// What a node computes, with every argument resolved to a number. One record per op, declared in the op's file
/// beside its <see cref="OpDescriptor"/>, so that a new op is a new file, not a change to the others.
/// </summary>
public abstract record Operation
{
    /// <summary>The .gnet name of the op, used in summaries and generated comments.</summary>
    public abstract string OpName { get; }

    /// <summary>The PyTorch module this op corresponds to.</summary>
    public abstract string TorchName { get; }

    /// <summary>The op's rules, counts, fusion and code.</summary>
    public abstract OpDescriptor Descriptor { get; }
}

/// <summary>The network's input. Always node 0; no descriptor lists it, since no declaration can call it.</summary>
public sealed record InputOp : Operation
{
    public override string OpName => "input";

    public override string TorchName => "input";

    public override OpDescriptor Descriptor => InputDescriptor.Instance;

    private sealed class InputDescriptor : OpDescriptor
    {
        public static readonly InputDescriptor Instance = new();

        public override string Name => "input";

        public override string TorchName => "input";

        internal override Operation? Create(OpSite site) => new InputOp();
    }
}
