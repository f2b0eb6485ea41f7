using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>The shape check all the teaching kernels share: A (m x k) times B (k x n) into C (m x n).</summary>
internal static class TeachingShapes
{
    public static void Require(Matrix a, Matrix b, Matrix c)
    {
        if (a.Cols != b.Rows)
            throw new ArgumentException($"A·B: inner dimensions differ (A is {a.Shape}, B is {b.Shape}).", nameof(b));
        if (c.Rows != a.Rows || c.Cols != b.Cols)
            throw new ArgumentException($"A·B: C must be {a.Rows}x{b.Cols} for A {a.Shape} and B {b.Shape}, but is {c.Shape}.", nameof(c));
    }
}
