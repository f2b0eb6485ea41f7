using NeuralNet.Cli;
using NeuralNet.Cli.Infrastructure;

var host = CliHost.ForConsole();
var root = NnApp.CreateRoot(host);
return NnApp.Invoke(root, args, host);
