#!/usr/bin/env bash
# Side-by-side MLP epoch benchmark: ours vs PyTorch, NumPy (and TorchSharp when built), alternating runs.
#
#   tests/NeuralNet.Benchmarks/compare/compare.sh [--rounds 3] [--epochs 5] [--batches "64 256"]
#       [--threads "1 2 auto"] [--peers "ours torch numpy torchsharp"] [--no-gemm] [--run-timeout 300]
#
# --threads auto is ours only (nn train's default: the faster of 1 and all cores, chosen while training).
# A run that exceeds --run-timeout seconds (OpenMP peers can collapse on two threads when the machine is
# busy: their workers spin-wait for each other) is recorded as a timeout, not waited for.
#
# Network: 784-128-64-10 ReLU, Adam(lr 1e-3), softmax cross-entropy, MNIST, shuffled every epoch.
# Every (batch, threads) cell runs each peer once per round, in a rotated order, so machine load hits all
# peers alike; the summary takes the median over rounds of each run's median epoch time.
#
# Peers at their best (Debian 12): apt-get install python3-torch python3-numpy libopenblas0-openmp
# (without OpenBLAS both use the reference BLAS, ~8x slower); OPENBLAS_CORETYPE=SkylakeX (OpenBLAS 0.3.21
# misdetects this CPU and falls back to SSE3 kernels); torch.set_num_threads(n) with the OpenMP OpenBLAS
# sharing torch's pool; NumPy's OpenBLAS gets OMP_NUM_THREADS=n. Each RESULT line names the BLAS loaded.
# TorchSharp: see torchsharp/README.md (needs a libstdc++ shim on Debian 12); skipped if not built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
rounds=3 epochs=5 batches="64 256" threads="1 2 auto" peers="ours torch numpy torchsharp" gemm=1 run_timeout=300
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;;
    --epochs) epochs=$2; shift 2;;
    --batches) batches=$2; shift 2;;
    --threads) threads=$2; shift 2;;
    --peers) peers=$2; shift 2;;
    --no-gemm) gemm=0; shift;;
    --run-timeout) run_timeout=$2; shift 2;;
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
log=${COMPARE_LOG:-$(mktemp /tmp/compare.XXXXXX.log)}

dotnet build "$root/tests/NeuralNet.Benchmarks" -c Release -v q -nologo >/dev/null
ours=("dotnet" "$root/tests/NeuralNet.Benchmarks/bin/Release/net10.0/NeuralNet.Benchmarks.dll")
torchsharp_app="$here/torchsharp/out/app/TorchSharpMlp.dll"
torchsharp_shim="$here/torchsharp/out/libios_shim.so"

available() {
  case "$1" in
    torchsharp) [ -f "$torchsharp_app" ];;
    torch) $py -c "import torch" 2>/dev/null;;
    numpy) $py -c "import numpy" 2>/dev/null;;
    *) true;;
  esac
}

run_peer() { # peer batch threads
  case "$1" in
    ours) "${ours[@]}" epoch --batch "$2" --threads "$3" --epochs "$epochs";;
    torch) (cd "$here" && "${peer_env[@]}" $py mlp_torch.py --data "$data" --batch "$2" --threads "$3" --epochs "$epochs");;
    numpy) (cd "$here" && "${peer_env[@]}" $py mlp_numpy.py --data "$data" --batch "$2" --threads "$3" --epochs "$epochs");;
    torchsharp) LD_PRELOAD="$torchsharp_shim" dotnet "$torchsharp_app" --data "$data" --batch "$2" --threads "$3" --epochs "$epochs";;
  esac
}

active=()
for p in $peers; do
  if available "$p"; then active+=("$p"); else echo "skipping $p (not installed or not built)"; fi
done

{
  echo "MACHINE $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(uptime)"
  echo "PEER BLAS ${openmp_blas:-system libblas.so.3}"
  echo "PEERS ${active[*]}; rounds=$rounds epochs=$epochs"
} | tee "$log"

for round in $(seq "$rounds"); do
  for batch in $batches; do
    for t in $threads; do
      n=${#active[@]}
      for i in $(seq 0 $((n - 1))); do
        peer=${active[$(( (i + round + batch + ${#t}) % n ))]}
        [ "$t" = auto ] && [ "$peer" != ours ] && continue # only ours has --threads auto
        out=$(export -f run_peer; export epochs data py here torchsharp_app torchsharp_shim; \
              timeout "$run_timeout" bash -c "$(declare -p ours peer_env); run_peer $peer $batch $t" 2>&1 | grep '^RESULT' || true)
        [ -n "$out" ] || out="RESULT peer=$peer batch=$batch threads=$t epochs=$epochs median_s=inf best_s=inf test_acc=nan timeout=$run_timeout"
        echo "$out" | sed "s/^RESULT /RESULT round=$round /" | tee -a "$log"
      done
      echo "LOAD $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
    done
  done
done

if [ "$gemm" = 1 ]; then
  for t in $threads; do
    [ "$t" = auto ] && continue
    "${ours[@]}" gemm --threads "$t" | tee -a "$log"
    available torch && (cd "$here" && "${peer_env[@]}" $py mlp_torch.py --data "$data" --gemm --threads "$t") | tee -a "$log"
    available numpy && (cd "$here" && "${peer_env[@]}" $py mlp_numpy.py --data "$data" --gemm --threads "$t") | tee -a "$log"
  done
fi
echo "MACHINE after: $(uptime)" | tee -a "$log"
$py "$here/summarize.py" "$log"
echo "(raw results: $log)"
