#!/usr/bin/env python3
"""Reads compare.sh's log and prints the tables: seconds per epoch (median over rounds of each run's
median epoch), accuracy after the last epoch, ratios to ours, and GFLOP/s of the products."""
import re, statistics, sys
from collections import defaultdict

pair = re.compile(r'(\w+)=("[^"]*"|\S+)')
epochs, accuracy, gemm, blas = defaultdict(list), defaultdict(list), defaultdict(list), {}
for line in open(sys.argv[1]):
    if line.startswith(("MACHINE", "PEERS", "PEER BLAS")):
        print(line.rstrip())
    if not line.startswith("RESULT"):
        continue
    f = {k: v.strip('"') for k, v in pair.findall(line)}
    if line.startswith("RESULT gemm"):
        gemm[(f["shape"], f["peer"], int(f["threads"]))].append(float(f["gflops"]))
        continue
    # "auto" (ours only: the trainer picks 1 or all cores) sorts after the numbers.
    key = (f["peer"], int(f["batch"]), int(f["threads"]) if f["threads"].isdigit() else 99)
    epochs[key].append(float(f["median_s"]))
    if f["test_acc"] != "nan":
        accuracy[key].append(float(f["test_acc"]))
    if "blas" in f:
        blas[f["peer"]] = f["blas"]

peers = sorted({k[0] for k in epochs}, key=lambda p: (p != "ours", p))
cells = sorted({(k[1], k[2]) for k in epochs})
med = {k: statistics.median(v) for k, v in epochs.items()}

print("\n## Seconds per epoch (median over rounds; accuracy after the last epoch in brackets)\n")
print("| batch | threads | " + " | ".join(peers) + " | fastest peer / ours |")
print("|---|---|" + "---|" * len(peers) + "---|")
for batch, threads in cells:
    row = []
    for p in peers:
        k = (p, batch, threads)
        if k not in med:
            row.append("–")
        elif med[k] == float("inf"):
            row.append(f"timed out")
        else:
            row.append(f"{med[k]:.3f} ({statistics.mean(accuracy[k]) * 100:.2f}%)" if accuracy[k] else f"{med[k]:.3f}")
    others = [med[(p, batch, threads)] for p in peers if p != "ours" and (p, batch, threads) in med]
    ratio = f"{min(others) / med[('ours', batch, threads)]:.2f}x" if others and min(others) < float("inf") and ("ours", batch, threads) in med else "–"
    print(f"| {batch} | {'auto' if threads == 99 else threads} | " + " | ".join(row) + f" | {ratio} |")

print("\n## Each at its best thread count\n")
print("| batch | " + " | ".join(peers) + " | fastest peer / ours |")
print("|---|" + "---|" * len(peers) + "---|")
for batch in sorted({c[0] for c in cells}):
    best = {p: min((med[k], k[2]) for k in med if k[0] == p and k[1] == batch) for p in peers if any(k[0] == p and k[1] == batch for k in med)}
    row = [("timed out" if best[p][0] == float("inf") else f"{best[p][0]:.3f} s ({best[p][1]}t)") if p in best else "–" for p in peers]
    others = [best[p][0] for p in best if p != "ours"]
    ratio = f"**{min(others) / best['ours'][0]:.2f}x**" if others and min(others) < float("inf") and "ours" in best else "–"
    print(f"| {batch} | " + " | ".join(row) + f" | {ratio} |")

if gemm:
    gpeers = sorted({k[1] for k in gemm}, key=lambda p: (p != "ours", p))
    gthreads = sorted({k[2] for k in gemm})
    shapes = list(dict.fromkeys(k[0] for k in gemm))
    print("\n## GFLOP/s of the products (best of 7)\n")
    cols = [(p, t) for t in gthreads for p in gpeers]
    print("| product | " + " | ".join(f"{p} {t}t" for p, t in cols) + " |")
    print("|---|" + "---|" * len(cols))
    for s in shapes:
        print(f"| {s} | " + " | ".join(f"{max(gemm[(s, p, t)]):.0f}" if (s, p, t) in gemm else "–" for p, t in cols) + " |")

if blas:
    print("\nBLAS loaded: " + "; ".join(f"{p}: {b}" for p, b in sorted(blas.items())))
