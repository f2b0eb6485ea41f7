#!/usr/bin/env python3
"""PyTorch peer for the MLP epoch benchmark (issue 6): 784-128-64-10 ReLU, Adam(lr 1e-3), softmax
cross-entropy, He-normal hidden layers and a Xavier-uniform output layer with zero biases (as ours).

Each epoch: a fresh permutation, batches gathered by index, forward, loss, backward, Adam step. Prints
one RESULT line with the seconds of every epoch and the test accuracy after the last one.

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 mlp_torch.py --data DIR --batch 64 --threads 2

Debian's python3-torch 1.13 runs its products in the system BLAS: install libopenblas0-openmp (otherwise
the reference BLAS, about 8x slower) and set OPENBLAS_CORETYPE=SkylakeX (OpenBLAS 0.3.21 misdetects this
CPU and falls back to SSE3 kernels). torch.set_num_threads is the only thread setting: the OpenMP
OpenBLAS shares torch's OpenMP pool.
"""
import argparse, json, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from mnist_idx import load, loaded_blas
from mlp_torch_shapes import SHAPES, best_gflops


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--gemm", action="store_true", help="time the products instead of training")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.gemm:
        return gemm(args)

    x_train, y_train, x_test, y_test = (torch.from_numpy(a) for a in load(args.data))
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    with torch.no_grad():
        for layer in (model[0], model[2]):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            layer.bias.zero_()
        nn.init.xavier_uniform_(model[4].weight)
        model[4].bias.zero_()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    n = x_train.shape[0]
    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        for first in range(0, n, args.batch):
            index = order[first:first + args.batch]
            xb, yb = x_train[index], y_train[index]
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)

    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    report("torch", args, seconds, accuracy, torch.__version__)


def gemm(args):
    for name, op, m, n, k in SHAPES:
        a = torch.rand(k, m) if op == "A" else torch.rand(m, k)
        b = torch.rand(n, k) if op == "B" else torch.rand(k, n)
        f = {"N": lambda: torch.mm(a, b), "A": lambda: torch.mm(a.t(), b), "B": lambda: torch.mm(a, b.t())}[op]
        print(f"RESULT gemm peer=torch threads={args.threads} shape=\"{name}\" gflops={best_gflops(f, m, n, k):.1f}", flush=True)


def report(peer, args, seconds, accuracy, version):
    median = float(np.median(seconds))
    epochs = ",".join(f"{s:.4f}" for s in seconds)
    print(f"RESULT peer={peer} batch={args.batch} threads={args.threads} epochs={args.epochs} median_s={median:.4f} "
          f"best_s={min(seconds):.4f} test_acc={accuracy:.4f} epoch_s={epochs} version={version} blas={loaded_blas()}", flush=True)


if __name__ == "__main__":
    main()
