using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace GroupNetDsl.Weights;

/// <summary>
/// Converts little-endian tensor bytes to <see cref="float"/>. Safetensors data is little-endian and need
/// not be aligned, so every read goes through <see cref="BinaryPrimitives"/> or a byte copy.
/// </summary>
internal static class Float32Conversion
{
    public static void Convert(SafeTensorDataType dataType, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dataType)
        {
            case SafeTensorDataType.Float32:
                if (BitConverter.IsLittleEndian)
                {
                    source.CopyTo(MemoryMarshal.AsBytes(destination));
                }
                else
                {
                    for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                }
                break;
            case SafeTensorDataType.Float16:
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                break;
            case SafeTensorDataType.BFloat16:
                // A bfloat16 is the upper half of a float32: shifting its bits up is exact, NaN and infinity included.
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16);
                }
                break;
            case SafeTensorDataType.Float64:
                // Rounds to nearest; magnitudes beyond float's range become infinity.
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "Not a floating-point dtype this reader converts.");
        }
    }
}
