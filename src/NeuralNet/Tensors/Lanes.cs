using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralNet.Tensors;

/// <summary>
/// A vector of <c>Count</c> floats ("lanes") as the kernels compute with it, whatever its width. Each kernel
/// is written once, generic over this interface, and runs as 16-, 8-, 4- or 1-float code: <see cref="Lanes16"/>
/// (AVX-512), <see cref="Lanes8"/> (AVX), <see cref="Lanes4"/> (SSE, NEON) or <see cref="Lanes1"/> (a plain
/// float, for the tail of an array and for machines without vectors).
/// </summary>
/// <remarks>
/// <para>The JIT compiles a separate copy of a generic kernel for each of these structs and inlines every
/// member, so the generic code runs as fast as code written for one width (the before/after benchmark in
/// NeuralNet.Benchmarks checks it). .NET 10's <c>ISimdVector&lt;TSelf, T&gt;</c> plays the same role, but the
/// library targets .NET 8.</para>
/// <para>A comparison returns a mask, all bits set in the lanes where it holds and zero elsewhere;
/// <c>x &amp; mask</c> keeps x where the mask is set and zeroes the other lanes.</para>
/// </remarks>
internal unsafe interface ILanes<TSelf> where TSelf : unmanaged, ILanes<TSelf>
{
    /// <summary>How many floats one vector holds.</summary>
    static abstract int Count { get; }

    static abstract TSelf Zero { get; }
    static abstract TSelf One { get; }

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TSelf Create(float value);

    /// <summary>Count floats from <paramref name="source"/> (any alignment).</summary>
    static abstract TSelf Load(float* source);

    /// <summary>Writes the Count floats to <paramref name="destination"/> (any alignment).</summary>
    void Store(float* destination);

    static abstract TSelf operator +(TSelf x, TSelf y);
    static abstract TSelf operator -(TSelf x, TSelf y);
    static abstract TSelf operator *(TSelf x, TSelf y);
    static abstract TSelf operator /(TSelf x, TSelf y);

    /// <summary>Bitwise and: with a comparison's mask, x where it holds and 0 elsewhere.</summary>
    static abstract TSelf operator &(TSelf x, TSelf mask);

    /// <summary>x where the mask is clear, 0 where it is set.</summary>
    static abstract TSelf AndNot(TSelf x, TSelf mask);

    static abstract TSelf LessThan(TSelf x, TSelf y);
    static abstract TSelf GreaterThan(TSelf x, TSelf y);
    static abstract TSelf GreaterThanOrEqual(TSelf x, TSelf y);
    static abstract TSelf Abs(TSelf x);
    static abstract TSelf Sqrt(TSelf x);

    /// <summary>
    /// accumulator += x·y, with one rounding (fused) where the hardware has it: the matrix product's step.
    /// (Lanes1 and machines without FMA round twice; the element-wise kernels therefore never use it.) It
    /// updates the accumulator in place, so the JIT keeps each accumulator in its own register rather than
    /// computing into a temporary and copying.
    /// </summary>
    static abstract void MultiplyAddTo(ref TSelf accumulator, TSelf x, TSelf y);
}

/// <summary>16 floats in one AVX-512 register.</summary>
internal unsafe struct Lanes16 : ILanes<Lanes16>
{
    private Vector512<float> v;
    private Lanes16(Vector512<float> v) => this.v = v;

    public static int Count => 16;
    public static Lanes16 Zero => new(Vector512<float>.Zero);
    public static Lanes16 One => new(Vector512<float>.One);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 Create(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 Load(float* source) => new(Vector512.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly void Store(float* destination) => v.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator +(Lanes16 x, Lanes16 y) => new(x.v + y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator -(Lanes16 x, Lanes16 y) => new(x.v - y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator *(Lanes16 x, Lanes16 y) => new(x.v * y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator /(Lanes16 x, Lanes16 y) => new(x.v / y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator &(Lanes16 x, Lanes16 mask) => new(x.v & mask.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 AndNot(Lanes16 x, Lanes16 mask) => new(Vector512.AndNot(x.v, mask.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 LessThan(Lanes16 x, Lanes16 y) => new(Vector512.LessThan(x.v, y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 GreaterThan(Lanes16 x, Lanes16 y) => new(Vector512.GreaterThan(x.v, y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 GreaterThanOrEqual(Lanes16 x, Lanes16 y) => new(Vector512.GreaterThanOrEqual(x.v, y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 Abs(Lanes16 x) => new(Vector512.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 Sqrt(Lanes16 x) => new(Vector512.Sqrt(x.v));
    // Lanes16 is only used where SimdPath found AVX-512F, which always has FMA.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MultiplyAddTo(ref Lanes16 accumulator, Lanes16 x, Lanes16 y) => accumulator.v = Avx512F.FusedMultiplyAdd(x.v, y.v, accumulator.v);
}

/// <summary>8 floats in one AVX register.</summary>
internal unsafe struct Lanes8 : ILanes<Lanes8>
{
    private Vector256<float> v;
    private Lanes8(Vector256<float> v) => this.v = v;

    public static int Count => 8;
    public static Lanes8 Zero => new(Vector256<float>.Zero);
    public static Lanes8 One => new(Vector256<float>.One);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 Create(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 Load(float* source) => new(Vector256.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly void Store(float* destination) => v.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator +(Lanes8 x, Lanes8 y) => new(x.v + y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator -(Lanes8 x, Lanes8 y) => new(x.v - y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator *(Lanes8 x, Lanes8 y) => new(x.v * y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator /(Lanes8 x, Lanes8 y) => new(x.v / y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator &(Lanes8 x, Lanes8 mask) => new(x.v & mask.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 AndNot(Lanes8 x, Lanes8 mask) => new(Vector256.AndNot(x.v, mask.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 LessThan(Lanes8 x, Lanes8 y) => new(Vector256.LessThan(x.v, y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 GreaterThan(Lanes8 x, Lanes8 y) => new(Vector256.GreaterThan(x.v, y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 GreaterThanOrEqual(Lanes8 x, Lanes8 y) => new(Vector256.GreaterThanOrEqual(x.v, y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 Abs(Lanes8 x) => new(Vector256.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 Sqrt(Lanes8 x) => new(Vector256.Sqrt(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MultiplyAddTo(ref Lanes8 accumulator, Lanes8 x, Lanes8 y) =>
        accumulator.v = Fma.IsSupported ? Fma.MultiplyAdd(x.v, y.v, accumulator.v) : x.v * y.v + accumulator.v;
}

/// <summary>4 floats in one SSE or NEON register.</summary>
internal unsafe struct Lanes4 : ILanes<Lanes4>
{
    private Vector128<float> v;
    private Lanes4(Vector128<float> v) => this.v = v;

    public static int Count => 4;
    public static Lanes4 Zero => new(Vector128<float>.Zero);
    public static Lanes4 One => new(Vector128<float>.One);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 Create(float value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 Load(float* source) => new(Vector128.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly void Store(float* destination) => v.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 operator +(Lanes4 x, Lanes4 y) => new(x.v + y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 operator -(Lanes4 x, Lanes4 y) => new(x.v - y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 operator *(Lanes4 x, Lanes4 y) => new(x.v * y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 operator /(Lanes4 x, Lanes4 y) => new(x.v / y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 operator &(Lanes4 x, Lanes4 mask) => new(x.v & mask.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 AndNot(Lanes4 x, Lanes4 mask) => new(Vector128.AndNot(x.v, mask.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 LessThan(Lanes4 x, Lanes4 y) => new(Vector128.LessThan(x.v, y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 GreaterThan(Lanes4 x, Lanes4 y) => new(Vector128.GreaterThan(x.v, y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 GreaterThanOrEqual(Lanes4 x, Lanes4 y) => new(Vector128.GreaterThanOrEqual(x.v, y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 Abs(Lanes4 x) => new(Vector128.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes4 Sqrt(Lanes4 x) => new(Vector128.Sqrt(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MultiplyAddTo(ref Lanes4 accumulator, Lanes4 x, Lanes4 y) =>
        accumulator.v = Fma.IsSupported ? Fma.MultiplyAdd(x.v, y.v, accumulator.v) : x.v * y.v + accumulator.v;
}

/// <summary>
/// One float: the kernels' last few elements, and every element on a machine without vector units. A mask is
/// a float whose bits are all ones or all zeros, as in one lane of a vector, so the same kernel code gives
/// the same bits here as in the vector lanes.
/// </summary>
internal unsafe struct Lanes1 : ILanes<Lanes1>
{
    private float v;
    private Lanes1(float v) => this.v = v;

    private static float Mask(bool holds) => holds ? BitConverter.Int32BitsToSingle(-1) : 0f;
    private static int Bits(float x) => BitConverter.SingleToInt32Bits(x);

    public static int Count => 1;
    public static Lanes1 Zero => new(0f);
    public static Lanes1 One => new(1f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Create(float value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Load(float* source) => new(*source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly void Store(float* destination) => *destination = v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator +(Lanes1 x, Lanes1 y) => new(x.v + y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator -(Lanes1 x, Lanes1 y) => new(x.v - y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator *(Lanes1 x, Lanes1 y) => new(x.v * y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator /(Lanes1 x, Lanes1 y) => new(x.v / y.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator &(Lanes1 x, Lanes1 mask) => new(BitConverter.Int32BitsToSingle(Bits(x.v) & Bits(mask.v)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 AndNot(Lanes1 x, Lanes1 mask) => new(BitConverter.Int32BitsToSingle(Bits(x.v) & ~Bits(mask.v)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 LessThan(Lanes1 x, Lanes1 y) => new(Mask(x.v < y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 GreaterThan(Lanes1 x, Lanes1 y) => new(Mask(x.v > y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 GreaterThanOrEqual(Lanes1 x, Lanes1 y) => new(Mask(x.v >= y.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Abs(Lanes1 x) => new(MathF.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Sqrt(Lanes1 x) => new(MathF.Sqrt(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MultiplyAddTo(ref Lanes1 accumulator, Lanes1 x, Lanes1 y) => accumulator.v = x.v * y.v + accumulator.v;
}
