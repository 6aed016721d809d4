using System.Collections.Generic;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>The mean over height and width; <see cref="KeepDim"/> keeps them as 1x1.</summary>
public sealed record MeanOp(bool KeepDim) : Operation
{
    public override string TorchName => "mean";

    public override OpDescriptor Descriptor => Mean.Descriptor;
}

/// <summary>
/// mean: torch's <c>x.mean((2, 3), keepdim=...)</c>, the mean of each channel's plane. With <c>keepdim: true</c> the
/// output is Cx1x1 (what squeeze-and-excitation multiplies back), else a flat vector of C, as PyTorch drops the dims.
/// </summary>
public sealed class Mean : OpDescriptor
{
    public static readonly Mean Descriptor = new();

    public override string Name => "mean";

    public override string TorchName => "torch.mean(x, (2, 3))";

    public override IReadOnlyList<OpParameter> Parameters { get; } = [OpParameter.Boolean("keepdim", false)];

    internal override Operation? Create(OpSite site) => new MeanOp(site.Flag("keepdim"));

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        if (!site.RequireImage(inputs[0], "mean averages over height and width; take it before flatten")) return null;
        int channels = inputs[0].Channels;
        return ((MeanOp)operation).KeepDim ? TensorShape.Chw(channels, 1, 1) : TensorShape.Flat(channels);
    }

    public override string Describe(Operation operation) => ((MeanOp)operation).KeepDim ? "over HxW, keepdim" : "over HxW";

    internal override void Emit(StepCode code)
    {
        var node = code.Step.Primary;
        var input = code.Input;
        string name = $"ChannelMeans_{StepCode.Shape(input)}";
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>mean over height and width: {input} -> {node.Output}.</summary>");
            w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.Span} output, {CSharpEmitter.KernelsNamespace}.WorkerTeam? team)");
            w.Line($"{CSharpEmitter.KernelsNamespace}.TensorKernels.ChannelMeans(input, output, channels: {input.Channels}, plane: {input.Height * input.Width}, team);");
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {buffer(node.Index)}, _groupNetTeam);");
    }
}
