"""The products the comparison times (the MLP's own, then squares) and a best-of-7 timer."""
import time


SHAPES = [
    ("fwd1 64x784*784x128", "N", 64, 128, 784),
    ("dW1 784x64*64x128", "A", 784, 128, 64),
    ("dX1 64x128*128x784", "B", 64, 784, 128),
    ("fwd1 256x784*784x128", "N", 256, 128, 784),
    ("square 256", "N", 256, 256, 256),
    ("square 512", "N", 512, 512, 512),
    ("square 1024", "N", 1024, 1024, 1024),
    ("square 2048", "N", 2048, 2048, 2048),
]


def best_gflops(f, m, n, k):
    flops = 2.0 * m * n * k
    reps = int(min(max(2e8 / flops, 1), 20000))
    best = float("inf")
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(reps):
            f()
        best = min(best, (time.perf_counter() - start) / reps)
    return flops / best / 1e9
