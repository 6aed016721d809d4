using System.Collections.Generic;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>A learned tensor held directly by a block (an nn.Parameter), of shape channels x height x width.</summary>
public sealed record ParameterOp(int Channels, int Height, int Width) : Operation
{
    public override string TorchName => "Parameter";

    public override OpDescriptor Descriptor => Parameter.Descriptor;

    public TensorShape Shape => TensorShape.Chw(Channels, Height, Width);
}

/// <summary>
/// parameter: a member <c>layer_scale = parameter(dim, 1, 1)</c> is ConvNeXt's
/// <c>self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1))</c>. Its state_dict key is the member's path itself, with no
/// suffix. It is not a layer: in forward it is an operand of <c>*</c> (<c>layer_scale * block(x)</c>), and each such
/// product is a node at the parameter's path that multiplies its one tensor input by the parameter, with
/// <see cref="Multiply"/>'s shape rule.
/// </summary>
public sealed class Parameter : OpDescriptor
{
    public static readonly Parameter Descriptor = new();

    public override string Name => "parameter";

    public override string TorchName => "nn.Parameter";

    public override bool HasWeights => true;

    public override bool IsLearnedTensor => true;

    public override IReadOnlyList<OpParameter> Parameters { get; } =
        [OpParameter.RequiredInteger("channels"), OpParameter.RequiredInteger("height"), OpParameter.RequiredInteger("width")];

    public override IReadOnlyList<OpDocumentation> Documentation => new[]
    {
        new OpDocumentation("parameter", "nn.Parameter", ArgumentsText(Parameters)),
    };

    internal override Operation? Create(OpSite site)
    {
        int channels = site.Int("channels");
        int height = site.Int("height");
        int width = site.Int("width");
        if (site.Ok && (long)channels * height * width > TensorShape.MaxElements)
        {
            site.Report(Diagnostics.DiagnosticDescriptors.TensorTooLarge, site.Location, site.DisplayName, $"{channels}x{height}x{width}", (long)channels * height * width, TensorShape.MaxElements);
        }
        return site.Ok ? new ParameterOp(channels, height, width) : null;
    }

    /// <summary>The product of the parameter and the one input tensor (the binder makes such a node only for <c>*</c>).</summary>
    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site) =>
        Multiply.ProductShape(((ParameterOp)operation).Shape, inputs[0], site);

    public override long ParameterCount(Operation operation) => ((ParameterOp)operation).Shape.ElementCount;

    /// <summary>One tensor whose key is the member's path: nn.Parameter attributes have no suffix.</summary>
    public override IEnumerable<WeightTensor> Weights(string path, Operation operation)
    {
        var parameter = (ParameterOp)operation;
        yield return new WeightTensor(path, new EquatableArray<int>(new[] { parameter.Channels, parameter.Height, parameter.Width }), WeightRole.Parameter);
    }

    public override string Describe(Operation operation) => $"{((ParameterOp)operation).Shape}, times the input";

    public override bool Absorbs(Operation operation, FusionRole role) => role == FusionRole.Activation;

    internal override void Emit(StepCode code)
    {
        var step = code.Step;
        var node = step.Primary;
        var parameter = (ParameterOp)node.Operation;
        string field = code.Field(node.Path, "value");
        code.Load.Add($"{field} = weights.Take({CSharpEmitter.Literal(node.Path)}, {parameter.Channels}, {parameter.Height}, {parameter.Width});");
        string method = Multiply.EmitProduct(code, parameter.Shape, code.Input, node.Output);
        code.CallWith((buffer, _) => $"{method}({field}, {buffer(node.Inputs[0])}, {buffer(step.Last.Index)}, _groupNetTeam);");
    }
}
