using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Engine;

/// <summary>
/// A <see cref="Linear"/> layer, and the <see cref="ReLU"/> after it if there is one, in one pass each way:
/// a = max(X·W + b, 0) with each tile rectified while still in registers, and in the backward pass
/// dX = dZ·Wᵀ multiplied by the ReLU derivative of the step before (if that step ends with one) in the same
/// product. The same bits as the layers one by one.
/// </summary>
internal sealed class DenseStep(Linear linear, bool rectify, PlanStep? before) : PlanStep
{
    private Matrix? input;           // X of the last forward pass, for dW
    private Matrix? output;          // Z, or a = max(Z, 0)
    private Matrix? maskedGradient;  // dZ = dA ⊙ [a > 0] when the next step did not apply the mask
    private Matrix? inputGradient;   // dX

    /// <inheritdoc/>
    public override int LayerCount => rectify ? 2 : 1;

    /// <summary>Whether a ReLU follows the Linear layer in this step.</summary>
    public bool Rectifies => rectify;

    /// <inheritdoc/>
    public override Matrix? RectifiedOutput => rectify ? output : null;

    /// <inheritdoc/>
    public override Matrix Forward(Matrix x, bool training)
    {
        if (x.Cols != linear.Inputs)
            throw new ShapeMismatchException($"{linear.Name} expects input batch x {linear.Inputs} but got {x.Shape}.");
        input = x;
        Matrix a = Matrix.Ensure(ref output, x.Rows, linear.Outputs);
        // a = max(X·W + b, 0), or Z = X·W + b without a ReLU: z itself is not kept, as a > 0 exactly where z > 0
        // (On two threads the cores share the inner sum, each reading the half of W it also updates: ProductSplit.)
        Gemm.MultiplyAddRow(x, linear.Weights.Value, linear.Bias.Value, a, rectify, ProductSplit.InnerPipeline);
        return a;
    }

    /// <inheritdoc/>
    public override Matrix Backward(Matrix outputGradient, bool needInputGradient)
    {
        Matrix x = input ?? throw new InvalidOperationException($"{linear.Name}: Backward called before Forward.");
        if (outputGradient.Rows != x.Rows || outputGradient.Cols != linear.Outputs)
            throw new ShapeMismatchException($"{linear.Name}: gradient must be {x.Rows}x{linear.Outputs}, got {outputGradient.Shape}.");
        Matrix dz = outputGradient;
        if (rectify && !GradientArrivesMasked)
        {
            // dZ = dA ⊙ [a > 0], as the ReLU layer's own backward pass
            dz = Matrix.Ensure(ref maskedGradient, x.Rows, linear.Outputs);
            VectorKernels.ReluBackward(output!.Span, outputGradient.Span, dz.Span);
        }
        Gemm.MultiplyTransposeA(x, dz, linear.Weights.Gradient);   // dW = Xᵀ·dZ
        MatrixOps.SumColumns(dz, linear.Bias.Gradient);            // db = Σ over the batch of dZ
        if (!needInputGradient) return Matrix.Ensure(ref inputGradient, 0, 0);
        Matrix dx = Matrix.Ensure(ref inputGradient, x.Rows, linear.Inputs);
        // dX = dZ·Wᵀ, times the ReLU derivative [a > 0] of the step before when it ends with one
        if (before?.RectifiedOutput is { } previousOutput) Gemm.MultiplyTransposeB(dz, linear.Weights.Value, dx, positiveWhere: previousOutput);
        else Gemm.MultiplyTransposeB(dz, linear.Weights.Value, dx);
        return dx;
    }
}
