using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralNet.Engine;

namespace NeuralNet.Tensors;

/// <summary>The vector widths the kernels can use, narrowest first.</summary>
internal enum Isa { Scalar, Vector128, Vector256, Vector512 }

/// <summary>
/// Which vector width the kernels use: the widest the hardware accelerates, unless the current
/// <see cref="ComputeContext"/> narrows it (<see cref="ComputeContext.Simd"/>: tests that check a fallback path
/// against the scalar reference).
/// </summary>
internal static class SimdPath
{
    /// <summary>The widest path this machine accelerates.</summary>
    public static readonly Isa Best =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? Isa.Vector512
        : Vector256.IsHardwareAccelerated && Avx.IsSupported ? Isa.Vector256
        : Vector128.IsHardwareAccelerated ? Isa.Vector128
        : Isa.Scalar;

    /// <summary>The path to use now.</summary>
    public static Isa Current => ComputeContext.Current.Simd is { } narrower && narrower < Best ? narrower : Best;
}
