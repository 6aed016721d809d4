using System.Collections.Generic;

namespace GroupNetDsl.Language.Model;

/// <summary>
/// One computation in the network graph. Nodes are in a valid execution order; <see cref="Inputs"/> are
/// indices of earlier nodes. <see cref="Path"/> is the PyTorch module path, the prefix of its weights.
/// </summary>
/// <remarks>
/// Must stay immutable and structurally equal: the generator's incremental cache depends on it. It holds no source
/// position (those are in <see cref="NetworkResult.NodeLocations"/>), so moving a declaration leaves it equal.
/// </remarks>
public sealed record Node(
    int Index,
    string Path,
    Operation Operation,
    EquatableArray<int> Inputs,
    TensorShape Output,
    long Parameters,
    long MultiplyAccumulates);

public enum WeightRole
{
    /// <summary>Trainable: counted by nn.Module.parameters().</summary>
    Parameter,

    /// <summary>A buffer such as running_mean: in the state_dict, not a parameter.</summary>
    Buffer,

    /// <summary>In the state_dict but not needed for inference (num_batches_tracked).</summary>
    Ignored,
}

/// <summary>One state_dict entry the network expects.</summary>
public sealed record WeightTensor(string Key, EquatableArray<int> Shape, WeightRole Role)
{
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (int dim in Shape) count *= dim;
            return count;
        }
    }
}

/// <summary>A validated network: the graph, its weights and its totals.</summary>
/// <remarks>
/// What the generator's output step receives: no source positions, only the name of the declaring file for the
/// header of the generated code, so an edit that moves the declaration does not re-emit it.
/// </remarks>
public sealed record Network(
    string Name,
    string SourceFileName,
    TensorShape Input,
    EquatableArray<Node> Nodes,
    int OutputNode,
    EquatableArray<WeightTensor> Weights,
    long ParameterCount,
    long MultiplyAccumulates)
{
    public TensorShape Output => Nodes[OutputNode].Output;

    /// <summary>The consumer graph: for each node, the nodes that read its value, in execution order.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Consumers()
    {
        var consumers = new List<int>[Nodes.Count];
        for (int i = 0; i < consumers.Length; i++) consumers[i] = new List<int>();
        foreach (var node in Nodes)
        {
            foreach (int input in node.Inputs) consumers[input].Add(node.Index);
        }
        return consumers;
    }
}
