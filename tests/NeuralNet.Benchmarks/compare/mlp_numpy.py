#!/usr/bin/env python3
"""NumPy peer for the MLP epoch benchmark (issue 6): the same 784-128-64-10 ReLU network, Adam(lr 1e-3),
softmax cross-entropy, written from scratch with vectorised float32 NumPy (the products go to BLAS; the
element-wise work writes into preallocated arrays where NumPy allows). Like PyTorch it skips the input
gradient of the first layer, which no one needs.

    OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=2 /usr/bin/python3 mlp_numpy.py --data DIR --batch 64 --threads 2

--threads sets OpenBLAS's threads through threadpoolctl-free means: it must be exported as
OMP_NUM_THREADS/OPENBLAS_NUM_THREADS before NumPy loads, which this script does itself.
"""
import argparse, os, sys, time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--gemm", action="store_true")
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import numpy as np
    from mnist_idx import load, loaded_blas
    if args.gemm:
        return gemm(args, np)

    x_train, y_train, x_test, y_test = load(args.data)
    rng = np.random.default_rng(args.seed)
    sizes = [784, 128, 64, 10]
    W, b = [], []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i < 2:
            W.append((rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32))
        else:
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            W.append(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32))
        b.append(np.zeros(fan_out, np.float32))
    params = W + b
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps, lr = np.float32(0.9), np.float32(0.999), 1e-8, 1e-3
    t = 0
    n = x_train.shape[0]
    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = rng.permutation(n)
        for first in range(0, n, args.batch):
            index = order[first:first + args.batch]
            x = x_train[index]
            y = y_train[index]
            rows = x.shape[0]
            # forward
            z1 = x @ W[0]; z1 += b[0]; a1 = np.maximum(z1, 0, out=z1)
            z2 = a1 @ W[1]; z2 += b[1]; a2 = np.maximum(z2, 0, out=z2)
            z3 = a2 @ W[2]; z3 += b[2]
            # softmax cross-entropy: dZ = (p − y) / B
            z3 -= z3.max(axis=1, keepdims=True)
            np.exp(z3, out=z3)
            z3 /= z3.sum(axis=1, keepdims=True)
            z3[np.arange(rows), y] -= 1.0
            z3 /= rows
            d3 = z3
            # backward
            grads = [None] * 6
            grads[2] = a2.T @ d3; grads[5] = d3.sum(axis=0)
            d2 = d3 @ W[2].T; d2 *= (a2 > 0)
            grads[1] = a1.T @ d2; grads[4] = d2.sum(axis=0)
            d1 = d2 @ W[1].T; d1 *= (a1 > 0)
            grads[0] = x.T @ d1; grads[3] = d1.sum(axis=0)
            # Adam
            t += 1
            step = np.float32(lr * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t))
            eps_hat = np.float32(eps * np.sqrt(1 - 0.999 ** t))
            for p, g, mi, vi in zip(params, grads, m, v):
                mi *= beta1; mi += (1 - beta1) * g
                vi *= beta2; vi += (1 - beta2) * (g * g)
                denom = np.sqrt(vi); denom += eps_hat
                p -= step * mi / denom
        seconds.append(time.perf_counter() - start)

    h = np.maximum(x_test @ W[0] + b[0], 0)
    h = np.maximum(h @ W[1] + b[1], 0)
    accuracy = float(((h @ W[2] + b[2]).argmax(axis=1) == y_test).mean())
    median = float(np.median(seconds))
    epochs = ",".join(f"{s:.4f}" for s in seconds)
    print(f"RESULT peer=numpy batch={args.batch} threads={args.threads} epochs={args.epochs} median_s={median:.4f} "
          f"best_s={min(seconds):.4f} test_acc={accuracy:.4f} epoch_s={epochs} version={np.__version__} blas={loaded_blas()}", flush=True)


def gemm(args, np):
    from mlp_torch_shapes import SHAPES, best_gflops
    rng = np.random.default_rng(1)
    for name, op, m, n, k in SHAPES:
        a = rng.random((k, m) if op == "A" else (m, k), dtype=np.float32)
        bm = rng.random((n, k) if op == "B" else (k, n), dtype=np.float32)
        f = {"N": lambda: a @ bm, "A": lambda: a.T @ bm, "B": lambda: a @ bm.T}[op]
        print(f"RESULT gemm peer=numpy threads={args.threads} shape=\"{name}\" gflops={best_gflops(f, m, n, k):.1f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
