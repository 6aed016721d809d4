namespace GroupNetDsl.Weights;

/// <summary>
/// The element types a safetensors header can declare. Each member's documentation gives the format's
/// dtype string; <see cref="SafeTensorDataTypeExtensions.GetFormatName"/> returns it.
/// </summary>
/// <remarks>
/// The newer sub-byte and exotic dtypes (<c>F4</c>, <c>F6_*</c>, <c>F8_E8M0</c>, <c>C64</c>) are not listed: a
/// header that uses them is rejected as having an unknown dtype.
/// </remarks>
public enum SafeTensorDataType
{
    /// <summary><c>BOOL</c>: one byte per element.</summary>
    Boolean,

    /// <summary><c>U8</c>: unsigned 8-bit integer.</summary>
    UInt8,

    /// <summary><c>I8</c>: signed 8-bit integer.</summary>
    Int8,

    /// <summary><c>F8_E5M2</c>: 8-bit float with 5 exponent and 2 mantissa bits.</summary>
    Float8E5M2,

    /// <summary><c>F8_E4M3</c>: 8-bit float with 4 exponent and 3 mantissa bits.</summary>
    Float8E4M3,

    /// <summary><c>I16</c>: signed 16-bit integer.</summary>
    Int16,

    /// <summary><c>U16</c>: unsigned 16-bit integer.</summary>
    UInt16,

    /// <summary><c>F16</c>: IEEE 754 half precision (<see cref="System.Half"/>).</summary>
    Float16,

    /// <summary><c>BF16</c>: bfloat16, the upper 16 bits of an IEEE 754 single.</summary>
    BFloat16,

    /// <summary><c>I32</c>: signed 32-bit integer.</summary>
    Int32,

    /// <summary><c>U32</c>: unsigned 32-bit integer.</summary>
    UInt32,

    /// <summary><c>F32</c>: IEEE 754 single precision.</summary>
    Float32,

    /// <summary><c>F64</c>: IEEE 754 double precision.</summary>
    Float64,

    /// <summary><c>I64</c>: signed 64-bit integer (PyTorch's <c>num_batches_tracked</c> is one).</summary>
    Int64,

    /// <summary><c>U64</c>: unsigned 64-bit integer.</summary>
    UInt64,
}
