namespace NeuralNet.Exercises;

/// <summary>
/// The verdict of an exercise check: passed, not attempted yet, or wrong with a message that says what is off.
/// A notebook cell that ends with a <see cref="CheckResult"/> shows its message; <see cref="Require"/> turns a
/// failure into an exception (the solution cells use it, so CI fails if a solution is wrong).
/// </summary>
public sealed record CheckResult(string Exercise, CheckOutcome Outcome, string Message)
{
    /// <summary>True when the learner's code agreed with the reference.</summary>
    public bool Passed => Outcome == CheckOutcome.Passed;

    /// <summary>Throws <see cref="InvalidOperationException"/> unless the check passed; returns this result otherwise.</summary>
    public CheckResult Require() =>
        Passed ? this : throw new InvalidOperationException($"{Exercise}: {Message}");

    /// <inheritdoc/>
    public override string ToString() => Outcome switch
    {
        CheckOutcome.Passed => $"✔ {Exercise}: {Message}",
        CheckOutcome.NotAttempted => $"… {Exercise}: {Message}",
        _ => $"✘ {Exercise}: {Message}",
    };

    internal static CheckResult Pass(string exercise, string message) => new(exercise, CheckOutcome.Passed, message);

    internal static CheckResult Fail(string exercise, string message) => new(exercise, CheckOutcome.Failed, message);

    /// <summary>
    /// Runs a check and turns the learner's exceptions into a friendly verdict: <see cref="NotImplementedException"/>
    /// (the skeleton's placeholder) means "not attempted"; any other exception is reported, never rethrown, so the
    /// rest of the notebook still runs. An index past an array's end or a shape mismatch (the usual exceptions of
    /// array code) gets <paramref name="shapes"/>, the exercise's shapes and indices, added to the message.
    /// </summary>
    internal static CheckResult Run(string exercise, Func<CheckResult> check, string? shapes = null)
    {
        try
        {
            return check();
        }
        catch (NotImplementedException)
        {
            return new(exercise, CheckOutcome.NotAttempted,
                "not written yet. Replace the `throw new NotImplementedException()` with your code and run the cell again " +
                "(the solution is in the collapsed cell below).");
        }
        catch (IndexOutOfRangeException e) when (shapes is not null)
        {
            return Fail(exercise, $"your code threw IndexOutOfRangeException ({e.Message}): an index ran past the end of an array. {shapes}");
        }
        catch (ArgumentException e) when (shapes is not null && e is not ArgumentNullException)
        {
            return Fail(exercise, $"your code threw {e.GetType().Name}: {e.Message} {shapes}");
        }
        catch (Exception e)
        {
            // Whatever the learner's code throws becomes a message, so the rest of the notebook still runs.
            return Fail(exercise, $"your code threw {e.GetType().Name}: {e.Message}");
        }
    }
}

/// <summary>What a check concluded.</summary>
public enum CheckOutcome
{
    /// <summary>The code agrees with the reference.</summary>
    Passed,

    /// <summary>The skeleton still throws <see cref="NotImplementedException"/>.</summary>
    NotAttempted,

    /// <summary>The code ran and disagrees (or threw).</summary>
    Failed,
}
