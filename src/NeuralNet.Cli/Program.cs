using System.CommandLine;
using NeuralNet.Cli;
using NeuralNet.Cli.Commands;
using NeuralNet.Cli.Infrastructure;

var host = CliHost.ForConsole();
RootCommand root = NnApp.CreateRoot(host);
root.Subcommands.Add(NotebooksCommand.Create());
return NnApp.Invoke(root, args, host);
