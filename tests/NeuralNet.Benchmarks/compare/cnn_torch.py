#!/usr/bin/env python3
"""PyTorch peer for the CNN epoch benchmark (issue 7).

Trains the chapter-06 CNN on MNIST with PyTorch's CPU build and prints seconds per epoch and test
accuracy, so the C# figures can be put side by side with it in the same run.

    Conv 5x5x16 (padding 2) - ReLU - max-pool 2 - Conv 5x5x32 (padding 2) - ReLU - max-pool 2
    - Dense 128 - ReLU - Dense 10,  Adam(lr 1e-3), batch 64, softmax cross-entropy.

Run it the way the numbers in the notes were measured (Debian 12: python3-torch 1.13, libopenblas0-openmp):

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 cnn_torch.py --data <dir with MNIST idx(.gz)>

or through compare_cnn.sh, which alternates it with ours.

OpenBLAS 0.3.21 misdetects AVX-512 CPUs and falls back to SSE3 kernels without OPENBLAS_CORETYPE; the
convolutions themselves run in oneDNN. Two thread pools side by side make it several times slower, so
torch.set_num_threads is the only thread setting.
"""
import argparse, os, sys, time

import numpy as np
import torch
import torch.nn as nn

from mnist_idx import load, loaded_blas


def model(padding):
    side = 28
    side = (side + 2 * padding - 4) // 2
    side = (side + 2 * padding - 4) // 2
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=padding), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=padding), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * side * side, 128), nn.ReLU(), nn.Linear(128, 10))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../../data/mnist"))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--padding", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N images only (quick checks)")
    parser.add_argument("--peer", default="torch", help="name in the RESULT line")
    parser.add_argument("--window", type=int, default=50, help="batches per timing window (best window scaled to an epoch)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, y_train, x_test, y_test = (torch.from_numpy(a) for a in load(args.data))
    x_train, x_test = x_train.reshape(-1, 1, 28, 28), x_test.reshape(-1, 1, 28, 28)
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]

    net = model(args.padding)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    seconds = []
    best_window = float("inf")
    batches = -(-60000 // args.batch)  # windows are scaled to a full MNIST epoch
    for epoch in range(1, args.epochs + 1):
        net.train()
        order = torch.randperm(len(x_train))
        start = time.perf_counter()
        window_start = start
        for step, i in enumerate(range(0, len(x_train), args.batch), 1):
            idx = order[i:i + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(net(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            if step % args.window == 0:
                now = time.perf_counter()
                best_window = min(best_window, now - window_start)
                window_start = now
        seconds.append(time.perf_counter() - start)
        net.eval()
        with torch.no_grad():
            correct = sum((net(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
                          for i in range(0, len(x_test), 1000))
        accuracy = correct / len(x_test)
        print(f"epoch {epoch}: {seconds[-1]:.2f} s, test accuracy {accuracy:.4f}", file=sys.stderr, flush=True)
    epochs = ",".join(f"{s:.3f}" for s in seconds)
    print(f"RESULT peer={args.peer} model=cnn padding={args.padding} images={len(x_train)} batch={args.batch} threads={args.threads} epochs={args.epochs} "
          f"median_s={float(np.median(seconds)):.3f} best_s={min(seconds):.3f} test_acc={accuracy:.4f} epoch_s={epochs} "
          f"best_window_epoch_s={best_window / args.window * batches:.3f} version={torch.__version__} blas={loaded_blas()}", flush=True)


if __name__ == "__main__":
    main()
