using System;

namespace GroupNetDsl.Weights;

/// <summary>Sizes and format names of <see cref="SafeTensorDataType"/> values.</summary>
public static class SafeTensorDataTypeExtensions
{
    /// <summary>The number of bytes one element takes in the data buffer.</summary>
    /// <param name="dataType">The element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    public static int GetSizeInBytes(this SafeTensorDataType dataType) => dataType switch
    {
        SafeTensorDataType.Boolean or SafeTensorDataType.UInt8 or SafeTensorDataType.Int8
            or SafeTensorDataType.Float8E5M2 or SafeTensorDataType.Float8E4M3 => 1,
        SafeTensorDataType.Int16 or SafeTensorDataType.UInt16
            or SafeTensorDataType.Float16 or SafeTensorDataType.BFloat16 => 2,
        SafeTensorDataType.Int32 or SafeTensorDataType.UInt32 or SafeTensorDataType.Float32 => 4,
        SafeTensorDataType.Int64 or SafeTensorDataType.UInt64 or SafeTensorDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "Not a safetensors dtype."),
    };

    /// <summary>The dtype string the safetensors header uses, such as <c>F32</c> or <c>BF16</c>.</summary>
    /// <param name="dataType">The element type.</param>
    /// <returns>The header spelling.</returns>
    public static string GetFormatName(this SafeTensorDataType dataType) => dataType switch
    {
        SafeTensorDataType.Boolean => "BOOL",
        SafeTensorDataType.UInt8 => "U8",
        SafeTensorDataType.Int8 => "I8",
        SafeTensorDataType.Float8E5M2 => "F8_E5M2",
        SafeTensorDataType.Float8E4M3 => "F8_E4M3",
        SafeTensorDataType.Int16 => "I16",
        SafeTensorDataType.UInt16 => "U16",
        SafeTensorDataType.Float16 => "F16",
        SafeTensorDataType.BFloat16 => "BF16",
        SafeTensorDataType.Int32 => "I32",
        SafeTensorDataType.UInt32 => "U32",
        SafeTensorDataType.Float32 => "F32",
        SafeTensorDataType.Float64 => "F64",
        SafeTensorDataType.Int64 => "I64",
        SafeTensorDataType.UInt64 => "U64",
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "Not a safetensors dtype."),
    };

    /// <summary>
    /// Whether <see cref="SafeTensorsFile.ReadFloat32(string, Span{float})"/> can convert this type:
    /// <c>F32</c>, <c>F16</c>, <c>BF16</c> and <c>F64</c>.
    /// </summary>
    /// <param name="dataType">The element type.</param>
    /// <returns><see langword="true"/> for the floating-point types the reader converts.</returns>
    public static bool CanReadAsFloat32(this SafeTensorDataType dataType) => WeightKeyRules.CanReadAsFloat32(dataType.GetFormatName());

    /// <summary>Parses a header dtype string; exact, case-sensitive, as the format defines it.</summary>
    internal static bool TryParseFormatName(string formatName, out SafeTensorDataType dataType)
    {
        SafeTensorDataType? parsed = formatName switch
        {
            "BOOL" => SafeTensorDataType.Boolean,
            "U8" => SafeTensorDataType.UInt8,
            "I8" => SafeTensorDataType.Int8,
            "F8_E5M2" => SafeTensorDataType.Float8E5M2,
            "F8_E4M3" => SafeTensorDataType.Float8E4M3,
            "I16" => SafeTensorDataType.Int16,
            "U16" => SafeTensorDataType.UInt16,
            "F16" => SafeTensorDataType.Float16,
            "BF16" => SafeTensorDataType.BFloat16,
            "I32" => SafeTensorDataType.Int32,
            "U32" => SafeTensorDataType.UInt32,
            "F32" => SafeTensorDataType.Float32,
            "F64" => SafeTensorDataType.Float64,
            "I64" => SafeTensorDataType.Int64,
            "U64" => SafeTensorDataType.UInt64,
            _ => null,
        };
        dataType = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }
}
