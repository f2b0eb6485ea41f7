using System.Diagnostics;
using System.Runtime.ExceptionServices;
using NeuralNet.Engine;

namespace NeuralNet.Tensors;

/// <summary>
/// A tiny fork-join pool for the kernels: a few dedicated threads that spin briefly after each job, so the
/// next kernel call of a training step finds them awake. Waking a sleeping thread costs tens of
/// microseconds, about as long as a whole batch-64 matrix product, so <c>Parallel.For</c> per call would
/// eat the gain.
/// </summary>
/// <remarks>
/// <para>The caller takes parts from the front of the job (0, 1, 2, ...) and the workers from the back, until
/// none are left, so a worker that the operating system has not scheduled yet (a busy machine) never holds
/// the caller up: the caller simply runs that part too. Parts are independent and each writes its own
/// outputs, so which thread runs a part never changes the result. Taking from the two ends keeps each thread
/// on the same half of the data from one kernel to the next (part 0 of a two-part job runs on the caller,
/// part 1 on the worker, whenever the worker is awake): the batch rows a thread gathered are the rows it
/// multiplies, and the rows a fused Linear → ReLU rectified are the rows the next product reads. (Handed out
/// first-come first-served, the halves swapped cores at random. On the 2-core test machine a value written
/// by one core costs the other several times an L2 read; in a same-run comparison at batch 64 the two ways
/// of handing out parts measured alike, within the noise.)</para>
/// <para>On a machine busy with other processes a worker can be preempted in the middle of its part, and the
/// caller then waits milliseconds for the scheduler to run it again: worse than one thread. So when the
/// caller has had to wait long for a part, the pool runs the next jobs on the caller alone for a while,
/// then tries again. (Which thread runs a part never changes the result.)</para>
/// <para>One job runs at a time. A caller that finds the pool busy (another thread is using it) runs all parts
/// itself. Every part runs with the one-thread copy of the context current
/// (<see cref="ComputeContext.InsideParts"/>), so a kernel called inside a part stays on its thread.</para>
/// <para>Each <see cref="ComputeContext"/> has its own pool (<see cref="ComputeContext.Pool"/>); the kernels call
/// the static <see cref="Run"/>, which uses the current context's.</para>
/// </remarks>
internal sealed unsafe class WorkerPool
{
    // How long an idle worker keeps spinning before it blocks (a training step has short serial gaps).
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    // A wait for the last parts longer than this, and more than 16 times as long as the caller's own share
    // of the job took, means a worker was preempted for a scheduler time slice (a worker that was merely
    // asleep is ~65 µs late; ordinary imbalance is at most about a share: the convolution's few large parts
    // had tripped a 1x test on a quiet machine and run on one thread, 17 s instead of ~10 s per epoch)...
    private static readonly long StallTicks = Stopwatch.Frequency / 1000; // 1 ms
    // ...and the jobs of the next 20 ms run on the calling thread alone (a few scheduler time slices), twice as
    // long after each further stall in a row, at most 5 s. Counted in time, not in jobs: a training step forks
    // 6 jobs (the CNN, 6 ms a step) to 10 (the MLP, 0.3 ms a step), so a count of jobs meant 40 CNN steps or 25
    // MLP steps on one thread after a single late worker.
    private static readonly long FirstBackOffTicks = Stopwatch.Frequency / 50, MaxBackOffTicks = 5 * Stopwatch.Frequency;
    private long backOffUntil, nextBackOffTicks = FirstBackOffTicks;

    /// <summary>How many times a job waited so long for a preempted worker that the pool fell back to one thread.</summary>
    public int Stalls { get; private set; }

    /// <summary>How many jobs have been handed to the workers (forks; the profile counts them per training step).</summary>
    public long Jobs { get; private set; }

    /// <summary>
    /// How many of those jobs the caller finished alone because no worker claimed a part in time: a worker that
    /// spins between the jobs of a step claims its part within a microsecond, so a high share of these means the
    /// workers' cores are busy with something else (<see cref="NeuralNet.Training.ThreadChooser"/> reads it).
    /// </summary>
    public long SoloJobs { get; private set; }

    private long workerParts; // parts run by workers, ever

    private readonly object gate = new();
    private Worker[] workers = [];

    private delegate*<int, void*, void> jobBody;
    private void* jobState;
    private ComputeContext? jobInside;   // the one-thread context the job's parts run with
    private uint generation;
    // (generation << 32) | (front << 16) | back: the parts front..back−1 are still unclaimed. Claiming by
    // compare-and-swap on the whole ticket proves the job is still the current one, so its body and state are
    // safe to read.
    private long ticket;
    private const int MaxParts = ushort.MaxValue;
    private int finished;
    private Exception? failure;

    /// <summary>
    /// Runs <paramref name="body"/>(part, state) for part = 0..parts−1 on the pool of <see cref="ComputeContext.Current"/>
    /// and returns when all are done.
    /// </summary>
    public static void Run(int parts, delegate*<int, void*, void> body, void* state)
    {
        if (parts > MaxParts) throw new ArgumentOutOfRangeException(nameof(parts), parts, $"A job has at most {MaxParts} parts.");
        ComputeContext context = ComputeContext.Current;
        if (Math.Min(parts, context.ThreadCount) <= 1) RunAlone(context, parts, body, state);
        else context.Pool.Fork(context, parts, body, state);
    }

    // All parts on the calling thread, each with the one-thread context current.
    private static void RunAlone(ComputeContext context, int parts, delegate*<int, void*, void> body, void* state)
    {
        ComputeContext? outer = ComputeContext.Swap(context.InsideParts);
        try
        {
            for (int part = 0; part < parts; part++) body(part, state);
        }
        finally
        {
            ComputeContext.Swap(outer);
        }
    }

    private void Fork(ComputeContext context, int parts, delegate*<int, void*, void> body, void* state)
    {
        int helpers = Math.Min(parts, context.ThreadCount) - 1;
        // Monitor is re-entrant: a thread already running this pool's job must not start a nested one.
        if (Monitor.IsEntered(gate) || !Monitor.TryEnter(gate))
        {
            RunAlone(context, parts, body, state);
            return;
        }
        if (backOffUntil != 0 && Stopwatch.GetTimestamp() < backOffUntil)
        {
            Monitor.Exit(gate);
            RunAlone(context, parts, body, state);
            return;
        }
        ComputeContext? outer = ComputeContext.Swap(context.InsideParts);
        try
        {
            EnsureWorkers(helpers);
            Jobs++;
            jobInside = context.InsideParts;
            jobBody = body;
            jobState = state;
            failure = null;
            Volatile.Write(ref finished, 0);
            long workerPartsBefore = Volatile.Read(ref workerParts);
            generation++;
            Interlocked.Exchange(ref ticket, ((long)generation << 32) | (uint)parts); // publishes the job (full fence)
            for (int w = 0; w < helpers; w++) workers[w].WakeIfSleeping();

            long start = Stopwatch.GetTimestamp();
            RunParts(generation, fromFront: true);

            long waitStart = Stopwatch.GetTimestamp();
            var spinner = new SpinWait();
            while (Volatile.Read(ref finished) != parts) spinner.SpinOnce(sleep1Threshold: -1);
            long waited = Stopwatch.GetTimestamp() - waitStart;
            if (Volatile.Read(ref workerParts) == workerPartsBefore) SoloJobs++; // no worker ran a part of this job
            if (waited > StallTicks && waited > 16 * (waitStart - start))
            {
                backOffUntil = Stopwatch.GetTimestamp() + nextBackOffTicks;
                nextBackOffTicks = Math.Min(2 * nextBackOffTicks, MaxBackOffTicks);
                Stalls++;
            }
            else
            {
                backOffUntil = 0;
                nextBackOffTicks = FirstBackOffTicks;
            }
            if (failure is { } error) ExceptionDispatchInfo.Capture(error).Throw();
        }
        finally
        {
            ComputeContext.Swap(outer);
            Monitor.Exit(gate);
        }
    }

    private uint CurrentGeneration => (uint)(Volatile.Read(ref ticket) >> 32);

    // Claims and runs parts of job <paramref name="expected"/>, from the front or from the back, until none are left.
    private void RunParts(uint expected, bool fromFront)
    {
        while (true)
        {
            long seen = Volatile.Read(ref ticket);
            if ((uint)(seen >> 32) != expected) return;
            int front = (int)(seen >> 16) & 0xFFFF, back = (int)seen & 0xFFFF;
            if (front >= back) return;
            long claimed = fromFront ? seen + (1L << 16) : seen - 1;
            if (Interlocked.CompareExchange(ref ticket, claimed, seen) != seen) continue;
            int part = fromFront ? front : back - 1;
            if (!fromFront) ComputeContext.Swap(jobInside);   // a worker: what the part calls stays on this thread
            try
            {
                jobBody(part, jobState);
            }
            catch (Exception e)
            {
                failure = e;
            }
            if (!fromFront) Interlocked.Increment(ref workerParts); // before finished: the caller reads it after its own parts
            Interlocked.Increment(ref finished);
        }
    }

    private void EnsureWorkers(int count)
    {
        if (workers.Length >= count) return;
        var grown = new Worker[count];
        Array.Copy(workers, grown, workers.Length);
        for (int w = workers.Length; w < count; w++) grown[w] = new Worker(this, w + 1);
        workers = grown;
    }

    private sealed class Worker
    {
        private readonly WorkerPool pool;
        private readonly SemaphoreSlim wake = new(0);
        private int sleeping;

        public Worker(WorkerPool pool, int number)
        {
            this.pool = pool;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"NeuralNet kernel worker {number}" };
            thread.Start();
        }

        public void WakeIfSleeping()
        {
            if (Volatile.Read(ref sleeping) == 1) wake.Release();
        }

        private void Loop()
        {
            uint seen = pool.CurrentGeneration;
            while (true)
            {
                seen = WaitForJob(seen);
                pool.RunParts(seen, fromFront: false);
            }
        }

        private uint WaitForJob(uint seen)
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                uint current = pool.CurrentGeneration;
                if (current != seen) return current;
                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(8);
                    continue;
                }
                // Dekker-style hand-shake with Run: publish "sleeping", then re-check the generation.
                Interlocked.Exchange(ref sleeping, 1);
                if (pool.CurrentGeneration == seen) wake.Wait();
                Interlocked.Exchange(ref sleeping, 0);
                start = Stopwatch.GetTimestamp();
            }
        }
    }
}
