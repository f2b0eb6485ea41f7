using NeuralNet.Layers;
using NeuralNet.Tensors;
using LayerGradientCheck = NeuralNet.Exercises.GradientCheck;

namespace NeuralNet.Tests.Exercises;

public class GradientCheckTests
{
    [Fact]
    public void Every_image_layer_passes_the_public_gradient_check()
    {
        var shape = new ImageShape(2, 6, 6);
        // Distinct values 0.025 apart: a step of ±h = 0.01 never changes which value wins a pooling window.
        int[] order = Enumerable.Range(0, 3 * shape.Size).ToArray();
        new Random(2).Shuffle(order);
        var input = new Matrix(3, shape.Size, order.Select(i => (i - order.Length / 2) * 0.025f).ToArray());
        var conv = new Conv2D(shape, filters: 3, kernelSize: 3, padding: 1, random: new Random(3));

        var rows = LayerGradientCheck.Layer(conv, input)
            .Concat(LayerGradientCheck.Layer(new MaxPool2D(shape, size: 2), input))
            .Concat(LayerGradientCheck.Layer(new BatchNorm(shape), input))
            .Concat(LayerGradientCheck.Layer(new Dropout(0.5, seed: 4), input, recreate: () => new Dropout(0.5, seed: 4)))
            .ToList();

        Assert.Equal(3 + 1 + 3 + 1, rows.Count); // conv: x, W, b; pool: x; batch norm: x, γ, β; dropout: x
        Assert.All(rows, r => Assert.True(r.MaxRelativeError < 1e-2, $"{r.Name}: {r.MaxRelativeError:E2}"));
    }

    [Fact]
    public void A_wrong_backward_is_caught()
    {
        IReadOnlyList<NeuralNet.Exercises.GradientCheckRow> rows = LayerGradientCheck.Layer(new DoublingReLU(), GradientCheck.RandomMatrix(2, 5, new Random(1), avoidBelow: 0.1f));

        Assert.True(rows[0].MaxRelativeError > 0.3, $"{rows[0].MaxRelativeError}");
    }

    [Fact]
    public void Recreate_is_refused_for_a_layer_with_parameters()
    {
        var layer = new Linear(3, 2);

        Assert.Throws<ArgumentException>(() => LayerGradientCheck.Layer(layer, new Matrix(1, 3), recreate: () => new Linear(3, 2)));
    }

    /// <summary>ReLU whose backward pass is twice too large: a bug the check must see.</summary>
    private sealed class DoublingReLU : ILayer
    {
        private readonly ReLU inner = new();
        public string Name => "DoublingReLU";
        public int? InputSize => null;
        public int OutputSizeFor(int inputSize) => inputSize;
        public Matrix Forward(Matrix input, bool training = false) => inner.Forward(input, training);
        public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
        {
            Matrix dx = inner.Backward(outputGradient, needInputGradient);
            foreach (ref float v in dx.Span) v *= 2;
            return dx;
        }
        public IReadOnlyList<Parameter> Parameters => [];
        public LayerSpec Spec => inner.Spec;
    }
}
