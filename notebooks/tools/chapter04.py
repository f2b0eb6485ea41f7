from chapters import md, code, params, header

FILE = "04-training.ipynb"

cells = header(
    "Chapter 4 — Training: the loop, the knobs, and a network that reads 98% of digits",
    """
    - the training loop written in the open (forward, loss, backward, step — for every mini-batch, every epoch),
      then the library's `Trainer` doing the same;
    - how to choose a learning rate with a sweep;
    - SGD vs Momentum vs Adam on the same data and seed;
    - what the batch size changes;
    - early stopping on the validation set, and a chart that updates live while the network trains;
    - a full run of the 784-128-64-10 network that reaches **at least 98% validation accuracy**.
    """,
) + [
    md("""
        ## Parameters

        The defaults are the full run (under two minutes on two cores). For a quick look, lower `epochs`,
        `trainLimit` and `experimentLimit` — the continuous-integration run does, with `requiredAccuracy` lowered
        to match.
    """),
    params("""
        var seed = 42;
        var epochs = 12;               // epochs of the main run (early stopping may end it sooner)
        var batchSize = 64;
        var learningRate = 0.05;       // Momentum SGD's starting learning rate
        var learningRateDecay = 0.85;  // multiplied into the learning rate after every epoch
        var weightDecay = 5e-4;        // L2 penalty on the weights
        var patience = 4;              // stop after this many epochs without a better validation loss
        var augment = true;            // add one randomly shifted copy of every training image
        var trainLimit = 50_000;       // training images used by the main run (at most 50,000)
        var experimentLimit = 10_000;  // training images for the sweep and comparisons
        var experimentEpochs = 3;      // epochs per experiment run
        var requiredAccuracy = 0.98;   // the chapter fails if the main run's validation accuracy is lower
    """),
    code("""
        var (mnistTrain, _) = Mnist.Load();
        var (trainAll, validation) = mnistTrain.Split(1.0 / 6, seed);     // 50,000 / 10,000 as in chapter 1
        var train = trainAll.Take(trainLimit);
        var small = trainAll.Take(experimentLimit);
        var smallValidation = validation.Take(Math.Max(2_000, experimentLimit / 5));
        Console.WriteLine($"{train}\\n{validation}\\nexperiments: {small.Count} training / {smallValidation.Count} validation images");
    """),
    md("""
        ## 1. The training loop, in the open

        Everything from chapters 1–3, repeated: for each epoch shuffle the batches; for each batch run the network
        forward, compute the loss and its gradient $dZ = (P - Y)/B$, run backward to fill every parameter's gradient,
        and let the optimiser take a step $\\theta \\leftarrow \\theta - \\eta\\, g$. After the epoch, measure on the
        validation set (forward only: no gradients, no updates).
    """),
    code("""
        var network = Sequential.Mlp(784, [128, 64], 10, seed: seed);
        var optimizer = new Sgd(0.1);
        var loss = new SoftmaxCrossEntropy();
        var sampler = new MiniBatchSampler(small, batchSize);
        var shuffle = new Random(seed);
        var batchLosses = new List<double>();
        Matrix? dLogits = null;

        double ValidationAccuracy(Sequential net, ImageDataset data) =>
            net.Predict(data.Images).Zip(data.Labels).Count(pair => pair.First == pair.Second) / (double)data.Count;

        for (int epoch = 1; epoch <= 2; epoch++)
        {
            sampler.Shuffle(shuffle);
            for (int b = 0; b < sampler.BatchCount; b++)
            {
                MiniBatch batch = sampler.GetBatch(b);
                Matrix logits = network.Forward(batch.Images, training: true);   // forward
                dLogits = Matrix.Ensure(ref dLogits, logits.Rows, logits.Cols);
                double batchLoss = loss.Compute(logits, batch.Labels.Span, dLogits); // loss and dZ = (P - Y) / B
                network.Backward(dLogits);                                       // backward: fill every gradient
                optimizer.Step(network.Parameters);                              // θ ← θ − η g
                batchLosses.Add(batchLoss);
            }
            Console.WriteLine($"epoch {epoch}: mean training loss {batchLosses.Skip(batchLosses.Count - sampler.BatchCount).Average():F4}, " +
                              $"validation accuracy {ValidationAccuracy(network, smallValidation):P2}");
        }
        var smoothed = batchLosses.Select((_, i) => batchLosses.Skip(Math.Max(0, i - 19)).Take(Math.Min(20, i + 1)).Average()).ToArray();
        Charts.LossCurves([new RunCurves("per batch", batchLosses), new RunCurves("mean of the last 20 batches", smoothed)],
            title: $"Training loss, batch by batch ({sampler.BatchCount} batches per epoch)", xTitle: "batch")
    """),
    md("""
        The loss falls fast at first, then slowly; single batches are noisy (each is only 64 images), which is
        why we look at an average.

        The library's `Trainer` is this loop plus bookkeeping: averages per epoch, validation after each epoch,
        events for progress, early stopping, a learning-rate schedule, and a check that the loss stays finite. With
        the same seed, optimiser and data it trains the same network:
    """),
    code("""
        var sameNetwork = Sequential.Mlp(784, [128, 64], 10, seed: seed);
        var trainer = new Trainer(sameNetwork, new Sgd(0.1), options: new TrainingOptions { Epochs = 2, BatchSize = batchSize, Seed = seed });
        var history = trainer.Fit(small, smallValidation);
        Console.WriteLine(history);
        Console.WriteLine($"our loop: validation accuracy {ValidationAccuracy(network, smallValidation):P2}; Trainer: {history.Epochs[^1].ValidationAccuracy:P2}");
    """),
    md("""
        ## 2. The learning rate

        The learning rate $\\eta$ is the most important knob. Too small and training crawls; too large and each
        step overshoots (chapter 3, section 6) until the loss grows and overflows. The usual way to pick it is a
        **sweep**: train briefly with rates spaced by factors of about 3 and compare the validation loss. Plain SGD,
        `experimentEpochs` epochs each:
    """),
    code("""
        double[] rates = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0];
        var sweepLosses = new List<double>();
        foreach (var rate in rates)
        {
            var net = Sequential.Mlp(784, [128, 64], 10, seed: seed);
            var t = new Trainer(net, new Sgd(rate), options: new TrainingOptions { Epochs = experimentEpochs, BatchSize = batchSize, Seed = seed });
            try
            {
                var h = t.Fit(small, smallValidation);
                var best = h.Epochs.Min(m => m.ValidationLoss ?? double.NaN);
                sweepLosses.Add(best);
                Console.WriteLine($"η = {rate,-6} validation loss {best:F4}, accuracy {h.Epochs.Max(m => m.ValidationAccuracy ?? 0):P2}");
            }
            catch (TrainingDivergedException ex)
            {
                sweepLosses.Add(double.NaN);
                Console.WriteLine($"η = {rate,-6} diverged: {ex.Message}");
            }
        }
        Charts.LearningRateSweep(rates, sweepLosses, "best validation loss", title: $"Learning-rate sweep: SGD, {experimentEpochs} epochs on {small.Count} images")
    """),
    md("""
        The curve is a valley: the best rate sits a factor of 3–10 below the rate at which training diverges, which
        is the usual rule of thumb.

        ## 3. SGD, Momentum and Adam

        Plain SGD steps along the current batch's gradient. **Momentum** keeps a running velocity
        $v \\leftarrow \\mu v + g$, $\\theta \\leftarrow \\theta - \\eta v$ ($\\mu = 0.9$), which smooths the noise of single
        batches and speeds up along directions where gradients agree. **Adam** also keeps a running mean of squared
        gradients and divides by its square root, giving every parameter its own step size
        ($m \\leftarrow \\beta_1 m + (1-\\beta_1) g$, $s \\leftarrow \\beta_2 s + (1-\\beta_2) g^2$,
        $\\theta \\leftarrow \\theta - \\eta\\, \\hat m / (\\sqrt{\\hat s} + \\epsilon)$, with bias-corrected $\\hat m, \\hat s$).
        Each with a learning rate that suits it, same seed, same data:
    """),
    code("""
        var optimizerRuns = new List<(string Name, TrainingHistory History)>();
        foreach (var (name, make) in new (string, Func<Optimizer>)[]
        {
            ("SGD η=0.1", () => new Sgd(0.1)),
            ("Momentum η=0.05", () => new Momentum(0.05)),
            ("Adam η=0.001", () => new Adam(0.001)),
        })
        {
            var net = Sequential.Mlp(784, [128, 64], 10, seed: seed);
            var h = new Trainer(net, make(), options: new TrainingOptions { Epochs = experimentEpochs, BatchSize = batchSize, Seed = seed }).Fit(small, smallValidation);
            optimizerRuns.Add((name, h));
            Console.WriteLine($"{name,-16} final validation accuracy {h.Epochs[^1].ValidationAccuracy:P2}, loss {h.Epochs[^1].ValidationLoss:F4}, {h.TotalSeconds:F1} s");
        }
        Charts.TrainingCurves(optimizerRuns, title: $"SGD vs Momentum vs Adam ({small.Count} images, same seed)")
    """),
    md("""
        ## 4. Batch size

        A larger batch gives a more accurate gradient per step and uses the CPU better (one big matrix product
        instead of many small ones), but takes fewer steps per epoch. With the learning rate fixed, small batches
        usually learn more per epoch and large batches finish an epoch faster:
    """),
    code("""
        var batchRuns = new List<(string Name, TrainingHistory History)>();
        foreach (var size in new[] { 16, 64, 256, 1024 })
        {
            var net = Sequential.Mlp(784, [128, 64], 10, seed: seed);
            var h = new Trainer(net, new Momentum(0.05), options: new TrainingOptions { Epochs = experimentEpochs, BatchSize = size, Seed = seed }).Fit(small, smallValidation);
            batchRuns.Add(($"batch {size}", h));
            Console.WriteLine($"batch {size,5}: {(small.Count + size - 1) / size,4} steps per epoch, {h.TotalSeconds / h.Epochs.Count,5:F2} s per epoch, " +
                              $"validation accuracy {h.Epochs[^1].ValidationAccuracy:P2}");
        }
        Charts.AccuracyCurves(batchRuns, title: "Batch size: accuracy per epoch (Momentum, η = 0.05)")
    """),
    md("""
        ## 5. More data for free: shifted digits

        A digit moved one or two pixels is still the same digit, but to a fully connected network it is a
        different input (chapter 1: flattening forgets which pixels are neighbours). Adding shifted copies of the
        training images teaches it that — **data augmentation**. Here each image gets one copy moved by up to 2
        pixels in each direction:
    """),
    code("""
        ImageDataset WithShiftedCopies(ImageDataset data, int seed, int maxShift = 2)
        {
            var rng = new Random(seed);
            int n = data.Count;
            var images = new Matrix(2 * n, data.FeatureCount);
            var labels = new int[2 * n];
            for (int i = 0; i < n; i++)
            {
                var source = data.Image(i);
                source.CopyTo(images.Row(i));
                labels[i] = labels[n + i] = data.Labels[i];
                int dr = rng.Next(-maxShift, maxShift + 1), dc = rng.Next(-maxShift, maxShift + 1);
                var target = images.Row(n + i);
                for (int r = 0; r < 28; r++)
                    for (int c = 0; c < 28; c++)
                    {
                        int sr = r - dr, sc = c - dc;
                        target[r * 28 + c] = sr is >= 0 and < 28 && sc is >= 0 and < 28 ? source[sr * 28 + sc] : 0f;
                    }
            }
            return new ImageDataset(data.Name + " + shifted", images, labels, 28, 28, data.ClassNames);
        }

        var trainForMainRun = augment ? WithShiftedCopies(train, seed) : train;
        Console.WriteLine(trainForMainRun);
        int half = trainForMainRun.Count / 2;
        var pairs = Enumerable.Range(0, 8).SelectMany(i => augment ? new[] { i, half + i } : new[] { i }).ToArray();
        Charts.DigitGrid(trainForMainRun, pairs, columns: 8, title: augment ? "Originals and their shifted copies" : "Training images (augmentation off)")
    """),
    md("""
        ## 6. Early stopping, and the main run with a live chart

        The longer we train, the better the network fits the training images — eventually too well: it starts
        memorising them, and validation loss rises while training loss keeps falling (**overfitting**). **Early
        stopping** watches the validation loss after each epoch, remembers the best weights, stops after
        `patience` epochs without improvement and restores the best weights.

        The main run puts it all together: the 784-128-64-10 ReLU network, Momentum with a learning rate that
        decays by `learningRateDecay` every epoch (big steps first, fine steps later), a little weight decay
        ($\\lambda \\lVert W \\rVert^2$ added to the loss, which keeps weights small), the augmented training set and
        early stopping. The chart below redraws after every epoch (in VS Code you watch it grow):
    """),
    code("""
        var model = Sequential.Mlp(784, [128, 64], 10, seed: seed);
        var mainTrainer = new Trainer(model, new Momentum(learningRate) { WeightDecay = weightDecay }, options: new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = batchSize,
            Seed = seed,
            Patience = patience,
            Schedule = LearningRateSchedule.Step(learningRate, every: 1, factor: learningRateDecay),
        });
        var live = display($"Training {model} on {trainForMainRun.Count:N0} images...");
        mainTrainer.EpochCompleted += progress =>
        {
            Console.WriteLine(progress.Metrics);
            live.Update(Charts.TrainingCurves(progress.History, title: $"Main run: epoch {progress.Metrics.Epoch} of {progress.TotalEpochs}"));
        };
        var mainHistory = mainTrainer.Fit(trainForMainRun, validation);
    """),
    code("""
        var (validationLoss, validationAccuracy) = mainTrainer.Evaluate(validation);
        Console.WriteLine($"best epoch {mainHistory.BestEpoch} of {mainHistory.Epochs.Count}" + (mainHistory.StoppedEarly ? " (stopped early)" : ""));
        Console.WriteLine($"validation accuracy of the kept weights: {validationAccuracy:P2} (loss {validationLoss:F4})");
        Console.WriteLine($"training time: {mainHistory.TotalSeconds:F0} s, {mainHistory.TotalSeconds / mainHistory.Epochs.Count:F1} s per epoch of {trainForMainRun.Count:N0} images");
        if (validationAccuracy < requiredAccuracy)
            throw new Exception($"Validation accuracy {validationAccuracy:P2} is below the required {requiredAccuracy:P0}.");

        Directory.CreateDirectory("../out");
        ModelFile.Save(model, "../out/chapter4-mlp.nnm");
        Console.WriteLine("saved the network to out/chapter4-mlp.nnm (chapter 5 can load it)");
        Charts.TrainingCurves(mainHistory, title: $"Main run: {validationAccuracy:P2} validation accuracy (best epoch {mainHistory.BestEpoch})")
    """),
    md("""
        In our full run (the defaults above, two CPU cores) the validation accuracy passed 98% at epoch 6 and peaked
        at 98.46% at epoch 10, the weights early stopping kept; an epoch of 100,000 images took about 3 seconds, and
        the whole chapter under two minutes. Look at the gap between the solid (train) and
        dashed (validation) curves: it is the overfitting that weight decay, augmentation and early stopping hold
        back.

        ## Summary

        - Training is forward → loss → backward → step, for every mini-batch, for several epochs; the `Trainer` adds
          validation, early stopping, schedules and progress events.
        - Sweep the learning rate on a log scale; the best is a few times below the rate that diverges.
        - Momentum and Adam reach a given loss in fewer epochs than plain SGD.
        - Batch size trades steps per epoch against time per step.
        - Augmentation, weight decay and early stopping fight overfitting; with them a 109,386-parameter network
          reads more than 98% of the validation digits.

        ## Try this

        1. Set `augment = false` and re-run the main run. How much validation accuracy does augmentation buy?
        2. Set `learningRateDecay = 1` (no decay). What happens to the validation curve in the last epochs?
        3. Use `new Adam(1e-3)` in the main run (and drop the schedule). Is it faster at the start? Better at the end?
        4. Add a `new Dropout(0.2)` after each ReLU (`new Sequential(new Linear(784, 128), new ReLU(), new Dropout(0.2), ...)`).
           What happens to the train–validation gap?
        5. Extend the sweep to Adam's learning rates (`new Adam(rate)`). Where is its valley?

        Next: **chapter 5** measures the network on the test set and looks at its mistakes.
    """),
]
