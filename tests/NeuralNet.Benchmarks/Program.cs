using BenchmarkDotNet.Running;
using NeuralNet.Benchmarks;

// dotnet run -c Release --project tests/NeuralNet.Benchmarks -- epoch --batch 64 --threads 1   (seconds per epoch, accuracy)
// dotnet run -c Release --project tests/NeuralNet.Benchmarks -- cnn --batch 64 --threads 2 --epochs 3    (the chapter-06 CNN)
// dotnet run -c Release --project tests/NeuralNet.Benchmarks -- gemm --threads 2               (GFLOP/s of the products)
// dotnet run -c Release --project tests/NeuralNet.Benchmarks -- alloc                          (bytes allocated per training step)
// dotnet run -c Release --project tests/NeuralNet.Benchmarks -- profile --batch 64              (µs per layer, thread CPU time)
// dotnet run -c Release --project tests/NeuralNet.Benchmarks -- cnn-profile --parts           (the CNN step per layer and per im2col piece)
// dotnet run -c Release --project tests/NeuralNet.Benchmarks -- cut                            (one thread vs two on small products)
// dotnet run -c Release --project tests/NeuralNet.Benchmarks -- optimizer                      (the optimiser step alone, 1 vs 2 threads)
// dotnet run -c Release --project tests/NeuralNet.Benchmarks -- fuzz --cases 100000                (the file readers against mutated files)
// dotnet run -c Release --project tests/NeuralNet.Benchmarks -- --filter '*'                   (the BenchmarkDotNet suites)
return args.FirstOrDefault() switch
{
    "epoch" => EpochBenchmark.Run(args[1..]),
    "cnn" => CnnEpochBenchmark.Run(args[1..]),
    "gemm" => GemmThroughput.Run(args[1..]),
    "alloc" => EpochBenchmark.MeasureAllocations(args[1..]),
    "profile" => StepProfile.Run(args[1..]),
    "cnn-profile" => CnnProfile.Run(args[1..]),
    "split-inputs" => SplitInputsExperiment.Run(args[1..]),
    "owned-columns" => OwnedColumnsExperiment.Run(args[1..]),
    "cut" => GemmThroughput.Cut(args[1..]),
    "optimizer" => OptimizerStepProfile.Run(args[1..]),
    "fuzz" => FuzzBenchmark.Run(args[1..]),
    _ => RunSuites(args),
};

static int RunSuites(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(EpochBenchmark).Assembly).Run(args);
    return 0;
}
