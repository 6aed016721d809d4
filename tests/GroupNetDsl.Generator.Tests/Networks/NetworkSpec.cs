using System.Text;
using GroupNetDsl.TestSupport.Reference;
using GroupNetDsl.TestSupport.SafeTensors;

namespace GroupNetDsl.Generator.Tests.Networks;

/// <summary>
/// A sequential test network: named members applied in order, as a .gnet network body without forward applies
/// them. Knows its .gnet text, its shapes and counts (by arithmetic here), its weights and its reference output.
/// </summary>
public sealed class NetworkSpec(string name, Shape input, IReadOnlyList<(string Name, Layer Layer)> members, WeightDataType dataType = WeightDataType.F32)
{
    public string Name { get; } = name;

    public Shape Input { get; } = input;

    public IReadOnlyList<(string Name, Layer Layer)> Members { get; } = members;

    public WeightDataType DataType { get; } = dataType;

    public Shape Output => Members.Aggregate(Input, (shape, member) => member.Layer.Output(shape));

    public long Parameters => Members.Sum(m => m.Layer.Parameters);

    public long MultiplyAccumulates
    {
        get
        {
            long total = 0;
            var shape = Input;
            foreach (var (_, layer) in Members)
            {
                total += layer.MultiplyAccumulates(shape);
                shape = layer.Output(shape);
            }
            return total;
        }
    }

    public string GnetText()
    {
        var text = new StringBuilder();
        text.Append("# A generated test network (weights in ").Append(DataType).Append(").\n");
        foreach (var (_, layer) in Members)
        {
            if (layer.Block is { } block) text.Append(block);
        }
        text.Append("network ").Append(Name).Append("(input: ").Append(Input).Append(") {\n");
        foreach (var (member, layer) in Members) text.Append("    ").Append(member).Append(" = ").Append(layer.Expression).Append('\n');
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>Random weights for every state_dict entry, and the safetensors file holding them.</summary>
    public WeightSet CreateWeights(Random random)
    {
        var weights = new WeightSet(random, DataType);
        foreach (var (member, layer) in Members) layer.CreateWeights(member, weights);
        return weights;
    }

    /// <summary>The naive reference's output for a batch of images.</summary>
    public Tensor Run(Tensor input, WeightSet weights)
    {
        var x = input;
        foreach (var (member, layer) in Members) x = layer.Run(x, member, weights);
        return x;
    }
}
