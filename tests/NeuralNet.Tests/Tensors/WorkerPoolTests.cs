using NeuralNet.Tensors;

namespace NeuralNet.Tests.Tensors;

public class WorkerPoolTests
{
    [Fact]
    public void A_kernel_started_inside_a_block_runs_on_that_thread_and_gives_the_same_result()
    {
        // Adam on 64K weights is split over the pool; here it is started from inside ParallelRange blocks,
        // one of which runs on the thread that started the outer job (the pool's lock is re-entrant for it).
        const int length = 64 * 1024;
        var random = new Random(3);
        float[] gradient = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var coefficients = AdamCoefficients.ForStep(1e-3, 0.9, 0.999, 1e-8, 1);
        float[] expected = new float[length], expectedM = new float[length], expectedV = new float[length];
        VectorKernels.AdamScalar(expected, gradient, expectedM, expectedV, coefficients);

        int saved = ComputeSettings.ThreadCount;
        ComputeSettings.ThreadCount = 2;
        try
        {
            for (int repeat = 0; repeat < 50; repeat++)
            {
                float[][] weights = new float[4][];
                ParallelRange.ForBlocks(4, block =>
                {
                    float[] w = new float[length], m = new float[length], v = new float[length];
                    VectorKernels.Adam(w, gradient, m, v, coefficients);
                    weights[block] = w;
                });
                foreach (float[] w in weights) Assert.Equal(expected, w);
            }
        }
        finally
        {
            ComputeSettings.ThreadCount = saved;
        }
    }
}
