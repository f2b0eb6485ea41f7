#!/usr/bin/env bash
# Side-by-side CNN epoch benchmark (issue 7): ours vs PyTorch on the chapter-06 CNN, alternating runs.
#
#   tests/NeuralNet.Benchmarks/compare/compare_cnn.sh [--rounds 2] [--epochs 3] [--threads 2] [--batch 64] [--limit N]
#
# --limit N trains each "epoch" on the first N images only (a quick run); the best-window figure is still
# scaled to a full 60,000-image epoch.
#
# Network: Conv 5x5x16 (pad 2) - ReLU - max-pool 2 - Conv 5x5x32 (pad 2) - ReLU - max-pool 2 - Dense 128 -
# ReLU - Dense 10, Adam(lr 1e-3), softmax cross-entropy, MNIST, shuffled every epoch.
# Each round runs both peers, in a rotated order, so machine load hits both alike; the summary takes the
# median over rounds of each run's median epoch time. PyTorch at its best: apt-get install python3-torch
# libopenblas0-openmp; OPENBLAS_CORETYPE=SkylakeX; torch.set_num_threads(n) (convolutions run in oneDNN).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
rounds=2 epochs=3 threads=2 batch=64 limit=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;;
    --epochs) epochs=$2; shift 2;;
    --threads) threads=$2; shift 2;;
    --batch) batch=$2; shift 2;;
    --limit) limit=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
data=${NEURALNET_DATA:-$root/data}/mnist
py=/usr/bin/python3
export OPENBLAS_CORETYPE=SkylakeX
# Load the OpenMP OpenBLAS explicitly: with libopenblas0-pthread installed it becomes the system libblas.so.3, and
# PyTorch then runs OpenBLAS's pthread pool beside its own OpenMP pool and collapses on two threads (2.5 s per
# MLP epoch instead of 0.6). Each peer's RESULT line names the BLAS it actually mapped.
openmp_blas=$(dpkg -L libopenblas0-openmp 2>/dev/null | grep '/libblas\.so\.3$' | head -n 1 || true)
if [ -n "$openmp_blas" ]; then
  peer_env=(env "LD_LIBRARY_PATH=$(dirname "$openmp_blas")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
else
  echo "warning: libopenblas0-openmp is not installed; the Python peers use whatever libblas.so.3 the system has" >&2
  peer_env=(env)
fi
log=${COMPARE_LOG:-$(mktemp /tmp/compare_cnn.XXXXXX.log)}

dotnet build "$root/tests/NeuralNet.Benchmarks" -c Release -v q -nologo >/dev/null
peers=(ours torch torch-passive)
$py -c "import torch" 2>/dev/null || { echo "skipping torch (python3-torch not installed)"; peers=(ours); }

run_peer() {
  case "$1" in
    ours) dotnet "$root/tests/NeuralNet.Benchmarks/bin/Release/net10.0/NeuralNet.Benchmarks.dll" cnn --data "$data" --batch "$batch" --threads "$threads" --epochs "$epochs" --limit "$limit";;
    torch) (cd "$here" && "${peer_env[@]}" $py cnn_torch.py --data "$data" --batch "$batch" --threads "$threads" --epochs "$epochs" --limit "$limit");;
    # The same with OpenMP's threads sleeping instead of spinning while they wait: slower on an idle machine,
    # much faster on a busy one (spinning threads of a descheduled team waste whole time slices).
    torch-passive) (cd "$here" && OMP_WAIT_POLICY=PASSIVE "${peer_env[@]}" $py cnn_torch.py --data "$data" --batch "$batch" --threads "$threads" --epochs "$epochs" --limit "$limit" --peer torch-passive);;
  esac
}

{
  echo "MACHINE $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(uptime)"
  echo "PEER BLAS ${openmp_blas:-system libblas.so.3}"
  echo "PEERS ${peers[*]}; rounds=$rounds epochs=$epochs (CNN)"
} | tee "$log"
for round in $(seq "$rounds"); do
  n=${#peers[@]}
  for i in $(seq 0 $((n - 1))); do
    peer=${peers[$(( (i + round) % n ))]}
    run_peer "$peer" 2>&1 | grep '^RESULT' | sed "s/^RESULT /RESULT round=$round /" | tee -a "$log" || true
    echo "LOAD $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
  done
done
echo "MACHINE after: $(uptime)" | tee -a "$log"
$py "$here/summarize.py" "$log"
# The fastest 50-batch window of each run, scaled to a 60,000-image epoch: the estimate least disturbed by
# other processes on a shared machine.
$py - "$log" <<'PY'
import re, statistics, sys
best = {}
for line in open(sys.argv[1]):
    if line.startswith("RESULT") and "best_window_epoch_s=" in line:
        peer = re.search(r"peer=([\w-]+)", line).group(1)
        best.setdefault(peer, []).append(float(re.search(r"best_window_epoch_s=([\d.]+)", line).group(1)))
if best:
    print("\n## Fastest 50-batch window, as seconds per 60,000-image epoch (best over rounds)\n")
    for peer, values in best.items():
        print(f"{peer}: {min(values):.2f} s (runs: {', '.join(f'{v:.2f}' for v in values)})")
    for peer in best:
        if peer != "ours" and "ours" in best:
            print(f"{peer} / ours: {min(best[peer]) / min(best['ours']):.2f}x")
PY
echo "(raw results: $log)"
