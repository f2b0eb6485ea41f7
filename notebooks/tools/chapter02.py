from chapters import md, code, params, header

FILE = "02-forward-pass.ipynb"

cells = header(
    "Chapter 2 — The forward pass: from pixels to probabilities",
    """
    - what one neuron computes, and how a layer computes many at once as $Z = XW + b$ (with every shape);
    - the activation functions ReLU, sigmoid and tanh, and their derivatives;
    - softmax, and why the stable version subtracts the largest logit (you will see the naive one overflow);
    - cross-entropy, and why an untrained 10-class network's loss is about $\\ln 10 \\approx 2.303$;
    - why the initial weights matter: He vs Xavier initialisation, and activations that vanish or explode.
    """,
) + [
    md("## Parameters"),
    params("""
        var seed = 42;          // seeds every random weight in this chapter
        var batchSize = 256;    // images pushed through the networks at once
        var depth = 10;         // hidden layers in the initialisation experiment
        var width = 256;        // units per hidden layer in that experiment
        var smallStd = 0.01;    // a "too small" weight standard deviation
        var largeStd = 0.2;     // a "too large" one
    """),
    code("""
        var (train, _) = Mnist.Load();
        var batch = train.Take(batchSize);          // the first batchSize training images
        Matrix X = batch.Images;                    // B x 784, one image per row, pixels in [0, 1]
        int[] labels = batch.Labels;
        Console.WriteLine($"X is {X.Shape}: {X.Rows} images of {X.Cols} pixels");
    """),
    md("""
        ## 1. One neuron

        A neuron takes the 784 pixels $x_1, \\dots, x_{784}$, multiplies each by a weight, adds a bias and passes
        the sum through an **activation function** $f$:

        $$z = \\sum_{i=1}^{784} w_i x_i + b = \\mathbf{w} \\cdot \\mathbf{x} + b, \\qquad a = f(z)$$

        The weights say which pixels push the neuron up (positive $w_i$) or down (negative). With random weights
        it means nothing yet — training (chapter 4) will choose them. Written in the open, with $f$ = ReLU,
        $f(z) = \\max(0, z)$:
    """),
    code("""
        var random = new Random(seed);
        var w = new float[784];
        Gaussian.Fill(w, Math.Sqrt(2.0 / 784), random);   // small random weights (section 6 explains the size)
        float b = 0f;

        var x = X.Row(0).ToArray();                        // the first image, 784 numbers
        float z = b;
        for (int i = 0; i < 784; i++) z += w[i] * x[i];
        float a = Math.Max(0f, z);
        Console.WriteLine($"image 0 (label {labels[0]}): z = {z:F4}, a = ReLU(z) = {a:F4}");
    """),
    md("""
        ## 2. A layer: $Z = XW + b$

        A layer is many neurons side by side, each with its own weight vector (a column of $W$) and bias, and
        a batch is many images (rows of $X$). One matrix product computes every neuron on every image:

        $$\\underbrace{Z}_{B \\times 128} = \\underbrace{X}_{B \\times 784}\\;\\underbrace{W}_{784 \\times 128} + \\underbrace{b}_{1 \\times 128},
        \\qquad Z_{ij} = \\sum_{k=1}^{784} X_{ik} W_{kj} + b_j$$

        The bias row is added to every row of $XW$ ("broadcast"). Row $i$ of $Z$ holds image $i$'s 128 neuron
        values; column $j$ holds neuron $j$'s value on every image. By hand for the first four images, then
        with the library's `Linear` layer, which must agree:
    """),
    code("""
        var layer = new Linear(784, 128, Init.He, new Random(seed));
        Matrix W = layer.Weights.Value, bias = layer.Bias.Value;
        Console.WriteLine($"X {X.Shape}  ·  W {W.Shape}  +  b {bias.Shape}");

        var zByHand = new float[4, 128];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 128; j++)
            {
                float sum = bias[0, j];
                for (int k = 0; k < 784; k++) sum += X[i, k] * W[k, j];
                zByHand[i, j] = sum;
            }

        Matrix Z = layer.Forward(X);
        Console.WriteLine($"= Z {Z.Shape}");
        var difference = Enumerable.Range(0, 4).SelectMany(i => Enumerable.Range(0, 128).Select(j => Math.Abs(Z[i, j] - zByHand[i, j]))).Max();
        Console.WriteLine($"largest difference, library vs by hand: {difference:E1}");
        if (difference > 1e-4) throw new Exception("Linear.Forward disagrees with the formula.");
    """),
    md("""
        (The difference is not exactly zero because the library adds the products in a different order, and
        float additions are not associative; $10^{-6}$ is float32's rounding.)

        ## 3. Activation functions

        Without $f$, two layers would collapse into one: $(XW_1)W_2 = X(W_1W_2)$, still a linear function of
        the pixels, and no stack of linear layers could learn a curved decision boundary. A non-linear $f$
        between layers is what makes depth useful. The three classics:

        | | $f(z)$ | $f'(z)$ | notes |
        |---|---|---|---|
        | ReLU | $\\max(0, z)$ | $1$ if $z > 0$ else $0$ | cheap; gradient does not shrink for $z > 0$ |
        | sigmoid | $\\sigma(z) = \\frac{1}{1 + e^{-z}}$ | $\\sigma(z)(1 - \\sigma(z)) \\le \\tfrac14$ | squashes to (0, 1); saturates |
        | tanh | $\\tanh z$ | $1 - \\tanh^2 z \\le 1$ | squashes to (−1, 1), centred at 0 |

        The derivatives matter for chapter 3: backpropagation multiplies by $f'(z)$ at every layer, and where
        $f'$ is near zero (a saturated sigmoid, a "dead" ReLU) almost no gradient gets through.
    """),
    code("""
        Charts.ActivationFunctions(-5, 5)
    """),
    md("""
        The library's layers compute the same values. Their `Backward` takes $\\partial L / \\partial a$ and returns
        $\\partial L / \\partial z = \\partial L / \\partial a \\odot f'(z)$, so feeding it ones gives $f'(z)$ itself:
    """),
    code("""
        var zs = Enumerable.Range(0, 101).Select(i => -5f + 0.1f * i).ToArray();
        var checks = new (string Name, ActivationLayer Layer, ActivationCurve Curve)[]
        {
            ("ReLU", new ReLU(), ActivationCurve.ReLU),
            ("sigmoid", new Sigmoid(), ActivationCurve.Sigmoid),
            ("tanh", new Tanh(), ActivationCurve.Tanh),
        };
        foreach (var (name, act, curve) in checks)
        {
            var values = act.Forward(new Matrix(1, zs.Length, (float[])zs.Clone())).Span.ToArray();
            var ones = new Matrix(1, zs.Length); ones.Fill(1f);
            var slopes = act.Backward(ones).Span.ToArray();
            // (ReLU's derivative at exactly 0 is a convention; skip that point)
            var valueError = zs.Select((v, i) => Math.Abs(values[i] - curve.Function(v))).Max();
            var slopeError = zs.Select((v, i) => v == 0 ? 0 : Math.Abs(slopes[i] - curve.Derivative(v))).Max();
            Console.WriteLine($"{name,-8} largest error: f {valueError:E1}, f' {slopeError:E1}");
            if (valueError > 1e-5 || slopeError > 1e-5) throw new Exception($"{name} disagrees with its formula.");
        }
    """),
    md("""
        ## 4. Softmax: scores to probabilities

        The last layer outputs 10 numbers per image, the **logits** $z_1, \\dots, z_{10}$ — any real numbers. Softmax
        turns them into probabilities (positive, summing to 1), keeping their order:

        $$p_k = \\frac{e^{z_k}}{\\sum_{j=1}^{10} e^{z_j}}$$

        Computed literally, it breaks as soon as a logit is large: $e^{89}$ is already beyond float32's largest
        number ($3.4 \\times 10^{38}$), so $e^{z}$ becomes $\\infty$ and $\\infty / \\infty$ is NaN.
        The fix uses $\\frac{e^{z_k}}{\\sum_j e^{z_j}} = \\frac{e^{z_k - m}}{\\sum_j e^{z_j - m}}$ for any $m$: with
        $m = \\max_j z_j$ every exponent is $\\le 0$, so every $e^{\\cdot} \\le 1$ and nothing overflows.
    """),
    code("""
        float[] NaiveSoftmax(float[] logits)
        {
            var e = logits.Select(MathF.Exp).ToArray();
            var sum = e.Sum();
            return e.Select(v => v / sum).ToArray();
        }
        float[] StableSoftmax(float[] logits)
        {
            var m = logits.Max();
            var e = logits.Select(v => MathF.Exp(v - m)).ToArray();
            var sum = e.Sum();
            return e.Select(v => v / sum).ToArray();
        }
        string Show(float[] p) => string.Join(", ", p.Select(v => v.ToString("G4")));

        float[] small = [1f, 2f, 3f], large = [1000f, 1001f, 1002f];
        Console.WriteLine($"naive  softmax(1, 2, 3)          = {Show(NaiveSoftmax(small))}");
        Console.WriteLine($"stable softmax(1, 2, 3)          = {Show(StableSoftmax(small))}");
        Console.WriteLine($"naive  softmax(1000, 1001, 1002) = {Show(NaiveSoftmax(large))}   <- e^1000 overflowed");
        Console.WriteLine($"stable softmax(1000, 1001, 1002) = {Show(StableSoftmax(large))}   <- same as for (1, 2, 3)");

        var probabilities = new Matrix(1, 3);
        Softmax.Apply(new Matrix(1, 3, (float[])large.Clone()), probabilities);
        Console.WriteLine($"library Softmax.Apply(1000, ...) = {Show(probabilities.Span.ToArray())}");
        if (float.IsNaN(probabilities[0, 0]) || Math.Abs(probabilities[0, 2] - StableSoftmax(large)[2]) > 1e-6)
            throw new Exception("The library's softmax should be the stable one.");
    """),
    md("""
        ## 5. Cross-entropy: how wrong is a prediction?

        For one image with label $y$ the loss is the negative log of the probability given to the right class:

        $$L = -\\log p_y \\qquad\\text{and for a batch}\\qquad L = -\\frac{1}{B}\\sum_{i=1}^{B} \\log p_{i, y_i}$$

        Certain and right ($p_y = 1$): $L = 0$. Unsure ($p_y = 0.1$): $L = 2.30$. Confidently wrong
        ($p_y = 0.001$): $L = 6.9$ — the log punishes confident mistakes hard.

        An untrained network knows nothing, so it should give each of the 10 classes about $p = 1/10$, and its
        loss should be about $-\\log \\tfrac{1}{10} = \\ln 10 \\approx 2.303$. That is the first sanity check of
        any classifier; a much larger starting loss means the initial logits are too large.
    """),
    code("""
        var ps = Enumerable.Range(1, 200).Select(i => i / 200.0).ToArray();
        Chart.Line<double, double, string>(x: ps, y: ps.Select(p => -Math.Log(p)).ToArray(), Name: "-log p")
            .WithTitleText("Cross-entropy of one prediction: L = -log p(correct class)")
            .WithXAxis("probability given to the correct class")
            .WithYAxis("loss")
    """),
    md("""
        The library fuses softmax and cross-entropy into `SoftmaxCrossEntropy` (it computes $\\log p$ directly as
        $z_y - m - \\log \\sum_j e^{z_j - m}$, which never takes the log of 0). It must agree with our two steps.

        Now the untrained network of chapters 4 and 5 — 784 → 128 → 64 → 10 with ReLU — on our batch:
    """),
    code("""
        var network = Sequential.Mlp(784, [128, 64], 10, seed: seed);
        Console.WriteLine(network.Summary());

        Matrix logits = network.Forward(X);                       // B x 10
        var gradient = new Matrix(logits.Rows, logits.Cols);
        double untrainedLoss = new SoftmaxCrossEntropy().Compute(logits, labels, gradient);

        double byHand = 0;                                        // the same loss, in two steps
        for (int i = 0; i < logits.Rows; i++)
            byHand -= Math.Log(StableSoftmax(logits.Row(i).ToArray())[labels[i]]);
        byHand /= logits.Rows;

        Console.WriteLine($"loss of the untrained network: {untrainedLoss:F4} (by hand {byHand:F4}); ln 10 = {Math.Log(10):F4}");
        if (Math.Abs(untrainedLoss - byHand) > 1e-4) throw new Exception("SoftmaxCrossEntropy disagrees with softmax + log.");
        if (Math.Abs(untrainedLoss - Math.Log(10)) > 0.1) throw new Exception($"An untrained network's loss should be within 0.1 of ln 10, got {untrainedLoss:F4}.");
    """),
    md("""
        Its predictions are nearly flat: averaged over the batch every class gets close to 10%, and its accuracy
        is what guessing gives.
    """),
    code("""
        var untrainedProbabilities = network.PredictProbabilities(X);
        var meanProbability = Enumerable.Range(0, 10)
            .Select(k => (float)Enumerable.Range(0, X.Rows).Average(i => untrainedProbabilities[i, k])).ToArray();
        var predicted = network.Predict(X);
        var untrainedAccuracy = predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
        Console.WriteLine($"largest probability the network gives any class of image 0: {untrainedProbabilities.Row(0).ToArray().Max():P1}");
        Console.WriteLine($"accuracy of the untrained network: {untrainedAccuracy:P1} (guessing: 10%)");
        Charts.Probabilities(meanProbability, title: $"Untrained network: mean probability per class over {X.Rows} images")
    """),
    md("""
        ## 6. Initialisation: keeping the signal alive through depth

        Why $\\sqrt{2/784}$ for the weights in section 1? Take a layer with $n$ inputs of variance $\\text{Var}(x)$
        and independent weights of variance $\\text{Var}(w)$ and mean 0. Then

        $$\\text{Var}(z) = n \\,\\text{Var}(w)\\, \\mathbb{E}[x^2].$$

        If $n\\,\\text{Var}(w) > 1$ (roughly) each layer multiplies the size of the signal, and after ten layers it
        has **exploded**; if it is $< 1$ it shrinks geometrically and **vanishes** — and the gradients in chapter 3
        do the same on the way back, so nothing learns.

        - **Xavier / Glorot** (2010): $\\text{Var}(w) = \\frac{2}{n_\\text{in} + n_\\text{out}}$, derived for
          activations symmetric around 0 like tanh. The library draws it uniformly in $\\pm\\sqrt{6/(n_\\text{in} + n_\\text{out})}$.
        - **He / Kaiming** (2015): $\\text{Var}(w) = \\frac{2}{n_\\text{in}}$, for ReLU: ReLU zeroes half of its inputs,
          halving $\\mathbb{E}[x^2]$, and the factor 2 puts it back.

        The experiment: a stack of `depth` hidden layers of `width` units, the same batch, and the standard
        deviation of each layer's activations for several initialisations.
    """),
    code("""
        List<double> ActivationStds(IInitializer init, Func<ILayer> activation)
        {
            var rng = new Random(seed);
            var layers = new List<ILayer> { new Linear(784, width, init, rng), activation() };
            for (int l = 1; l < depth; l++) { layers.Add(new Linear(width, width, init, rng)); layers.Add(activation()); }
            var stds = new List<double>();
            Matrix h = X;
            foreach (var stage in layers)
            {
                h = stage.Forward(h);
                if (stage is ActivationLayer) stds.Add(Std(h.Span));
            }
            return stds;
        }
        double Std(ReadOnlySpan<float> values)
        {
            double sum = 0, sumSq = 0;
            foreach (var v in values) { sum += v; sumSq += (double)v * v; }
            var mean = sum / values.Length;
            return Math.Sqrt(Math.Max(0, sumSq / values.Length - mean * mean));
        }

        var runs = new (string Name, IReadOnlyList<double> Stds)[]
        {
            ("He + ReLU", ActivationStds(Init.He, () => new ReLU())),
            ("Xavier + ReLU", ActivationStds(Init.Xavier, () => new ReLU())),
            ("Xavier + tanh", ActivationStds(Init.Xavier, () => new Tanh())),
            ($"N(0, {smallStd}²) + ReLU", ActivationStds(Init.Normal(smallStd), () => new ReLU())),
            ($"N(0, {largeStd}²) + ReLU", ActivationStds(Init.Normal(largeStd), () => new ReLU())),
        };
        foreach (var (name, stds) in runs)
            Console.WriteLine($"{name,-22} layer 1: {stds[0],10:G3}   layer {depth}: {stds[^1],10:G3}");
        Charts.ActivationStdByLayer(runs, title: $"Standard deviation of the activations through {depth} layers of {width} units")
    """),
    md("""
        He keeps ReLU activations at the same size in every layer; Xavier, designed for tanh, loses a factor of
        about $\\sqrt 2$ per ReLU layer; a fixed small standard deviation makes the signal vanish (by layer 10 it
        is a rounding error) and a fixed large one makes it explode. The histograms of each layer's activations
        with the too-small initialisation show the collapse towards 0:
    """),
    code("""
        var collapsing = new Sequential(Enumerable.Range(0, depth)
            .SelectMany(l => new ILayer[] { new Linear(l == 0 ? 784 : width, width, Init.Normal(smallStd), new Random(seed + l)), new Tanh() })
            .ToArray());
        Charts.ActivationHistograms<Tanh>(collapsing, X, title: $"tanh activations per layer with N(0, {smallStd}²) weights: they shrink towards 0")
    """),
    md("""
        With He initialisation the same stack (with ReLU) keeps a healthy spread in every layer:
    """),
    code("""
        var healthy = new Sequential(Enumerable.Range(0, depth)
            .SelectMany(l => new ILayer[] { new Linear(l == 0 ? 784 : width, width, Init.He, new Random(seed + l)), new ReLU() })
            .ToArray());
        Charts.ActivationHistograms<ReLU>(healthy, X, title: "ReLU activations per layer with He weights: the same spread at every depth")
    """),
    md("""
        ## Summary

        - A layer is $Z = XW + b$: $X$ is $B \\times n_\\text{in}$, $W$ is $n_\\text{in} \\times n_\\text{out}$, $b$ is $1 \\times n_\\text{out}$.
        - Non-linear activations (ReLU, sigmoid, tanh) between layers are what make depth worth having.
        - Softmax turns logits into probabilities; subtract the max first or large logits overflow.
        - Cross-entropy $-\\log p_y$; an untrained 10-class network should start near $\\ln 10 \\approx 2.303$ — ours does.
        - Initialise so each layer keeps the signal's size: He for ReLU, Xavier for tanh.

        ## Try this

        1. Set `depth = 30`. Which initialisations still keep the signal? Plot with and without the log axis.
        2. Put `new Sigmoid()` in the initialisation experiment. Why does the standard deviation settle at a small
           value instead of vanishing? (Hint: what is $\\sigma(0)$?)
        3. Build the untrained network with `Init.Normal(1.0)` for its first layer
           (`new Sequential(new Linear(784, 128, Init.Normal(1.0)), new ReLU(), ...)`). What is its starting loss? Why
           is a large starting loss a bad sign even before training?
        4. Make the naive softmax overflow with smaller numbers: what is the smallest logit for which `MathF.Exp` returns
           infinity?
        5. In section 2, time `layer.Forward(X)` against the triple loop for all $B$ rows with a `Stopwatch`. How many
           times faster is the library's matrix product, and why?

        Next: **chapter 3** computes how the loss changes with every weight — backpropagation.
    """),
]
