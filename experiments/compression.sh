#!/usr/bin/env bash
# Compression experiment (results in docs/results.md): accuracy against bytes for each codec.
#
#   experiments/compression.sh [OUTPUT_DIR]                 the flagship demo setting (default runs/compression-demo)
#   SETTING=niid experiments/compression.sh [OUTPUT_DIR]    NIID-Bench Dirichlet(0.5) FedAvg (experiments/niid-bench.yaml;
#                                                           about 25 minutes per run on 2 cores with JDK 25)
#   SEEDS="42 43 44" ROUNDS=20 CODECS="float32 int8" ...    other seeds, fewer rounds, a subset of the codecs
#
# Each codec runs with each seed; finished runs are skipped. The table (final test accuracy mean ±
# standard deviation over the seeds, total uplink and downlink MB per run, and the ratio of
# float32's bytes to the codec's) goes to OUTPUT_DIR/results.md, the chart of test accuracy
# against cumulative uplink MB (mean over the seeds) to OUTPUT_DIR/accuracy-vs-bytes.svg.
# Bytes are the encoded sizes the simulation counts (docs/protocol.md, "Compression"), metadata
# included. Set LIANBANG to run a prebuilt jar (see experiments/byzantine.sh). Waits while
# /tmp/lianbang-bench.lock exists.
set -euo pipefail
cd "$(dirname "$0")/.."
setting=${SETTING:-demo}
out=${1:-runs/compression-$setting}
lianbang=${LIANBANG:-./lianbang}
seeds=${SEEDS:-"42 43 44"}
codecs=${CODECS:-"float32 fp16 int8 int4 qsgd topk-int8-ef topk-int8 int8-fp16-down"}
case "$setting" in
  demo) base=(-c examples/demo.yaml) ;;
  niid) base=(-c experiments/niid-bench.yaml) ;;
  *) echo "SETTING must be demo or niid, got $setting" >&2; exit 2 ;;
esac
extra=()
if [ -n "${ROUNDS:-}" ]; then extra=(--rounds "$ROUNDS"); fi
mkdir -p "$out"

# shellcheck source=experiments/lib.sh
. experiments/lib.sh

settings() { # the --set assignments of a codec label
  case "$1" in
    float32) ;;
    fp16|int8|int4|qsgd) echo "--set compression.uplink.codec=$1" ;;
    topk-int8-ef) echo "--set compression.uplink.codec=topk --set compression.uplink.values=int8 --set compression.uplink.fraction=0.01 --set compression.uplink.error_feedback=true" ;;
    topk-int8) echo "--set compression.uplink.codec=topk --set compression.uplink.values=int8 --set compression.uplink.fraction=0.01" ;;
    int8-fp16-down) echo "--set compression.uplink.codec=int8 --set compression.downlink.codec=fp16" ;;
    *) echo "unknown codec label $1" >&2; exit 2 ;;
  esac
}

for codec in $codecs; do
  for seed in $seeds; do
    dir="$out/$codec-seed$seed"
    if [ -f "$dir/history.csv" ]; then echo "$codec seed $seed: done already"; continue; fi
    wait_for_bench
    echo "== $codec seed $seed"
    # shellcheck disable=SC2046
    $lianbang simulate "${base[@]}" --no-progress --no-chart -o "$dir" --seed "$seed" "${extra[@]}" $(settings "$codec") | tail -2
  done
done

python3 - "$out" "$codecs" "$seeds" <<'PY'
import csv, math, statistics, sys
out, codecs, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
runs = {}
for c in codecs:
    runs[c] = []
    for s in seeds:
        with open(f"{out}/{c}-seed{s}/history.csv") as f:
            rows = [r for r in csv.DictReader(f) if r["round"] != "0"]
        runs[c].append(rows)
def final(rows, key): return float(rows[-1][key])
ref = runs["float32"] if "float32" in runs else None
lines = ["| codec | final test accuracy (mean ± std, %d seeds) | uplink MB per run | downlink MB per run | uplink ÷ float32 | downlink ÷ float32 |" % len(seeds),
         "|---|---|---|---|---|---|"]
for c, rs in runs.items():
    acc = [100 * final(r, "test_accuracy") for r in rs]
    up = statistics.mean(final(r, "total_uplink_bytes") for r in rs) / 1e6
    down = statistics.mean(final(r, "total_downlink_bytes") for r in rs) / 1e6
    sd = statistics.stdev(acc) if len(acc) > 1 else 0.0
    if ref:
        up0 = statistics.mean(final(r, "total_uplink_bytes") for r in ref) / 1e6
        down0 = statistics.mean(final(r, "total_downlink_bytes") for r in ref) / 1e6
        ratio = f"{up0 / up:.2f}× fewer" if up < up0 else "1×"
        dratio = f"{down0 / down:.2f}× fewer" if down < down0 else "1×"
    else:
        ratio = dratio = "—"
    lines.append(f"| {c} | {statistics.mean(acc):.2f}% ± {sd:.2f} | {up:.2f} | {down:.2f} | {ratio} | {dratio} |")
open(f"{out}/results.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))

# Chart: mean test accuracy against cumulative uplink MB (log scale), one line per codec.
W, H, L, R, T, B = 760, 440, 70, 170, 20, 50
pts = {}
for c, rs in runs.items():
    n = min(len(r) for r in rs)
    pts[c] = [(statistics.mean(float(r[i]["total_uplink_bytes"]) for r in rs) / 1e6,
               100 * statistics.mean(float(r[i]["test_accuracy"]) for r in rs)) for i in range(n)]
xs = [x for p in pts.values() for x, _ in p if x > 0]
ys = [y for p in pts.values() for _, y in p]
x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
y0, y1 = math.floor(min(ys) / 5) * 5, math.ceil(max(ys) / 5) * 5
def px(x): return L + (math.log10(x) - x0) / (x1 - x0) * (W - L - R)
def py(y): return H - B - (y - y0) / (y1 - y0) * (H - T - B)
colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>']
for e in range(x0, x1 + 1):
    x = px(10 ** e)
    svg.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{H - B}" stroke="#ddd"/><text x="{x:.1f}" y="{H - B + 16}" text-anchor="middle">{10 ** e:g}</text>')
for y in range(int(y0), int(y1) + 1, 5):
    svg.append(f'<line x1="{L}" y1="{py(y):.1f}" x2="{W - R}" y2="{py(y):.1f}" stroke="#ddd"/><text x="{L - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y}%</text>')
svg.append(f'<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">cumulative uplink MB (log scale)</text>')
svg.append(f'<text x="16" y="{(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 16 {(T + H - B) / 2})">test accuracy</text>')
for i, (c, p) in enumerate(pts.items()):
    col = colors[i % len(colors)]
    path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in p if x > 0)
    svg.append(f'<polyline fill="none" stroke="{col}" stroke-width="1.5" points="{path}"/>')
    svg.append(f'<line x1="{W - R + 12}" y1="{T + 10 + 18 * i}" x2="{W - R + 32}" y2="{T + 10 + 18 * i}" stroke="{col}" stroke-width="2"/>'
               f'<text x="{W - R + 38}" y="{T + 14 + 18 * i}">{c}</text>')
svg.append("</svg>")
open(f"{out}/accuracy-vs-bytes.svg", "w").write("\n".join(svg) + "\n")
PY
