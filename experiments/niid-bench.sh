#!/usr/bin/env bash
# NIID-Bench Fashion-MNIST reproduction (results go in docs/results.md).
#
#   experiments/niid-bench.sh [OUTPUT_DIR]            full run: 5 runs x 50 rounds x 10 local epochs
#   SMOKE=1 experiments/niid-bench.sh [OUTPUT_DIR]    2 rounds x 1 local epoch, to check the setup
#
# Runs: FedAvg on IID; FedAvg, FedNova, FedProx (mu 0.01) and SCAFFOLD on Dirichlet(0.5).
# Published reference (Flower's NIID-Bench baseline, FedAvg): about 89% (IID) and 88.4%
# (Dirichlet 0.5) test accuracy after 50 rounds; Lianbang should land within 1.5 points.
# Cost: each round trains 10 x 6,000 images x 10 epochs of LeNet (600,000 examples): 28 s per
# round with JDK 25's vector kernels on 2 cores (measured for FedAvg), about 25 minutes per run;
# FedProx and SCAFFOLD add one pass over the parameters per step. Much longer on JDK 17's scalar
# kernels. Run it in the background (nohup); finished runs are skipped.
# Set LIANBANG to run a prebuilt jar (see experiments/byzantine.sh). Waits while
# /tmp/lianbang-bench.lock exists.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/niid-bench}
lianbang=${LIANBANG:-./lianbang}
config=experiments/niid-bench.yaml
extra=()
if [ "${SMOKE:-0}" = 1 ]; then extra=(--rounds 2 --local-epochs 1); fi
mkdir -p "$out"

# shellcheck source=experiments/lib.sh
. experiments/lib.sh

run() { # label, then overrides
  local label=$1; shift
  if [ -f "$out/$label/history.csv" ]; then echo "$label: done already"; return; fi
  wait_for_bench
  echo "== $label"
  $lianbang simulate -c "$config" --no-progress -o "$out/$label" "$@" "${extra[@]}" | tail -3
}

run fedavg-iid         --partition iid
run fedavg-dir0.5      --set strategy.name=fedavg
run fednova-dir0.5     --set strategy.name=fednova
run fedprox-dir0.5     --set strategy.name=fedprox --set strategy.params.mu=0.01
run scaffold-dir0.5    --set strategy.name=scaffold

{
  echo "| run | final test accuracy | best test accuracy |"
  echo "|---|---|---|"
  for label in fedavg-iid fedavg-dir0.5 fedprox-dir0.5 scaffold-dir0.5 fednova-dir0.5; do
    awk -F, -v l="$label" 'NR > 1 { last = $7; if ($7 > best) best = $7 }
      END { printf "| %s | %.2f%% | %.2f%% |\n", l, 100 * last, 100 * best }' "$out/$label/history.csv"
  done
} | tee "$out/results.md"
