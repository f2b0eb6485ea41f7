using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Engine;

/// <summary>
/// How a <see cref="Sequential"/> network runs: its layers compiled into steps, each step one layer or a run of
/// neighbours the engine has a fused kernel for. The layers hold the math; the plan decides how to run it fast.
/// </summary>
/// <remarks>
/// <para>What it fuses (each the same bits as the layers one by one, on any number of threads):</para>
/// <list type="bullet">
/// <item>Linear → ReLU (<see cref="DenseStep"/>): the ReLU inside the product, and its derivative inside the
/// next Linear's dX product.</item>
/// <item>Conv2D → ReLU → MaxPool2D chains (<see cref="ImageChainStep"/>): every core takes its own images through
/// all of them, one fork per direction; a Conv2D or MaxPool2D outside a chain runs alone on the same kernels.</item>
/// <item>Anything else runs through its own <see cref="ILayer.Forward"/> and <see cref="ILayer.Backward"/>
/// (<see cref="LayerStep"/>), so a new layer needs nothing here.</item>
/// </list>
/// <para>The plan reads the layers' public parameters and shapes only, and keeps buffers of its own.</para>
/// </remarks>
internal sealed class ExecutionPlan
{
    private readonly PlanStep[] steps;

    /// <summary>Compiles <paramref name="layers"/> into steps.</summary>
    public ExecutionPlan(IReadOnlyList<ILayer> layers)
    {
        var list = new List<PlanStep>();
        for (int i = 0; i < layers.Count;)
        {
            PlanStep step = StepAt(layers, i, list.Count > 0 ? list[^1] : null);
            list.Add(step);
            i += step.LayerCount;
        }
        steps = [.. list];
        // A dense step applies the ReLU derivative of a dense or ReLU step before it inside its dX product.
        for (int s = 1; s < steps.Length; s++)
            if (steps[s] is DenseStep && steps[s - 1] is DenseStep { Rectifies: true } or RectifyStep)
                steps[s - 1].GradientArrivesMasked = true;
    }

    /// <summary>The steps, first to last.</summary>
    public IReadOnlyList<PlanStep> Steps => steps;

    private static PlanStep StepAt(IReadOnlyList<ILayer> layers, int i, PlanStep? before)
    {
        bool reluNext = i + 1 < layers.Count && layers[i + 1] is ReLU;
        return layers[i] switch
        {
            Conv2D or MaxPool2D when ImageChainStep.StartingAt(layers, i) is { } chain => chain,
            Linear linear => new DenseStep(linear, reluNext, before),
            Conv2D conv => new ConvolutionStep(conv, reluNext),
            MaxPool2D pool => new PoolingStep(pool),
            ReLU => new RectifyStep(),
            ILayer layer => new LayerStep(layer),
        };
    }

    /// <summary>Runs the batch through every step; the result is the last step's buffer.</summary>
    public Matrix Forward(Matrix input, bool training)
    {
        Matrix x = input;
        foreach (PlanStep step in steps) x = step.Forward(x, training);
        return x;
    }

    /// <summary>
    /// Backpropagates through every step in reverse, filling all parameter gradients, and returns ∂L/∂input
    /// (empty when <paramref name="needInputGradient"/> is false and the first step may skip it).
    /// </summary>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient)
    {
        Matrix gradient = outputGradient;
        for (int s = steps.Length - 1; s >= 0; s--) gradient = steps[s].Backward(gradient, needInputGradient || s > 0);
        return gradient;
    }
}
