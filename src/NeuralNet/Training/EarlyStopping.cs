using NeuralNet.Layers;

namespace NeuralNet.Training;

/// <summary>
/// Watches the validation loss, keeps a copy of the best weights, and says when to stop: after
/// <c>patience</c> epochs without an improvement of at least <c>minDelta</c>.
/// </summary>
public sealed class EarlyStopping
{
    private readonly Sequential network;
    private readonly int? patience;
    private readonly double minDelta;
    private readonly float[][] bestWeights;
    private readonly Tensors.Matrix[] stateTensors; // e.g. batch normalisation's running statistics
    private readonly float[][] bestState;
    private double bestLoss = double.PositiveInfinity;
    private int epochsWithoutImprovement;

    /// <summary>Watches <paramref name="network"/>; a null patience never stops but still remembers the best weights.</summary>
    public EarlyStopping(Sequential network, int? patience, double minDelta = 0)
    {
        this.network = network;
        this.patience = patience;
        this.minDelta = minDelta;
        bestWeights = network.Parameters.Select(p => new float[p.Value.Length]).ToArray();
        stateTensors = network.Layers.OfType<IHasState>().SelectMany(l => l.State).Select(t => t.Value).ToArray();
        bestState = stateTensors.Select(t => new float[t.Length]).ToArray();
    }

    /// <summary>The epoch with the lowest validation loss so far.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>Records an epoch's validation loss; true when training should stop.</summary>
    public bool ShouldStop(int epoch, double validationLoss)
    {
        if (validationLoss < bestLoss - minDelta)
        {
            bestLoss = validationLoss;
            BestEpoch = epoch;
            epochsWithoutImprovement = 0;
            for (int i = 0; i < bestWeights.Length; i++) network.Parameters[i].Value.Span.CopyTo(bestWeights[i]);
            for (int i = 0; i < bestState.Length; i++) stateTensors[i].Span.CopyTo(bestState[i]);
            return false;
        }
        epochsWithoutImprovement++;
        return patience is int p && epochsWithoutImprovement >= p;
    }

    /// <summary>Puts the best weights back into the network (if any epoch was recorded).</summary>
    public void RestoreBest()
    {
        if (BestEpoch is null) return;
        for (int i = 0; i < bestWeights.Length; i++) bestWeights[i].CopyTo(network.Parameters[i].Value.Span);
        for (int i = 0; i < bestState.Length; i++) bestState[i].CopyTo(stateTensors[i].Span);
    }
}
