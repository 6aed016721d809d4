using System;
using System.Globalization;
using System.Text;

namespace GroupNetDsl.Weights;

/// <summary>Writes shapes the way PyTorch users read them: <c>[64, 3, 3, 3]</c>.</summary>
internal static class ShapeText
{
    public static string Format(ReadOnlySpan<long> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }

    public static string Format(ReadOnlySpan<int> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }
}
