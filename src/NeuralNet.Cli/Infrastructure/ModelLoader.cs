using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Tensors;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>Loads a model file for <c>evaluate</c>, <c>predict</c> and <c>export</c>, and checks that it can run.</summary>
public static class ModelLoader
{
    /// <summary>
    /// Loads <paramref name="path"/>. Refused with a <see cref="ModelFormatException"/> naming it: a missing file,
    /// a folder, a FIFO or a device (read as a file they would block or never end); a model whose layers need
    /// more memory to run <see cref="MemoryBudget.InferenceRows"/> images than this process has; and a model whose
    /// outputs overflow (finite weights so large that plain pictures give infinite or NaN probabilities).
    /// </summary>
    public static Sequential Load(string path)
    {
        FileKind kind = FileKinds.Of(path);
        if (kind == FileKind.Directory) throw new ModelFormatException(path, "is a folder; expected a model file (e.g. out/model.nnm).");
        if (kind == FileKind.Missing) throw new ModelFormatException(path, "the model file does not exist (train one with: nn train --out DIR).");
        if (kind != FileKind.Regular) throw new ModelFormatException(path, $"is {FileKinds.Describe(kind)}, not a model file; expected a regular file such as out/model.nnm.");
        Sequential network = ModelFile.Load(path);
        RequireMemoryToRun(network, path);
        RequireFiniteOutputs(network, path);
        return network;
    }

    private static void RequireMemoryToRun(Sequential network, string path)
    {
        double needed = MemoryBudget.RunBytes(network, MemoryBudget.InferenceRows, training: false);
        long available = MemoryBudget.Available();
        if (needed > available)
            throw new ModelFormatException(path,
                $"its {network.Layers.Count:N0} layers need about {MemoryBudget.Describe(needed)} to run {MemoryBudget.InferenceRows:N0} images at once " +
                $"(the sum of the layers' output buffers), more than the {MemoryBudget.Describe(available)} available.");
    }

    // Three plain inputs (black, grey, white): a usable network gives finite probabilities for each.
    private static void RequireFiniteOutputs(Sequential network, string path)
    {
        var probe = new Matrix(3, network.InputSize);
        probe.Row(1).Fill(0.5f);
        probe.Row(2).Fill(1f);
        Matrix probabilities = network.PredictProbabilities(probe);
        foreach (float p in probabilities.Span)
            if (!float.IsFinite(p))
            {
                float largest = network.Parameters.Select(parameter => MaxAbs(parameter.Value.Span)).DefaultIfEmpty(0).Max();
                throw new ModelFormatException(path,
                    $"its outputs overflow: a plain grey or white picture gives infinite or NaN scores (its largest weight is {largest:0.###e+0}); not a usable model.");
            }
    }

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        float largest = 0;
        foreach (float v in values) largest = Math.Max(largest, Math.Abs(v));
        return largest;
    }
}
