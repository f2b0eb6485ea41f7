using Spectre.Console;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// Where a command writes and how it is stopped: standard output (tables, text, JSON), standard error
/// (messages, errors), whether live progress bars may be drawn, and the token that Ctrl+C cancels.
/// Tests build one over <see cref="StringWriter"/>s.
/// </summary>
public sealed class CliHost
{
    /// <summary>A host over the given writers. Progress bars are drawn only when <paramref name="terminal"/> is true.</summary>
    public CliHost(TextWriter output, TextWriter error, bool terminal = false, CancellationToken cancellation = default, int width = 200)
    {
        Output = output;
        Error = error;
        IsTerminal = terminal;
        Cancellation = cancellation;
        Console = terminal
            ? AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.Yes,
                Interactive = InteractionSupport.Yes,
            })
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
        if (!terminal) Console.Profile.Width = width;
    }

    /// <summary>Standard output: results (text tables, or JSON with <c>--json</c>).</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error: progress messages and errors.</summary>
    public TextWriter Error { get; }

    /// <summary>Spectre.Console over <see cref="Output"/>, for tables and progress bars.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Whether output goes to a terminal: only then are live progress bars (escape codes) drawn.</summary>
    public bool IsTerminal { get; }

    /// <summary>Cancelled by Ctrl+C or SIGTERM during training: it stops after the current batch.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>
    /// The host for the real process: progress bars only when standard output is a terminal, and stop signals
    /// handled by <see cref="StopSignals"/> (inside training, a first Ctrl+C or SIGTERM cancels
    /// <see cref="Cancellation"/>; elsewhere it ends the process at once).
    /// </summary>
    public static CliHost ForConsole()
    {
        var stop = new CancellationTokenSource();
        bool terminal = !System.Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb";
        var host = new CliHost(System.Console.Out, System.Console.Error, terminal, stop.Token);
        StopSignals.Install(stop, System.Console.Error, terminal);
        return host;
    }
}
