using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Benchmarks.Baseline;
using NeuralNet.Tensors;

/// <summary>
/// The element-wise kernels of a training step: activations and their derivatives, the optimisers'
/// updates, sums. Each has a plain scalar version (<c>...Scalar</c>, the one to read first) and a fast
/// version that runs the same arithmetic 16, 8 or 4 floats at a time (Vector512, Vector256, Vector128, as
/// the hardware accelerates) and finishes the tail with the scalar loop. Tests check one against the other.
/// </summary>
/// <remarks>
/// The vector loops use the same operations in the same order as the scalar ones (no fused multiply-add),
/// so for these kernels both give the same bits; only <see cref="SumOfSquares"/> adds in a different order.
/// </remarks>
internal static class BaselineVectorKernels
{
    // Moments below this are flushed to zero: they would otherwise decay into subnormal numbers (Adam's m
    // for a weight whose gradient is always 0, such as a border pixel's), and arithmetic on subnormals is
    // about a hundred times slower on x86. Far below any value that could move a weight.
    internal const float FlushBelow = 1e-30f;

    // ---- ReLU: a = max(z, 0) (NaN propagates);  dZ = dA where z > 0, else 0 ----

    public static void ReluForwardScalar(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = z[i] < 0f ? 0f : z[i]; // a NaN stays NaN, so divergence shows
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluForward(ReadOnlySpan<float> z, Span<float> a)
    {
        RequireLength(z.Length, a.Length);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float ar = ref MemoryMarshal.GetReference(a);
        int n = z.Length, i = 0;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512)
            for (; i <= n - 16; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref zr, (nuint)i);
                Vector512.AndNot(x, Vector512.LessThan(x, Vector512<float>.Zero)).StoreUnsafe(ref ar, (nuint)i);
            }
        if (isa >= Isa.Vector256)
            for (; i <= n - 8; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref zr, (nuint)i);
                Vector256.AndNot(x, Vector256.LessThan(x, Vector256<float>.Zero)).StoreUnsafe(ref ar, (nuint)i);
            }
        if (isa >= Isa.Vector128)
            for (; i <= n - 4; i += 4)
            {
                var x = Vector128.LoadUnsafe(ref zr, (nuint)i);
                Vector128.AndNot(x, Vector128.LessThan(x, Vector128<float>.Zero)).StoreUnsafe(ref ar, (nuint)i);
            }
        for (; i < n; i++) Unsafe.Add(ref ar, i) = Unsafe.Add(ref zr, i) < 0f ? 0f : Unsafe.Add(ref zr, i);
    }

    public static void ReluBackwardScalar(ReadOnlySpan<float> z, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        for (int i = 0; i < z.Length; i++) dZ[i] = z[i] > 0f ? dA[i] : 0f;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluBackward(ReadOnlySpan<float> z, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        RequireLength(z.Length, dA.Length);
        RequireLength(z.Length, dZ.Length);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float gr = ref MemoryMarshal.GetReference(dA);
        ref float dr = ref MemoryMarshal.GetReference(dZ);
        int n = z.Length, i = 0;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512)
            for (; i <= n - 16; i += 16)
            {
                var mask = Vector512.GreaterThan(Vector512.LoadUnsafe(ref zr, (nuint)i), Vector512<float>.Zero);
                (Vector512.LoadUnsafe(ref gr, (nuint)i) & mask).StoreUnsafe(ref dr, (nuint)i);
            }
        if (isa >= Isa.Vector256)
            for (; i <= n - 8; i += 8)
            {
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref zr, (nuint)i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref gr, (nuint)i) & mask).StoreUnsafe(ref dr, (nuint)i);
            }
        if (isa >= Isa.Vector128)
            for (; i <= n - 4; i += 4)
            {
                var mask = Vector128.GreaterThan(Vector128.LoadUnsafe(ref zr, (nuint)i), Vector128<float>.Zero);
                (Vector128.LoadUnsafe(ref gr, (nuint)i) & mask).StoreUnsafe(ref dr, (nuint)i);
            }
        for (; i < n; i++) Unsafe.Add(ref dr, i) = Unsafe.Add(ref zr, i) > 0f ? Unsafe.Add(ref gr, i) : 0f;
    }

    // ---- Sigmoid and tanh derivatives from the activation a: dZ = dA·a·(1 − a);  dZ = dA·(1 − a²) ----

    public static void SigmoidBackwardScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        for (int i = 0; i < a.Length; i++) dZ[i] = dA[i] * a[i] * (1f - a[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidBackward(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        RequireLength(a.Length, dA.Length);
        RequireLength(a.Length, dZ.Length);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float gr = ref MemoryMarshal.GetReference(dA);
        ref float dr = ref MemoryMarshal.GetReference(dZ);
        int n = a.Length, i = 0;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512)
            for (; i <= n - 16; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref ar, (nuint)i);
                (Vector512.LoadUnsafe(ref gr, (nuint)i) * x * (Vector512<float>.One - x)).StoreUnsafe(ref dr, (nuint)i);
            }
        if (isa >= Isa.Vector256)
            for (; i <= n - 8; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref ar, (nuint)i);
                (Vector256.LoadUnsafe(ref gr, (nuint)i) * x * (Vector256<float>.One - x)).StoreUnsafe(ref dr, (nuint)i);
            }
        if (isa >= Isa.Vector128)
            for (; i <= n - 4; i += 4)
            {
                var x = Vector128.LoadUnsafe(ref ar, (nuint)i);
                (Vector128.LoadUnsafe(ref gr, (nuint)i) * x * (Vector128<float>.One - x)).StoreUnsafe(ref dr, (nuint)i);
            }
        for (; i < n; i++)
        {
            float x = Unsafe.Add(ref ar, i);
            Unsafe.Add(ref dr, i) = Unsafe.Add(ref gr, i) * x * (1f - x);
        }
    }

    public static void TanhBackwardScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        for (int i = 0; i < a.Length; i++) dZ[i] = dA[i] * (1f - a[i] * a[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        RequireLength(a.Length, dA.Length);
        RequireLength(a.Length, dZ.Length);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float gr = ref MemoryMarshal.GetReference(dA);
        ref float dr = ref MemoryMarshal.GetReference(dZ);
        int n = a.Length, i = 0;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512)
            for (; i <= n - 16; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref ar, (nuint)i);
                (Vector512.LoadUnsafe(ref gr, (nuint)i) * (Vector512<float>.One - x * x)).StoreUnsafe(ref dr, (nuint)i);
            }
        if (isa >= Isa.Vector256)
            for (; i <= n - 8; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref ar, (nuint)i);
                (Vector256.LoadUnsafe(ref gr, (nuint)i) * (Vector256<float>.One - x * x)).StoreUnsafe(ref dr, (nuint)i);
            }
        if (isa >= Isa.Vector128)
            for (; i <= n - 4; i += 4)
            {
                var x = Vector128.LoadUnsafe(ref ar, (nuint)i);
                (Vector128.LoadUnsafe(ref gr, (nuint)i) * (Vector128<float>.One - x * x)).StoreUnsafe(ref dr, (nuint)i);
            }
        for (; i < n; i++)
        {
            float x = Unsafe.Add(ref ar, i);
            Unsafe.Add(ref dr, i) = Unsafe.Add(ref gr, i) * (1f - x * x);
        }
    }

    // ---- y += s·x (s = 1: plain sum; weight decay g += λ·w; SGD w += (−η)·g) ----

    public static void AddScaledScalar(ReadOnlySpan<float> x, float s, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += s * x[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(ReadOnlySpan<float> x, float s, Span<float> y)
    {
        RequireLength(x.Length, y.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512)
        {
            var sv = Vector512.Create(s);
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref yr, (nuint)i) + sv * Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        if (isa >= Isa.Vector256)
        {
            var sv = Vector256.Create(s);
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref yr, (nuint)i) + sv * Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        if (isa >= Isa.Vector128)
        {
            var sv = Vector128.Create(s);
            for (; i <= n - 4; i += 4)
                (Vector128.LoadUnsafe(ref yr, (nuint)i) + sv * Vector128.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) += s * Unsafe.Add(ref xr, i);
    }

    // ---- y += x ----

    public static void AddScalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += x[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        RequireLength(x.Length, y.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512)
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref yr, (nuint)i) + Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        if (isa >= Isa.Vector256)
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref yr, (nuint)i) + Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        if (isa >= Isa.Vector128)
            for (; i <= n - 4; i += 4)
                (Vector128.LoadUnsafe(ref yr, (nuint)i) + Vector128.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref yr, i) += Unsafe.Add(ref xr, i);
    }

    // ---- y *= s ----

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<float> y, float s)
    {
        ref float yr = ref MemoryMarshal.GetReference(y);
        int n = y.Length, i = 0;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512)
            for (; i <= n - 16; i += 16) (Vector512.LoadUnsafe(ref yr, (nuint)i) * s).StoreUnsafe(ref yr, (nuint)i);
        if (isa >= Isa.Vector256)
            for (; i <= n - 8; i += 8) (Vector256.LoadUnsafe(ref yr, (nuint)i) * s).StoreUnsafe(ref yr, (nuint)i);
        if (isa >= Isa.Vector128)
            for (; i <= n - 4; i += 4) (Vector128.LoadUnsafe(ref yr, (nuint)i) * s).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref yr, i) *= s;
    }

    // ---- Σ x² in double precision ----

    public static double SumOfSquaresScalar(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float value in x) sum += (double)value * value;
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        double sum = 0;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512 && n >= 16)
        {
            Vector512<double> s0 = Vector512<double>.Zero, s1 = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                s0 += lo * lo;
                s1 += hi * hi;
            }
            sum += Vector512.Sum(s0 + s1);
        }
        else if (isa >= Isa.Vector256 && n >= 8)
        {
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                s0 += lo * lo;
                s1 += hi * hi;
            }
            sum += Vector256.Sum(s0 + s1);
        }
        for (; i < n; i++)
        {
            double value = Unsafe.Add(ref xr, i);
            sum += value * value;
        }
        return sum;
    }

    // ---- Adam, one pass over a parameter tensor ----
    // m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − step·m / (√v + ε̂)
    // (step and ε̂ carry the bias corrections; moments below FlushBelow become 0.)

    public static void AdamScalar(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float beta1, float beta2, float step, float epsilon)
    {
        float c1 = 1f - beta1, c2 = 1f - beta2;
        for (int i = 0; i < w.Length; i++)
        {
            float mi = beta1 * m[i] + c1 * g[i];
            float vi = beta2 * v[i] + c2 * g[i] * g[i];
            if (MathF.Abs(mi) < FlushBelow) mi = 0f;
            if (vi < FlushBelow) vi = 0f;
            m[i] = mi;
            v[i] = vi;
            w[i] -= step * mi / (MathF.Sqrt(vi) + epsilon);
        }
    }

    // Tensors at least this large are updated by all kernel threads, each taking one contiguous slice.
    private const int ParallelAdamLength = 32 * 1024;

    /// <summary>The vectorised Adam pass; large tensors are split over <see cref="ComputeSettings.ThreadCount"/> threads (same bits: no sums).</summary>
    public static unsafe void Adam(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float beta1, float beta2, float step, float epsilon)
    {
        RequireLength(w.Length, g.Length);
        RequireLength(w.Length, m.Length);
        RequireLength(w.Length, v.Length);
        int parts = Math.Min(ComputeSettings.ThreadCount, w.Length / (ParallelAdamLength / 2));
        if (parts <= 1)
        {
            AdamSerial(w, g, m, v, beta1, beta2, step, epsilon);
            return;
        }
        fixed (float* wp = w, gp = g, mp = m, vp = v)
        {
            var job = new AdamJob { W = wp, G = gp, M = mp, V = vp, Length = w.Length, Parts = parts, Beta1 = beta1, Beta2 = beta2, Step = step, Epsilon = epsilon };
            WorkerPool.Run(parts, &AdamPart, &job);
        }
    }

    private unsafe struct AdamJob
    {
        public float* W, G, M, V;
        public int Length, Parts;
        public float Beta1, Beta2, Step, Epsilon;
    }

    private static unsafe void AdamPart(int part, void* state)
    {
        ref AdamJob job = ref Unsafe.AsRef<AdamJob>(state);
        int start = (int)((long)job.Length * part / job.Parts) & ~15;
        int end = part == job.Parts - 1 ? job.Length : (int)((long)job.Length * (part + 1) / job.Parts) & ~15;
        int count = end - start;
        AdamSerial(new Span<float>(job.W + start, count), new ReadOnlySpan<float>(job.G + start, count),
            new Span<float>(job.M + start, count), new Span<float>(job.V + start, count), job.Beta1, job.Beta2, job.Step, job.Epsilon);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AdamSerial(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float beta1, float beta2, float step, float epsilon)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        int n = w.Length, i = 0;
        float c1 = 1f - beta1, c2 = 1f - beta2;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512)
        {
            Vector512<float> b1 = Vector512.Create(beta1), b2 = Vector512.Create(beta2), k1 = Vector512.Create(c1), k2 = Vector512.Create(c2),
                st = Vector512.Create(step), eps = Vector512.Create(epsilon), tiny = Vector512.Create(FlushBelow);
            for (; i <= n - 16; i += 16)
            {
                var gi = Vector512.LoadUnsafe(ref gr, (nuint)i);
                var mi = b1 * Vector512.LoadUnsafe(ref mr, (nuint)i) + k1 * gi;
                var vi = b2 * Vector512.LoadUnsafe(ref vr, (nuint)i) + k2 * gi * gi;
                mi &= Vector512.GreaterThanOrEqual(Vector512.Abs(mi), tiny);
                vi &= Vector512.GreaterThanOrEqual(vi, tiny);
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (Vector512.LoadUnsafe(ref wr, (nuint)i) - st * mi / (Vector512.Sqrt(vi) + eps)).StoreUnsafe(ref wr, (nuint)i);
            }
        }
        if (isa >= Isa.Vector256)
        {
            Vector256<float> b1 = Vector256.Create(beta1), b2 = Vector256.Create(beta2), k1 = Vector256.Create(c1), k2 = Vector256.Create(c2),
                st = Vector256.Create(step), eps = Vector256.Create(epsilon), tiny = Vector256.Create(FlushBelow);
            for (; i <= n - 8; i += 8)
            {
                var gi = Vector256.LoadUnsafe(ref gr, (nuint)i);
                var mi = b1 * Vector256.LoadUnsafe(ref mr, (nuint)i) + k1 * gi;
                var vi = b2 * Vector256.LoadUnsafe(ref vr, (nuint)i) + k2 * gi * gi;
                mi &= Vector256.GreaterThanOrEqual(Vector256.Abs(mi), tiny);
                vi &= Vector256.GreaterThanOrEqual(vi, tiny);
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (Vector256.LoadUnsafe(ref wr, (nuint)i) - st * mi / (Vector256.Sqrt(vi) + eps)).StoreUnsafe(ref wr, (nuint)i);
            }
        }
        if (isa >= Isa.Vector128)
        {
            Vector128<float> b1 = Vector128.Create(beta1), b2 = Vector128.Create(beta2), k1 = Vector128.Create(c1), k2 = Vector128.Create(c2),
                st = Vector128.Create(step), eps = Vector128.Create(epsilon), tiny = Vector128.Create(FlushBelow);
            for (; i <= n - 4; i += 4)
            {
                var gi = Vector128.LoadUnsafe(ref gr, (nuint)i);
                var mi = b1 * Vector128.LoadUnsafe(ref mr, (nuint)i) + k1 * gi;
                var vi = b2 * Vector128.LoadUnsafe(ref vr, (nuint)i) + k2 * gi * gi;
                mi &= Vector128.GreaterThanOrEqual(Vector128.Abs(mi), tiny);
                vi &= Vector128.GreaterThanOrEqual(vi, tiny);
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (Vector128.LoadUnsafe(ref wr, (nuint)i) - st * mi / (Vector128.Sqrt(vi) + eps)).StoreUnsafe(ref wr, (nuint)i);
            }
        }
        if (i < n) AdamScalar(w[i..], g[i..], m[i..], v[i..], beta1, beta2, step, epsilon);
    }

    // ---- Momentum: v ← μ·v + g;  w ← w − η·v ----

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Momentum(Span<float> w, ReadOnlySpan<float> g, Span<float> velocity, float eta, float mu)
    {
        RequireLength(w.Length, g.Length);
        RequireLength(w.Length, velocity.Length);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float vr = ref MemoryMarshal.GetReference(velocity);
        int n = w.Length, i = 0;
        Isa isa = SimdPath.Current;
        if (isa >= Isa.Vector512)
        {
            Vector512<float> muV = Vector512.Create(mu), etaV = Vector512.Create(eta), tiny = Vector512.Create(FlushBelow);
            for (; i <= n - 16; i += 16)
            {
                var vi = muV * Vector512.LoadUnsafe(ref vr, (nuint)i) + Vector512.LoadUnsafe(ref gr, (nuint)i);
                vi &= Vector512.GreaterThanOrEqual(Vector512.Abs(vi), tiny);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (Vector512.LoadUnsafe(ref wr, (nuint)i) - etaV * vi).StoreUnsafe(ref wr, (nuint)i);
            }
        }
        if (isa >= Isa.Vector256)
        {
            Vector256<float> muV = Vector256.Create(mu), etaV = Vector256.Create(eta), tiny = Vector256.Create(FlushBelow);
            for (; i <= n - 8; i += 8)
            {
                var vi = muV * Vector256.LoadUnsafe(ref vr, (nuint)i) + Vector256.LoadUnsafe(ref gr, (nuint)i);
                vi &= Vector256.GreaterThanOrEqual(Vector256.Abs(vi), tiny);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (Vector256.LoadUnsafe(ref wr, (nuint)i) - etaV * vi).StoreUnsafe(ref wr, (nuint)i);
            }
        }
        if (isa >= Isa.Vector128)
        {
            Vector128<float> muV = Vector128.Create(mu), etaV = Vector128.Create(eta), tiny = Vector128.Create(FlushBelow);
            for (; i <= n - 4; i += 4)
            {
                var vi = muV * Vector128.LoadUnsafe(ref vr, (nuint)i) + Vector128.LoadUnsafe(ref gr, (nuint)i);
                vi &= Vector128.GreaterThanOrEqual(Vector128.Abs(vi), tiny);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (Vector128.LoadUnsafe(ref wr, (nuint)i) - etaV * vi).StoreUnsafe(ref wr, (nuint)i);
            }
        }
        if (i < n) MomentumScalar(w[i..], g[i..], velocity[i..], eta, mu);
    }

    private static void RequireLength(int expected, int actual)
    {
        if (actual != expected) throw new ArgumentException($"Span lengths differ: {expected} and {actual}.");
    }
}
