#!/usr/bin/env bash
# Accuracy against epsilon for DP-FedAvg on Fashion-MNIST at several noise multipliers.
# Usage: experiments/dp-fedavg-fmnist.sh [z ...]   (default: 0 0.3 0.7 1.5)
# Prints one line per run: z, final test accuracy, epsilon at delta 1e-5, run directory.
set -euo pipefail
cd "$(dirname "$0")/.."
lock=/tmp/lianbang-bench.lock
for _ in $(seq 30); do [ -e "$lock" ] || break; echo "waiting for $lock" >&2; sleep 30; done
zs=("$@"); [ ${#zs[@]} -gt 0 ] || zs=(0 0.3 0.7 1.5)
for z in "${zs[@]}"; do
  out="runs/dp-fedavg-z$z"
  mkdir -p runs
  ./lianbang simulate --config experiments/dp-fedavg-fmnist.yaml --set privacy.dp.noise_multiplier="$z" \
    --set output.dir="$out" > "$out.log" 2>&1 || { cat "$out.log"; exit 1; }
  python3 - "$z" "$out/history.json" "$out" <<'PY'
import json, sys
z, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
h = json.load(open(path))
rounds = h["rounds"]
last = rounds[-1]
acc = last["centralized"]["metrics"]["accuracy"]
eps = float(last["fit_metrics"].get("dp_epsilon", "nan"))
print(f"z={z}  accuracy={acc:.4f}  epsilon={eps:.3f}  ({out})")
PY
done
