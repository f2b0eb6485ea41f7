using System.Numerics;
using System.Runtime.CompilerServices;

namespace NeuralNet.Tensors;

/// <summary>
/// The element-wise kernels of a training step: activations and their derivatives, the optimisers' updates,
/// sums. Each operation comes twice, side by side: a plain loop (<c>...Scalar</c>, the one to read first: the
/// layer or optimiser that calls the fast version names it in the comment beside the call) and the fast version,
/// written once as a loop over vectors of floats, generic over the vector width (<see cref="ILanes{TSelf}"/>).
/// Tests check one against the other on every width.
/// </summary>
/// <remarks>
/// <para><see cref="ForEachVector{TOp}"/> runs such a loop over an array: vectors of 16 floats (AVX-512), then 8,
/// then 4, as the hardware accelerates, and the last few floats one at a time with the very same code.</para>
/// <para>The ops use the same operations in the same order as the scalar loops (no fused multiply-add), so
/// both give the same bits; only <see cref="SumOfSquares"/> adds in a different order.</para>
/// </remarks>
internal static unsafe class VectorKernels
{
    // Moments below this are flushed to zero: they would otherwise decay into subnormal numbers (Adam's m
    // for a weight whose gradient is always 0, such as a border pixel's), and arithmetic on subnormals is
    // about a hundred times slower on x86. Far below any value that could move a weight.
    internal const float FlushBelow = 1e-30f;

    // ---- ReLU: a = max(z, 0), a NaN stays NaN;  dZ = dA where z > 0, else 0 ----

    /// <summary>The readable ReLU: a = max(z, 0), one element at a time. A NaN stays NaN, so divergence shows.</summary>
    public static void ReluForwardScalar(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = z[i] < 0f ? 0f : z[i];
    }

    /// <summary>ReLU, a = max(z, 0): read <see cref="ReluForwardScalar"/>; this is the same, a vector at a time.</summary>
    public static void ReluForward(ReadOnlySpan<float> z, Span<float> a)
    {
        RequireLength(z.Length, a.Length);
        fixed (float* zp = z, ap = a) ForEachVector(new ReluForwardOp(zp, ap), 0, z.Length);
    }

    private readonly struct ReluForwardOp(float* z, float* a) : IVectorLoop
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Run<V>(nint i, nint end) where V : unmanaged, ILanes<V>
        {
            for (; i <= end - V.Count; i += V.Count)
            {
                V x = V.Load(z + i);
                V.AndNot(x, V.LessThan(x, V.Zero)).Store(a + i); // zero where z < 0 (a NaN is not < 0)
            }
            return i;
        }
    }

    /// <summary>The readable ReLU derivative: dZ = dA where z &gt; 0, else 0.</summary>
    public static void ReluBackwardScalar(ReadOnlySpan<float> z, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        for (int i = 0; i < z.Length; i++) dZ[i] = z[i] > 0f ? dA[i] : 0f;
    }

    /// <summary>dZ = dA where z &gt; 0, else 0: read <see cref="ReluBackwardScalar"/>; this is the same, a vector at a time.</summary>
    public static void ReluBackward(ReadOnlySpan<float> z, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        RequireLength(z.Length, dA.Length);
        RequireLength(z.Length, dZ.Length);
        fixed (float* zp = z, gp = dA, dp = dZ) ForEachVector(new ReluBackwardOp(zp, gp, dp), 0, z.Length);
    }

    private readonly struct ReluBackwardOp(float* z, float* dA, float* dZ) : IVectorLoop
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Run<V>(nint i, nint end) where V : unmanaged, ILanes<V>
        {
            for (; i <= end - V.Count; i += V.Count)
                (V.Load(dA + i) & V.GreaterThan(V.Load(z + i), V.Zero)).Store(dZ + i);
            return i;
        }
    }

    // ---- Sigmoid and tanh derivatives from the activation a: dZ = dA·a·(1 − a);  dZ = dA·(1 − a²) ----

    /// <summary>The readable sigmoid derivative from the activation: dZ = dA·a·(1 − a).</summary>
    public static void SigmoidBackwardScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        for (int i = 0; i < a.Length; i++) dZ[i] = dA[i] * a[i] * (1f - a[i]);
    }

    /// <summary>dZ = dA·a·(1 − a): read <see cref="SigmoidBackwardScalar"/>; this is the same, a vector at a time.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        RequireLength(a.Length, dA.Length);
        RequireLength(a.Length, dZ.Length);
        fixed (float* ap = a, gp = dA, dp = dZ) ForEachVector(new SigmoidBackwardOp(ap, gp, dp), 0, a.Length);
    }

    private readonly struct SigmoidBackwardOp(float* a, float* dA, float* dZ) : IVectorLoop
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Run<V>(nint i, nint end) where V : unmanaged, ILanes<V>
        {
            V one = V.One;
            for (; i <= end - V.Count; i += V.Count)
            {
                V x = V.Load(a + i);
                (V.Load(dA + i) * x * (one - x)).Store(dZ + i);
            }
            return i;
        }
    }

    /// <summary>The readable tanh derivative from the activation: dZ = dA·(1 − a²).</summary>
    public static void TanhBackwardScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        for (int i = 0; i < a.Length; i++) dZ[i] = dA[i] * (1f - a[i] * a[i]);
    }

    /// <summary>dZ = dA·(1 − a²): read <see cref="TanhBackwardScalar"/>; this is the same, a vector at a time.</summary>
    public static void TanhBackward(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        RequireLength(a.Length, dA.Length);
        RequireLength(a.Length, dZ.Length);
        fixed (float* ap = a, gp = dA, dp = dZ) ForEachVector(new TanhBackwardOp(ap, gp, dp), 0, a.Length);
    }

    private readonly struct TanhBackwardOp(float* a, float* dA, float* dZ) : IVectorLoop
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Run<V>(nint i, nint end) where V : unmanaged, ILanes<V>
        {
            V one = V.One;
            for (; i <= end - V.Count; i += V.Count)
            {
                V x = V.Load(a + i);
                (V.Load(dA + i) * (one - x * x)).Store(dZ + i);
            }
            return i;
        }
    }

    // ---- y += s·x (s = 1: a plain sum; weight decay g += λ·w; SGD w += (−η)·g) and y *= s ----

    /// <summary>The readable y += s·x.</summary>
    public static void AddScaledScalar(ReadOnlySpan<float> x, float s, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += s * x[i];
    }

    /// <summary>y += s·x: read <see cref="AddScaledScalar"/>; this is the same, a vector at a time.</summary>
    public static void AddScaled(ReadOnlySpan<float> x, float s, Span<float> y)
    {
        RequireLength(x.Length, y.Length);
        fixed (float* xp = x, yp = y) ForEachVector(new AddScaledOp(xp, s, yp), 0, x.Length);
    }

    private readonly struct AddScaledOp(float* x, float s, float* y) : IVectorLoop
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Run<V>(nint i, nint end) where V : unmanaged, ILanes<V>
        {
            V scale = V.Create(s);
            for (; i <= end - V.Count; i += V.Count)
                (V.Load(y + i) + scale * V.Load(x + i)).Store(y + i);
            return i;
        }
    }

    /// <summary>The readable y += x.</summary>
    public static void AddScalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += x[i];
    }

    /// <summary>y += x: read <see cref="AddScalar"/>; this is the same, a vector at a time.</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        RequireLength(x.Length, y.Length);
        fixed (float* xp = x, yp = y) ForEachVector(new AddOp(xp, yp), 0, x.Length);
    }

    private readonly struct AddOp(float* x, float* y) : IVectorLoop
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Run<V>(nint i, nint end) where V : unmanaged, ILanes<V>
        {
            for (; i <= end - V.Count; i += V.Count)
                (V.Load(y + i) + V.Load(x + i)).Store(y + i);
            return i;
        }
    }

    /// <summary>The readable y *= s.</summary>
    public static void ScaleScalar(Span<float> y, float s)
    {
        for (int i = 0; i < y.Length; i++) y[i] *= s;
    }

    /// <summary>y *= s: read <see cref="ScaleScalar"/>; this is the same, a vector at a time.</summary>
    public static void Scale(Span<float> y, float s)
    {
        fixed (float* yp = y) ForEachVector(new ScaleOp(yp, s), 0, y.Length);
    }

    private readonly struct ScaleOp(float* y, float s) : IVectorLoop
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Run<V>(nint i, nint end) where V : unmanaged, ILanes<V>
        {
            V scale = V.Create(s);
            for (; i <= end - V.Count; i += V.Count)
                (V.Load(y + i) * scale).Store(y + i);
            return i;
        }
    }

    // ---- Σ x² in double precision ----

    /// <summary>The readable Σ x², each square and the sum in double precision.</summary>
    public static double SumOfSquaresScalar(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float value in x) sum += (double)value * value;
        return sum;
    }

    /// <summary>
    /// Σ x² in double precision: read <see cref="SumOfSquaresScalar"/>; this widens a vector of floats to two of
    /// doubles at a time (<see cref="Vector{T}"/>: whatever width .NET picks), so it adds in another order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        int i = 0;
        double sum = 0;
        if (SimdPath.Current != Isa.Scalar && Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            Vector<double> low = Vector<double>.Zero, high = Vector<double>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(x[i..]), out Vector<double> lo, out Vector<double> hi);
                low += lo * lo;
                high += hi * hi;
            }
            sum = Vector.Sum(low + high);
        }
        return sum + SumOfSquaresScalar(x[i..]);
    }

    // ---- Adam, one pass over a parameter tensor ----

    /// <summary>
    /// The readable Adam update, one weight at a time: m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
    /// w ← w − step·m / (√v + ε̂), where step and ε̂ carry the bias corrections (see <see cref="AdamCoefficients"/>).
    /// Moments below <see cref="FlushBelow"/> become 0.
    /// </summary>
    public static void AdamScalar(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, AdamCoefficients c)
    {
        for (int i = 0; i < w.Length; i++)
        {
            float mi = c.Beta1 * m[i] + c.OneMinusBeta1 * g[i];
            float vi = c.Beta2 * v[i] + c.OneMinusBeta2 * g[i] * g[i];
            if (MathF.Abs(mi) < FlushBelow) mi = 0f;
            if (vi < FlushBelow) vi = 0f;
            m[i] = mi;
            v[i] = vi;
            w[i] -= c.Step * mi / (MathF.Sqrt(vi) + c.Epsilon);
        }
    }

    // Tensors at least this large are updated by all kernel threads, each taking one contiguous slice.
    private const int ParallelAdamLength = 32 * 1024;

    /// <summary>
    /// The Adam update: read <see cref="AdamScalar"/>; this is the same, a vector at a time, and large tensors are
    /// split over <see cref="ComputeSettings.ThreadCount"/> threads (same bits: there are no sums).
    /// </summary>
    public static void Adam(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, AdamCoefficients c)
    {
        RequireLength(w.Length, g.Length);
        RequireLength(w.Length, m.Length);
        RequireLength(w.Length, v.Length);
        int parts = Math.Min(ComputeSettings.ThreadCount, w.Length / (ParallelAdamLength / 2));
        fixed (float* wp = w, gp = g, mp = m, vp = v)
        {
            var job = new AdamJob(new AdamOp(wp, gp, mp, vp, c), w.Length, Math.Max(parts, 1));
            if (job.Parts == 1) ForEachVector(job.Op, 0, w.Length);
            else WorkerPool.Run(job.Parts, &AdamPart, &job);
        }
    }

    private readonly struct AdamJob(AdamOp op, int length, int parts)
    {
        public readonly AdamOp Op = op;
        public readonly int Length = length, Parts = parts;
    }

    // Part p of the tensor, its bounds rounded down to whole 16-float vectors.
    private static void AdamPart(int part, void* state)
    {
        ref AdamJob job = ref Unsafe.AsRef<AdamJob>(state);
        int start = (int)((long)job.Length * part / job.Parts) & ~15;
        int end = part == job.Parts - 1 ? job.Length : (int)((long)job.Length * (part + 1) / job.Parts) & ~15;
        ForEachVector(job.Op, start, end);
    }

    private readonly struct AdamOp(float* w, float* g, float* m, float* v, AdamCoefficients c) : IVectorLoop
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Run<V>(nint i, nint end) where V : unmanaged, ILanes<V>
        {
            V beta1 = V.Create(c.Beta1), oneMinusBeta1 = V.Create(c.OneMinusBeta1), beta2 = V.Create(c.Beta2),
                oneMinusBeta2 = V.Create(c.OneMinusBeta2), step = V.Create(c.Step), epsilon = V.Create(c.Epsilon),
                tiny = V.Create(FlushBelow);
            for (; i <= end - V.Count; i += V.Count)
            {
                V gi = V.Load(g + i);
                V mi = beta1 * V.Load(m + i) + oneMinusBeta1 * gi;
                V vi = beta2 * V.Load(v + i) + oneMinusBeta2 * gi * gi;
                mi &= V.GreaterThanOrEqual(V.Abs(mi), tiny);
                vi &= V.GreaterThanOrEqual(vi, tiny);
                mi.Store(m + i);
                vi.Store(v + i);
                (V.Load(w + i) - step * mi / (V.Sqrt(vi) + epsilon)).Store(w + i);
            }
            return i;
        }
    }

    // ---- Momentum: v ← μ·v + g;  w ← w − η·v ----

    /// <summary>The readable momentum update: v ← μ·v + g;  w ← w − η·v (a velocity below <see cref="FlushBelow"/> becomes 0).</summary>
    public static void MomentumScalar(Span<float> w, ReadOnlySpan<float> g, Span<float> velocity, float eta, float mu)
    {
        for (int i = 0; i < w.Length; i++)
        {
            float vi = mu * velocity[i] + g[i];
            if (MathF.Abs(vi) < FlushBelow) vi = 0f;
            velocity[i] = vi;
            w[i] -= eta * vi;
        }
    }

    /// <summary>The momentum update: read <see cref="MomentumScalar"/>; this is the same, a vector at a time.</summary>
    public static void Momentum(Span<float> w, ReadOnlySpan<float> g, Span<float> velocity, float eta, float mu)
    {
        RequireLength(w.Length, g.Length);
        RequireLength(w.Length, velocity.Length);
        fixed (float* wp = w, gp = g, vp = velocity) ForEachVector(new MomentumOp(wp, gp, vp, eta, mu), 0, w.Length);
    }

    private readonly struct MomentumOp(float* w, float* g, float* velocity, float eta, float mu) : IVectorLoop
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Run<V>(nint i, nint end) where V : unmanaged, ILanes<V>
        {
            V muV = V.Create(mu), etaV = V.Create(eta), tiny = V.Create(FlushBelow);
            for (; i <= end - V.Count; i += V.Count)
            {
                V vi = muV * V.Load(velocity + i) + V.Load(g + i);
                vi &= V.GreaterThanOrEqual(V.Abs(vi), tiny);
                vi.Store(velocity + i);
                (V.Load(w + i) - etaV * vi).Store(w + i);
            }
            return i;
        }
    }

    // ---- Running an op over an array ----

    /// <summary>
    /// One element-wise operation as a loop over whole vectors of width V, from element i while a whole
    /// vector fits before <c>end</c>; returns where it stopped.
    /// </summary>
    private interface IVectorLoop
    {
        nint Run<V>(nint i, nint end) where V : unmanaged, ILanes<V>;
    }

    // Elements [start, end): whole vectors of the widest accelerated width, then narrower ones, then the
    // last few floats one at a time (Lanes1), all by the op's one loop.
    private static void ForEachVector<TOp>(TOp op, nint start, nint end) where TOp : struct, IVectorLoop
    {
        nint i = start;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512 && end - i >= 16) i = Sweep<TOp, Lanes16>(op, i, end);
        if (isa >= Isa.Vector256 && end - i >= 8) i = Sweep<TOp, Lanes8>(op, i, end);
        if (isa >= Isa.Vector128 && end - i >= 4) i = Sweep<TOp, Lanes4>(op, i, end);
        if (i < end) Sweep<TOp, Lanes1>(op, i, end);
    }

    // The op's loop compiled once per op and width, with every vector operation inlined. It gets the op by
    // value so that the JIT keeps the op's pointers and numbers in registers (through a reference it would
    // reload them after every store, which might have changed them). AggressiveOptimization: jitted
    // optimised at once, not first as slow tier-0 code, which a busy machine may leave running for seconds.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nint Sweep<TOp, V>(TOp op, nint i, nint end) where TOp : struct, IVectorLoop where V : unmanaged, ILanes<V> =>
        op.Run<V>(i, end);

    private static void RequireLength(int expected, int actual)
    {
        if (actual != expected) throw new ArgumentException($"Span lengths differ: {expected} and {actual}.");
    }
}

/// <summary>
/// The numbers one Adam step multiplies by, each rounded to float once from a double: β₁ and 1−β₁, β₂ and 1−β₂,
/// the step size η·√(1−β₂ᵗ)/(1−β₁ᵗ) and ε̂ = ε·√(1−β₂ᵗ) (the bias corrections folded in).
/// </summary>
internal readonly record struct AdamCoefficients(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float Step, float Epsilon)
{
    /// <summary>The coefficients of step <paramref name="t"/> (1 for the first), all from the same double values.</summary>
    public static AdamCoefficients ForStep(double learningRate, double beta1, double beta2, double epsilon, long t)
    {
        double correction1 = 1 - Math.Pow(beta1, t);
        double correction2 = 1 - Math.Pow(beta2, t);
        return new AdamCoefficients((float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2),
            Step: (float)(learningRate * Math.Sqrt(correction2) / correction1),
            Epsilon: (float)(epsilon * Math.Sqrt(correction2)));
    }
}
