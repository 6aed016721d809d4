using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Ops;

/// <summary>
/// mul, or <c>a * b</c> in forward: torch.mul of two tensors of one shape, or of a Cx1x1 tensor and a CxHxW tensor
/// (in either order), which PyTorch broadcasts as a per-channel scale: squeeze-and-excitation's <c>scale * input</c>.
/// </summary>
public sealed class Multiply() : ArgumentlessOpDescriptor("mul", "torch.mul", moduleName: "mul")
{
    public static readonly Multiply Descriptor = new();

    public override int TensorInputs => 2;

    /// <summary>Two channels-last tensors of one shape; a Cx1x1 scale only multiplies an NCHW image.</summary>
    public override bool AcceptsChannelsLast => true;

    public override IReadOnlyList<OpDocumentation> Documentation => new[]
    {
        new OpDocumentation("mul, *", TorchName, "two tensors of one shape, or a Cx1x1 and a CxHxW tensor"),
    };

    internal override TensorShape? InferShape(Operation operation, TensorShape[] inputs, OpSite site) => ProductShape(inputs[0], inputs[1], site);

    /// <summary>
    /// The shape of <paramref name="left"/> times <paramref name="right"/>: the same shape, or the image's when the other
    /// is one value per channel (Cx1x1, not a flat vector: PyTorch would broadcast a vector over the width); else reported.
    /// </summary>
    internal static TensorShape? ProductShape(TensorShape left, TensorShape right, OpSite site)
    {
        if (left == right) return left;
        if (IsChannelScale(left, right)) return right;
        if (IsChannelScale(right, left)) return left;
        site.Report(DiagnosticDescriptors.MultiplyShapeMismatch, site.Location, site.DisplayName, left, right);
        return null;
    }

    /// <summary>True when <paramref name="scale"/> is Cx1x1 and <paramref name="image"/> a CxHxW image of the same C.</summary>
    internal static bool IsChannelScale(TensorShape scale, TensorShape image) =>
        !scale.IsFlat && !image.IsFlat && !scale.ChannelsLast && !image.ChannelsLast && scale.Height == 1 && scale.Width == 1 && scale.Channels == image.Channels;

    public override bool Absorbs(Operation operation, FusionRole role) => role == FusionRole.Activation;

    internal override void Emit(StepCode code)
    {
        var step = code.Step;
        var node = step.Primary;
        var left = code.Network.Nodes[node.Inputs[0]].Output;
        var right = code.Network.Nodes[node.Inputs[1]].Output;
        string method = EmitProduct(code, left, right, node.Output);
        code.CallWith((buffer, _) => $"{method}({buffer(node.Inputs[0])}, {buffer(node.Inputs[1])}, {buffer(step.Last.Index)}, _groupNetTeam);");
    }

    /// <summary>
    /// Adds the layer method <c>(left, right, output, team)</c> that multiplies tensors of shapes <paramref name="left"/> and
    /// <paramref name="right"/> (checked by <see cref="ProductShape"/>) and applies the step's activation; returns its name.
    /// </summary>
    internal static string EmitProduct(StepCode code, TensorShape left, TensorShape right, TensorShape output)
    {
        var step = code.Step;
        bool sameShape = left == right;
        bool scaleOnLeft = !sameShape && IsChannelScale(left, right);
        string name = sameShape
            ? $"Multiply_{StepCode.Shape(output)}{code.EpilogueSuffix}"
            : $"ScaleChannels_{StepCode.Shape(output)}{(scaleOnLeft ? "_ScaleFirst" : string.Empty)}{code.EpilogueSuffix}";
        return code.Methods.Add(name, () =>
        {
            var w = new SourceWriter();
            w.Line(sameShape
                ? $"/// <summary>elementwise multiply of two {output} tensors.</summary>"
                : $"/// <summary>per-channel multiply: {(scaleOnLeft ? $"{left} scale times {right}" : $"{left} times {right} scale")}.</summary>");
            w.Open($"private static void {name}({SourceWriter.ReadOnlySpan} left, {SourceWriter.ReadOnlySpan} right, {SourceWriter.Span} output, {CSharpEmitter.KernelsNamespace}.WorkerTeam? team)");
            if (sameShape)
            {
                w.Line($"{CSharpEmitter.KernelsNamespace}.TensorKernels.Multiply(left, right, output, team);");
            }
            else
            {
                string image = scaleOnLeft ? "right" : "left", scales = scaleOnLeft ? "left" : "right";
                w.Line($"{CSharpEmitter.KernelsNamespace}.TensorKernels.ScaleChannels({image}, {scales}, output, channels: {output.Channels}, plane: {output.Height * output.Width}, team);");
            }
            if (ActivationDescriptor.Apply(step.Activation, "output") is { } activate) w.Line(activate);
            w.Close();
            return w.Text;
        });
    }
}
