#!/usr/bin/env bash
# FedBuff vs synchronous FedAvg in simulated time (results in docs/results.md): the demo setting
# (Fashion-MNIST, 100 clients, Dirichlet(0.5), MLP 784-200-200-10) under the lognormal straggler
# model of experiments/fedbuff.yaml, seeds 1, 2 and 3. Reports, per seed, the simulated time each
# run first reaches TARGET test accuracy (default 0.70) and the factor sync / FedBuff.
#
# Simulated time does not depend on the machine or its load: the figures are the same wherever the
# script runs. Wall time: 30 rounds + 30 server updates of 10 client tasks each per seed,
# about 3-4 minutes per seed on 2 cores.
#
# Usage: experiments/fedbuff.sh [OUTPUT_DIR]     (default runs/fedbuff)
#        ROUNDS=20 SEEDS="1" TARGET=0.65 experiments/fedbuff.sh runs/fedbuff-short
# Set LIANBANG to another command line to run a prebuilt jar. Waits while /tmp/lianbang-bench.lock exists.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/fedbuff}
lianbang=${LIANBANG:-./lianbang}
config=experiments/fedbuff.yaml
target=${TARGET:-0.70}
seeds=${SEEDS:-1 2 3}
rounds=()
if [ -n "${ROUNDS:-}" ]; then rounds=(--rounds "$ROUNDS"); fi
mkdir -p "$out"

# shellcheck source=experiments/lib.sh
. experiments/lib.sh

run() { # label, then arguments
  local label=$1; shift
  if [ -f "$out/$label/history.json" ]; then echo "$label: done already"; return; fi
  wait_for_bench
  echo "== $label"
  $lianbang simulate -c "$config" --no-progress --no-chart --no-store -o "$out/$label" "${rounds[@]}" "$@" | tail -2
}

for seed in $seeds; do
  run "sync-seed$seed" --seed "$seed" --set async.enabled=false
  run "fedbuff-seed$seed" --seed "$seed" --set async.enabled=true
done

# Simulated seconds at the first record whose centralized test accuracy reaches the target.
python3 - "$out" "$target" $seeds <<'PY'
import json, sys
out, target, seeds = sys.argv[1], float(sys.argv[2]), sys.argv[3:]

def reach(label):
    h = json.load(open(f"{out}/{label}/history.json"))
    best = 0.0
    for r in h["rounds"]:
        acc = r.get("centralized", {}).get("metrics", {}).get("accuracy")
        if acc is None:
            continue
        best = max(best, acc)
        if acc >= target:
            return r["fit_metrics"]["simulated_seconds"], r["round"], best
    return None, None, best

print(f"| seed | FedAvg (sync): simulated s to {target:.0%} (round) | FedBuff: simulated s to {target:.0%} (update) | factor |")
print("|---|---|---|---|")
factors = []
for s in seeds:
    ts, rs, bs = reach(f"sync-seed{s}")
    ta, ra, ba = reach(f"fedbuff-seed{s}")
    cell = lambda t, r, b: f"{t:.0f} ({r})" if t is not None else f"not reached (best {b:.2%})"
    f = ts / ta if ts is not None and ta is not None else None
    if f is not None:
        factors.append(f)
    print(f"| {s} | {cell(ts, rs, bs)} | {cell(ta, ra, ba)} | {f'{f:.2f}x' if f else 'n/a'} |")
if factors:
    print(f"\nFedBuff reaches {target:.0%} {min(factors):.2f}x to {max(factors):.2f}x sooner in simulated time "
          f"(mean {sum(factors) / len(factors):.2f}x over {len(factors)} seeds).")
PY
