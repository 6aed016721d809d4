using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>nn.AdaptiveAvgPool2d(1): the mean of each channel.</summary>
public sealed record GlobalAvgPoolOp : Operation
{
    public override string TorchName => "AdaptiveAvgPool2d";

    public override OpDescriptor Descriptor => AvgPool2d.Descriptor;
}

/// <summary>
/// avgpool: nn.AvgPool2d with a kernel_size (padding counted in the average), or without one the global average
/// pool, which a conv before it takes into its own step.
/// </summary>
public sealed class AvgPool2d() : Pool2dDescriptor("avgpool", "nn.AvgPool2d / nn.AdaptiveAvgPool2d(1)", PoolKind.Average)
{
    public static readonly AvgPool2d Descriptor = new();

    public override IReadOnlyList<OpParameter> Parameters { get; } = WindowParameters(OpParameter.DerivedInteger("kernel_size", "(the global average pool when left out)"));

    /// <summary>[AvgPool2d(k)] needs the kernel size; [GlobalAvgPool] takes nothing.</summary>
    public override IReadOnlyList<LayerAttributeForm> Attributes { get; } = new[]
    {
        new LayerAttributeForm("AvgPool2d", ["kernel_size"], ["stride", "padding"]),
        new LayerAttributeForm("GlobalAvgPool", [], []),
    };

    public override IReadOnlyList<OpDocumentation> Documentation => new[]
    {
        new OpDocumentation("avgpool", "nn.AdaptiveAvgPool2d(1)", "none"),
        new OpDocumentation("avgpool(k)", "nn.AvgPool2d", "kernel_size, " + ArgumentsText(Parameters.Skip(1))),
    };

    internal override Operation? Create(OpSite site)
    {
        if (site.Has("kernel_size")) return CreateWindow(site);
        if (site.GivenArguments.FirstOrDefault() is { } first)
        {
            site.Report(DiagnosticDescriptors.InvalidExpression, site.LocationOf(first), site.DisplayName, $"'{first}' needs kernel_size; without it avgpool is the global average pool");
            return null;
        }
        return new GlobalAvgPoolOp();
    }

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        if (operation is not GlobalAvgPoolOp) return base.InferShape(operation, inputs, site);
        if (!site.RequireImage(inputs[0], "pool before flatten")) return null;
        return TensorShape.Chw(inputs[0].Channels, 1, 1);
    }

    public override string Describe(Operation operation) => operation is GlobalAvgPoolOp ? "global" : base.Describe(operation);

    public override FusionRole FusesAs(Operation operation) => operation is GlobalAvgPoolOp ? FusionRole.GlobalPool : FusionRole.None;

    internal override void Emit(StepCode code)
    {
        if (code.Step.Primary.Operation is not GlobalAvgPoolOp)
        {
            base.Emit(code);
            return;
        }
        var node = code.Step.Primary;
        var input = code.Input;
        string name = $"GlobalAvgPool_{StepCode.Shape(input)}";
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>global average pool: {input} -> {input.Channels}x1x1.</summary>");
            w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} input, {SourceWriter.Span} output, {CSharpEmitter.KernelsNamespace}.WorkerTeam? team)");
            w.Line($"{CSharpEmitter.KernelsNamespace}.TensorKernels.ChannelMeans(input, output, channels: {input.Channels}, plane: {input.Height * input.Width}, team);");
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {buffer(node.Index)}, _groupNetTeam);");
    }
}
