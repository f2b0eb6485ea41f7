using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// A CNN's image layers — each <see cref="Conv2D"/> (with the <see cref="ReLU"/> after it, fused) and each
/// <see cref="MaxPool2D"/> — run in one fork per direction: every core takes its own range of images
/// (<see cref="ImageBlocks"/>) through all of them, forward and then backward.
/// </summary>
/// <remarks>
/// <para>Run layer by layer, the cores meet after every layer (8–10 forks per training step), and the layers
/// each image passes through can run on different cores: a value one core wrote costs the other several
/// times an L2 read on the 2-core test machine. Here the activations a core writes are read by that core
/// only, in the next layer and again in the backward pass (the pool gives part 0 to the caller and the last
/// part to the worker, job after job), and the step has 2 forks for its image layers instead of 8.</para>
/// <para>Every layer computes exactly what it computes alone: outputs image by image, and each convolution's
/// filter gradient summed over its block's images in order, then block after block. So the results are
/// the bits of the layers one by one, whatever the number of threads (tests).</para>
/// </remarks>
internal sealed unsafe class ImageChain
{
    // One step of the chain: a convolution (and the ReLU fused after it, if any), or a max-pool.
    private readonly record struct Stage(Conv2D? Conv, ReLU? Relu, MaxPool2D? Pool);

    private readonly Stage[] stages;
    private int images, blocks;    // of the pass under way

    private ImageChain(Stage[] stages, int layerCount)
    {
        this.stages = stages;
        LayerCount = layerCount;
    }

    /// <summary>How many of the network's layers the chain covers.</summary>
    public int LayerCount { get; }

    /// <summary>Whether the last forward pass ran as a chain (then the backward pass must too).</summary>
    public bool RanLastForward { get; private set; }

    /// <summary>
    /// The chain of Conv2D (each with an optional ReLU after it) and MaxPool2D layers that starts at layer
    /// <paramref name="start"/>, or null when there is none worth running: at least two steps, one of them a
    /// convolution.
    /// </summary>
    public static ImageChain? StartingAt(IReadOnlyList<ILayer> layers, int start)
    {
        var stages = new List<Stage>();
        int i = start;
        while (i < layers.Count)
        {
            if (layers[i] is Conv2D conv)
            {
                ReLU? relu = i + 1 < layers.Count ? layers[i + 1] as ReLU : null;
                stages.Add(new Stage(conv, relu, null));
                i += relu is null ? 1 : 2;
            }
            else if (layers[i] is MaxPool2D pool)
            {
                stages.Add(new Stage(null, null, pool));
                i++;
            }
            else
            {
                break;
            }
        }
        return stages.Count >= 2 && stages.Exists(s => s.Conv is not null) ? new ImageChain([.. stages], i - start) : null;
    }

    /// <summary>
    /// Runs the chain's layers on <paramref name="x"/> and returns the last one's output, or returns false
    /// when a convolution cannot use its direct kernels (stride above 1, no vector unit): then the caller
    /// runs the layers one by one.
    /// </summary>
    public bool TryForward(Matrix x, out Matrix output)
    {
        RanLastForward = Array.TrueForAll(stages, s => s.Conv is null || s.Conv.UsesDirectForward);
        output = x;
        if (!RanLastForward) return false;
        images = x.Rows;
        blocks = ImageBlocks.Count(images);
        foreach (Stage s in stages)
        {
            if (s.Conv is { } conv)
            {
                Matrix target = s.Relu?.RectifiedOutputBuffer(images, conv.OutputShape.Size) ?? conv.OutputBuffer(images);
                conv.BeginDirectForward(output, target, rectify: s.Relu is not null);
                output = target;
            }
            else
            {
                output = s.Pool!.BeginForward(output);
            }
        }
        ImageBlocks.Run(this, blocks, &ForwardBlock);
        foreach (Stage s in stages) s.Conv?.EndDirectForward();
        return true;
    }

    /// <summary>
    /// Backpropagates <paramref name="outputGradient"/> through the chain, filling the convolutions' parameter
    /// gradients, and returns ∂L/∂input (an empty matrix when the first layer is a convolution and
    /// <paramref name="needInputGradient"/> is false).
    /// </summary>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient)
    {
        if (!RanLastForward) throw new InvalidOperationException("ImageChain: Backward called without its forward pass.");
        images = outputGradient.Rows;   // each layer checks it against its own last forward pass
        blocks = ImageBlocks.Count(images);
        Matrix gradient = outputGradient;
        for (int s = stages.Length - 1; s >= 0; s--)
        {
            if (stages[s].Conv is { } conv)
                gradient = conv.BeginBackward(gradient, needInputGradient || s > 0, stages[s].Relu?.RectifiedOutput);
            else
                gradient = stages[s].Pool!.BeginBackward(gradient);
        }
        ImageBlocks.Run(this, blocks, &BackwardBlock);
        foreach (Stage s in stages) s.Conv?.EndBackward(blocks);
        return gradient;
    }

    private static void ForwardBlock(int block, void* state) => ImageBlocks.InBlock<ImageChain>(state, block, &Forward);
    private static void BackwardBlock(int block, void* state) => ImageBlocks.InBlock<ImageChain>(state, block, &Backward);

    // Block b's images through every layer: layer by layer, as each layer alone would run them. (Taking each
    // image through all the layers before the next one measured 5–8% slower on one core, in three rounds
    // under load 2.5–3; why was not measured: perhaps each layer's filters and scratch leaving the nearest
    // caches at every image.)
    private static void Forward(ImageChain chain, int block)
    {
        (int first, int end) = ImageBlocks.Range(chain.images, block, chain.blocks);
        foreach (Stage s in chain.stages)
            for (int i = first; i < end; i++)
            {
                if (s.Conv is { } conv) conv.ForwardImage(i, block);
                else s.Pool!.ForwardImage(i);
            }
    }

    // Block b's images back through every layer, last to first.
    private static void Backward(ImageChain chain, int block)
    {
        Stage[] stages = chain.stages;
        foreach (Stage s in stages) s.Conv?.BeginBackwardBlock(block);
        (int first, int end) = ImageBlocks.Range(chain.images, block, chain.blocks);
        for (int s = stages.Length - 1; s >= 0; s--)
            for (int i = first; i < end; i++)
            {
                if (stages[s].Conv is { } conv) conv.BackwardImage(i, block);
                else stages[s].Pool!.BackwardImage(i);
            }
        foreach (Stage s in stages) s.Conv?.EndBackwardBlock(block);
    }
}
