using System.CommandLine;
using NeuralNet.Cli.Commands;

var root = new RootCommand("nn — train, evaluate and use the NeuralNet from-scratch networks on MNIST.");
root.Subcommands.Add(TrainCommand.Create());
return root.Parse(args).Invoke();
