using System;
using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>What an op can be inside the step of the op before it (see <see cref="OpDescriptor.FusesAs"/>).</summary>
public enum FusionRole
{
    None,

    /// <summary>A batchnorm folded into the weights of the conv before it, at load.</summary>
    FoldedNormalization,

    /// <summary>A residual add applied in the epilogue of the op that makes one of its operands.</summary>
    ResidualAdd,

    /// <summary>An activation applied in the epilogue.</summary>
    Activation,

    /// <summary>A global average pool that sums the producer's output rows as they are written.</summary>
    GlobalPool,

    /// <summary>A channel shuffle done by the producer (cat) writing each channel straight to its shuffled place.</summary>
    ChannelShuffle,
}

/// <summary>
/// Everything about one op, in one place: its signature and defaults (PyTorch's names), argument checks, shape
/// inference, parameter and MAC counts, state_dict entries, what it fuses with, its summary text and the code it
/// emits. The binder, the attribute form, the execution plan, the emitter, the summary and the docs' op table all
/// read it; none of them names an op. Each op is one file in this folder and one line in <see cref="OpRegistry"/>.
/// </summary>
public abstract class OpDescriptor
{
    /// <summary>The .gnet name: <c>conv</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The PyTorch equivalent: <c>nn.Conv2d</c>.</summary>
    public abstract string TorchName { get; }

    /// <summary>How many tensors the op takes when called in forward (add takes two).</summary>
    public virtual int TensorInputs => 1;

    /// <summary>Every positional argument is a tensor (cat): the op takes one or more, and its other arguments by name.</summary>
    public virtual bool TakesTensorList => false;

    /// <summary>The op gives several tensors (chunk, split), named in a forward block: see <see cref="ChannelSlices"/>.</summary>
    public virtual bool GivesSeveralTensors => false;

    /// <summary>Ops with weights must be declared as members so their weights have state_dict names.</summary>
    public virtual bool HasWeights => false;

    /// <summary>A learned tensor held by a block (nn.Parameter): an operand of <c>*</c> in forward, not a layer to call.</summary>
    public virtual bool IsLearnedTensor => false;

    /// <summary>Whether it takes a channels-last tensor (see <see cref="TensorShape.ChannelsLast"/>): only ops that act per pixel.</summary>
    public virtual bool AcceptsChannelsLast => false;

    /// <summary>The arguments, in PyTorch's order, with their defaults: the only statement of them.</summary>
    public virtual IReadOnlyList<OpParameter> Parameters => Array.Empty<OpParameter>();

    /// <summary>The runtime's layer attributes that declare this op (none: it has no attribute form).</summary>
    public virtual IReadOnlyList<LayerAttributeForm> Attributes => Array.Empty<LayerAttributeForm>();

    /// <summary>The op's rows in the docs' op table.</summary>
    public virtual IReadOnlyList<OpDocumentation> Documentation => new[] { new OpDocumentation(Name, TorchName, ArgumentsText(Parameters)) };

    /// <summary>An attribute whose constructor takes the required arguments and whose properties are the others that have an effect.</summary>
    protected LayerAttributeForm Attribute(string name) => new(name,
        Parameters.Where(p => p.Required).Select(p => p.Name).ToArray(),
        Parameters.Where(p => !p.Required && p.HasEffect).Select(p => p.Name).ToArray());

    protected static string ArgumentsText(IEnumerable<OpParameter> parameters) => string.Join(", ", parameters.Select(p => p.Signature));

    // ------------------------------------------------------------------ binding

    /// <summary>True when the op's sizes come from its input, so it is created at its first call (batchnorm without num_features).</summary>
    internal virtual bool IsDeferred(OpSite site) => false;

    /// <summary>The op from its bound arguments, or null after reporting why not. Checks what needs no input.</summary>
    internal abstract Operation? Create(OpSite site);

    /// <summary>The output shape on these inputs, or null after reporting why there is none.</summary>
    internal virtual TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site) => inputs[0];

    /// <summary>
    /// For an op that <see cref="GivesSeveralTensors"/>: the channel range of each of its tensors on this input, each
    /// becoming a <see cref="Narrow"/> node, or null after reporting why there are none.
    /// </summary>
    internal virtual IReadOnlyList<NarrowOp>? ChannelSlices(Operation operation, TensorShape input, OpSite site) => null;

    /// <summary>Parameters as nn.Module.parameters() counts them.</summary>
    public virtual long ParameterCount(Operation operation) => 0;

    /// <summary>Multiply-accumulates of one image, as PyTorch's counters count them.</summary>
    public virtual long MultiplyAccumulates(Operation operation, TensorShape output) => 0;

    /// <summary>The op's state_dict entries, named and shaped exactly as PyTorch saves them.</summary>
    public virtual IEnumerable<WeightTensor> Weights(string path, Operation operation) => Enumerable.Empty<WeightTensor>();

    /// <summary>A state_dict key: the layer's path, then the tensor's name.</summary>
    public static string WeightKey(string path, string name) => path.Length == 0 ? name : path + "." + name;

    protected static WeightTensor Weight(string path, string name, WeightRole role, params int[] shape) =>
        new(WeightKey(path, name), new EquatableArray<int>(shape), role);

    // ------------------------------------------------------------------ reporting

    /// <summary>A short description of the configuration for summaries: "64->64, 3x3, stride 2, pad 1, groups 8".</summary>
    public virtual string Describe(Operation operation) => string.Empty;

    // ------------------------------------------------------------------ fusion (read by ExecutionPlan)

    /// <summary>A view: its value is its input's and no data moves (flatten, identity).</summary>
    public virtual bool IsView => false;

    /// <summary>For a view: where its value starts in its input's buffer, in floats (a narrow's first channel).</summary>
    public virtual long ViewOffset(Operation operation, TensorShape input) => 0;

    /// <summary>What this op can be in the step of the op before it, when it is that op's only reader.</summary>
    public virtual FusionRole FusesAs(Operation operation) => FusionRole.None;

    /// <summary>Whether this op's step can take in a following op of <paramref name="role"/>.</summary>
    public virtual bool Absorbs(Operation operation, FusionRole role) => false;

    /// <summary>The activation this op applies when it rides in an epilogue (<see cref="FusionRole.Activation"/>).</summary>
    public virtual ActivationKind? EpilogueActivation(Operation operation) => null;

    /// <summary>The first half of a separable step: its output may be consumed band by band by a <see cref="IsSeparableSecondHalf"/> op.</summary>
    public virtual bool IsSeparableFirstHalf(Operation operation) => false;

    /// <summary>The second half of a separable step: it can take in the step before it when it alone reads that step's output.</summary>
    public virtual bool IsSeparableSecondHalf(Operation operation) => false;

    /// <summary>
    /// True when this first half of a separable step can compute its input, a second-half op's output (an inverted
    /// residual's expansion), band by band inside the step, for these sizes.
    /// </summary>
    public virtual bool ExpandsInBands(Operation operation, TensorShape input, TensorShape output) => false;

    // ------------------------------------------------------------------ emission

    /// <summary>Writes the step led by an op of this kind: its weight fields and loads, its layer method and its call.</summary>
    /// <summary>
    /// For an op that joins tensors along the channels (cat), where the operand whose channels are
    /// [<paramref name="firstChannel"/>, + <paramref name="channels"/>) of the join lands in the output of
    /// <paramref name="step"/>, a step of this op: its first plane and the planes from one channel to the next; null
    /// when this op does not join, or the channels do not land evenly apart.
    /// </summary>
    internal virtual (int FirstPlane, int PlaneStride)? OperandPlanes(Step step, int firstChannel, int channels) => null;

    /// <summary>
    /// True when the code of <paramref name="step"/> (a step of this op) can write its output channels more than a plane
    /// apart (<see cref="CatSlot.PlaneStride"/>): then a shuffled cat need not copy it.
    /// </summary>
    internal virtual bool WritesChannelsApart(Step step) => false;

    internal virtual void Emit(StepCode code) => throw new InvalidOperationException($"No code for {Name} at {code.Step.Primary.Path}.");
}
