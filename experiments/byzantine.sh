#!/usr/bin/env bash
# Byzantine robustness experiment (results in docs/results.md):
# Fashion-MNIST, 100 clients, Dirichlet(0.5), 20 sign-flipping clients (scale 10), 50 rounds,
# every client every round; FedAvg, median, trimmed mean (beta 0.2), Multi-Krum (f 20, m 80) and
# Bulyan (f 20) under attack, and FedAvg without attack.
#
# Usage: experiments/byzantine.sh [OUTPUT_DIR]       (default runs/byzantine)
#        ROUNDS=20 experiments/byzantine.sh runs/byzantine-20   (another number of rounds than the file's 50)
# Set LIANBANG to another command line to run a prebuilt jar, e.g.
#   LIANBANG="java --add-modules jdk.incubator.vector -jar lianbang-cli/target/lianbang.jar"
# Each run takes a few minutes on 2 cores. Waits while /tmp/lianbang-bench.lock exists.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/byzantine}
lianbang=${LIANBANG:-./lianbang}
config=experiments/byzantine.yaml
rounds=()
if [ -n "${ROUNDS:-}" ]; then rounds=(--rounds "$ROUNDS"); fi
mkdir -p "$out"

# shellcheck source=experiments/lib.sh
. experiments/lib.sh

run() { # label, then --set assignments
  local label=$1; shift
  if [ -f "$out/$label/history.csv" ]; then echo "$label: done already"; return; fi
  wait_for_bench
  echo "== $label"
  $lianbang simulate -c "$config" --no-progress --no-chart -o "$out/$label" "${rounds[@]}" "$@" | tail -3
}

run fedavg-no-attack  --set attack.kind=none
run fedavg            --set strategy.name=fedavg
run median            --set strategy.name=median
run trimmed-mean      --set strategy.name=trimmed_mean --set strategy.params.beta=0.2
run multi-krum        --set strategy.name=krum --set strategy.params.f=20 --set strategy.params.m=80
run bulyan            --set strategy.name=bulyan --set strategy.params.f=20

# Final test accuracy (last round) per run, and the gap to the attack-free run.
base=$(tail -1 "$out/fedavg-no-attack/history.csv" | cut -d, -f7)
{
  echo "| strategy | attack | final test accuracy | vs attack-free |"
  echo "|---|---|---|---|"
  for label in fedavg-no-attack fedavg median trimmed-mean multi-krum bulyan; do
    acc=$(tail -1 "$out/$label/history.csv" | cut -d, -f7)
    attack=$([ "$label" = fedavg-no-attack ] && echo none || echo "20 sign flippers")
    name=${label%-no-attack}
    awk -v n="$name" -v at="$attack" -v a="$acc" -v b="$base" \
      'BEGIN { printf "| %s | %s | %.2f%% | %+.2f points |\n", n, at, 100 * a, 100 * (a - b) }'
  done
} | tee "$out/results.md"
