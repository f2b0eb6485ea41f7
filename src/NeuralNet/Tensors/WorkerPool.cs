using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace NeuralNet.Tensors;

/// <summary>
/// A tiny fork-join pool for the kernels: a few dedicated threads that spin briefly after each job, so the
/// next kernel call of a training step finds them awake. Waking a sleeping thread costs tens of
/// microseconds, about as long as a whole batch-64 matrix product, so <c>Parallel.For</c> per call would
/// eat the gain.
/// </summary>
/// <remarks>
/// One job runs at a time. A caller that finds the pool busy (another thread is using it, or a kernel is
/// called from inside a job) runs all parts itself: the parts are independent, so the result is the same.
/// Part 0 always runs on the calling thread; part i on worker i.
/// </remarks>
internal static unsafe class WorkerPool
{
    // How long an idle worker keeps spinning before it blocks (a training step has short serial gaps).
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    private static readonly object Gate = new();
    private static Worker[] workers = [];

    private static delegate*<int, void*, void> jobBody;
    private static void* jobState;
    private static int jobParts;
    private static long generation;
    private static int remaining;
    private static Exception? failure;

    /// <summary>Runs <paramref name="body"/>(part, state) for part = 0..parts−1 and returns when all are done.</summary>
    public static void Run(int parts, delegate*<int, void*, void> body, void* state)
    {
        if (parts <= 1 || !Monitor.TryEnter(Gate))
        {
            for (int part = 0; part < parts; part++) body(part, state);
            return;
        }
        try
        {
            EnsureWorkers(parts - 1);
            jobBody = body;
            jobState = state;
            jobParts = parts;
            failure = null;
            Volatile.Write(ref remaining, parts - 1);
            Interlocked.Increment(ref generation);
            for (int w = 0; w < parts - 1; w++) workers[w].WakeIfSleeping();

            body(0, state);

            var spinner = new SpinWait();
            while (Volatile.Read(ref remaining) != 0) spinner.SpinOnce(sleep1Threshold: -1);
            if (failure is { } error) ExceptionDispatchInfo.Capture(error).Throw();
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static void EnsureWorkers(int count)
    {
        if (workers.Length >= count) return;
        var grown = new Worker[count];
        Array.Copy(workers, grown, workers.Length);
        for (int w = workers.Length; w < count; w++) grown[w] = new Worker(w + 1);
        workers = grown;
    }

    private sealed class Worker
    {
        private readonly int part;
        private readonly SemaphoreSlim wake = new(0);
        private int sleeping;

        public Worker(int part)
        {
            this.part = part;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"NeuralNet kernel worker {part}" };
            thread.Start();
        }

        public void WakeIfSleeping()
        {
            if (Volatile.Read(ref sleeping) == 1) wake.Release();
        }

        private void Loop()
        {
            long seen = Volatile.Read(ref generation);
            while (true)
            {
                long current = WaitForJob(seen);
                seen = current;
                if (part >= jobParts) continue;
                try
                {
                    jobBody(part, jobState);
                }
                catch (Exception e)
                {
                    failure = e;
                }
                Interlocked.Decrement(ref remaining);
            }
        }

        private long WaitForJob(long seen)
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                long current = Volatile.Read(ref generation);
                if (current != seen) return current;
                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(8);
                    continue;
                }
                // Dekker-style hand-shake with Run: publish "sleeping", then re-check the generation.
                Interlocked.Exchange(ref sleeping, 1);
                if (Volatile.Read(ref generation) == seen) wake.Wait();
                Interlocked.Exchange(ref sleeping, 0);
                start = Stopwatch.GetTimestamp();
            }
        }
    }
}
