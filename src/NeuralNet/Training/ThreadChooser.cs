using System.Diagnostics;
using NeuralNet.Tensors;

namespace NeuralNet.Training;

/// <summary>
/// Picks, while training, the faster of one thread and <see cref="ComputeSettings.ThreadCount"/> threads by
/// timing real training steps: a few short blocks on each, alternated, then a long stretch on the winner,
/// then again (the machine's load changes). On an idle machine two threads usually win; when another
/// process keeps a core busy, one thread does, and training never runs much slower than on one thread.
/// </summary>
/// <remarks>
/// The trials are ordinary training steps, so no work is wasted, and the kernels give the same bits on any
/// number of threads, so switching never changes the result. Wall-clock time is what is compared: it is what
/// the user waits for.
/// </remarks>
internal sealed class ThreadChooser
{
    // Each trial: BlocksPerChoice blocks of StepsPerBlock steps for each choice, alternated (A B B A A B B A),
    // the first step of a block not timed (the switch may wake a sleeping worker). Then StepsOnWinner steps
    // on the faster choice, twice as many each time the same choice wins again (up to MaxStepsOnWinner), so
    // a steady machine pays for few trials. Several threads must be faster by MultiThreadMargin to win: on a
    // busy machine their times scatter widely, and one thread is the safe choice.
    private const int BlocksPerChoice = 4, StepsPerBlock = 4;
    internal const int StepsOnWinner = 400;
    private const int MaxStepsOnWinner = 12_800;
    private const double MultiThreadMargin = 0.9;
    private static readonly int[] Order = [0, 1, 1, 0, 0, 1, 1, 0];

    private readonly int[] choices;
    private readonly long[] ticks = new long[2];
    private readonly Func<long> clock;
    private readonly Func<int> stalls;
    private int step;       // steps done in the current cycle (trial blocks, then the winner's stretch)
    private int winner = -1;
    private int stallsBeforeTrial;
    private int stepsOnWinner = StepsOnWinner;
    private long blockStart;

    /// <summary>Chooses between 1 and <paramref name="maximum"/> threads; with 1 there is nothing to choose.</summary>
    /// <param name="clock">The time in any unit (tests pass a fake clock); <see cref="Stopwatch.GetTimestamp"/> by default.</param>
    /// <param name="stalls">The count of waits for a preempted worker; <see cref="WorkerPool.Stalls"/> by default.</param>
    public ThreadChooser(int maximum, Func<long>? clock = null, Func<int>? stalls = null)
    {
        this.clock = clock ?? Stopwatch.GetTimestamp;
        this.stalls = stalls ?? (() => WorkerPool.Stalls);
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

    /// <summary>Call before each training step: sets <see cref="ComputeSettings.ThreadCount"/> for it.</summary>
    public void BeforeStep()
    {
        if (Maximum <= 1) return;
        if (step < TrialSteps)
        {
            int inBlock = step % StepsPerBlock;
            if (step == 0) stallsBeforeTrial = stalls();
            // Once a worker has been preempted in this trial (another process holds the core), the remaining
            // blocks of several threads run on one: one thread will win, and waiting for a preempted worker
            // can cost a whole scheduler time slice per step.
            ComputeSettings.ThreadCount = Stalled ? 1 : choices[Order[step / StepsPerBlock]];
            if (inBlock == 1) blockStart = clock();
        }
        else
        {
            ComputeSettings.ThreadCount = choices[Math.Max(winner, 0)];
        }
    }

    /// <summary>Call after each training step.</summary>
    public void AfterStep()
    {
        if (Maximum <= 1) return;
        if (step < TrialSteps && step % StepsPerBlock == StepsPerBlock - 1)
            ticks[Order[step / StepsPerBlock]] += clock() - blockStart;
        step++;
        if (step == TrialSteps)
        {
            int faster = !Stalled && ticks[1] < MultiThreadMargin * ticks[0] ? 1 : 0;
            stepsOnWinner = faster == winner ? Math.Min(2 * stepsOnWinner, MaxStepsOnWinner) : StepsOnWinner;
            winner = faster;
            Chosen = choices[winner];
            ticks[0] = ticks[1] = 0;
        }
        else if (step == TrialSteps + stepsOnWinner)
        {
            step = 0;
        }
    }

    private bool Stalled => stalls() != stallsBeforeTrial;

    /// <summary>Puts <see cref="ComputeSettings.ThreadCount"/> back to the maximum.</summary>
    public void Restore() => ComputeSettings.ThreadCount = Maximum;
}
