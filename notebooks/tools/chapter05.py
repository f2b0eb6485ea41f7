from chapters import md, code, params, header

FILE = "05-evaluation.ipynb"

cells = header(
    "Chapter 5 — Evaluation: how good is the network, and where does it fail?",
    """
    - test accuracy, measured once, on digits the network has never seen;
    - the confusion matrix, in counts and row-normalised;
    - precision, recall and F1 per class, and the one-vs-rest table of a single digit;
    - the most confused pairs of digits, and a gallery of mistakes with the network's top-3 probabilities;
    - what the first layer learned, drawn as 28×28 images;
    - saving and loading the model (and checking the loaded one predicts the same);
    - predicting your own digit images, prepared the way MNIST's were.
    """,
) + [
    md("""
        ## Parameters

        If you ran chapter 4, its network was saved to `out/chapter4-mlp.nnm` and this chapter loads it;
        otherwise (or with `reuseChapter4Model = false`) it trains one here with Adam.
    """),
    params("""
        var seed = 42;
        var reuseChapter4Model = true;  // load out/chapter4-mlp.nnm when it exists
        var epochs = 10;                // otherwise: train this many epochs ...
        var trainLimit = 60_000;        // ... on this many training images
        var digit = 3;                  // the class for the one-vs-rest table
        var galleryCount = 24;          // mistakes shown in the gallery
    """),
    code("""
        var (train, test) = Mnist.Load();
        var chapter4Model = Path.GetFullPath("../out/chapter4-mlp.nnm");
        Sequential model;
        if (reuseChapter4Model && File.Exists(chapter4Model))
        {
            model = ModelFile.Load(chapter4Model);
            Console.WriteLine($"loaded {chapter4Model}");
        }
        else
        {
            model = Sequential.Mlp(784, [128, 64], 10, seed: seed);
            var trainer = new Trainer(model, new Adam(1e-3), options: new TrainingOptions { Epochs = epochs, BatchSize = 64, Seed = seed });
            trainer.EpochCompleted += progress => Console.WriteLine(progress.Metrics);
            trainer.Fit(train.Take(trainLimit));
        }
        Console.WriteLine(model.Summary());
    """),
    md("""
        ## 1. Test accuracy

        The test set's 10,000 digits were written by people whose handwriting is not in the training set, and we
        have not used them for any choice (chapter 4 chose with the validation set). So the test accuracy is an
        honest estimate of how the network does on new digits:

        $$\\text{accuracy} = \\frac{1}{N} \\sum_{i=1}^{N} \\mathbf{1}[\\hat y_i = y_i], \\qquad \\hat y_i = \\arg\\max_k p_{ik}$$
    """),
    code("""
        int[] predicted = model.Predict(test.Images);
        double accuracyByHand = predicted.Zip(test.Labels).Count(pair => pair.First == pair.Second) / (double)test.Count;
        var confusion = Metrics.Evaluate(model, test);
        Console.WriteLine($"test accuracy: {accuracyByHand:P2} by hand, {confusion.Accuracy:P2} by the library " +
                          $"({test.Count - (int)Math.Round(accuracyByHand * test.Count)} mistakes in {test.Count:N0})");
        if (Math.Abs(accuracyByHand - confusion.Accuracy) > 1e-12) throw new Exception("The two accuracies differ.");
    """),
    md("""
        ## 2. The confusion matrix

        Accuracy is one number; the **confusion matrix** $C$ shows where the mistakes go: $C_{ij}$ counts the test
        digits whose true class is $i$ and which the network called $j$. The diagonal is what it got right. Rows
        sum to the number of test digits of each class.
    """),
    code("""
        Console.WriteLine(confusion.ToText());
        Charts.ConfusionMatrix(confusion)
    """),
    md("""
        Classes have different sizes, so it helps to divide each row by its sum: cell $(i, j)$ becomes the share of
        true $i$'s called $j$, and the diagonal becomes each class's recall.
    """),
    code("""
        Charts.ConfusionMatrix(confusion, normalize: true)
    """),
    md("""
        ## 3. Precision, recall and F1

        For one class $k$, with $TP$ its diagonal cell, $FP$ the rest of its **column** (others called $k$) and $FN$
        the rest of its **row** ($k$'s called something else):

        $$\\text{precision}_k = \\frac{TP}{TP + FP}, \\qquad \\text{recall}_k = \\frac{TP}{TP + FN}, \\qquad
        F_1 = \\frac{2 \\cdot \\text{precision} \\cdot \\text{recall}}{\\text{precision} + \\text{recall}}$$

        Precision: when the network says "$k$", how often is it right? Recall: of all the $k$'s, how many did it find?
        F1 is their harmonic mean, low if either is low. By hand for class `digit`, then the library's report:
    """),
    code("""
        int tp = confusion.Counts[digit, digit];
        int fp = Enumerable.Range(0, 10).Where(j => j != digit).Sum(j => confusion.Counts[j, digit]);
        int fn = Enumerable.Range(0, 10).Where(j => j != digit).Sum(j => confusion.Counts[digit, j]);
        double precision = tp / (double)(tp + fp), recall = tp / (double)(tp + fn);
        Console.WriteLine($"class {digit} by hand: precision {precision:P2}, recall {recall:P2}, F1 {2 * precision * recall / (precision + recall):P2}");

        var report = new ClassificationReport(confusion);
        Console.WriteLine(report.ToText());
        if (Math.Abs(report.Classes[digit].Precision - precision) > 1e-12 || Math.Abs(report.Classes[digit].Recall - recall) > 1e-12)
            throw new Exception("The report disagrees with the definitions.");
        Charts.ClassificationReport(report)
    """),
    md("""
        ## 4. One digit against the rest

        Any multi-class problem contains a yes/no problem per class: "is it a `digit`?". Its 2×2 confusion matrix
        collects the four counts above, plus $TN$, everything that is neither a `digit` nor called one:
    """),
    code("""
        var binary = confusion.OneVsRest(digit);
        Console.WriteLine(binary.ToText());
        Charts.ConfusionMatrix(binary)
    """),
    md("""
        ## 5. The most confused pairs

        The largest off-diagonal cells are the network's typical mistakes. They are rarely random: 4 ↔ 9, 7 ↔ 2,
        3 ↔ 5 and 8 ↔ others share strokes.
    """),
    code("""
        foreach (var (actual, guess, count) in confusion.MostConfused(5))
            Console.WriteLine($"true {actual} called {guess}: {count} times");
        Charts.ConfusedPairs(confusion, top: 12)
    """),
    code("""
        var (topActual, topGuess, _) = confusion.MostConfused(1)[0];
        var examples = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == topActual && predicted[i] == topGuess).Take(20).ToArray();
        Charts.DigitGrid(test, examples, predictions: examples.Select(i => predicted[i]).ToArray(),
            title: $"Test digits {topActual} that the network called {topGuess}")
    """),
    md("""
        ## 6. A gallery of mistakes

        Each mistake with the network's three most probable classes. The most *confident* mistakes come first:
        some are genuinely ambiguous, some have a wrong label, and some are plain errors.
    """),
    code("""
        var probabilities = model.PredictProbabilities(test.Images).Clone();   // 10,000 x 10
        var mistakes = Enumerable.Range(0, test.Count).Where(i => predicted[i] != test.Labels[i])
            .OrderByDescending(i => probabilities[i, predicted[i]]).Take(galleryCount).ToArray();
        string TopThree(int i) => string.Join(" ", Enumerable.Range(0, 10).OrderByDescending(k => probabilities[i, k]).Take(3)
            .Select(k => $"{k}:{100 * probabilities[i, k]:F0}%"));
        var captions = mistakes.Select(i => $"{test.Labels[i]} → {predicted[i]}<br>{TopThree(i)}").ToArray();
        foreach (var i in mistakes.Take(5)) Console.WriteLine($"test #{i}: label {test.Labels[i]}, top 3: {TopThree(i)}");
        Charts.DigitGrid(test, mistakes, predictions: mistakes.Select(i => predicted[i]).ToArray(), captions: captions, columns: 6,
            title: $"The {mistakes.Length} most confident mistakes: label → prediction, then the top-3 probabilities")
    """),
    md("""
        ## 7. What the first layer learned

        Column $j$ of the first weight matrix $W_1$ (784 × 128) holds the 784 weights of hidden unit $j$, one per pixel.
        Drawn as a 28×28 image (blue positive, red negative), it shows the pattern that excites the unit most: strokes
        and blobs in the middle of the frame, and noise at the edges, where MNIST pixels are always 0 and the weights
        never receive a gradient (only weight decay touches them).
    """),
    code("""
        Charts.FirstLayerWeights(model, count: 32)
    """),
    md("""
        ## 8. Saving and loading

        `ModelFile.Save` writes the architecture and every weight to one file (through a temporary file, so a crash
        never leaves half a model); `ModelFile.Load` rebuilds the network. The loaded network must give exactly the
        same probabilities:
    """),
    code("""
        var savedPath = Path.GetFullPath("../out/chapter5-mlp.nnm");
        Directory.CreateDirectory(Path.GetDirectoryName(savedPath)!);
        ModelFile.Save(model, savedPath);
        var loaded = ModelFile.Load(savedPath);
        var loadedProbabilities = loaded.PredictProbabilities(test.Images);
        double largestDifference = 0;
        for (int i = 0; i < test.Count; i++)
            for (int k = 0; k < 10; k++)
                largestDifference = Math.Max(largestDifference, Math.Abs(loadedProbabilities[i, k] - probabilities[i, k]));
        var samePredictions = loaded.Predict(test.Images).SequenceEqual(predicted);
        Console.WriteLine($"{savedPath}: {new FileInfo(savedPath).Length:N0} bytes, {ModelFile.Describe(loaded)}");
        Console.WriteLine($"same predictions on all {test.Count:N0} test digits: {samePredictions}; largest probability difference: {largestDifference}");
        if (!samePredictions || largestDifference != 0) throw new Exception("The loaded model predicts differently.");
    """),
    md("""
        ## 9. Your own digits

        A network only works on inputs like the ones it was trained on. MNIST digits were scanned as dark ink on
        light paper and then **inverted** (light ink on black), **cropped** to the ink, **scaled** so the longer side
        is 20 pixels, and placed in the 28×28 frame with their **centre of mass** at the centre. `DigitImage.ToMnist()`
        repeats those steps for any grey picture.

        We draw ten digits ourselves — dark strokes on a white 200×200 "paper" — and save them as PGM files in
        `data/samples/` (PGM is the simplest grey image format: a short text header and the bytes; most image viewers
        open it, and you can replace the files with scans of your own handwriting).
    """),
    code("""
        // Strokes in a unit square (x right, y down); each digit is one or more polylines.
        (double X, double Y)[] Arc(double cx, double cy, double rx, double ry, double from, double to, int n = 24) =>
            Enumerable.Range(0, n + 1).Select(i => from + (to - from) * i / n)
                .Select(a => (cx + rx * Math.Cos(a * Math.PI / 180), cy + ry * Math.Sin(a * Math.PI / 180))).ToArray();
        var strokes = new Dictionary<int, (double X, double Y)[][]>
        {
            [0] = [Arc(0.5, 0.5, 0.22, 0.36, 0, 360)],
            [1] = [[(0.38, 0.28), (0.56, 0.12), (0.56, 0.88)]],
            [2] = [[.. Arc(0.5, 0.33, 0.2, 0.19, 190, 380), (0.28, 0.86), (0.76, 0.86)]],
            [3] = [Arc(0.48, 0.3, 0.19, 0.17, 200, 450), Arc(0.48, 0.66, 0.22, 0.2, 270, 520)],
            [4] = [[(0.62, 0.88), (0.62, 0.12), (0.24, 0.62), (0.8, 0.62)]],
            [5] = [[(0.72, 0.14), (0.36, 0.14), (0.32, 0.46), .. Arc(0.5, 0.64, 0.21, 0.21, 230, 500)]],
            [6] = [[(0.66, 0.14), (0.44, 0.32), (0.33, 0.58), .. Arc(0.5, 0.68, 0.18, 0.18, 180, 540)]],
            [7] = [[(0.24, 0.15), (0.76, 0.15), (0.42, 0.88)]],
            [8] = [Arc(0.5, 0.3, 0.16, 0.16, 0, 360), Arc(0.5, 0.68, 0.2, 0.2, 0, 360)],
            [9] = [Arc(0.5, 0.33, 0.18, 0.18, 0, 360), [(0.68, 0.33), (0.62, 0.88)]],
        };
        const int side = 200;
        float[] Draw((double X, double Y)[][] lines, double thickness = 0.055)
        {
            var paper = new float[side * side];
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++)
                {
                    double px = (c + 0.5) / side, py = (r + 0.5) / side, nearest = double.MaxValue;
                    foreach (var line in lines)
                        for (int s = 0; s + 1 < line.Length; s++)
                        {
                            var (ax, ay) = line[s]; var (bx, by) = line[s + 1];
                            double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
                            double u = len2 == 0 ? 0 : Math.Clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1);
                            double ex = px - ax - u * dx, ey = py - ay - u * dy;
                            nearest = Math.Min(nearest, Math.Sqrt(ex * ex + ey * ey));
                        }
                    double ink = Math.Clamp((thickness - nearest) / 0.01, 0, 1);   // soft pen edge
                    paper[r * side + c] = (float)(0.95 - 0.85 * ink);             // white paper, dark ink
                }
            return paper;
        }

        var samples = Path.Combine(DataDirectory.Resolve(), "samples");
        Directory.CreateDirectory(samples);
        foreach (var (d, lines) in strokes)
            PgmImage.Write(Path.Combine(samples, $"drawn-{d}.pgm"), new DigitImage(side, side, Draw(lines)));
        Console.WriteLine($"wrote {strokes.Count} images to {samples}");
        var drawnSeven = PgmImage.Read(Path.Combine(samples, "drawn-7.pgm"));
        Charts.Digit(drawnSeven.Pixels, "drawn-7.pgm as saved: dark ink on light paper, 200×200", side, side)
    """),
    md("""
        Read every sample back, prepare it like MNIST, and predict. The grid shows what the network actually sees:
    """),
    code("""
        var files = Directory.GetFiles(samples, "*.pgm").Order().ToArray();
        var prepared = new List<IReadOnlyList<float>>();
        var sampleCaptions = new List<string>();
        var sampleWrong = new List<bool>();
        foreach (var file in files)
        {
            var step = PgmImage.Read(file).PrepareLikeMnist();
            var batch = step.Image.ToBatch();
            var p = model.PredictProbabilities(batch);
            int guess = Enumerable.Range(0, 10).MaxBy(k => p[0, k]);
            var name = Path.GetFileNameWithoutExtension(file);
            int? drawn = name.StartsWith("drawn-") && int.TryParse(name[6..], out var v) ? v : null;
            prepared.Add(step.Image.Pixels);
            sampleCaptions.Add($"{name}<br>→ {guess} ({p[0, guess]:P0})");
            sampleWrong.Add(drawn is int dd && dd != guess);
            Console.WriteLine($"{name,-10} inverted: {step.Inverted}, ink box {step.InkWidth}x{step.InkHeight} scaled by {step.Scale:F3}, " +
                              $"shift ({step.ShiftX}, {step.ShiftY}) -> predicted {guess} ({p[0, guess]:P1})");
        }
        Console.WriteLine($"{sampleWrong.Count(w => !w)} of {files.Length} of our drawn digits read correctly");
        Charts.DigitGrid(prepared, captions: sampleCaptions, highlight: sampleWrong, columns: 5,
            title: "Our drawn digits after MNIST-style preparation, with the network's prediction (wrong ones in red)")
    """),
    md("""
        With chapter 4's network, our full run read 9 of the 10 drawn digits; the exception was the 1, drawn with a
        flag at the top, which it called a 7 (with only 46% confidence). Many Europeans write 1 that way, but in
        MNIST — written by American census employees and students — a stroke with a flag is usually a 7: a network
        learns the conventions of its training data.

        ## Summary

        - Measure on the test set once, at the end; report accuracy *and* where the errors are.
        - The confusion matrix shows which digits get mixed up; precision, recall and F1 describe each class; any class
          gives a one-vs-rest yes/no table.
        - The worst mistakes are often ambiguous digits — looking at them is the best way to see what a model lacks.
        - The first layer learns stroke detectors; a saved model reloads with identical predictions.
        - Your own images must be prepared like the training data (invert, crop, scale to 20 px, centre the mass).

        ## Try this

        1. Set `digit = 9`. Is its precision or its recall lower, and which other digit is to blame?
        2. Draw a digit badly on purpose (move a stroke in `strokes`, e.g. an open 4 that looks like a 9). What does
           the network say, and how confident is it?
        3. Replace a `drawn-*.pgm` by a photo of your own handwriting converted to PGM (e.g. with an image editor or
           `convert photo.jpg -colorspace Gray digit.pgm`). Does `PrepareLikeMnist` find the ink?
        4. Set `reuseChapter4Model = false` and `epochs = 1`. Which classes suffer most from undertraining?
        5. In the gallery, find a mistake you would also make. What would the network need to see to get it right?

        This is the end of the first part: a network you wrote, trained and evaluated, reading handwriting at 98%.
    """),
]
