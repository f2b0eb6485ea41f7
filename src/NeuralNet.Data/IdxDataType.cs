namespace NeuralNet.Data;

/// <summary>The element type code, the third byte of an IDX file's magic number.</summary>
public enum IdxDataType : byte
{
    /// <summary>0x08: unsigned byte (MNIST pixels and labels).</summary>
    UnsignedByte = 0x08,
    /// <summary>0x09: signed byte.</summary>
    SignedByte = 0x09,
    /// <summary>0x0B: 16-bit big-endian integer.</summary>
    Short = 0x0B,
    /// <summary>0x0C: 32-bit big-endian integer.</summary>
    Int = 0x0C,
    /// <summary>0x0D: 32-bit big-endian float.</summary>
    Float = 0x0D,
    /// <summary>0x0E: 64-bit big-endian double.</summary>
    Double = 0x0E,
}

internal static class IdxDataTypes
{
    public static int SizeOf(IdxDataType type) => type switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Short => 2,
        IdxDataType.Int or IdxDataType.Float => 4,
        IdxDataType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown IDX type code."),
    };

    public static bool IsKnown(byte code) => Enum.IsDefined(typeof(IdxDataType), code);
}
