using System.Buffers.Binary;

namespace NeuralNet.Data;

/// <summary>
/// The content of an IDX file: an element type, the dimensions (e.g. 60000 x 28 x 28) and the elements,
/// kept as the raw big-endian bytes that follow the header.
/// </summary>
public sealed class IdxArray
{
    /// <summary>Creates an array; <paramref name="bytes"/> must hold exactly product(dimensions) elements of the type.</summary>
    public IdxArray(IdxDataType dataType, int[] dimensions, byte[] bytes)
    {
        long expected = ElementCountOf(dimensions) * IdxDataTypes.SizeOf(dataType);
        if (bytes.LongLength != expected)
            throw new ArgumentException($"{string.Join(" x ", dimensions)} elements of {dataType} need {expected} bytes, got {bytes.Length}.", nameof(bytes));
        DataType = dataType;
        Dimensions = dimensions;
        Bytes = bytes;
    }

    /// <summary>The element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The size of each dimension, outermost first.</summary>
    public int[] Dimensions { get; }

    /// <summary>The elements as stored: big-endian, row-major.</summary>
    public byte[] Bytes { get; }

    /// <summary>The number of elements.</summary>
    public long ElementCount => ElementCountOf(Dimensions);

    /// <summary>Element <paramref name="index"/> (flat, row-major) as a double, whatever the type.</summary>
    public double this[long index] => DataType switch
    {
        IdxDataType.UnsignedByte => Bytes[index],
        IdxDataType.SignedByte => (sbyte)Bytes[index],
        IdxDataType.Short => BinaryPrimitives.ReadInt16BigEndian(Bytes.AsSpan((int)(index * 2))),
        IdxDataType.Int => BinaryPrimitives.ReadInt32BigEndian(Bytes.AsSpan((int)(index * 4))),
        IdxDataType.Float => BinaryPrimitives.ReadSingleBigEndian(Bytes.AsSpan((int)(index * 4))),
        IdxDataType.Double => BinaryPrimitives.ReadDoubleBigEndian(Bytes.AsSpan((int)(index * 8))),
        _ => throw new InvalidOperationException($"Unknown IDX type {DataType}."),
    };

    /// <summary>Creates an unsigned-byte array (images, labels) from values.</summary>
    public static IdxArray FromBytes(byte[] values, params int[] dimensions) => new(IdxDataType.UnsignedByte, dimensions, values);

    /// <summary>Creates a float array, encoding the values big-endian.</summary>
    public static IdxArray FromFloats(float[] values, params int[] dimensions)
    {
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(i * 4), values[i]);
        return new IdxArray(IdxDataType.Float, dimensions, bytes);
    }

    internal static long ElementCountOf(int[] dimensions)
    {
        if (dimensions.Contains(0)) return 0;   // before multiplying: 2^27 x 2^20 x 2^20 x 0 is 0, not an overflow
        long count = 1;
        foreach (int d in dimensions) count = checked(count * d);
        return count;
    }
}
