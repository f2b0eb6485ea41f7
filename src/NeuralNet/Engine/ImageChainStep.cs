using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Engine;

/// <summary>
/// A CNN's image layers — each <see cref="Conv2D"/> (with the <see cref="ReLU"/> after it, fused) and each
/// <see cref="MaxPool2D"/> — run in one fork per direction: every core takes its own range of images
/// (<see cref="ImageBlocks"/>) through all of them, forward and then backward.
/// </summary>
/// <remarks>
/// <para>Run layer by layer, the cores meet after every layer (8–10 forks per training step), and the layers
/// each image passes through can run on different cores: a value one core wrote costs the other several
/// times an L2 read. Here the activations a core writes are read by that core only, in the next layer and
/// again in the backward pass (the pool gives part 0 to the caller and the last part to the worker, job after
/// job), and the step has 2 forks for its image layers instead of 8. Within a block the images go layer by
/// layer, as each layer alone would run them (tests/NeuralNet.Benchmarks/RESULTS.md has the alternative measured).</para>
/// <para>Every layer computes exactly what it computes alone: outputs image by image, and each convolution's
/// filter gradient summed over its block's images in order, then block after block. So the results are
/// the bits of the layers one by one, whatever the number of threads (tests).</para>
/// </remarks>
internal sealed unsafe class ImageChainStep : PlanStep
{
    // One stage of the chain: a convolution (with its ReLU, if any) or a max-pool.
    private readonly PlanStep[] stages;
    private int images, blocks;    // of the pass under way

    private ImageChainStep(PlanStep[] stages) => this.stages = stages;

    /// <inheritdoc/>
    public override int LayerCount => stages.Sum(s => s.LayerCount);

    /// <summary>Whether the last forward pass ran as one chain (then the backward pass does too).</summary>
    public bool RanLastForward { get; private set; }

    /// <summary>
    /// The chain of Conv2D (each with an optional ReLU after it) and MaxPool2D layers that starts at layer
    /// <paramref name="start"/>, or null when there is none worth running: at least two stages, one of them a
    /// convolution.
    /// </summary>
    public static ImageChainStep? StartingAt(IReadOnlyList<ILayer> layers, int start)
    {
        var stages = new List<PlanStep>();
        int i = start;
        while (i < layers.Count)
        {
            if (layers[i] is Conv2D conv)
            {
                bool relu = i + 1 < layers.Count && layers[i + 1] is ReLU;
                stages.Add(new ConvolutionStep(conv, relu));
                i += relu ? 2 : 1;
            }
            else if (layers[i] is MaxPool2D pool)
            {
                stages.Add(new PoolingStep(pool));
                i++;
            }
            else
            {
                break;
            }
        }
        return stages.Count >= 2 && stages.Exists(s => s is ConvolutionStep) ? new ImageChainStep([.. stages]) : null;
    }

    /// <inheritdoc/>
    /// <remarks>When a convolution cannot use its direct kernels (stride above 1, no vector unit), the stages run one by one.</remarks>
    public override Matrix Forward(Matrix x, bool training)
    {
        RanLastForward = Array.TrueForAll(stages, s => s is not ConvolutionStep conv || conv.RunsImageByImage);
        Matrix output = x;
        if (!RanLastForward)
        {
            foreach (PlanStep s in stages) output = s.Forward(output, training);
            return output;
        }
        images = x.Rows;
        blocks = ImageBlocks.Count(images);
        foreach (PlanStep s in stages)
            output = s is ConvolutionStep conv ? conv.BeginForward(output) : ((PoolingStep)s).BeginForward(output);
        ImageBlocks.Run(this, blocks, &ForwardBlock);
        foreach (PlanStep s in stages) (s as ConvolutionStep)?.EndForward();
        return output;
    }

    /// <inheritdoc/>
    public override Matrix Backward(Matrix outputGradient, bool needInputGradient)
    {
        Matrix gradient = outputGradient;
        if (!RanLastForward)
        {
            for (int s = stages.Length - 1; s >= 0; s--) gradient = stages[s].Backward(gradient, needInputGradient || s > 0);
            return gradient;
        }
        images = outputGradient.Rows;   // each stage checks it against its own last forward pass
        blocks = ImageBlocks.Count(images);
        for (int s = stages.Length - 1; s >= 0; s--)
            gradient = stages[s] is ConvolutionStep conv
                ? conv.BeginBackward(gradient, needInputGradient || s > 0)
                : ((PoolingStep)stages[s]).BeginBackward(gradient);
        ImageBlocks.Run(this, blocks, &BackwardBlock);
        foreach (PlanStep s in stages) (s as ConvolutionStep)?.EndBackward();
        return gradient;
    }

    private static void ForwardBlock(int block, void* state) => ImageBlocks.CallWithOwner<ImageChainStep>(state, block, &Forward);
    private static void BackwardBlock(int block, void* state) => ImageBlocks.CallWithOwner<ImageChainStep>(state, block, &Backward);

    // Block b's images through every stage: stage by stage, as each layer alone would run them.
    private static void Forward(ImageChainStep chain, int block)
    {
        (int first, int end) = ImageBlocks.Range(chain.images, block, chain.blocks);
        foreach (PlanStep s in chain.stages)
            for (int i = first; i < end; i++)
            {
                if (s is ConvolutionStep conv) conv.ForwardImage(i, block);
                else ((PoolingStep)s).ForwardImage(i);
            }
    }

    // Block b's images back through every stage, last to first.
    private static void Backward(ImageChainStep chain, int block)
    {
        PlanStep[] stages = chain.stages;
        foreach (PlanStep s in stages) (s as ConvolutionStep)?.BeginBackwardBlock(block);
        (int first, int end) = ImageBlocks.Range(chain.images, block, chain.blocks);
        for (int s = stages.Length - 1; s >= 0; s--)
            for (int i = first; i < end; i++)
            {
                if (stages[s] is ConvolutionStep conv) conv.BackwardImage(i, block);
                else ((PoolingStep)stages[s]).BackwardImage(i);
            }
        foreach (PlanStep s in stages) (s as ConvolutionStep)?.EndBackwardBlock(block);
    }
}
