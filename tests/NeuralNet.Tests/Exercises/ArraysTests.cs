using NeuralNet.Exercises;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Exercises;

public class ArraysTests
{
    [Fact]
    public void The_helpers_compute_the_textbook_formulas()
    {
        double[,] a = { { 1, 2 }, { 3, 4 }, { 5, 6 } }, b = { { 1, 0, -1 }, { 2, 1, 0 } };

        Assert.Equal(new double[,] { { 5, 2, -1 }, { 11, 4, -3 }, { 17, 6, -5 } }, Arrays.MatMul(a, b));
        Assert.Equal(new double[,] { { 1, 3, 5 }, { 2, 4, 6 } }, Arrays.T(a));
        Assert.Equal(new double[,] { { 11, 22 }, { 13, 24 }, { 15, 26 } }, Arrays.AddRow(a, new double[,] { { 10, 20 } }));
        Assert.Equal(new double[,] { { 9, 12 } }, Arrays.SumRows(a));
        Assert.Equal(new double[,] { { 0, 2 }, { 0, 4 }, { 0, 6 } }, Arrays.Map(a, v => v % 2 == 0 ? v : 0));
        Assert.Equal(0.5, Arrays.MaxDifference(a, new Matrix(3, 2, [1, 2, 3, 4.5f, 5, 6])));
        Assert.Throws<ArgumentException>(() => Arrays.MatMul(a, a));
    }
}
