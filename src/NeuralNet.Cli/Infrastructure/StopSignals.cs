using System.Runtime.InteropServices;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// What Ctrl+C (SIGINT) and <c>kill</c>/<c>docker stop</c> (SIGTERM) do to the real process. Inside a
/// <see cref="Graceful"/> section (a training loop and the save after it) the first one cancels
/// <see cref="CliHost.Cancellation"/>: training stops after the current batch and saves what it may. Anywhere
/// else (loading data, reading a model, evaluating) and for a second signal, the process ends at once, as a
/// program without handlers would (exit status 130 or 143): there is nothing half-done worth finishing, and
/// every file is written atomically, so an old file is never left damaged.
/// The file-size limit's signal (SIGXFSZ) is ignored, so a save past <c>ulimit -f</c> fails as an error
/// instead of killing the process with its temporary file left behind.
/// </summary>
public static class StopSignals
{
    private static int gracefulSections;
    private static readonly List<PosixSignalRegistration> registrations = [];

    /// <summary>Which signal asked to stop, for messages: "Ctrl+C" or "SIGTERM".</summary>
    public static string Reason { get; private set; } = "Ctrl+C";

    /// <summary>A section in which the first stop signal cancels the token instead of ending the process.</summary>
    public static IDisposable Graceful() => new Section();

    /// <summary>Installs the handlers for the process: <paramref name="stop"/> is cancelled inside a graceful section.</summary>
    public static void Install(CancellationTokenSource stop, TextWriter error, bool terminal)
    {
        foreach ((PosixSignal signal, string name) in new[] { (PosixSignal.SIGINT, "Ctrl+C"), (PosixSignal.SIGTERM, "SIGTERM") })
            registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (stop.IsCancellationRequested || Volatile.Read(ref gracefulSections) == 0)
                {
                    error.WriteLine($"Stopped by {name}.");
                    context.Cancel = false;   // the runtime ends the process as the signal's default would
                    return;
                }
                context.Cancel = true;
                Reason = name;
                stop.Cancel();
                // On a terminal the training display says so itself (writing here would tear its live progress bar).
                if (!terminal) error.WriteLine($"{name}: stopping after the current batch ({name} again to quit at once) ...");
            }));
        if (!OperatingSystem.IsWindows())
            registrations.Add(PosixSignalRegistration.Create(FileSizeLimitSignal, context => context.Cancel = true));
    }

    // SIGXFSZ is 25 on Linux and macOS; PosixSignal takes a raw signal number cast to it.
    private const PosixSignal FileSizeLimitSignal = (PosixSignal)25;

    private sealed class Section : IDisposable
    {
        private bool disposed;

        public Section() => Interlocked.Increment(ref gracefulSections);

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            Interlocked.Decrement(ref gracefulSections);
        }
    }
}
