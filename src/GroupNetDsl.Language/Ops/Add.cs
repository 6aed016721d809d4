using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>
/// add, or <c>a + b</c> in forward: the elementwise sum of two tensors of one shape (a residual connection), run in
/// the epilogue of the step that makes one operand when it can.
/// </summary>
public sealed class Add() : ArgumentlessOpDescriptor("add", "torch.add", moduleName: "add")
{
    public static readonly Add Descriptor = new();

    public override int TensorInputs => 2;

    public override bool AcceptsChannelsLast => true;

    public override IReadOnlyList<OpDocumentation> Documentation => new[] { new OpDocumentation("add, +", TorchName, "two tensors of one shape") };

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site)
    {
        if (inputs[0] != inputs[1])
        {
            site.Report(DiagnosticDescriptors.AddShapeMismatch, site.Location, site.DisplayName, inputs[0], inputs[1]);
            return null;
        }
        return inputs[0];
    }

    public override FusionRole FusesAs(Operation operation) => FusionRole.ResidualAdd;

    public override bool Absorbs(Operation operation, FusionRole role) => role == FusionRole.Activation;

    internal override void Emit(StepCode code)
    {
        var step = code.Step;
        var node = step.Primary;
        string name = $"Add_{node.Output.Length}{code.EpilogueSuffix}";
        string method = code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line($"/// <summary>elementwise add of two {node.Output} tensors.</summary>");
            w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} left, {SourceWriter.ReadOnlySpan} right, {SourceWriter.Span} output)");
            w.Line("left.CopyTo(output);");
            w.Line("global::GroupNetDsl.Kernels.VectorKernels.Add(right, output);");
            if (ActivationDescriptor.Apply(step.Activation, "output") is { } activate) w.Line(activate);
            w.Close();
            return w.Text;
        });
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {buffer(node.Inputs[1])}, {buffer(step.Last.Index)});");
    }
}
