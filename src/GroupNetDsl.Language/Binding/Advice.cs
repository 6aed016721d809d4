using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Binding;

/// <summary>The seed's design advice, checked on a valid graph: warnings the user may silence.</summary>
internal static class Advice
{
    /// <param name="network">The valid graph.</param>
    /// <param name="locations">Where each node was declared, by node index: each warning is placed at its node.</param>
    /// <param name="diagnostics">Where the warnings go.</param>
    public static void Check(Network network, IReadOnlyList<SourceLocation> locations, DiagnosticBag diagnostics)
    {
        var consumers = network.Consumers();

        foreach (var node in network.Nodes)
        {
            if (node.Operation is not Conv2dOp conv || conv.Groups == 1) continue;

            // A depthwise conv mixes no channels: some later dense conv must, before the head.
            if (conv.IsDepthwise && ReachesHeadUnmixed(network, consumers, node.Index))
            {
                diagnostics.Report(DiagnosticDescriptors.DepthwiseWithoutPointwise, locations[node.Index], node.Path);
            }

            // Two grouped convs in a row keep every group's channels apart.
            var previous = PreviousConvolution(network, node.Index);
            if (previous is { Operation: Conv2dOp { Groups: > 1 } })
            {
                diagnostics.Report(DiagnosticDescriptors.StackedGroupedConvs, locations[node.Index], node.Path, previous.Path);
            }
        }
    }

    /// <summary>True when some path from the node reaches the head (a linear on a flat vector) or the output through no channel mixing.</summary>
    private static bool ReachesHeadUnmixed(Network network, IReadOnlyList<IReadOnlyList<int>> consumers, int start)
    {
        var stack = new Stack<int>(consumers[start]);
        var visited = new HashSet<int>();
        if (start == network.OutputNode) return true;
        while (stack.Count > 0)
        {
            int index = stack.Pop();
            if (!visited.Add(index)) continue;
            var node = network.Nodes[index];
            // A linear at each pixel of a channels-last image (ConvNeXt's block) mixes the channels as a 1x1 conv does.
            if (node.Operation is Conv2dOp { Groups: 1 } || node is { Operation: LinearOp, Output.ChannelsLast: true }) continue;
            if (node.Operation is LinearOp || index == network.OutputNode) return true;
            foreach (int next in consumers[index]) stack.Push(next);
        }
        return false;
    }

    /// <summary>The conv that feeds this one through elementwise ops only (batchnorm, activations), if any.</summary>
    private static Node? PreviousConvolution(Network network, int index)
    {
        var node = network.Nodes[network.Nodes[index].Inputs[0]];
        while (node.Operation.Descriptor is BatchNorm2d or ActivationDescriptor or Identity)
        {
            node = network.Nodes[node.Inputs[0]];
        }
        return node.Operation is Conv2dOp ? node : null;
    }
}
