#!/usr/bin/env bash
# The flagship demo (`./lianbang demo`) against a hand-written PyTorch FedAvg of the same setting
# (bench/torch_fedavg.py), run alternately on the same cores: wall time, peak RSS and final test
# accuracy of each run, then the medians and the ratios. See bench/README.md.
#
# Usage: bench/demo-vs-pytorch.sh [--repeat N] [--threads T] [--rounds R] [--data DIR] [--wait-idle S]
# Environment: LIANBANG_PYTHON        Python with torch (default /usr/bin/python3)
#              LIANBANG_OPENBLAS_DIR  directory holding OpenBLAS's libblas.so.3
#                                     (default /usr/lib/x86_64-linux-gnu/openblas-openmp)
#              LIANBANG_JAVA, LIANBANG_JAVA_OPTS  passed on to the ./lianbang launcher
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LAUNCHER="$REPO_ROOT/lianbang"
APT_HINT="apt-get install python3-torch libopenblas0-openmp time dataset-fashion-mnist"
DEMO_ROUNDS=50

REPEAT=3
THREADS=2
ROUNDS=$DEMO_ROUNDS
DATA_DIR=""
WAIT_IDLE=0
PYTHON="${LIANBANG_PYTHON:-/usr/bin/python3}"
OPENBLAS_DIR="${LIANBANG_OPENBLAS_DIR:-/usr/lib/x86_64-linux-gnu/openblas-openmp}"
GNU_TIME=/usr/bin/time

usage() {
  cat <<EOF
Usage: $(basename "$0") [options]

Runs the flagship demo (./lianbang demo) and a PyTorch FedAvg of the same setting (with OpenBLAS)
alternately, and prints wall time, peak RSS and final test accuracy of each run, the medians and
the ratios PyTorch/Lianbang.

Options:
  --repeat N      runs per side, alternating demo, PyTorch, demo, ... (default $REPEAT)
  --threads T     threads for both sides (default $THREADS)
  --rounds R      FedAvg rounds on both sides (default $DEMO_ROUNDS, the demo's); fewer for a smoke test
  --data DIR      Fashion-MNIST directory with the four *-ubyte.gz files (default:
                  /usr/share/datasets/fashion-mnist, then <repo>/datasets/fashion-mnist)
  --wait-idle S   before each run, wait up to S seconds for a quiet moment (under 5% of the
                  CPUs busy over 2 s); default 0, do not wait
  -h, --help      this help

Environment: LIANBANG_PYTHON, LIANBANG_OPENBLAS_DIR; LIANBANG_JAVA and LIANBANG_JAVA_OPTS go to
the ./lianbang launcher. Nothing is installed; missing prerequisites are reported with the
command that installs them.
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) [[ $# -ge 2 ]] || die "--repeat needs a value"; REPEAT="$2"; shift 2 ;;
    --threads) [[ $# -ge 2 ]] || die "--threads needs a value"; THREADS="$2"; shift 2 ;;
    --rounds) [[ $# -ge 2 ]] || die "--rounds needs a value"; ROUNDS="$2"; shift 2 ;;
    --data) [[ $# -ge 2 ]] || die "--data needs a value"; DATA_DIR="$2"; shift 2 ;;
    --wait-idle) [[ $# -ge 2 ]] || die "--wait-idle needs a value"; WAIT_IDLE="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
positive_int --repeat "$REPEAT"
positive_int --threads "$THREADS"
positive_int --rounds "$ROUNDS"
[[ "$WAIT_IDLE" =~ ^[0-9]+$ ]] || die "--wait-idle must be a number of seconds, got '$WAIT_IDLE'"

# ---------------------------------------------------------------------------------------------
# Prerequisites: check everything, then report all that is missing at once.

if [[ ! -x "$GNU_TIME" ]] || ! "$GNU_TIME" -v true >/dev/null 2>&1; then
  missing+=("GNU time at $GNU_TIME (for the peak RSS, 'time -v')"); packages+=(time)
fi
check_torch
check_data "train-* and t10k-*-ubyte.gz" \
  train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz
[[ -x "$LAUNCHER" ]] || missing+=("the launcher $LAUNCHER")
report_missing

machine_state

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-demo-vs-pytorch.XXXXXX")"

# ---------------------------------------------------------------------------------------------
# Build once, outside the timed runs: the launcher builds lianbang.jar when it is missing or
# older than the sources, and prints its version.

echo "Building if needed (./lianbang --version) ..."
LIANBANG_VERSION="$("$LAUNCHER" --version 2>"$LOG_DIR/build.log" | head -n 1)" || {
  cat "$LOG_DIR/build.log" >&2; die "the launcher could not build or start lianbang (see above)"; }

torch_info PyTorch
ROUNDS_NOTE=""
if (( ROUNDS != DEMO_ROUNDS )); then ROUNDS_NOTE=" (not the demo's $DEMO_ROUNDS: a smoke test, not a result)"; fi

HEADER="$(cat <<EOF
## Flagship demo: Lianbang vs PyTorch FedAvg

- machine: ${CPU_MODEL:-unknown CPU}; ${NCPU} logical CPUs; $(uname -sr)
- Lianbang: ${LIANBANG_VERSION:-unknown} (./lianbang demo --threads $THREADS --rounds $ROUNDS --no-chart)
- PyTorch: $TORCH_VERSION; BLAS: $TORCH_BLAS
- setting: Fashion-MNIST, 100 clients, Dirichlet(0.5), 10 per round, 1 local epoch of SGD (lr 0.05, batch 10), MLP 784-200-200-10, $ROUNDS rounds$ROUNDS_NOTE, seed 42
- threads: $THREADS on both sides (Lianbang --threads; torch.set_num_threads and OMP_NUM_THREADS)
- data: $DATA
- $REPEAT runs per side, alternating (demo first); load average before start: $LOAD1
EOF
)"
echo
echo "$HEADER"
echo

# ---------------------------------------------------------------------------------------------
# The runs.

elapsed_seconds() {  # "1:02:03.45" or "2:03.45" (GNU time's wall clock) to seconds
  awk -v t="$1" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }'
}

# run_one SIDE RUN LOG CMD...: runs CMD under GNU time and prints its wall time, peak RSS, final
# test accuracy and the rounds' own time; sets RUN_WALL (s), RUN_RSS (MiB), RUN_ACC (%).
RUN_WALL=""; RUN_RSS=""; RUN_ACC=""
DISTURBED=()
run_one() {
  local side="$1" run="$2" log="$3"; shift 3
  local before after rc=0 elapsed user sys kb own_s other
  wait_idle
  before="$(cpu_busy_jiffies)"
  "$GNU_TIME" -v -o "$log.time" "$@" >"$log" 2>"$log.stderr" || rc=$?
  after="$(cpu_busy_jiffies)"
  if [[ $rc -ne 0 ]]; then
    echo "  $side run $run failed (exit $rc); last lines of $log and $log.stderr:" >&2
    tail -n 10 "$log" >&2
    tail -n 20 "$log.stderr" >&2
    exit 1
  fi
  elapsed="$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*: \([0-9:.]*\)$/\1/p' "$log.time")"
  kb="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$log.time")"
  user="$(sed -n 's/^[[:space:]]*User time (seconds): //p' "$log.time")"
  sys="$(sed -n 's/^[[:space:]]*System time (seconds): //p' "$log.time")"
  RUN_ACC="$(sed -n 's/^final[[:space:]]\{1,\}test_acc \([0-9.]\{1,\}\)%.*/\1/p' "$log" | tail -n 1)"
  own_s="$(sed -n 's/^time[[:space:]]\{1,\}\([0-9.]\{1,\}\) s total.*/\1/p' "$log" | tail -n 1)"
  if [[ -z "$elapsed" || -z "$kb" || -z "$user" || -z "$sys" ]]; then
    echo "  cannot read wall time and peak RSS from $log.time:" >&2; cat "$log.time" >&2; exit 1
  fi
  if [[ -z "$RUN_ACC" || -z "$own_s" ]]; then
    echo "  $side run $run printed no 'final  test_acc N%' or 'time  N s total' line; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  RUN_WALL="$(elapsed_seconds "$elapsed")"
  RUN_RSS="$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')"
  # Share of all CPUs' time spent on anything but this run while it ran.
  other="$(awk -v b="$before" -v a="$after" -v hz="$CLK_TCK" -v n="$NCPU" -v u="$user" -v s="$sys" -v w="$RUN_WALL" 'BEGIN {
      o = w > 0 ? ((a - b) / hz - u - s) / (w * n) * 100 : 0; if (o < 0) o = 0; printf "%.0f", o }')"
  printf '  %-8s run %-3s wall %8.1f s   peak RSS %8.1f MiB   test_acc %6.2f%%   (rounds %.1f s; other load %s%%)\n' \
    "$side" "$run" "$RUN_WALL" "$RUN_RSS" "$RUN_ACC" "$own_s" "$other"
  if (( other > 10 )); then DISTURBED+=("  $side run $run: ${other}% other load"); fi
}

torch_cmd=("${TORCH_ENV[@]}" "$PYTHON" "$SCRIPT_DIR/torch_fedavg.py" --threads "$THREADS" --rounds "$ROUNDS" --data "$DATA")

demo_wall=(); demo_rss=(); demo_acc=(); torch_wall=(); torch_rss=(); torch_acc=()
for ((r = 1; r <= REPEAT; r++)); do
  # The demo writes its history to the log directory; no progress bar, no chart (PyTorch draws none).
  run_one Lianbang "$r" "$LOG_DIR/lianbang-$r.log" \
    "$LAUNCHER" demo --threads "$THREADS" --rounds "$ROUNDS" --data-dir "$DATA" \
    --output "$LOG_DIR/demo-run-$r" --no-progress --no-chart
  demo_wall+=("$RUN_WALL"); demo_rss+=("$RUN_RSS"); demo_acc+=("$RUN_ACC")
  run_one PyTorch "$r" "$LOG_DIR/pytorch-$r.log" "${torch_cmd[@]}"
  torch_wall+=("$RUN_WALL"); torch_rss+=("$RUN_RSS"); torch_acc+=("$RUN_ACC")
done

read -r dw dwlo dwhi <<<"$(stats "${demo_wall[@]}")"
read -r dr drlo drhi <<<"$(stats "${demo_rss[@]}")"
read -r da dalo dahi <<<"$(stats "${demo_acc[@]}")"
read -r tw twlo twhi <<<"$(stats "${torch_wall[@]}")"
read -r tr trlo trhi <<<"$(stats "${torch_rss[@]}")"
read -r ta talo tahi <<<"$(stats "${torch_acc[@]}")"
wall_ratio="$(awk -v t="$tw" -v d="$dw" 'BEGIN { printf "%.2f", t / d }')"
rss_ratio="$(awk -v t="$tr" -v d="$dr" 'BEGIN { printf "%.2f", t / d }')"
cell() { awk -v m="$1" -v lo="$2" -v hi="$3" -v f="$4" 'BEGIN { printf f " (" f "–" f ")", m, lo, hi }'; }

{
  echo "$HEADER"
  echo
  echo "| side | wall s (median, min–max) | peak RSS MiB (median, min–max) | final test acc % (median, min–max) |"
  echo "|---|---:|---:|---:|"
  echo "| Lianbang \`./lianbang demo\` | $(cell "$dw" "$dwlo" "$dwhi" %.1f) | $(cell "$dr" "$drlo" "$drhi" %.0f) | $(cell "$da" "$dalo" "$dahi" %.2f) |"
  echo "| PyTorch FedAvg | $(cell "$tw" "$twlo" "$twhi" %.1f) | $(cell "$tr" "$trlo" "$trhi" %.0f) | $(cell "$ta" "$talo" "$tahi" %.2f) |"
  echo
  echo "ratio PyTorch/Lianbang: wall time ${wall_ratio}×, peak RSS ${rss_ratio}× (medians)"
  echo
  echo "Wall time and peak RSS of the whole process (GNU time): JVM or Python start, data loading,"
  echo "partitioning, every round with its evaluation on the test set, and writing the results."
} >"$LOG_DIR/results.md"
print_results side
