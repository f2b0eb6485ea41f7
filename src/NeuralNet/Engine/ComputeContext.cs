using NeuralNet.Tensors;

namespace NeuralNet.Engine;

/// <summary>
/// Everything the kernels need to know about how to run: how many threads they may use, the worker threads
/// that run their parts, and which vector width to use. One object instead of process-wide settings, so two
/// networks trained side by side (each with its own context) do not change each other's thread count.
/// </summary>
/// <remarks>
/// <para>The kernels read <see cref="Current"/>: the context made current on the calling thread by
/// <see cref="Use"/>, else <see cref="Default"/>. A <see cref="Training.Trainer"/> makes its own
/// <see cref="Training.Trainer.Compute"/> current while it trains, and its thread chooser writes its decision
/// into that context only.</para>
/// <para>While a part of a parallel job runs (on a worker or on the caller), the current context is a
/// one-thread copy: whatever the part calls stays on its thread, because the job already uses every core.</para>
/// </remarks>
public sealed class ComputeContext
{
    [ThreadStatic] private static ComputeContext? current;

    private int threadCount;
    private WorkerPool? pool;
    private ComputeContext? insideParts;

    /// <summary>A context for up to <paramref name="threadCount"/> threads (default: one per core).</summary>
    public ComputeContext(int? threadCount = null)
    {
        ThreadCount = threadCount ?? Environment.ProcessorCount;
    }

    /// <summary>The context used where none was made current: all cores.</summary>
    public static ComputeContext Default { get; } = new();

    /// <summary>The context the kernels on this thread use now.</summary>
    public static ComputeContext Current => current ?? Default;

    /// <summary>How many threads the kernels may use. 1 keeps everything on the calling thread.</summary>
    public int ThreadCount
    {
        get => threadCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            threadCount = value;
        }
    }

    /// <summary>
    /// A narrower vector width than the machine's best, for tests that check a fallback path against the scalar
    /// reference (null: the widest the hardware accelerates, <see cref="SimdPath.Best"/>).
    /// </summary>
    internal Isa? Simd { get; init; }

    /// <summary>
    /// Splits every matrix product into exactly this many parts, however small (tests and benchmarks of the
    /// split itself); null: by size and <see cref="ThreadCount"/>.
    /// </summary>
    internal int? ProductParts { get; init; }

    /// <summary>
    /// Whether the matrix products skip the all-zero columns of their A panels (<see cref="GemmKernel"/>): the same
    /// bits either way for finite inputs; false runs every multiply-add (tests of that, and benchmarks that report
    /// the dense kernel's share of the machine's ceiling).
    /// </summary>
    internal bool SkipsZeros { get; init; } = true;

    /// <summary>The worker threads of this context (started on first use; shared with its <see cref="Narrowed"/> copies).</summary>
    internal WorkerPool Pool => pool ??= new WorkerPool();

    /// <summary>A copy with the same threads and pool that narrows the vector width, fixes the product split or turns off zero skipping (tests, benchmarks).</summary>
    internal ComputeContext Narrowed(Isa? simd = null, int? productParts = null, bool? skipsZeros = null) =>
        new(ThreadCount) { pool = Pool, Simd = simd ?? Simd, ProductParts = productParts ?? ProductParts, SkipsZeros = skipsZeros ?? SkipsZeros };

    /// <summary>The one-thread copy that is current while a part of a job runs.</summary>
    internal ComputeContext InsideParts => insideParts ??= new ComputeContext(1) { Simd = Simd };

    /// <summary>Makes this context current on the calling thread until the result is disposed, which restores the one it replaced.</summary>
    public Scope Use() => new(Swap(this));

    // Makes context current (null: the default) and returns what was current before.
    internal static ComputeContext? Swap(ComputeContext? context)
    {
        ComputeContext? before = current;
        current = context;
        return before;
    }

    /// <summary>The span during which a context is current (see <see cref="Use"/>); disposing it restores the previous one.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly ComputeContext? previous;

        internal Scope(ComputeContext? previous) => this.previous = previous;

        /// <summary>Restores the context that was current before <see cref="Use"/>.</summary>
        public void Dispose() => current = previous;
    }
}
