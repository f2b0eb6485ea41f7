from chapters import md, code, params, header

FILE = "03-backpropagation.ipynb"

cells = header(
    "Chapter 3 — Backpropagation: how every weight should change",
    """
    - the chain rule on a two-weight example, by hand, checked against finite differences;
    - why the gradient of softmax + cross-entropy with respect to the logits is simply $p - y$;
    - the gradients of a linear layer ($dW = X^\\top dZ$, $db$, $dX = dZ\\,W^\\top$) and of an activation;
    - a full backward pass through a tiny network written out, equal to the library's;
    - the gradient check: backprop against finite differences, with a relative-error table;
    - that one step against the gradient lowers the loss.
    """,
) + [
    md("## Parameters"),
    params("""
        var seed = 42;
        var epsilon = 1e-2;        // finite-difference step for the gradient check (float32 needs a largish one)
        var checksPerParameter = 25; // entries of each parameter the gradient check tests
        var learningRate = 0.5;    // the size of the single gradient step in section 6
        var batchSize = 256;       // images in that step's batch
    """),
    md("""
        ## 1. The chain rule by hand

        Training needs $\\partial L / \\partial w$ for every weight $w$: how much the loss changes when $w$ moves a
        little. Start with a network of two weights, one input $x$ and a target $t$:

        $$h = w_1 x, \\qquad a = \\text{ReLU}(h), \\qquad \\hat y = w_2\\, a, \\qquad L = \\tfrac12 (\\hat y - t)^2$$

        The **chain rule** says that derivatives of a chain of functions multiply. Going *backwards* from $L$, each
        step reuses the one before — that reuse is all "backpropagation" means:

        $$\\frac{\\partial L}{\\partial \\hat y} = \\hat y - t, \\quad
        \\frac{\\partial L}{\\partial w_2} = \\frac{\\partial L}{\\partial \\hat y}\\, a, \\quad
        \\frac{\\partial L}{\\partial a} = \\frac{\\partial L}{\\partial \\hat y}\\, w_2, \\quad
        \\frac{\\partial L}{\\partial h} = \\frac{\\partial L}{\\partial a}\\, \\mathbf{1}[h > 0], \\quad
        \\frac{\\partial L}{\\partial w_1} = \\frac{\\partial L}{\\partial h}\\, x$$

        A derivative can always be checked without calculus: nudge the weight both ways and measure,
        $\\frac{\\partial L}{\\partial w} \\approx \\frac{L(w + \\varepsilon) - L(w - \\varepsilon)}{2\\varepsilon}$ (a *central
        difference*, accurate to $O(\\varepsilon^2)$).
    """),
    code("""
        double x = 1.5, t = 2.0, w1 = 0.8, w2 = -0.6;
        (double L, double H, double A, double Y) TinyForward(double w1, double w2)
        {
            double h = w1 * x, a = Math.Max(0, h), y = w2 * a;
            return (0.5 * (y - t) * (y - t), h, a, y);
        }

        var (L, h, a, yHat) = TinyForward(w1, w2);
        double dL_dy = yHat - t;
        double dL_dw2 = dL_dy * a;
        double dL_da = dL_dy * w2;
        double dL_dh = dL_da * (h > 0 ? 1 : 0);
        double dL_dw1 = dL_dh * x;

        double e = 1e-6;
        double numeric1 = (TinyForward(w1 + e, w2).L - TinyForward(w1 - e, w2).L) / (2 * e);
        double numeric2 = (TinyForward(w1, w2 + e).L - TinyForward(w1, w2 - e).L) / (2 * e);
        Console.WriteLine($"forward: h = {h}, a = {a}, y = {yHat:F3}, L = {L:F4}");
        Console.WriteLine($"dL/dw1: chain rule {dL_dw1:F6}, finite difference {numeric1:F6}");
        Console.WriteLine($"dL/dw2: chain rule {dL_dw2:F6}, finite difference {numeric2:F6}");
        if (Math.Abs(dL_dw1 - numeric1) > 1e-6 || Math.Abs(dL_dw2 - numeric2) > 1e-6) throw new Exception("Chain rule and finite differences disagree.");
    """),
    md("""
        The derivative is the slope of the loss curve. Draw $L$ as a function of $w_1$ (with $w_2$ fixed) and the
        line through our point with slope $\\partial L / \\partial w_1$: it touches the curve there. Moving $w_1$ a
        little *against* the slope lowers the loss — that is gradient descent.
    """),
    code("""
        var w1s = Enumerable.Range(0, 121).Select(i => -0.5 + 0.025 * i).ToArray();
        Chart.Combine(new[]
        {
            Chart.Line<double, double, string>(x: w1s, y: w1s.Select(v => TinyForward(v, w2).L).ToArray(), Name: "L(w1)"),
            Chart.Line<double, double, string>(x: w1s, y: w1s.Select(v => L + dL_dw1 * (v - w1)).ToArray(), Name: "tangent: slope dL/dw1"),
            Chart.Point<double, double, string>(x: new[] { w1 }, y: new[] { L }, Name: "current w1"),
        })
        .WithTitleText("The gradient is the slope of the loss", $"dL/dw1 = {dL_dw1:F3} at w1 = {w1}")
        .WithXAxis("w1").WithYAxis("loss L", more: [("range", new[] { -0.5, 6.0 })])
    """),
    md("""
        ## 2. The gradient of softmax + cross-entropy: $p - y$

        For one image with logits $z$, $p = \\text{softmax}(z)$ and label $y$:

        $$L = -\\log p_y = -z_y + \\log \\sum_j e^{z_j}$$

        Differentiate with respect to $z_k$. The first term gives $-1$ if $k = y$ and 0 otherwise; the second gives
        $\\frac{e^{z_k}}{\\sum_j e^{z_j}} = p_k$. So

        $$\\frac{\\partial L}{\\partial z_k} = p_k - \\mathbf{1}[k = y], \\qquad\\text{or for the whole vector}\\qquad \\frac{\\partial L}{\\partial z} = p - \\mathbf{y}$$

        with $\\mathbf{y}$ the one-hot label. The network is pushed to raise the right logit by $1 - p_y$ and to lower
        every other by its probability. For a batch the loss is the mean, so each row is divided by $B$:
        $dZ = (P - Y) / B$. Checked numerically:
    """),
    code("""
        var rng = new Random(seed);
        var logits10 = Enumerable.Range(0, 10).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        int label = 3;
        double[] SoftmaxD(double[] z) { var m = z.Max(); var ez = z.Select(v => Math.Exp(v - m)).ToArray(); var s = ez.Sum(); return ez.Select(v => v / s).ToArray(); }
        double CrossEntropy(double[] z) => -Math.Log(SoftmaxD(z)[label]);

        var p = SoftmaxD(logits10);
        Console.WriteLine(" k   p_k - y_k   finite difference");
        double worst = 0;
        for (int k = 0; k < 10; k++)
        {
            var plus = (double[])logits10.Clone(); plus[k] += 1e-6;
            var minus = (double[])logits10.Clone(); minus[k] -= 1e-6;
            double numeric = (CrossEntropy(plus) - CrossEntropy(minus)) / 2e-6;
            double analytic = p[k] - (k == label ? 1 : 0);
            worst = Math.Max(worst, Math.Abs(numeric - analytic));
            Console.WriteLine($"{k,2}  {analytic,10:F6}  {numeric,10:F6}");
        }
        Console.WriteLine($"largest difference: {worst:E1}");

        // The library's fused loss fills the gradient with (p - y) / B; with B = 1 that is p - y.
        var libraryGradient = new Matrix(1, 10);
        new SoftmaxCrossEntropy().Compute(new Matrix(1, 10, logits10.Select(v => (float)v).ToArray()), new[] { label }, libraryGradient);
        var libraryError = Enumerable.Range(0, 10).Max(k => Math.Abs(libraryGradient[0, k] - (p[k] - (k == label ? 1 : 0))));
        Console.WriteLine($"library gradient vs p - y: largest difference {libraryError:E1}");
        if (worst > 1e-6 || libraryError > 1e-5) throw new Exception("The softmax-cross-entropy gradient is not p - y.");
    """),
    md("""
        ## 3. Gradients of a linear layer and of an activation

        For $Z = XW + b$ (shapes $B \\times n$, $n \\times m$, $1 \\times m$), given $dZ = \\partial L / \\partial Z$
        ($B \\times m$), the chain rule applied entry by entry ($Z_{ij} = \\sum_k X_{ik} W_{kj} + b_j$) gives three
        matrix products — and the shapes tell you the order, because each gradient has its variable's shape:

        $$\\underbrace{dW}_{n \\times m} = \\underbrace{X^\\top}_{n \\times B}\\,\\underbrace{dZ}_{B \\times m}, \\qquad
        \\underbrace{db}_{1 \\times m} = \\sum_{i=1}^{B} dZ_{i,:}, \\qquad
        \\underbrace{dX}_{B \\times n} = \\underbrace{dZ}_{B \\times m}\\,\\underbrace{W^\\top}_{m \\times n}$$

        $dW$ and $db$ update the layer; $dX$ is passed back to the layer before, as its $dA$. An activation
        $A = f(Z)$ acts entry by entry, so its backward is an entry-by-entry product:
        $dZ = dA \\odot f'(Z)$ — for ReLU, $dA$ where $Z > 0$ and 0 elsewhere.

        ## 4. A full backward pass, written out

        A tiny network, 4 → 5 → 3, with ReLU, on a batch of 2. First with plain arrays and the formulas above,
        in double precision:
    """),
    code("""
        double[,] MatMul(double[,] A, double[,] B)
        {
            int n = A.GetLength(0), k = A.GetLength(1), m = B.GetLength(1);
            var C = new double[n, m];
            for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) for (int l = 0; l < k; l++) C[i, j] += A[i, l] * B[l, j];
            return C;
        }
        double[,] T(double[,] A)
        {
            var R = new double[A.GetLength(1), A.GetLength(0)];
            for (int i = 0; i < A.GetLength(0); i++) for (int j = 0; j < A.GetLength(1); j++) R[j, i] = A[i, j];
            return R;
        }
        double[,] AddRow(double[,] A, double[,] row) { var R = (double[,])A.Clone(); for (int i = 0; i < A.GetLength(0); i++) for (int j = 0; j < A.GetLength(1); j++) R[i, j] += row[0, j]; return R; }
        double[,] SumRows(double[,] A) { var R = new double[1, A.GetLength(1)]; for (int i = 0; i < A.GetLength(0); i++) for (int j = 0; j < A.GetLength(1); j++) R[0, j] += A[i, j]; return R; }
        double[,] D(Matrix m) { var R = new double[m.Rows, m.Cols]; for (int i = 0; i < m.Rows; i++) for (int j = 0; j < m.Cols; j++) R[i, j] = m[i, j]; return R; }

        var tiny = new Sequential(new Linear(4, 5, Init.He, new Random(seed)), new ReLU(), new Linear(5, 3, Init.Xavier, new Random(seed + 1)));
        var lin1 = (Linear)tiny.Layers[0];
        var lin2 = (Linear)tiny.Layers[2];
        var tinyX = new Matrix(2, 4, [0.5f, -1.0f, 2.0f, 0.1f, 1.5f, 0.3f, -0.7f, 0.9f]);
        int[] tinyLabels = [2, 0];

        // forward
        var X0 = D(tinyX);
        var Z1 = AddRow(MatMul(X0, D(lin1.Weights.Value)), D(lin1.Bias.Value));             // 2 x 5
        var A1 = new double[2, 5]; for (int i = 0; i < 2; i++) for (int j = 0; j < 5; j++) A1[i, j] = Math.Max(0, Z1[i, j]);
        var Z2 = AddRow(MatMul(A1, D(lin2.Weights.Value)), D(lin2.Bias.Value));             // 2 x 3
        // backward
        var dZ2 = new double[2, 3];
        for (int i = 0; i < 2; i++)
        {
            var pi = SoftmaxD(new[] { Z2[i, 0], Z2[i, 1], Z2[i, 2] });
            for (int k = 0; k < 3; k++) dZ2[i, k] = (pi[k] - (k == tinyLabels[i] ? 1 : 0)) / 2;   // (P - Y) / B
        }
        var dW2 = MatMul(T(A1), dZ2);                                                        // 5 x 3
        var db2 = SumRows(dZ2);                                                              // 1 x 3
        var dA1 = MatMul(dZ2, T(D(lin2.Weights.Value)));                                    // 2 x 5
        var dZ1 = new double[2, 5]; for (int i = 0; i < 2; i++) for (int j = 0; j < 5; j++) dZ1[i, j] = Z1[i, j] > 0 ? dA1[i, j] : 0;
        var dW1 = MatMul(T(X0), dZ1);                                                        // 4 x 5
        var db1 = SumRows(dZ1);                                                              // 1 x 5
        Console.WriteLine($"shapes: dW1 {dW1.GetLength(0)}x{dW1.GetLength(1)}, db1 1x{db1.GetLength(1)}, dW2 {dW2.GetLength(0)}x{dW2.GetLength(1)}, db2 1x{db2.GetLength(1)}");
    """),
    md("""
        Now the library: `Forward`, the fused loss fills $dZ_2$, and `Backward` runs the layers in reverse, each
        filling its parameters' `Gradient`. The numbers must be the same:
    """),
    code("""
        var tinyLogits = tiny.Forward(tinyX, training: true);
        var dLogits = new Matrix(2, 3);
        new SoftmaxCrossEntropy().Compute(tinyLogits, tinyLabels, dLogits);
        tiny.Backward(dLogits);

        double MaxDiff(double[,] mine, Matrix library) =>
            Enumerable.Range(0, library.Rows).SelectMany(i => Enumerable.Range(0, library.Cols).Select(j => Math.Abs(mine[i, j] - library[i, j]))).Max();
        var comparisons = new (string Name, double[,] Mine, Matrix Library)[]
        {
            ("dW1", dW1, lin1.Weights.Gradient), ("db1", db1, lin1.Bias.Gradient),
            ("dW2", dW2, lin2.Weights.Gradient), ("db2", db2, lin2.Bias.Gradient),
        };
        foreach (var (name, mine, library) in comparisons)
            Console.WriteLine($"{name}: largest difference by hand vs library {MaxDiff(mine, library):E1}");
        if (comparisons.Any(c => MaxDiff(c.Mine, c.Library) > 1e-5)) throw new Exception("The library's backward pass disagrees with the formulas.");
        Console.WriteLine($"dW1 by hand, first row: {string.Join(", ", Enumerable.Range(0, 5).Select(j => dW1[0, j].ToString("F5")))}");
    """),
    md("""
        ## 5. The gradient check

        Formulas can be wrong and code can be wrong; finite differences are slow but need no formulas. So we
        compare them on a few entries of every parameter — CS231n's *gradient check*. The measure is the
        **relative error**

        $$\\text{rel}(a, n) = \\frac{|a - n|}{\\max(|a|, |n|)}$$

        between the analytic gradient $a$ (backprop) and the numerical one $n$. The library computes in float32
        (about 7 significant digits), so the loss itself carries rounding errors of about $10^{-7}$, and dividing by
        $2\\varepsilon$ magnifies them: that is why `epsilon` is $10^{-2}$ here, not the $10^{-6}$ we used with
        doubles. In float32, errors up to about $10^{-2}$ (typically $10^{-4}$ to $10^{-3}$) mean the gradient is right;
        a bug gives errors near 1.

        We use tanh, which is smooth: at a ReLU kink a finite difference can straddle the corner and report a
        false alarm.
    """),
    code("""
        var checkRng = new Random(seed);
        var checkNet = new Sequential(new Linear(20, 16, Init.Xavier, checkRng), new Tanh(), new Linear(16, 10, Init.Xavier, checkRng));
        var checkX = new Matrix(8, 20);
        Gaussian.Fill(checkX.Span, 1.0, checkRng);
        var checkLabels = Enumerable.Range(0, 8).Select(i => i % 10).ToArray();
        var lossFn = new SoftmaxCrossEntropy();
        var scratch = new Matrix(8, 10);
        double LossNow() => lossFn.Compute(checkNet.Forward(checkX), checkLabels, scratch);

        // analytic gradients, copied before the finite differences run more forward passes
        var grad = new Matrix(8, 10);
        lossFn.Compute(checkNet.Forward(checkX, training: true), checkLabels, grad);
        checkNet.Backward(grad);
        var analytic = checkNet.Parameters.Select(q => q.Gradient.Span.ToArray()).ToArray();

        var names = new List<string>();
        var worstErrors = new List<double>();
        Console.WriteLine("parameter  shape    checked  max rel. error  mean rel. error");
        for (int q = 0; q < checkNet.Parameters.Count; q++)
        {
            var parameter = checkNet.Parameters[q];
            var values = parameter.Value.Data;
            var errors = new List<double>();
            foreach (var i in Enumerable.Range(0, parameter.Value.Length).OrderBy(_ => checkRng.Next()).Take(checksPerParameter))
            {
                float saved = values[i];
                values[i] = (float)(saved + epsilon); double plus = LossNow();
                values[i] = (float)(saved - epsilon); double minus = LossNow();
                values[i] = saved;
                double numeric = (plus - minus) / (2 * epsilon);
                double a = analytic[q][i];
                errors.Add(Math.Abs(a - numeric) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(numeric)), 1e-8));
            }
            var name = $"{parameter.Name}{q / 2 + 1}";
            names.Add(name);
            worstErrors.Add(errors.Max());
            Console.WriteLine($"{name,-9}  {parameter.Value.Shape,-7}  {errors.Count,7}  {errors.Max(),14:E2}  {errors.Average(),15:E2}");
        }
        // A wrong gradient gives errors near 1 (see below); float32 rounding alone stays well under 5e-2.
        if (worstErrors.Max() > 5e-2) throw new Exception($"Gradient check failed: relative error {worstErrors.Max():E2}.");
        Charts.RelativeErrors(names, worstErrors, title: "Gradient check of a 20-16-10 tanh network (float32)")
    """),
    md("""
        What does a bug look like? Forget the $1/B$ in $dZ = (P - Y)/B$ and every analytic gradient is $B$ times too
        large; the relative error jumps to $(B - 1)/B$:
    """),
    code("""
        var buggy = analytic[0].Select(v => v * 8).ToArray();   // as if the loss had not divided by B = 8
        var weights0 = checkNet.Parameters[0].Value.Data;
        int probe = 0;
        float keep = weights0[probe];
        weights0[probe] = (float)(keep + epsilon); double up = LossNow();
        weights0[probe] = (float)(keep - epsilon); double down = LossNow();
        weights0[probe] = keep;
        double finite = (up - down) / (2 * epsilon);
        Console.WriteLine($"W1[0]: correct {analytic[0][probe]:E3}, buggy {buggy[probe]:E3}, finite difference {finite:E3}");
        Console.WriteLine($"relative error of the buggy gradient: {Math.Abs(buggy[probe] - finite) / Math.Max(Math.Abs(buggy[probe]), Math.Abs(finite)):F3}");
    """),
    md("""
        ## 6. One step downhill

        The gradient points in the direction in which the loss rises fastest, so a small step against it lowers
        the loss. For every parameter $\\theta$:

        $$\\theta \\leftarrow \\theta - \\eta \\, \\frac{\\partial L}{\\partial \\theta}$$

        To first order the loss falls by $\\eta\\, \\lVert g \\rVert^2$, where $\\lVert g \\rVert^2$ is the sum of all squared
        gradient entries. The chart walks along that direction on a real batch of digits: for small $\\eta$ the loss
        follows the straight first-order prediction; for large $\\eta$ it curves up again — that is why the learning
        rate matters (chapter 4).
    """),
    code("""
        var (train, _) = Mnist.Load();
        var stepBatch = train.Take(batchSize);
        var net = Sequential.Mlp(784, [128, 64], 10, seed: seed);
        var ce = new SoftmaxCrossEntropy();
        var dOut = new Matrix(batchSize, 10);
        double lossBefore = ce.Compute(net.Forward(stepBatch.Images, training: true), stepBatch.Labels, dOut);
        net.Backward(dOut);

        var start = net.Parameters.Select(q => q.Value.Span.ToArray()).ToArray();
        var g = net.Parameters.Select(q => q.Gradient.Span.ToArray()).ToArray();
        double gradNormSquared = g.Sum(v => v.Sum(x => (double)x * x));
        double LossAt(double eta)
        {
            for (int q = 0; q < start.Length; q++)
            {
                var v = net.Parameters[q].Value.Data;
                for (int i = 0; i < start[q].Length; i++) v[i] = (float)(start[q][i] - eta * g[q][i]);
            }
            return ce.Compute(net.Forward(stepBatch.Images), stepBatch.Labels, dOut);
        }
        var etas = Enumerable.Range(0, 41).Select(i => i * 0.1).ToArray();
        var losses = etas.Select(LossAt).ToArray();
        LossAt(0);                                             // back to the starting weights
        Chart.Combine(new[]
        {
            Chart.Line<double, double, string>(x: etas, y: losses, Name: "loss after one step of size η", ShowMarkers: true),
            Chart.Line<double, double, string>(x: etas, y: etas.Select(eta => lossBefore - eta * gradNormSquared).ToArray(), Name: "first-order prediction L - η‖g‖²"),
        })
        .WithTitleText("One gradient step on a batch of digits", $"‖g‖² = {gradNormSquared:F3}")
        .WithXAxis("step size η").WithYAxis("loss on the batch", more: [("range", new[] { 0.0, lossBefore * 1.2 })])
    """),
    md("""
        The library's `Sgd` optimiser takes exactly this step for every parameter:
    """),
    code("""
        new Sgd(learningRate).Step(net.Parameters);
        double lossAfter = ce.Compute(net.Forward(stepBatch.Images), stepBatch.Labels, dOut);
        Console.WriteLine($"loss before {lossBefore:F4}, after one SGD step with η = {learningRate}: {lossAfter:F4} (predicted {LossAt(learningRate):F4})");
        if (!(lossAfter < lossBefore)) throw new Exception("One gradient step should lower the loss.");
    """),
    md("""
        ## Summary

        - Backprop is the chain rule applied from the loss backwards, reusing each step's result.
        - Softmax + cross-entropy has the gradient $p - y$ with respect to the logits (divided by $B$ for a batch mean).
        - A linear layer: $dW = X^\\top dZ$, $db = \\sum_i dZ_i$, $dX = dZ\\,W^\\top$; an activation: $dZ = dA \\odot f'(Z)$.
        - Always gradient-check new layers against finite differences; in float32 expect relative errors of $10^{-4}$ to $10^{-2}$.
        - A small step against the gradient lowers the loss; too large a step overshoots.

        ## Try this

        1. Set `w1 = -0.8` in section 1. What is $\\partial L / \\partial w_1$ now, and why? (This is a "dead" ReLU.)
        2. Run the gradient check with `epsilon = 1e-4` and then `1e-1`. Which is worse, and why (rounding vs the
           curvature the central difference ignores)?
        3. Replace `new Tanh()` in the gradient-check network by `new ReLU()`. Do you see occasional large errors?
        4. In section 2, make the network more confident in the right class (raise `logits10[label]` by 5). What happens to
           $p - y$, and so to how much an already-right example teaches the network?
        5. Find the largest `learningRate` for which one step still lowers the loss on the batch.

        Next: **chapter 4** repeats that step thousands of times — training.
    """),
]
