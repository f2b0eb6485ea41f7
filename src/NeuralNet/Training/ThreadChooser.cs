using System.Diagnostics;
using NeuralNet.Engine;
using NeuralNet.Tensors;

namespace NeuralNet.Training;

/// <summary>
/// Picks, while training, the faster of one thread and the context's <see cref="ComputeContext.ThreadCount"/> threads by
/// timing real training steps: a few short blocks on each, alternated, then a long stretch on the winner,
/// then again (the machine's load changes). Several threads win only when their workers were really running
/// during the trial and their median step was clearly faster; otherwise one thread.
/// </summary>
/// <remarks>
/// <para>The trials are ordinary training steps, so no work is wasted, and the kernels give the same bits on any
/// number of threads, so switching never changes the result. Wall-clock time is what is compared: it is what
/// the user waits for.</para>
/// <para>Why medians and a check that the workers were there: with another process keeping one core busy, the
/// step times of a trial scatter by 3x (a block may run while the scheduler has put this thread on the busy
/// core, the next after it moved it), and sums of a few steps sometimes picked two threads by chance, which
/// then lost to one thread (13-38 % slower per epoch in that condition: tests/NeuralNet.Benchmarks/RESULTS.md).
/// A worker whose core is busy shows plainly: the pool's caller finishes jobs alone
/// (<see cref="WorkerPool.SoloJobs"/>) or waits a time slice for it (<see cref="WorkerPool.Stalls"/>). And when the
/// machine had no idle core while we trained on one thread (<see cref="IdleCores"/>), several threads are not tried
/// at all: a trial on a shared core costs a few scheduler time slices, and our thread ran with less than its own
/// core for a while after one (RESULTS.md, <c>cpu_share</c>).</para>
/// </remarks>
internal sealed class ThreadChooser : IDisposable
{
    // Each trial: BlocksPerChoice blocks of StepsPerBlock steps for each choice, alternated (A B B A A B B A),
    // the first step of a block not timed (the switch may wake a sleeping worker). Then StepsOnWinner steps
    // on the faster choice, twice as many each time the same choice wins again (up to MaxStepsOnWinner), so
    // a steady machine pays for few trials. Several threads must be faster by MultiThreadMargin (median step
    // against median step) to win, and their workers must have taken part in all but MaxSoloShare of the jobs.
    private const int BlocksPerChoice = 4, StepsPerBlock = 6;
    internal const int StepsOnWinner = 400;
    private const int MaxStepsOnWinner = 12_800;
    private const double MultiThreadMargin = 0.9;
    private const double MaxSoloShare = 0.1;
    private const double LosingFactor = 2;
    private const int LostAfter = 3;
    // Several threads are not even tried when, during the last stretch on one thread, fewer than this many cores
    // of the machine were idle on average: another process has the second core, and a trial would only pay for
    // waiting on a worker that the scheduler does not run.
    private const double MinimumIdleCores = 0.5;
    private static readonly int[] Order = [0, 1, 1, 0, 0, 1, 1, 0];
    private const int TimedStepsPerChoice = BlocksPerChoice * (StepsPerBlock - 1);

    private readonly ComputeContext context;
    private readonly int[] choices;
    private readonly long[][] stepTicks = [new long[TimedStepsPerChoice], new long[TimedStepsPerChoice]];
    private readonly int[] timed = new int[2];
    private readonly Func<long> clock;
    private readonly Func<int> stalls;
    private readonly Func<(long Jobs, long Solo)> pool;
    private readonly Func<double?> idleCores;
    private readonly IdleCores? meter;
    private int step;       // steps done in the current cycle (trial blocks, then the winner's stretch)
    private int winner = -1;
    private int stallsBeforeTrial;
    private int losingSteps; // multi-thread steps of this trial far slower than the one-thread steps
    private bool lost;       // the rest of this trial's multi-thread blocks run on one thread
    private long jobs, soloJobs; // of the timed multi-thread steps of this trial
    private (long Jobs, long Solo) poolBeforeStep;
    private int stepsOnWinner = StepsOnWinner;
    private long stepStart;
    private bool looking;
    private int firstLook;   // one-thread steps still to run before the first trial, counting idle cores meanwhile

    /// <summary>
    /// One-thread steps before the first trial when the idle cores can be read: a machine whose second core is
    /// already busy then never tries several threads. (A trial on a busy core is not free even when one thread
    /// wins it: the scheduler can leave our thread on the busy core for seconds after it, measured at 5-20 %
    /// slower epochs; tests/NeuralNet.Benchmarks/RESULTS.md.)
    /// </summary>
    internal const int FirstLookSteps = 64;

    /// <summary>Chooses between 1 and <paramref name="maximum"/> threads; with 1 there is nothing to choose.</summary>
    /// <param name="clock">The time in any unit (tests pass a fake clock); <see cref="Stopwatch.GetTimestamp"/> by default.</param>
    /// <param name="stalls">The count of waits for a preempted worker; the context's pool's by default.</param>
    /// <param name="pool">The pool's jobs and the jobs its caller finished alone; the context pool's by default.</param>
    /// <param name="idleCores">The machine's idle cores on average since the last call (null: unknown); by default read
    /// from the operating system (<see cref="IdleCores"/>) when the real clock is used, unknown with a fake one.</param>
    /// <param name="firstLook">One-thread steps before the first trial (<see cref="FirstLookSteps"/> when the idle cores
    /// are read from the operating system, else none).</param>
    /// <param name="context">Whose thread count the chooser sets before each step; <see cref="ComputeContext.Current"/> by default.</param>
    public ThreadChooser(int maximum, Func<long>? clock = null, Func<int>? stalls = null, Func<(long Jobs, long Solo)>? pool = null,
        Func<double?>? idleCores = null, int? firstLook = null, ComputeContext? context = null)
    {
        this.context = context ?? ComputeContext.Current;
        if (idleCores is null && clock is null)
        {
            meter = new IdleCores();
            idleCores = meter.SinceLastCall;
        }
        this.firstLook = firstLook ?? (meter is not null ? FirstLookSteps : 0);
        this.idleCores = idleCores ?? (() => null);
        this.clock = clock ?? Stopwatch.GetTimestamp;
        WorkerPool workers = this.context.Pool;
        this.stalls = stalls ?? (() => workers.Stalls);
        this.pool = pool ?? (() => (workers.Jobs, workers.SoloJobs));
        Maximum = maximum;
        Chosen = maximum;
        choices = [1, maximum];
    }

    /// <summary>The thread count the caller asked for at most; restored by <see cref="Restore"/>.</summary>
    public int Maximum { get; }

    /// <summary>The thread count the last finished trial picked (the maximum until a trial has finished).</summary>
    public int Chosen { get; private set; }

    /// <summary>Steps in one trial (both choices); then <see cref="StepsOnWinner"/> steps on the winner.</summary>
    internal static int TrialSteps => 2 * BlocksPerChoice * StepsPerBlock;

    /// <summary>Call before each training step: sets the context's <see cref="ComputeContext.ThreadCount"/> for it.</summary>
    public void BeforeStep()
    {
        if (Maximum <= 1) return;
        if (firstLook > 0)
        {
            if (!looking) idleCores(); // start counting
            looking = true;
            context.ThreadCount = 1;
            return;
        }
        if (step < TrialSteps)
        {
            if (step == 0)
            {
                stallsBeforeTrial = stalls();
                jobs = soloJobs = 0;
                timed[0] = timed[1] = 0;
                losingSteps = 0;
                // After a stretch on one thread that left no core idle, the several-thread blocks run on one.
                double? idle = idleCores();
                lost = winner == 0 && idle < MinimumIdleCores;
            }
            // Once a worker has been preempted in this trial (another process holds the core), or LostAfter steps
            // on several threads took more than LosingFactor times the one-thread steps' median, the remaining
            // blocks of several threads run on one: one thread will win, and on a core shared with another
            // process each such step can cost a scheduler time slice (milliseconds, against 0.3 for a step).
            context.ThreadCount = Stalled || lost ? 1 : choices[Order[step / StepsPerBlock]];
            poolBeforeStep = pool();
            stepStart = clock();
        }
        else
        {
            context.ThreadCount = choices[Math.Max(winner, 0)];
        }
    }


    /// <summary>Call after each training step.</summary>
    public void AfterStep()
    {
        if (Maximum <= 1) return;
        if (firstLook > 0)
        {
            if (--firstLook == 0) winner = 0; // as after a stretch on one thread: the trial checks the idle cores
            return;
        }
        if (step < TrialSteps && step % StepsPerBlock != 0) // the first step of a block is not timed
        {
            int choice = Order[step / StepsPerBlock];
            stepTicks[choice][timed[choice]++] = clock() - stepStart;
            if (choice == 1)
            {
                if (timed[0] >= 3 && stepTicks[1][timed[1] - 1] > LosingFactor * Median(stepTicks[0].AsSpan(0, timed[0])) && ++losingSteps == LostAfter)
                    lost = true;
                (long jobsNow, long soloNow) = pool();
                jobs += jobsNow - poolBeforeStep.Jobs;
                soloJobs += soloNow - poolBeforeStep.Solo;
            }
        }
        step++;
        if (step == TrialSteps)
        {
            bool workersWerePresent = !Stalled && !lost && soloJobs <= MaxSoloShare * jobs;
            int faster = workersWerePresent && Median(stepTicks[1]) < MultiThreadMargin * Median(stepTicks[0]) ? 1 : 0;
            stepsOnWinner = faster == winner ? Math.Min(2 * stepsOnWinner, MaxStepsOnWinner) : StepsOnWinner;
            // Several threads had won and now lost only because a worker was late (no timing said one thread is
            // faster): on a machine that had a free core that is more often a hiccup than another process, so look
            // again after a quarter of the stretch (measured: a lost trial cost 400 one-thread steps, 10-19 % of an
            // epoch, in two of five rounds).
            if (faster == 0 && winner == 1 && !workersWerePresent) stepsOnWinner = StepsOnWinner / 4;
            winner = faster;
            Chosen = choices[winner];
            idleCores(); // start measuring the winner's stretch
        }
        else if (step == TrialSteps + stepsOnWinner)
        {
            step = 0;
        }
    }

    private bool Stalled => stalls() != stallsBeforeTrial;

    // The median of a few step times, sorted in place (no allocation: this runs while training).
    private static double Median(Span<long> ticks)
    {
        ticks.Sort();
        int n = ticks.Length;
        return n % 2 == 1 ? ticks[n / 2] : (ticks[n / 2 - 1] + ticks[n / 2]) / 2.0;
    }

    /// <summary>Puts the context's <see cref="ComputeContext.ThreadCount"/> back to the maximum.</summary>
    public void Restore() => context.ThreadCount = Maximum;

    /// <summary>Closes the operating-system counters it reads.</summary>
    public void Dispose() => meter?.Dispose();
}
