using System.CommandLine;
using System.CommandLine.Help;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Training;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>The command line was wrong in a way the parser could not see (exit code 1, with the help text).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The output location (<c>--out</c>, <c>--model</c>) cannot be written: a read-only folder, a path under a file.
/// Found before training starts (exit code 2, like other file errors).
/// </summary>
public sealed class OutputLocationException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>Training diverged with weight decay on: the message advises the decay as well as the learning rate (exit code 2).</summary>
public sealed class DivergedWithDecayException(string message, Exception inner) : Exception(message, inner);

/// <summary>The process exit codes of <c>nn</c>.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>A usage error: unknown command or option, a bad value. The help text is printed.</summary>
    public const int Usage = 1;

    /// <summary>A data or model error: a missing, corrupt or incompatible file; the message names the file.</summary>
    public const int DataOrModel = 2;

    /// <summary>A bug in nn itself (the stack trace is printed).</summary>
    public const int Internal = 3;

    /// <summary>Stopped by Ctrl+C before anything worth saving existed: nothing was written (128 + SIGINT, the shell's convention).</summary>
    public const int Interrupted = 130;
}

/// <summary>
/// Runs a command's action and turns what can go wrong into an exit code and one line on standard error:
/// no stack traces for the user's mistakes unless <c>--verbose</c> is given.
/// </summary>
public static class CommandRunner
{
    /// <summary>Sets <paramref name="action"/> as the command's action, guarded by <see cref="Run"/>.</summary>
    public static void SetGuardedAction(this Command command, CliHost host, Func<ParseResult, int> action) =>
        command.SetAction(parse => Run(host, parse, action));

    /// <summary>Runs the action, mapping exceptions to exit codes.</summary>
    public static int Run(CliHost host, ParseResult parse, Func<ParseResult, int> action)
    {
        bool verbose = parse.GetValue(NnApp.Verbose);
        try
        {
            return action(parse);
        }
        catch (UsageException e)
        {
            host.Error.WriteLine($"error: {e.Message}");
            host.Error.WriteLine();
            new HelpAction().Invoke(parse);
            return ExitCodes.Usage;
        }
        catch (OutOfMemoryException e)
        {
            // The checks before loading and training refuse what cannot fit; memory can still run out when other
            // programs take it meanwhile. That is the machine's state, not a bug in nn (exit 3 means only that).
            host.Error.WriteLine($"error: out of memory ({MemoryBudget.Describe(MemoryBudget.Available())} available now): {OneLine(e)} " +
                                 "Close other programs, or ask for less (fewer images, a smaller network or batch).");
            if (verbose) host.Error.WriteLine(e);
            return ExitCodes.DataOrModel;
        }
        catch (Exception e) when (IsDataOrModelError(e))
        {
            host.Error.WriteLine($"error: {OneLine(e)}");
            if (verbose) host.Error.WriteLine(e);
            return ExitCodes.DataOrModel;
        }
        catch (Exception e)
        {
            host.Error.WriteLine($"internal error: {OneLine(e)}");
            host.Error.WriteLine(e);
            return ExitCodes.Internal;
        }
    }

    /// <summary>Whether the exception is about the user's files or data rather than a bug.</summary>
    public static bool IsDataOrModelError(Exception e) => e is DataFileException or ModelFormatException or TrainingDivergedException
        or DivergedWithDecayException or ShapeMismatchException or IOException or UnauthorizedAccessException;

    // The message on one line (file errors can list several tried sources on separate lines).
    private static string OneLine(Exception e) =>
        string.Join(" ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
