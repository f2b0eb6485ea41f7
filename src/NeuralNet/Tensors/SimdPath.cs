using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralNet.Tensors;

/// <summary>The vector widths the kernels can use, narrowest first.</summary>
internal enum Isa { Scalar, Vector128, Vector256, Vector512 }

/// <summary>
/// Which vector width the kernels use: the widest the hardware accelerates, unless a test narrows it (per
/// calling thread) to check a fallback path against the scalar reference.
/// </summary>
internal static class SimdPath
{
    /// <summary>The widest path this machine accelerates.</summary>
    public static readonly Isa Best =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? Isa.Vector512
        : Vector256.IsHardwareAccelerated && Avx.IsSupported ? Isa.Vector256
        : Vector128.IsHardwareAccelerated ? Isa.Vector128
        : Isa.Scalar;

    [ThreadStatic] private static Isa? forced;

    /// <summary>Tests set this to exercise a narrower path than <see cref="Best"/> (null: automatic). Per calling thread.</summary>
    public static Isa? Forced { get => forced; set => forced = value; }

    /// <summary>The path to use now.</summary>
    public static Isa Current => forced is { } f && f < Best ? f : Best;
}
