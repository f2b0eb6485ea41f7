from chapters import md, code, params, header

FILE = "06-convolutions.ipynb"

cells = header(
    "Chapter 6 — Convolutions: a network that looks at neighbourhoods, and 99% of digits",
    """
    - why a dense layer ignores which pixels are neighbours, and what that costs;
    - a convolution by hand on one digit, then the library's `Conv2D` computing the same thing (and how: im2col
      and one matrix product);
    - padding, stride, output shapes, pooling — and the parameter count next to the dense network's;
    - training a small CNN (Conv 5x5x16 – pool – Conv 5x5x32 – pool – Dense 128 – Dense 10) to
      **at least 99.0% test accuracy**, its learned filters and feature maps, the confusion matrix and the
      mistakes that remain;
    - dropout and batch normalisation: train and validation curves with and without, same seed;
    - Fashion-MNIST: the same code on a harder dataset.
    """,
) + [
    md("""
        ## Parameters

        The defaults are the full run. Measured here with seed 42, the main CNN reaches **99.25% test accuracy**
        after 4 epochs, with 75 of the 10,000 test digits wrong. On the project's 2-core machine the whole chapter
        took about 4 minutes, at 20 to 30 seconds per epoch of the CNN on 2 threads (with other jobs running; the
        same run took 26 minutes while five jobs shared the two cores). `tests/NeuralNet.Benchmarks/compare/compare_cnn.sh`
        measures an epoch next to PyTorch's. For a quick look lower
        `epochs` and the `...Samples` counts — the continuous-integration run trains on 2,000 images for one epoch,
        with `requiredAccuracy` lowered to match.
    """),
    params("""
        var seed = 42;
        var epochs = 4;                  // epochs of the main CNN run
        var batchSize = 64;
        var learningRate = 1e-3;         // Adam's starting rate; a cosine schedule takes it to 0 by the last batch
        var trainingSamples = 60_000;    // MNIST training images used (all of them)
        var testSamples = 10_000;        // MNIST test images used (all of them)
        var requiredAccuracy = 0.99;     // the main run must reach this test accuracy
        var comparisonEpochs = 8;        // section 8: plain vs dropout vs batch norm
        var comparisonSamples = 5_000;   // a small training set, so that overfitting shows
        var fashionEpochs = 3;           // section 9: Fashion-MNIST
        var fashionSamples = 60_000;
    """),
    code("""
        var (mnistTrain, mnistTest) = Mnist.Load();
        var train = mnistTrain.Take(trainingSamples);
        var test = mnistTest.Take(testSamples);
        Console.WriteLine($"{train}\\n{test}\\ncompute threads: {ComputeSettings.ThreadCount}");
    """),
    md(r"""
        ## 1. What a dense layer does not know

        A dense layer computes $z_j = \sum_i x_i W_{ij} + b_j$ over all 784 pixels. Nothing in that sum says that
        pixel 300 sits next to pixel 301: shuffle the pixels of every image with one fixed permutation, shuffle the
        rows of $W$ the same way, and the layer computes exactly the same numbers. A dense network must learn the
        geometry of the image from data — and it learns it separately for every position: a stroke detector for the
        top left teaches nothing about the same stroke at the bottom right.

        Seen as vectors of 784 numbers, a digit shifted by three pixels is a rather different vector from the
        original, while for a person it is the same digit:
    """),
    code("""
        float[] digit = train.Image(0).ToArray();
        float[] Shift(float[] image, int dx)
        {
            var shifted = new float[784];
            for (int y = 0; y < 28; y++)
                for (int x = Math.Max(0, dx); x < Math.Min(28, 28 + dx); x++)
                    shifted[y * 28 + x] = image[y * 28 + x - dx];
            return shifted;
        }
        double Cosine(float[] a, float[] b) =>
            a.Zip(b, (p, q) => (double)p * q).Sum() / Math.Sqrt(a.Sum(v => (double)v * v) * b.Sum(v => (double)v * v));

        var shuffleRandom = new Random(seed);
        int[] permutation = Enumerable.Range(0, 784).OrderBy(_ => shuffleRandom.Next()).ToArray();
        float[] shuffled = permutation.Select(i => digit[i]).ToArray();
        Console.WriteLine($"cosine similarity of the digit and itself shifted 3 pixels right: {Cosine(digit, Shift(digit, 3)):F2}");
        Charts.DigitGrid(new IReadOnlyList<float>[] { digit, Shift(digit, 3), shuffled },
            captions: new[] { $"label {train.Labels[0]}", "shifted 3 px", "pixels shuffled" }, columns: 3,
            title: "To a dense layer the shuffled image is as good as the original")
    """),
    md(r"""
        ## 2. A convolution by hand

        A convolution slides a small grid of weights, the **kernel** $K$ (here 3x3), over the image and at every
        position takes the weighted sum of the pixels under it:

        $$Y[y, x] = \sum_{k_y=0}^{2} \sum_{k_x=0}^{2} X[y + k_y,\; x + k_x]\; K[k_y, k_x]$$

        (Deep learning calls this a convolution; mathematicians would call it a cross-correlation, as the kernel is
        not flipped — for learned kernels it makes no difference.) The same nine weights are used at every position:
        a detector learned in one place works everywhere. Without padding a 3x3 kernel fits $28 - 3 + 1 = 26$
        positions across, so the output is 26x26.

        The Sobel kernel below responds to vertical edges — dark on the left, bright on the right — and its transpose to
        horizontal ones:
    """),
    code("""
        float[,] sobel = { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } };

        float[] ConvolveByHand(float[] image, float[,] kernel, int side = 28)
        {
            int k = kernel.GetLength(0), outSide = side - k + 1;
            var output = new float[outSide * outSide];
            for (int y = 0; y < outSide; y++)
                for (int x = 0; x < outSide; x++)
                {
                    float sum = 0;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                            sum += image[(y + ky) * side + x + kx] * kernel[ky, kx];
                    output[y * outSide + x] = sum;
                }
            return output;
        }

        float[,] sobelT = { { -1, -2, -1 }, { 0, 0, 0 }, { 1, 2, 1 } };
        float[] vertical = ConvolveByHand(digit, sobel), horizontal = ConvolveByHand(digit, sobelT);
        Charts.DigitGrid(new IReadOnlyList<float>[] { vertical, horizontal }, captions: new[] { "vertical edges", "horizontal edges" },
            columns: 2, width: 26, height: 26, title: "Two 3x3 kernels applied by hand: 26x26 feature maps")
    """),
    md(r"""
        The library's `Conv2D` does the same for many kernels ("filters") and many input channels at once. Give it
        our two kernels as its weights and it must produce the same two maps. Each output channel $f$ of a
        convolution with $C$ input channels sums over all of them:
        $Y_f[y,x] = b_f + \sum_c \sum_{k_y,k_x} X_c[y\,s + k_y - p,\; x\,s + k_x - p]\, W_f[c,k_y,k_x]$,
        with stride $s$ and zero padding $p$; the output side is $\lfloor (H + 2p - K)/s \rfloor + 1$.
    """),
    code("""
        var handConv = new Conv2D(new ImageShape(channels: 1, height: 28, width: 28), filters: 2, kernelSize: 3);
        for (int i = 0; i < 9; i++)
        {
            handConv.Weights.Value[0, i] = sobel[i / 3, i % 3];
            handConv.Weights.Value[1, i] = sobelT[i / 3, i % 3];
        }
        handConv.Bias.Value.Clear();
        Matrix maps = handConv.Forward(new Matrix(1, 784, digit));
        double largestDifference = Enumerable.Range(0, 26 * 26)
            .Max(i => Math.Max(Math.Abs(maps[0, i] - vertical[i]), Math.Abs(maps[0, 676 + i] - horizontal[i])));
        Console.WriteLine($"{handConv.Name}: input {handConv.InputShape}, output {handConv.OutputShape}");
        Console.WriteLine($"largest difference from the loops above: {largestDifference:E1}");
        if (largestDifference > 1e-4) throw new Exception("Conv2D disagrees with the convolution by hand.");
    """),
    md(r"""
        **How `Conv2D` computes it: im2col.** Four nested loops per output value are slow. Instead, every 3x3 window
        of the image is copied into one column of a matrix $U$ with $C\cdot K\cdot K = 9$ rows and one column per
        output position (676 here; for a batch, 676 per image). Then the whole convolution is **one matrix
        product**, $Y = W\,U$, with the filters as the rows of $W$ ($F \times C K K$) — the same fast product
        that runs the dense layers. The backward pass is the dense layer's too: $dW = dY\,U^\top$, $dU = W^\top dY$,
        and "col2im" adds each column of $dU$ back onto the pixels its window covered.

        A batch of images is still a matrix with one image per row: $C\cdot H\cdot W$ values, channel by channel
        (the layout of PyTorch's $N \times C \times H \times W$ tensors, flattened). So the dense layers after the
        convolutions need no reshaping — `Flatten` is there only to make the diagram readable.
    """),
    code("""
        var geometry = new ConvGeometry(new ImageShape(1, 28, 28), kernel: 3);
        var unfolded = new Matrix(0, 0);
        Im2Col.Unfold(new Matrix(1, 784, digit), firstSample: 0, count: 1, geometry, unfolded);
        Console.WriteLine($"U: {unfolded.Shape} (9 pixels of each window x {geometry.OutputPlane} windows)");
        Console.WriteLine($"column 300 = the window at row {300 / 26}, column {300 % 26}: "
            + string.Join(" ", Enumerable.Range(0, 9).Select(r => unfolded[r, 300].ToString("0.00"))));
    """),
    md(r"""
        ## 3. Pooling

        After a convolution, **max pooling** keeps the largest value of every 2x2 block: the map halves in each
        direction, the network becomes a little insensitive to exactly where a feature is, and the next layer sees a
        wider part of the image for the same kernel size. It has no weights; in the backward pass the gradient goes
        only to the winner of each block.
    """),
    code("""
        var pool = new MaxPool2D(handConv.OutputShape, size: 2);
        Matrix pooled = pool.Forward(maps);
        Console.WriteLine($"{pool.Name}: {pool.InputShape} -> {pool.OutputShape}");
        Charts.DigitGrid(new IReadOnlyList<float>[] { pooled.Row(0)[..169].ToArray(), pooled.Row(0)[169..].ToArray() },
            captions: new[] { "vertical edges, pooled", "horizontal edges, pooled" }, columns: 2, width: 13, height: 13,
            title: "After 2x2 max pooling: 13x13")
    """),
    md(r"""
        ## 4. The network and its parameter count

        Two convolution blocks (5x5 kernels, padding 2 so the size is kept, then ReLU and 2x2 pooling) turn a 28x28
        digit into 32 maps of 7x7; two dense layers classify those 1,568 numbers. Each layer is built from the shape
        the previous one puts out, so the definition reads like the diagram:
    """),
    code("""
        var random = new Random(seed);
        var conv1 = new Conv2D(new ImageShape(1, 28, 28), filters: 16, kernelSize: 5, padding: 2, random: random)
        {
            // nothing to set: in training the Trainer tells the first layer that nobody needs the gradient w.r.t. the pixels
        };
        var pool1 = new MaxPool2D(conv1.OutputShape, size: 2);
        var conv2 = new Conv2D(pool1.OutputShape, filters: 32, kernelSize: 5, padding: 2, random: random);
        var pool2 = new MaxPool2D(conv2.OutputShape, size: 2);
        var cnn = new Sequential(
            conv1, new ReLU(), pool1,
            conv2, new ReLU(), pool2,
            new Flatten(),
            new Linear(pool2.OutputShape.Size, 128, Init.He, random), new ReLU(),
            new Linear(128, 10, Init.Xavier, random));
        Console.WriteLine(cnn.Summary());
        // The library builds the same network in one call: ConvNet.Small(seed: seed).
        if (ModelFile.Describe(cnn) != ModelFile.Describe(ConvNet.Small(seed: seed))) throw new Exception("ConvNet.Small differs.");
    """),
    md(r"""
        The second convolution holds 32 filters of $16 \times 5 \times 5$ weights: 12,832 parameters for a layer
        that maps 3,136 inputs to 6,272 outputs. A dense layer with the same inputs and outputs would need
        $3136 \times 6272 \approx 19.7$ million. Most of the CNN's parameters sit in its first dense layer:
    """),
    code("""
        var mlp = Sequential.Mlp(784, [128, 64], 10);
        var rows = cnn.Layers.Where(l => l.Parameters.Count > 0).ToArray();
        foreach (var layer in rows)
            Console.WriteLine($"{layer.Name,-28} {layer.Parameters.Sum(p => p.Value.Length),9:N0} parameters");
        Console.WriteLine($"{"CNN total",-28} {cnn.ParameterCount,9:N0}");
        Console.WriteLine($"{"dense 784-128-64-10 (ch. 4)",-28} {mlp.ParameterCount,9:N0}");
        Console.WriteLine($"{"dense layer as big as conv2",-28} {(long)conv2.InputShape.Size * conv2.OutputShape.Size,9:N0}");
    """),
    md(r"""
        ## 5. Training to 99%

        Adam with a **cosine schedule**: the learning rate starts at `learningRate` and follows half a cosine wave
        down to zero over the run, $\eta_t = \tfrac12\,\eta_0\,(1 + \cos(\pi t / T))$ — large steps early, fine ones at
        the end, which is where the last tenths of a percent come from. The trainer sets the rate before every
        mini-batch from `TrainingOptions.Schedule`.
    """),
    code("""
        var trainer = new Trainer(cnn, new Adam(learningRate), options: new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = batchSize,
            Seed = seed,
            Schedule = LearningRateSchedule.Cosine(learningRate, totalEpochs: epochs),
        });
        trainer.EpochCompleted += progress => Console.WriteLine(progress.Metrics);
        var history = trainer.Fit(train);
        var (testLoss, testAccuracy) = trainer.Evaluate(test);
        Console.WriteLine($"test accuracy {testAccuracy:P2} (loss {testLoss:F4}) after {history.Epochs.Count} epochs, "
            + $"{history.TotalSeconds / history.Epochs.Count:F1} s per epoch of {train.Count:N0} images on {ComputeSettings.ThreadCount} threads");
        if (testAccuracy < requiredAccuracy)
            throw new Exception($"Test accuracy {testAccuracy:P2} is below the required {requiredAccuracy:P1}.");
        Charts.TrainingCurves(history, title: $"CNN: {testAccuracy:P2} test accuracy")
    """),
    md(r"""
        ## 6. What the filters learned

        The 16 first-layer filters are 5x5 images (blue where a bright pixel raises the filter's output, red where it
        lowers it). Many are edge and stroke detectors at different angles — the network found for itself what
        Sobel's kernel was designed to do. Below them, the 16 **feature maps** of one test digit after the first
        convolution and ReLU: each filter lights up where its pattern occurs.
    """),
    code("""
        // Charts.FirstLayerWeights draws a weight matrix of (pixels x units); conv1 stores (filters x pixels).
        var filters = new float[25 * 16];
        for (int f = 0; f < 16; f++)
            for (int i = 0; i < 25; i++)
                filters[i * 16 + f] = conv1.Weights.Value[f, i];
        Charts.FirstLayerWeights(filters, inputs: 25, outputs: 16, count: 16, columns: 8, width: 5, height: 5,
            title: "The 16 learned 5x5 filters of the first convolution")
    """),
    code("""
        Matrix oneDigit = new Matrix(1, 784, test.Image(0).ToArray());
        Matrix features = cnn.Layers[1].Forward(conv1.Forward(oneDigit)); // ReLU(conv1(x))
        var featureMaps = Enumerable.Range(0, 16)
            .Select(f => (IReadOnlyList<float>)features.Row(0).Slice(f * 784, 784).ToArray()).ToArray();
        Charts.DigitGrid(featureMaps, captions: Enumerable.Range(0, 16).Select(f => $"filter {f}").ToArray(), columns: 8,
            title: $"Feature maps of a test digit (label {test.Labels[0]}) after conv1 + ReLU")
    """),
    md("""
        ## 7. The mistakes that remain

        The confusion matrix of the test set: rows are the true digits, columns the predictions. At 99% only about
        a hundred of the 10,000 test digits are misread (75 in the full run here), and many of those are hard
        for a person too.
    """),
    code("""
        int[] predicted = cnn.Predict(test.Images);
        var confusion = new ConfusionMatrix(test.Labels, predicted, test.ClassNames);
        Console.WriteLine($"accuracy {confusion.Accuracy:P2}; most confused (true -> predicted): "
            + string.Join(", ", confusion.MostConfused(5).Select(c => $"{c.Actual}->{c.Predicted} ({c.Count})")));
        Charts.ConfusionMatrix(confusion, title: $"CNN on {test.Count:N0} test digits")
    """),
    code("""
        int[] mistakes = Enumerable.Range(0, test.Count).Where(i => predicted[i] != test.Labels[i]).ToArray();
        Console.WriteLine($"{mistakes.Length} mistakes of {test.Count:N0}");
        var shown = mistakes.Take(40).ToArray();
        Charts.DigitGrid(test, shown, shown.Select(i => predicted[i]).ToArray(),
            title: $"The first {shown.Length} mistakes: label -> prediction")
    """),
    md(r"""
        ## 8. Dropout and batch normalisation

        Two tools against two problems:

        - **Dropout** fights overfitting. While training, each value of a layer's output is zeroed with probability
          $p$ and the survivors are scaled by $1/(1-p)$, so the expected value is unchanged; at inference nothing is
          dropped. No unit can rely on any particular other unit being there, so the network learns redundant,
          more general features. `new Dropout(0.5, seed)` draws its masks from a seeded generator: same seed, same run.
        - **Batch normalisation** makes training easier. For every channel it normalises the batch to mean 0 and
          variance 1, $\hat x = (x - \mu_B)/\sqrt{\sigma_B^2 + \varepsilon}$, then applies a learned scale and shift,
          $y = \gamma \hat x + \beta$. Each layer's inputs keep a steady scale however the earlier layers change,
          which allows larger learning rates and fights vanishing and exploding activations. At inference it uses
          running averages of $\mu$ and $\sigma^2$ gathered during training (saved in the model file).

        To see the effect on overfitting, train three versions of the CNN on only `comparisonSamples` images, same
        seed, and watch the gap between training and validation accuracy:
    """),
    code("""
        var (smallTrain, validation) = mnistTrain.Take(comparisonSamples + comparisonSamples / 4).Split(0.2, seed);
        var variants = new (string Name, Sequential Network)[]
        {
            ("plain", ConvNet.Small(seed: seed)),
            ("dropout 0.5", ConvNet.Small(seed: seed, dropout: 0.5)),
            ("batch norm", ConvNet.Small(seed: seed, batchNorm: true)),
        };
        var runs = new List<(string Name, TrainingHistory History)>();
        foreach (var (name, network) in variants)
        {
            var variantTrainer = new Trainer(network, new Adam(1e-3), options: new TrainingOptions
            {
                Epochs = comparisonEpochs, BatchSize = batchSize, Seed = seed,
            });
            var variantHistory = variantTrainer.Fit(smallTrain, validation);
            runs.Add((name, variantHistory));
            // Measured afterwards in inference mode (no dropout, running statistics), with the kept best weights.
            double trainAccuracy = variantTrainer.Evaluate(smallTrain).Accuracy, validationAccuracy = variantTrainer.Evaluate(validation).Accuracy;
            Console.WriteLine($"{name,-12} train {trainAccuracy:P2}  validation {validationAccuracy:P2}  gap {trainAccuracy - validationAccuracy:P2}  "
                + $"best validation loss {variantHistory.ValidationLoss.Min():F4} (epoch {variantHistory.BestEpoch})  {variantHistory.TotalSeconds:F0} s");
        }
        Charts.TrainingCurves(runs, title: $"{smallTrain.Count:N0} training images: plain, dropout and batch norm (dashed: validation)")
    """),
    md("""
        What to look for (the full run here, 5,000 training and 1,250 validation images, 8 epochs):

        | | train accuracy | validation accuracy | gap | best validation loss |
        |---|---|---|---|---|
        | plain | 99.84% | 97.76% | 2.08 points | 0.0705 (epoch 6) |
        | dropout 0.5 | 99.28% | 98.16% | 1.12 points | 0.0677 (epoch 7) |
        | batch norm | 100.00% | 98.16% | 1.84 points | 0.0665 (epoch 7) |

        The plain network's training loss falls towards zero while its validation loss stops improving after epoch 6
        and turns up: it starts to memorise the small training set. Dropout halves the gap between training and
        validation and lifts validation accuracy by 0.4 points; its training curve (measured with dropout
        on) sits *below* the validation curve, since the training network is handicapped on purpose. Batch
        normalisation is a training aid rather than a regulariser: it fits the training set perfectly and reaches
        the lowest validation loss, but most of the gap stays. (The trainer keeps the weights of the epoch with the best validation loss —
        and, for batch norm, the running statistics of that epoch with them.)
    """),
    md("""
        ## 9. Fashion-MNIST: the same code on harder images

        Fashion-MNIST (Zalando) has the same format as MNIST — 60,000 + 10,000 grey 28x28 images in 10 classes — but
        shows clothes: T-shirts, trousers, pullovers, dresses, coats, sandals, shirts, sneakers, bags and ankle
        boots. `FashionMnist.Load()` finds the files in the data folder or the system's copy (Debian:
        `apt-get install dataset-fashion-mnist`), or downloads them. Nothing else changes.
    """),
    code("""
        ImageDataset? fashionTrain = null, fashionTest = null;
        try
        {
            (fashionTrain, fashionTest) = FashionMnist.Load();
            fashionTrain = fashionTrain.Take(fashionSamples);
            Console.WriteLine($"{fashionTrain}\\n{fashionTest}");
        }
        catch (Exception e)
        {
            Console.WriteLine($"Fashion-MNIST is not available here, so this section is skipped: {e.Message}");
        }
        if (fashionTrain is not null)
            display(Charts.DigitGrid(fashionTrain, Enumerable.Range(0, 20).ToArray(), title: "Fashion-MNIST: the first 20 training images"));
    """),
    code("""
        if (fashionTrain is not null && fashionTest is not null)
        {
            var fashionNet = ConvNet.Small(seed: seed, dropout: 0.3);
            var fashionTrainer = new Trainer(fashionNet, new Adam(learningRate), options: new TrainingOptions
            {
                Epochs = fashionEpochs, BatchSize = batchSize, Seed = seed,
                Schedule = LearningRateSchedule.Cosine(learningRate, totalEpochs: fashionEpochs),
            });
            fashionTrainer.EpochCompleted += progress => Console.WriteLine(progress.Metrics);
            fashionTrainer.Fit(fashionTrain);
            int[] fashionPredicted = fashionNet.Predict(fashionTest.Images);
            var fashionConfusion = new ConfusionMatrix(fashionTest.Labels, fashionPredicted, fashionTest.ClassNames);
            Console.WriteLine($"Fashion-MNIST test accuracy: {fashionConfusion.Accuracy:P2}; most confused: "
                + string.Join(", ", fashionConfusion.MostConfused(3).Select(c => $"{fashionTest.ClassNames[c.Actual]} -> {fashionTest.ClassNames[c.Predicted]} ({c.Count})")));
            display(Charts.ConfusionMatrix(fashionConfusion, title: "Fashion-MNIST: true class (rows) vs prediction (columns)"));
        }
    """),
    md("""
        The same network that reads 99% of digits gets about 90% of clothes right (90.1% after 3 epochs in the full run
        here). The confusion matrix shows where the difficulty is: shirts, T-shirts, pullovers and coats look alike at
        28x28 pixels (shirt → T-shirt alone accounts for 126 of the mistakes), while trousers, bags and footwear are
        almost never mistaken.

        ## 10. Saving a CNN

        The model file stores every new layer — convolutions with their shapes, pooling, dropout rates and batch
        normalisation's running statistics — and still reads the files of the dense networks from earlier chapters.
    """),
    code("""
        Directory.CreateDirectory("../out");
        ModelFile.Save(cnn, "../out/chapter6-cnn.nnm");
        var reloaded = ModelFile.Load("../out/chapter6-cnn.nnm");
        int agree = reloaded.Predict(test.Images).Zip(predicted, (a, b) => a == b ? 1 : 0).Sum();
        Console.WriteLine($"reloaded: {reloaded}\\n{agree:N0} of {test.Count:N0} predictions identical");
    """),
    md(r"""
        ## Exercises

        1. Remove the padding (`padding: 0`): how do the shapes, the parameter count, the speed and the accuracy change?
        2. Replace max pooling with a stride-2 convolution (`stride: 2`) and compare.
        3. Put the Sobel kernels into `conv1`'s first two filters and freeze them (copy them back after each
           epoch from an `EpochCompleted` handler). Does the network still learn?
        4. Train the batch-norm CNN with a learning rate ten times larger. Then the plain one. Which survives?
        5. Use `AdamW` (decoupled weight decay) on the small training set of section 8. Does it close the gap like dropout?
        6. Warm-up: `LearningRateSchedule.WarmUp(1, LearningRateSchedule.Cosine(...))`. When does it help?
    """),
]
