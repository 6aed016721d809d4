using System;
using System.Collections.Generic;

namespace GroupNetDsl.Weights;

/// <summary>
/// One tensor as the safetensors header describes it: name, element type, shape and where its bytes lie in
/// the data buffer. Instances come from <see cref="SafeTensorsFile"/>, which has checked them.
/// </summary>
public sealed class SafeTensorInfo
{
    private readonly long[] _shape;

    internal SafeTensorInfo(string name, SafeTensorDataType dataType, long[] shape, long elementCount, long dataBegin, long dataEnd)
    {
        Name = name;
        DataType = dataType;
        _shape = shape;
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's key in the file, for example <c>stem.0.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorDataType DataType { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape => Array.AsReadOnly(_shape);

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The product of the dimensions (1 for a scalar, 0 when a dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>Where the tensor's bytes start, relative to the start of the data buffer.</summary>
    public long DataBegin { get; }

    /// <summary>Where the tensor's bytes end (exclusive), relative to the start of the data buffer.</summary>
    public long DataEnd { get; }

    /// <summary>The number of bytes the tensor takes: <see cref="ElementCount"/> times the element size.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>Whether the shape is exactly <paramref name="expected"/>.</summary>
    /// <param name="expected">The dimensions to compare with, outermost first.</param>
    /// <returns><see langword="true"/> when the rank and every dimension agree.</returns>
    public bool HasShape(ReadOnlySpan<int> expected)
    {
        if (expected.Length != _shape.Length) return false;
        for (int i = 0; i < expected.Length; i++)
        {
            if (_shape[i] != expected[i]) return false;
        }
        return true;
    }

    /// <summary>The tensor as <c>name: DTYPE [d0, d1, ...]</c>.</summary>
    /// <returns>A one-line description.</returns>
    public override string ToString() => $"{Name}: {DataType.GetFormatName()} {ShapeText.Format(_shape)}";
}
