using System;
using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Emit;

/// <summary>Where a tensor lives during Forward: the caller's input or output, or a slice of the scratch buffer.</summary>
public enum BufferKind
{
    Input,
    Output,
    Scratch,
}

/// <summary>
/// A tensor's floats: Length of them from Offset. A tensor written into a cat's output with its channels apart
/// (<see cref="CatSlot"/>) spans from its first plane to the end of its last.
/// </summary>
public readonly record struct BufferSlice(BufferKind Kind, long Offset, int Length);

/// <summary>
/// Where a step writes its output inside the output of a cat that alone reads it: channel c in plane
/// FirstPlane + c x PlaneStride of node Target's tensor (the cat's, or the channel shuffle fused into the cat).
/// </summary>
public sealed record CatSlot(int Target, int FirstPlane, int PlaneStride);

/// <summary>
/// One call in Forward: a producing node plus what was fused into it (a batchnorm folded into its weights,
/// a residual add and an activation applied in its epilogue, a global average pool of a conv's output, a channel
/// shuffle of a cat's output), and for
/// a 1x1 conv, the depthwise conv step whose output it alone reads (<see cref="Depthwise"/>: the two run band by
/// band, and the depthwise output never has a buffer). A conv whose output a global average pool reads beside one other
/// reader (squeeze-and-excitation) also writes the pool's means (<see cref="SidePool"/>).
/// </summary>
public sealed record Step(
    Node Primary,
    Node? FoldedBatchNorm,
    Node? FusedAdd,
    int ResidualNode,
    ActivationKind? Activation,
    Node? FusedPool,
    Node Last,
    EquatableArray<int> Inputs,
    Step? Depthwise = null,
    Node? FusedShuffle = null,
    Node? InputScale = null,
    Node? SidePool = null,
    Step? Expansion = null,
    CatSlot? Into = null,
    EquatableArray<int> InPlaceOperands = default)
{
    /// <summary>Every node this step computes, in order.</summary>
    public IEnumerable<Node> Nodes => (Expansion?.Nodes ?? Enumerable.Empty<Node>()).Concat(Depthwise?.Nodes ?? Enumerable.Empty<Node>())
        .Concat(new[] { InputScale, Primary, FoldedBatchNorm, FusedAdd, FusedPool, FusedShuffle, Last, SidePool }.Where(n => n is not null).Select(n => n!)).Distinct();

    /// <summary>
    /// Floats of scratch the step needs only while it runs: a conv with a fused pool writes its whole output there
    /// (the pool's input), then one sum per output row.
    /// </summary>
    public int WorkspaceLength => FusedPool is null ? 0 : global::GroupNetDsl.Kernels.KernelLayout.PoolWorkspaceLength(Primary.Output.Channels, Primary.Output.Height, Primary.Output.Width);
}

/// <summary>
/// The order of calls in Forward, the fusions, and the buffer of every tensor. Buffers are planned by
/// liveness: a scratch slice is reused as soon as the tensor in it has no consumer left.
/// </summary>
public sealed class ExecutionPlan
{
    private ExecutionPlan(IReadOnlyList<Step> steps, IReadOnlyDictionary<int, BufferSlice> buffers, IReadOnlyList<BufferSlice?> workspaces, long scratchLength, bool copyToOutput)
    {
        Steps = steps;
        Buffers = buffers;
        Workspaces = workspaces;
        ScratchLength = scratchLength;
        CopyToOutput = copyToOutput;
    }

    public IReadOnlyList<Step> Steps { get; }

    /// <summary>The buffer holding each node's value (views share their input's, a narrow from an offset).</summary>
    public IReadOnlyDictionary<int, BufferSlice> Buffers { get; }

    /// <summary>Each step's workspace (see <see cref="Step.WorkspaceLength"/>), or null.</summary>
    public IReadOnlyList<BufferSlice?> Workspaces { get; }

    /// <summary>
    /// Floats of scratch one image needs: the planned tensors and step workspaces. (Kernels keep their own small per-thread buffers:
    /// a convolution's padded input planes, a matrix product's panel.) Computed in 64 bits: the binder rejects a
    /// network whose scratch exceeds <see cref="GroupNetDsl.Kernels.KernelLayout.MaxBufferLength"/>, so an emitted one fits an int.
    /// </summary>
    public long ScratchLength { get; }

    /// <summary>True when the output is only a view of another tensor and must be copied out at the end.</summary>
    public bool CopyToOutput { get; }

    public static ExecutionPlan Create(Network network)
    {
        var nodes = network.Nodes;
        var consumers = network.Consumers();

        // A node may be fused into its producer only when nobody else reads the producer's value.
        bool Single(int index, out Node next)
        {
            next = null!;
            if (index == network.OutputNode || consumers[index].Count != 1) return false;
            next = nodes[consumers[index][0]];
            return true;
        }

        // Views (flatten, identity, narrow) move no data: their value is their input's, from an offset.
        var valueOf = new int[nodes.Count];
        var offsetOf = new long[nodes.Count];
        var steps = new List<Step>();
        var fused = new HashSet<int>();
        foreach (var node in nodes)
        {
            valueOf[node.Index] = node.Index;
            if (node.Index == 0 || fused.Contains(node.Index)) continue;
            var operation = node.Operation;
            var op = operation.Descriptor;
            if (op.IsView)
            {
                valueOf[node.Index] = valueOf[node.Inputs[0]];
                offsetOf[node.Index] = offsetOf[node.Inputs[0]] + op.ViewOffset(operation, nodes[node.Inputs[0]].Output);
                continue;
            }

            // What follows this node joins its step when the step can take it and it can ride in a step (see FusionRole).
            // Views that keep their input's shape (identity, dropout, stochastic depth) are passed through: they move no
            // data, and would otherwise stop the add of a torchvision block from joining its conv.
            int feeder = node.Index;
            bool Takes(Node after, FusionRole role, out Node next)
            {
                next = null!;
                if (!op.Absorbs(operation, role)) return false;
                int from = after.Index;
                while (Single(from, out next) && IsPassThrough(next, nodes)) from = next.Index;
                if (next is null || next.Operation.Descriptor.FusesAs(next.Operation) != role) return false;
                feeder = from;
                return true;
            }

            Node? norm = null, add = null, activationNode = null, pool = null, shuffle = null;
            int residual = -1;
            ActivationKind? activation = null;
            var last = node;
            if (Takes(node, FusionRole.FoldedNormalization, out var next))
            {
                norm = next;
                last = next;
            }
            if (Takes(last, FusionRole.ResidualAdd, out next))
            {
                // The add can run in this step's epilogue when its other operand is already computed: its source (through
                // views, such as a block's identity shortcut, numbered after this node) comes before this step.
                int other = next.Inputs[0] == feeder ? next.Inputs[1] : next.Inputs[0];
                if (SourceOf(other, nodes) < node.Index)
                {
                    add = next;
                    residual = other;
                    last = next;
                }
            }
            if (Takes(last, FusionRole.Activation, out next))
            {
                activation = next.Operation.Descriptor.EpilogueActivation(next.Operation);
                activationNode = next;
                last = next;
            }
            if (Takes(last, FusionRole.GlobalPool, out next))
            {
                // The step sums its output rows as it writes them; the full output lives only in the step's workspace.
                pool = next;
                last = next;
            }
            if (Takes(last, FusionRole.ChannelShuffle, out next))
            {
                // The step writes each channel to its shuffled place: the unshuffled tensor is never written.
                shuffle = next;
                last = next;
            }

            var inputs = node.Inputs.ToList();
            if (residual >= 0) inputs.Add(residual);
            var step = new Step(node, norm, add, residual, activation, pool, last, inputs.ToEquatableArray(), FusedShuffle: shuffle);
            if (pool is null && steps.Count > 0 && ReadsScaleAlone(steps[steps.Count - 1], node, nodes, consumers, network.OutputNode))
            {
                // The channel scale becomes this step's prologue (folded into its weights or its input as it runs): this
                // step reads the scaled tensor's two operands, and the scaled tensor never has a buffer.
                var scale = steps[steps.Count - 1].Primary;
                steps.RemoveAt(steps.Count - 1);
                var (image, scales) = ScaleOperands(scale, nodes);
                inputs[0] = image;
                inputs.Add(scales);
                step = step with { Inputs = inputs.ToEquatableArray(), InputScale = scale };
            }
            else if (pool is null && steps.Count > 0 && ReadsDepthwiseAlone(steps[steps.Count - 1], node, consumers, network.OutputNode))
            {
                // The depthwise step becomes this step's first half: its input is this step's input.
                var depthwise = steps[steps.Count - 1];
                steps.RemoveAt(steps.Count - 1);
                inputs[0] = depthwise.Primary.Inputs[0];
                step = step with { Inputs = inputs.ToEquatableArray(), Depthwise = depthwise };
                if (steps.Count > 0 && ExpandsAlone(steps[steps.Count - 1], depthwise, nodes, consumers, network.OutputNode))
                {
                    // An inverted residual: the 1x1 conv that alone computes the depthwise input runs band by band in
                    // this step too, and its output (the block's widest tensor) never has a buffer.
                    var expansion = steps[steps.Count - 1];
                    steps.RemoveAt(steps.Count - 1);
                    inputs[0] = expansion.Primary.Inputs[0];
                    step = step with { Inputs = inputs.ToEquatableArray(), Expansion = expansion };
                }
            }
            if (pool is null && shuffle is null && step.Depthwise is null && step.InputScale is null
                && SidePoolOf(last, op.Absorbs(operation, FusionRole.GlobalPool), nodes, consumers, network.OutputNode) is { } side)
            {
                // Squeeze-and-excitation: the pool reads this output beside the multiply. The step keeps its output and
                // takes each run of channels' means as soon as the run is computed, from the cache.
                step = step with { SidePool = side };
                fused.Add(side.Index);
            }
            steps.Add(step);
            foreach (var member in new[] { norm, add, activationNode, pool, shuffle, last })
            {
                if (member is not null && member.Index != node.Index) fused.Add(member.Index);
            }
        }

        PlaceCatOperands(steps, nodes, consumers, network.OutputNode);

        // Resolve views, then plan buffers by liveness over steps.
        for (int i = 0; i < nodes.Count; i++) valueOf[i] = Resolve(valueOf, i);
        int outputValue = valueOf[network.OutputNode];
        var lastUse = new Dictionary<int, int>();
        for (int s = 0; s < steps.Count; s++)
        {
            foreach (int input in steps[s].Inputs) lastUse[valueOf[input]] = s;
        }

        var buffers = new Dictionary<int, BufferSlice> { [0] = new BufferSlice(BufferKind.Input, 0, network.Input.Length) };
        var allocator = new ScratchAllocator();
        var workspaces = new BufferSlice?[steps.Count];
        // A part of a tensor (a narrow view) is copied out of it, so the whole tensor never goes to the caller's output.
        bool outputIsPart = offsetOf[network.OutputNode] != 0 || network.Output.Length != nodes[outputValue].Output.Length;
        bool copyToOutput = outputValue == 0 || steps.Count == 0 || steps[steps.Count - 1].Last.Index != outputValue || outputIsPart;
        BufferSlice Place(Node tensor) => tensor.Index == outputValue && !copyToOutput
            ? new BufferSlice(BufferKind.Output, 0, tensor.Output.Length)
            : new BufferSlice(BufferKind.Scratch, allocator.Allocate(tensor.Output.Length), tensor.Output.Length);
        // Tensors that live inside a cat's output: that buffer is freed, not they.
        var inCat = new HashSet<int>();
        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            int value = step.Last.Index;
            // A workspace is live only during its step, next to the step's inputs and output.
            if (step.WorkspaceLength > 0) workspaces[s] = new BufferSlice(BufferKind.Scratch, allocator.Allocate(step.WorkspaceLength), step.WorkspaceLength);
            if (step.Into is { } slot)
            {
                // The cat's output is live from its first operand's step on.
                var target = nodes[slot.Target];
                if (!buffers.TryGetValue(slot.Target, out var cat)) buffers[slot.Target] = cat = Place(target);
                int plane = target.Output.Height * target.Output.Width;
                long extent = ((long)(step.Last.Output.Channels - 1) * slot.PlaneStride + 1) * plane;
                buffers[value] = new BufferSlice(cat.Kind, cat.Offset + (long)slot.FirstPlane * plane, (int)extent);
                inCat.Add(value);
            }
            else if (!buffers.ContainsKey(value))
            {
                // (A cat whose operands were written in place has its buffer already.)
                buffers[value] = Place(step.Last);
            }
            // A side pool's means are the step's second output (never the network's: see SidePoolOf).
            if (step.SidePool is { } side) buffers[side.Index] = new BufferSlice(BufferKind.Scratch, allocator.Allocate(side.Output.Length), side.Output.Length);
            if (workspaces[s] is { } workspace) allocator.Free(workspace.Offset, workspace.Length);

            // Inputs whose last reader is this step are free once it has run.
            foreach (int input in step.Inputs.Select(i => valueOf[i]).Distinct())
            {
                if (lastUse.TryGetValue(input, out int use) && use == s && input != outputValue && buffers[input].Kind == BufferKind.Scratch && !inCat.Contains(input))
                {
                    allocator.Free(buffers[input].Offset, buffers[input].Length);
                }
            }
            if (!lastUse.ContainsKey(value) && value != outputValue && buffers[value].Kind == BufferKind.Scratch && !inCat.Contains(value))
            {
                allocator.Free(buffers[value].Offset, buffers[value].Length);
            }
        }
        for (int i = 0; i < nodes.Count; i++)
        {
            if (!inCat.Contains(i) && buffers.TryGetValue(valueOf[i], out var slice)) buffers[i] = new BufferSlice(slice.Kind, slice.Offset + offsetOf[i], nodes[i].Output.Length);
        }
        return new ExecutionPlan(steps, buffers, workspaces, allocator.HighWater, copyToOutput);
    }

    /// <summary>
    /// Lets each step whose output only a cat reads write it into its place in the cat's output, where the cat's op
    /// says that place is (<see cref="OpDescriptor.OperandPlanes"/>: after a fused channel shuffle, every groups-th
    /// plane, which only a kernel that writes channels apart can do, <see cref="OpDescriptor.WritesChannelsApart"/>).
    /// The cat then copies only its other operands, such as a view of an earlier tensor.
    /// </summary>
    private static void PlaceCatOperands(List<Step> steps, EquatableArray<Node> nodes, IReadOnlyList<IReadOnlyList<int>> consumers, int outputNode)
    {
        var producer = new Dictionary<int, int>();
        for (int s = 0; s < steps.Count; s++) producer[steps[s].Last.Index] = s;
        for (int t = 0; t < steps.Count; t++)
        {
            var cat = steps[t];
            var inPlace = new List<int>();
            int first = 0;
            foreach (int operand in cat.Primary.Inputs)
            {
                int channels = nodes[operand].Output.Channels, at = first;
                first += channels;
                // A step that is itself a cat with operands in place has its buffer from their steps on: it cannot move.
                if (operand == outputNode || consumers[operand].Count != 1 || cat.Primary.Inputs.Count(i => i == operand) != 1
                    || !producer.TryGetValue(operand, out int s) || steps[s].InPlaceOperands.Count > 0
                    || cat.Primary.Operation.Descriptor.OperandPlanes(cat, at, channels) is not { } planes
                    || (planes.PlaneStride > 1 && !steps[s].Primary.Operation.Descriptor.WritesChannelsApart(steps[s])))
                {
                    continue;
                }
                steps[s] = steps[s] with { Into = new CatSlot(cat.Last.Index, planes.FirstPlane, planes.PlaneStride) };
                inPlace.Add(operand);
            }
            if (inPlace.Count > 0) steps[t] = cat with { InPlaceOperands = inPlace.ToEquatableArray() };
        }
    }

    /// <summary>
    /// The global pool that reads <paramref name="last"/>, a step's output, beside exactly one other reader, when the
    /// step can pool (<paramref name="canPool"/>) and neither is the network's output; else null.
    /// </summary>
    private static Node? SidePoolOf(Node last, bool canPool, EquatableArray<Node> nodes, IReadOnlyList<IReadOnlyList<int>> consumers, int outputNode)
    {
        if (!canPool || last.Index == outputNode || consumers[last.Index].Count != 2) return null;
        var pools = consumers[last.Index].Select(c => nodes[c]).Where(c => c.Operation.Descriptor.FusesAs(c.Operation) == FusionRole.GlobalPool).ToList();
        return pools.Count == 1 && pools[0].Index != outputNode ? pools[0] : null;
    }

    /// <summary>True when <paramref name="node"/> is a view that only passes its input on, unchanged in shape.</summary>
    private static bool IsPassThrough(Node node, EquatableArray<Node> nodes) =>
        node.Operation.Descriptor.IsView && node.Operation.Descriptor.ViewOffset(node.Operation, nodes[node.Inputs[0]].Output) == 0
        && node.Output == nodes[node.Inputs[0]].Output;

    /// <summary>The node whose value <paramref name="index"/> shows: itself, or through views the node they view.</summary>
    private static int SourceOf(int index, EquatableArray<Node> nodes)
    {
        while (nodes[index].Operation.Descriptor.IsView) index = nodes[index].Inputs[0];
        return index;
    }

    /// <summary>
    /// True when <paramref name="node"/> can be a separable step's second half (a plain 1x1 conv) and is the only reader of
    /// <paramref name="previous"/>, a first half (a depthwise conv) with nothing added to or pooled from its output.
    /// </summary>
    private static bool ReadsDepthwiseAlone(Step previous, Node node, IReadOnlyList<IReadOnlyList<int>> consumers, int outputNode) =>
        node.Operation.Descriptor.IsSeparableSecondHalf(node.Operation)
        && previous.Primary.Operation.Descriptor.IsSeparableFirstHalf(previous.Primary.Operation) && previous.Depthwise is null
        && previous.FusedAdd is null && previous.FusedPool is null
        && node.Inputs[0] == previous.Last.Index && previous.Last.Index != outputNode && consumers[previous.Last.Index].Count == 1;

    /// <summary>
    /// True when <paramref name="previous"/> is a plain 1x1 conv step (a batchnorm and an activation at most fused) whose
    /// output only <paramref name="depthwise"/>, a separable step's first half, reads, and that first half can compute
    /// it band by band for its sizes.
    /// </summary>
    private static bool ExpandsAlone(Step previous, Step depthwise, EquatableArray<Node> nodes, IReadOnlyList<IReadOnlyList<int>> consumers, int outputNode)
    {
        var first = depthwise.Primary;
        return previous.Primary.Operation.Descriptor.IsSeparableSecondHalf(previous.Primary.Operation)
            && previous is { FusedAdd: null, FusedPool: null, SidePool: null, FusedShuffle: null, InputScale: null, Depthwise: null, Expansion: null }
            && first.Inputs[0] == previous.Last.Index && previous.Last.Index != outputNode && consumers[previous.Last.Index].Count == 1
            && first.Operation.Descriptor.ExpandsInBands(first.Operation, nodes[first.Inputs[0]].Output, first.Output);
    }

    /// <summary>
    /// True when <paramref name="node"/> is a plain 1x1 conv and the only reader of <paramref name="previous"/>, a step
    /// that is only a per-channel scale (a Cx1x1 tensor times a CxHxW one, nothing else fused).
    /// </summary>
    private static bool ReadsScaleAlone(Step previous, Node node, IReadOnlyList<Node> nodes, IReadOnlyList<IReadOnlyList<int>> consumers, int outputNode) =>
        node.Operation.Descriptor.IsSeparableSecondHalf(node.Operation)
        && previous.Primary.Operation.Descriptor is Multiply && previous.Last.Index == previous.Primary.Index && previous.Depthwise is null
        && IsChannelScale(previous.Primary, nodes)
        && node.Inputs[0] == previous.Last.Index && previous.Last.Index != outputNode && consumers[previous.Last.Index].Count == 1;

    private static bool IsChannelScale(Node multiply, IReadOnlyList<Node> nodes)
    {
        var left = nodes[multiply.Inputs[0]].Output;
        var right = nodes[multiply.Inputs[1]].Output;
        return left != right && (Multiply.IsChannelScale(left, right) || Multiply.IsChannelScale(right, left));
    }

    /// <summary>The image and the per-channel scales of a channel-scale multiply, in either order.</summary>
    internal static (int Image, int Scales) ScaleOperands(Node scale, IReadOnlyList<Node> nodes)
    {
        int left = scale.Inputs[0], right = scale.Inputs[1];
        return Multiply.IsChannelScale(nodes[left].Output, nodes[right].Output) ? (right, left) : (left, right);
    }

    private static int Resolve(int[] valueOf, int index)
    {
        while (valueOf[index] != index) index = valueOf[index];
        return index;
    }

    /// <summary>First-fit allocation of float ranges in the scratch buffer.</summary>
    private sealed class ScratchAllocator
    {
        private readonly List<(long Offset, long Length)> _free = new();

        public long HighWater { get; private set; }

        public long Allocate(long length)
        {
            for (int i = 0; i < _free.Count; i++)
            {
                var (offset, size) = _free[i];
                if (size < length) continue;
                if (size == length) _free.RemoveAt(i);
                else _free[i] = (offset + length, size - length);
                return offset;
            }
            // Grow: extend a free range that ends at the high-water mark, if any.
            int tail = _free.FindIndex(f => f.Offset + f.Length == HighWater);
            long start = HighWater;
            if (tail >= 0)
            {
                start = _free[tail].Offset;
                _free.RemoveAt(tail);
            }
            HighWater = Math.Max(HighWater, start + length);
            return start;
        }

        public void Free(long offset, long length)
        {
            _free.Add((offset, length));
            _free.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            for (int i = _free.Count - 2; i >= 0; i--)
            {
                if (_free[i].Offset + _free[i].Length == _free[i + 1].Offset)
                {
                    _free[i] = (_free[i].Offset, _free[i].Length + _free[i + 1].Length);
                    _free.RemoveAt(i + 1);
                }
            }
        }
    }
}
