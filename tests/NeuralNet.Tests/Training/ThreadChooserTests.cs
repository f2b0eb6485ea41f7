using NeuralNet.Tensors;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

[Collection("ComputeSettings")]
public sealed class ThreadChooserTests : IDisposable
{
    // Every test chooses between 1 and 2 threads; the thread count the other tests expect is put back after each.
    private readonly int savedThreadCount = ComputeSettings.ThreadCount;

    public ThreadChooserTests() => ComputeSettings.ThreadCount = 2;

    public void Dispose() => ComputeSettings.ThreadCount = savedThreadCount;

    [Theory]
    [InlineData(1, 5, 2)]  // a step costs 5 on two threads, 1 on one: one thread wins
    [InlineData(2, 1, 5)]  // two threads are faster
    public void Trains_on_the_choice_whose_trial_steps_took_less_time(int expected, int costOnTwo, int costOnOne)
    {
        long now = 0;
        var chooser = new ThreadChooser(2, () => now, stalls: () => 0, pool: () => (0, 0));
        var seen = new HashSet<int>();
        for (int step = 0; step < ThreadChooser.TrialSteps; step++)
        {
            chooser.BeforeStep();
            seen.Add(ComputeSettings.ThreadCount);
            now += ComputeSettings.ThreadCount == 2 ? costOnTwo : costOnOne;
            chooser.AfterStep();
        }
        Assert.Equal([1, 2], seen.Order());
        Assert.Equal(expected, chooser.Chosen);
        for (int step = 0; step < ThreadChooser.StepsOnWinner; step++)
        {
            chooser.BeforeStep();
            Assert.Equal(expected, ComputeSettings.ThreadCount);
            chooser.AfterStep();
        }
        chooser.BeforeStep(); // the next trial starts
        chooser.Restore();
        Assert.Equal(2, ComputeSettings.ThreadCount);
    }

    [Fact]
    public void A_preempted_worker_during_the_trial_makes_one_thread_win()
    {
        long now = 0;
        int stalls = 0;
        var chooser = new ThreadChooser(2, () => now, () => stalls, () => (0, 0));
        for (int step = 0; step < ThreadChooser.TrialSteps; step++)
        {
            chooser.BeforeStep();
            if (step == 2) stalls++; // the pool had to wait for a worker
            now += ComputeSettings.ThreadCount == 2 ? 1 : 5; // even though two threads look faster
            chooser.AfterStep();
        }
        Assert.Equal(1, chooser.Chosen);
    }

    [Fact]
    public void Workers_that_rarely_claim_their_part_make_one_thread_win()
    {
        // Another process holds the workers' core: the caller finishes most jobs alone (WorkerPool.SoloJobs),
        // and the two-thread steps happen to time faster. One thread must still win.
        long now = 0, jobs = 0, solo = 0;
        var chooser = new ThreadChooser(2, () => now, () => 0, () => (jobs, solo));
        for (int step = 0; step < ThreadChooser.TrialSteps; step++)
        {
            chooser.BeforeStep();
            if (ComputeSettings.ThreadCount == 2)
            {
                jobs += 6;
                solo += 2; // a third of the jobs ran without the worker
            }
            now += ComputeSettings.ThreadCount == 2 ? 1 : 5;
            chooser.AfterStep();
        }
        Assert.Equal(1, chooser.Chosen);
    }

    [Fact]
    public void A_few_slow_steps_do_not_decide_the_trial()
    {
        // Medians, not sums: one-thread steps cost 10, two-thread steps 6, but two timed two-thread steps were
        // descheduled for a long time (200 each: their sum is more than all the one-thread steps'). Two threads are
        // still the faster choice.
        long now = 0;
        int twoThreadSteps = 0;
        var chooser = new ThreadChooser(2, () => now, () => 0, () => (0, 0));
        for (int step = 0; step < ThreadChooser.TrialSteps; step++)
        {
            chooser.BeforeStep();
            if (ComputeSettings.ThreadCount == 2) now += ++twoThreadSteps % 10 == 3 ? 200 : 6;
            else now += 10;
            chooser.AfterStep();
        }
        Assert.Equal(2, chooser.Chosen);
    }

    [Fact]
    public void A_two_thread_step_far_slower_than_the_one_thread_steps_ends_the_two_thread_blocks()
    {
        // A core shared with another process: a two-thread step costs 3x a one-thread step. After three
        // timed two-thread steps, the rest of the trial runs on one thread (each such step could cost a time slice).
        long now = 0;
        int twoThreadSteps = 0;
        var chooser = new ThreadChooser(2, () => now, () => 0, () => (0, 0));
        for (int step = 0; step < ThreadChooser.TrialSteps; step++)
        {
            chooser.BeforeStep();
            if (ComputeSettings.ThreadCount == 2) twoThreadSteps++;
            now += ComputeSettings.ThreadCount == 2 ? 30 : 10;
            chooser.AfterStep();
        }
        Assert.Equal(1, chooser.Chosen);
        Assert.Equal(4, twoThreadSteps); // the block's untimed first step and three timed ones
    }

    [Fact]
    public void After_two_threads_won_a_trial_lost_to_a_late_worker_is_tried_again_after_a_quarter_stretch()
    {
        // Two threads win the first trial; in the second a worker stalls once (as a hiccup does). One thread then
        // runs only StepsOnWinner / 4 steps before the next trial tries two threads again.
        long now = 0;
        int stalls = 0;
        var chooser = new ThreadChooser(2, () => now, () => stalls, () => (0, 0));
        int Steps(int count, Action? during = null) // returns how many ran on two threads
        {
            int twoThreadSteps = 0;
            for (int step = 0; step < count; step++)
            {
                chooser.BeforeStep();
                if (step == 20) during?.Invoke();
                if (ComputeSettings.ThreadCount == 2) twoThreadSteps++;
                now += ComputeSettings.ThreadCount == 2 ? 5 : 10;
                chooser.AfterStep();
            }
            return twoThreadSteps;
        }
        Steps(ThreadChooser.TrialSteps + ThreadChooser.StepsOnWinner);
        Assert.Equal(2, chooser.Chosen);
        Steps(ThreadChooser.TrialSteps, () => stalls++);
        Assert.Equal(1, chooser.Chosen);
        Steps(ThreadChooser.StepsOnWinner / 4);
        Assert.True(Steps(ThreadChooser.TrialSteps) > 0);
        Assert.Equal(2, chooser.Chosen);
    }

    [Fact]
    public void Choosing_allocates_nothing_per_step()
    {
        // The chooser runs around every training step, which allocates nothing in the steady state.
        var chooser = new ThreadChooser(2); // the real clock and pool counters
        int cycle = ThreadChooser.TrialSteps + ThreadChooser.StepsOnWinner;
        void Steps(int count)
        {
            for (int step = 0; step < count; step++)
            {
                chooser.BeforeStep();
                chooser.AfterStep();
            }
        }
        Steps(cycle); // a whole cycle first: trial and stretch, methods compiled
        long before = GC.GetAllocatedBytesForCurrentThread();
        Steps(2 * cycle);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(0.1, false)] // another process holds the second core from the start: two threads are never tried
    [InlineData(0.9, true)]  // a core is free: the first trial, after the first look, tries two threads
    public void The_first_steps_run_on_one_thread_and_the_first_trial_tries_two_only_if_a_core_was_idle(double idle, bool triesTwo)
    {
        long now = 0;
        int idleReads = 0;
        var chooser = new ThreadChooser(2, () => now, () => 0, () => (0, 0), idleCores: () => { idleReads++; return idle; },
            firstLook: ThreadChooser.FirstLookSteps);
        for (int step = 0; step < ThreadChooser.FirstLookSteps; step++)
        {
            chooser.BeforeStep();
            Assert.Equal(1, ComputeSettings.ThreadCount);
            now += 10;
            chooser.AfterStep();
        }
        Assert.Equal(1, idleReads); // counting started with the first step
        int twoThreadSteps = 0;
        for (int step = 0; step < ThreadChooser.TrialSteps; step++)
        {
            chooser.BeforeStep();
            if (ComputeSettings.ThreadCount == 2) twoThreadSteps++;
            now += ComputeSettings.ThreadCount == 2 ? 5 : 10;
            chooser.AfterStep();
        }
        Assert.Equal(triesTwo, twoThreadSteps > 0);
        Assert.Equal(triesTwo ? 2 : 1, chooser.Chosen);
    }

    [Theory]
    [InlineData(0.1, false)] // another process had the second core: the next trial stays on one thread
    [InlineData(0.9, true)]  // a core was free: the next trial tries two threads again
    public void The_next_trial_tries_two_threads_only_if_a_core_was_idle_meanwhile(double idle, bool triesTwo)
    {
        long now = 0;
        var chooser = new ThreadChooser(2, () => now, () => 0, () => (0, 0), idleCores: () => idle);
        for (int step = 0; step < ThreadChooser.TrialSteps + ThreadChooser.StepsOnWinner; step++)
        {
            chooser.BeforeStep();
            now += ComputeSettings.ThreadCount == 2 ? 15 : 10; // one thread wins the first trial
            chooser.AfterStep();
        }
        Assert.Equal(1, chooser.Chosen);
        int twoThreadSteps = 0;
        for (int step = 0; step < ThreadChooser.TrialSteps; step++)
        {
            chooser.BeforeStep();
            if (ComputeSettings.ThreadCount == 2) twoThreadSteps++;
            now += 10;
            chooser.AfterStep();
        }
        Assert.Equal(triesTwo, twoThreadSteps > 0);
    }

    [Fact]
    public void Idle_cores_are_read_from_the_operating_system_on_linux()
    {
        using var meter = new IdleCores();
        Assert.Null(meter.SinceLastCall()); // nothing to compare with yet
        Thread.Sleep(50);
        double? idle = meter.SinceLastCall();
        if (!OperatingSystem.IsLinux()) Assert.Null(idle);
        else if (idle is double cores) Assert.InRange(cores, 0, Environment.ProcessorCount);
    }
}
