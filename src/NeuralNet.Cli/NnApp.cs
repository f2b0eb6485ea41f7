using System.CommandLine;
using NeuralNet.Cli.Commands;
using NeuralNet.Cli.Infrastructure;

namespace NeuralNet.Cli;

/// <summary>
/// The <c>nn</c> command tree and how it is invoked. <c>Program.cs</c> builds it over the real console;
/// tests build it over string writers and call <see cref="Run(string[], CliHost)"/> in-process.
/// </summary>
public static class NnApp
{
    /// <summary><c>--verbose</c>: show stack traces of errors (on every command).</summary>
    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Show the full stack trace of an error",
        Recursive = true,
    };

    /// <summary>The root command with <c>data</c>, <c>train</c>, <c>evaluate</c>, <c>predict</c> and <c>export</c>.</summary>
    public static RootCommand CreateRoot(CliHost host)
    {
        var root = new RootCommand("nn — train, evaluate and use the NeuralNet from-scratch networks on MNIST.");
        root.Options.Add(Verbose);
        root.Subcommands.Add(DataCommand.Create(host));
        root.Subcommands.Add(TrainCommand.Create(host));
        root.Subcommands.Add(EvaluateCommand.Create(host));
        root.Subcommands.Add(PredictCommand.Create(host));
        root.Subcommands.Add(ExportCommand.Create(host));
        root.Subcommands.Add(SweepCommand.Create(host));
        OptionGuards.Apply(root);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (0 success, 1 usage error, 2 data or model error).</summary>
    public static int Run(string[] args, CliHost host) => Invoke(CreateRoot(host), args, host);

    /// <summary>Parses and runs <paramref name="args"/> against <paramref name="root"/>.</summary>
    public static int Invoke(RootCommand root, string[] args, CliHost host)
    {
        var configuration = new InvocationConfiguration
        {
            Output = host.Output,
            Error = host.Error,
            // Ctrl+C and SIGTERM are handled by StopSignals: training stops after the current batch and still saves.
            ProcessTerminationTimeout = null,
        };
        return root.Parse(args).Invoke(configuration);
    }
}
