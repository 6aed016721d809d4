using System.Collections.Generic;

namespace GroupNetDsl.Weights;

/// <summary>
/// Checks how the tensors sit in the data buffer once each entry is valid on its own: every byte range lies
/// inside the buffer, and no two ranges share a byte.
/// </summary>
/// <remarks>
/// Gaps between tensors and unused bytes after the last one are allowed. The reference writer never leaves
/// them, but they cannot make a tensor read wrong values, so rejecting them would only turn away files that
/// some other writer produced correctly.
/// </remarks>
internal static class SafeTensorsLayout
{
    public static void Validate(IReadOnlyList<SafeTensorInfo> tensors, long bufferLength, string sourceName)
    {
        // The tensor that ends last tells whether the buffer is long enough for all of them.
        SafeTensorInfo? lastEnding = null;
        foreach (var tensor in tensors)
        {
            if (lastEnding is null || tensor.DataEnd > lastEnding.DataEnd) lastEnding = tensor;
        }
        if (lastEnding is not null && lastEnding.DataEnd > bufferLength)
        {
            throw WeightFileErrors.PastEndOfBuffer(sourceName, lastEnding, bufferLength);
        }

        // Sorted by start, a range overlaps an earlier one exactly when it starts before the furthest end so
        // far. Empty tensors own no bytes and cannot overlap anything. Ties keep header order, so the tensor
        // reported is always the same one.
        var occupied = new List<(SafeTensorInfo Tensor, int HeaderIndex)>(tensors.Count);
        for (int i = 0; i < tensors.Count; i++)
        {
            if (tensors[i].ByteLength > 0) occupied.Add((tensors[i], i));
        }
        occupied.Sort(static (a, b) =>
        {
            int order = a.Tensor.DataBegin.CompareTo(b.Tensor.DataBegin);
            if (order == 0) order = a.Tensor.DataEnd.CompareTo(b.Tensor.DataEnd);
            return order != 0 ? order : a.HeaderIndex.CompareTo(b.HeaderIndex);
        });

        SafeTensorInfo? furthest = null;
        foreach (var (tensor, _) in occupied)
        {
            if (furthest is not null && tensor.DataBegin < furthest.DataEnd) throw WeightFileErrors.Overlap(sourceName, furthest, tensor);
            if (furthest is null || tensor.DataEnd > furthest.DataEnd) furthest = tensor;
        }
    }
}
