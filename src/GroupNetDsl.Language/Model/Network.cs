using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Model;

/// <summary>
/// One computation in the network graph. Nodes are in a valid execution order; <see cref="Inputs"/> are
/// indices of earlier nodes. <see cref="Path"/> is the PyTorch module path, the prefix of its weights.
/// </summary>
/// <remarks>Must stay immutable and structurally equal: the generator's incremental cache depends on it.</remarks>
public sealed record Node(
    int Index,
    string Path,
    Operation Operation,
    EquatableArray<int> Inputs,
    TensorShape Output,
    long Parameters,
    long MultiplyAccumulates,
    SourceLocation Location);

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
public sealed record Network(
    string Name,
    SourceLocation Location,
    TensorShape Input,
    EquatableArray<Node> Nodes,
    int OutputNode,
    EquatableArray<WeightTensor> Weights,
    long ParameterCount,
    long MultiplyAccumulates)
{
    public TensorShape Output => Nodes[OutputNode].Output;
}
