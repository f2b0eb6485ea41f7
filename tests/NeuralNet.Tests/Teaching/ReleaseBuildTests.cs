using NeuralNet.Teaching;

namespace NeuralNet.Tests.Teaching;

/// <summary>Chapter 7's route to timing a learner's kernel with the optimiser on.</summary>
public class ReleaseBuildTests
{
    private const string LoopOrder = """
        static void Multiply(float[] A, float[] B, float[] C, int m, int k, int n)
        {
            Array.Clear(C);
            for (int i = 0; i < m; i++)
                for (int p = 0; p < k; p++)
                    for (int j = 0; j < n; j++) C[i * n + j] += A[i * k + p] * B[p * n + j];
        }
        """;

    [Fact]
    public void TimeKernel_builds_checks_times_and_lists_the_kernel()
    {
        ReleaseTiming timing = ReleaseBuild.TimeKernel(LoopOrder, size: 32, runs: 3, listing: true);

        Assert.True(timing.Correct);
        Assert.Equal(3, timing.Gflops.Values.Count);
        Assert.True(timing.Gflops.Min > 0);
        Assert.Contains("Multiply", timing.Listing);
        Assert.Contains("FullOpts", timing.Listing);   // the optimising JIT compiled it
    }

    [Fact]
    public void TimeKernel_reports_a_wrong_product_and_a_compile_error()
    {
        ReleaseTiming wrong = ReleaseBuild.TimeKernel(LoopOrder.Replace("Array.Clear(C);", ""), size: 8, runs: 1);
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => ReleaseBuild.TimeKernel("static void Multiply(", size: 8, runs: 1));

        Assert.False(wrong.Correct);   // C arrives holding old values
        Assert.Contains("did not compile", error.Message);
    }

    [Fact]
    public void Code_compiled_in_Release_runs_with_the_JIT_optimiser_on()
    {
        Action<NeuralNet.Tensors.Matrix, NeuralNet.Tensors.Matrix, NeuralNet.Tensors.Matrix> kernel = LoopOrderGemm.Multiply;

        Assert.False(ReleaseBuild.IsJitOptimizerDisabled(kernel));
    }
}
