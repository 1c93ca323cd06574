#!/usr/bin/env bash
# Training throughput of Lianbang's pure-Java engine against a PyTorch reference, on the same
# cores, in one invocation. See bench/README.md for what is measured and how to read the ratio.
#
# Usage: bench/train-throughput.sh [--threads T] [--repeat R] [--data DIR] [--lenet-samples N]
#                                  [--workloads LIST] [--wait-idle S] [--skip-build]
# Environment: LIANBANG_JAVA      JDK home or java executable (default: newest JDK in /usr/lib/jvm)
#              LIANBANG_JAVA_OPTS extra JVM options for the Lianbang runs
#              LIANBANG_PYTHON    Python with torch (default /usr/bin/python3)
#              LIANBANG_OPENBLAS_DIR  directory holding OpenBLAS's libblas.so.3
#                                 (default /usr/lib/x86_64-linux-gnu/openblas-openmp)
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MAIN_CLASS=io.lianbang.bench.TrainThroughput
APT_HINT="apt-get install python3-torch libopenblas0-openmp dataset-fashion-mnist"
EPOCH=60000

THREADS=2
REPEAT=3
DATA_DIR=""
LENET_SAMPLES=$EPOCH
WORKLOADS="mlp-b10,mlp-b64,lenet-b64"
WAIT_IDLE=0
PYTHON="${LIANBANG_PYTHON:-/usr/bin/python3}"
OPENBLAS_DIR="${LIANBANG_OPENBLAS_DIR:-/usr/lib/x86_64-linux-gnu/openblas-openmp}"

usage() {
  cat <<EOF
Usage: $(basename "$0") [options]

Trains the same models with Lianbang (pure Java) and PyTorch (with OpenBLAS) on Fashion-MNIST,
alternating the two engines, and prints samples/second for each and their ratio.

Options:
  --threads T         threads for both engines (default $THREADS)
  --repeat R          runs per engine and workload; medians are reported (default $REPEAT)
  --data DIR          Fashion-MNIST directory with the *-ubyte.gz files (default:
                      /usr/share/datasets/fashion-mnist, then <repo>/datasets/fashion-mnist)
  --lenet-samples N   training samples for the LeNet workload, same in both engines
                      (default $EPOCH = one epoch; fewer are passed to both engines as
                      --samples N)
  --workloads LIST    comma-separated subset of: mlp-b10,mlp-b64,lenet-b64 (default all)
  --wait-idle S       before each run, wait up to S seconds for a quiet moment (under 5% of
                      the CPUs busy over 2 s); default 0, do not wait
  --skip-build        do not run ./mvnw install first (use the classes already built)
  -h, --help          this help

Environment: LIANBANG_JAVA (JDK home or java binary), LIANBANG_JAVA_OPTS, LIANBANG_PYTHON,
LIANBANG_OPENBLAS_DIR. Nothing is installed; missing prerequisites are reported with the
command that installs them.
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) [[ $# -ge 2 ]] || die "--threads needs a value"; THREADS="$2"; shift 2 ;;
    --repeat) [[ $# -ge 2 ]] || die "--repeat needs a value"; REPEAT="$2"; shift 2 ;;
    --data) [[ $# -ge 2 ]] || die "--data needs a value"; DATA_DIR="$2"; shift 2 ;;
    --lenet-samples) [[ $# -ge 2 ]] || die "--lenet-samples needs a value"; LENET_SAMPLES="$2"; shift 2 ;;
    --workloads) [[ $# -ge 2 ]] || die "--workloads needs a value"; WORKLOADS="$2"; shift 2 ;;
    --wait-idle) [[ $# -ge 2 ]] || die "--wait-idle needs a value"; WAIT_IDLE="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
positive_int --threads "$THREADS"
positive_int --repeat "$REPEAT"
positive_int --lenet-samples "$LENET_SAMPLES"
[[ "$WAIT_IDLE" =~ ^[0-9]+$ ]] || die "--wait-idle must be a number of seconds, got '$WAIT_IDLE'"
(( LENET_SAMPLES <= EPOCH )) || die "--lenet-samples must be at most $EPOCH, got $LENET_SAMPLES"
IFS=',' read -r -a WORKLOAD_LIST <<<"$WORKLOADS"
for w in "${WORKLOAD_LIST[@]}"; do
  case "$w" in mlp-b10|mlp-b64|lenet-b64) ;; *) die "unknown workload '$w' (use mlp-b10, mlp-b64, lenet-b64)" ;; esac
done

# ---------------------------------------------------------------------------------------------
# Prerequisites: check everything, then report all that is missing at once.

java_version_of() {  # prints the version string of a java executable, e.g. 25.0.1
  "$1" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1
}

find_jdk() {  # prints the java executable to use, or nothing
  if [[ -n "${LIANBANG_JAVA:-}" ]]; then
    if [[ -x "$LIANBANG_JAVA/bin/java" ]]; then echo "$LIANBANG_JAVA/bin/java"
    elif [[ -x "$LIANBANG_JAVA" && ! -d "$LIANBANG_JAVA" ]]; then echo "$LIANBANG_JAVA"
    fi
    return 0
  fi
  local best="" best_version="" dir version
  for dir in /usr/lib/jvm/*/; do
    [[ -x "${dir}bin/java" && -x "${dir}bin/javac" ]] || continue
    version="$(java_version_of "${dir}bin/java")"
    [[ -n "$version" ]] || continue
    if [[ -z "$best" ]] || [[ "$(printf '%s\n%s\n' "$best_version" "$version" | sort -V | tail -n 1)" != "$best_version" ]]; then
      best="$(cd "${dir}bin" && pwd -P)/java"; best_version="$version"
    fi
  done
  [[ -n "$best" ]] && echo "$best"
  return 0
}

check_torch
check_data "train-*-ubyte.gz" train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
JAVA="$(find_jdk)"
if [[ -z "$JAVA" ]]; then
  missing+=("a JDK 17+ (none in /usr/lib/jvm with bin/java and bin/javac; or set LIANBANG_JAVA)")
elif ! "$JAVA" --list-modules 2>/dev/null | grep -q '^jdk.incubator.vector@'; then
  missing+=("module jdk.incubator.vector in $JAVA (needs JDK 17+)")
fi
report_missing
JAVA_HOME_DIR="$(dirname "$(dirname "$JAVA")")"

machine_state

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-train-throughput.XXXXXX")"

# ---------------------------------------------------------------------------------------------
# Build, and the class path of the benchmark main.

if [[ $SKIP_BUILD -eq 0 ]]; then
  echo "Building (./mvnw -q -B -DskipTests install with $JAVA_HOME_DIR) ..."
  (cd "$REPO_ROOT" && JAVA_HOME="$JAVA_HOME_DIR" ./mvnw -q -B -DskipTests install) \
    || die "build failed (see the Maven output above)"
fi

[[ -f "$REPO_ROOT/lianbang-bench/target/classes/io/lianbang/bench/TrainThroughput.class" ]] \
  || die "$MAIN_CLASS is not built in $REPO_ROOT/lianbang-bench (is the branch that adds it merged? drop --skip-build?)"
MODULE_CLASSES=""
for m in lianbang-bench lianbang-engine lianbang-core lianbang-sim; do
  if [[ -d "$REPO_ROOT/$m/target/classes" ]]; then
    MODULE_CLASSES="${MODULE_CLASSES:+$MODULE_CLASSES:}$REPO_ROOT/$m/target/classes"
  fi
done
# Third-party jars from the local Maven repository; Lianbang's own modules always come from this
# checkout's target/classes, never from ~/.m2 (other checkouts install the same version there).
CLASSPATH_FILE="$LOG_DIR/third-party.classpath"
if (cd "$REPO_ROOT" && JAVA_HOME="$JAVA_HOME_DIR" ./mvnw -q -B -pl lianbang-bench \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
      -DincludeScope=runtime -DexcludeGroupIds=io.lianbang \
      -Dmdep.outputFile="$CLASSPATH_FILE") >"$LOG_DIR/classpath.log" 2>&1; then
  CP="$MODULE_CLASSES:$(cat "$CLASSPATH_FILE")"
else
  warn "could not resolve third-party jars (see $LOG_DIR/classpath.log); using module classes only"
  CP="$MODULE_CLASSES"
fi
CP="${CP%:}"

# ---------------------------------------------------------------------------------------------
# What we run on.

torch_info "the PyTorch reference"
CPU_FLAGS="$(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n 1 | tr ' ' '\n' \
  | grep -E '^(avx2|avx512f|fma)$' | tr '\n' ' ' || true)"
THREADS_PER_CORE="$(LC_ALL=C lscpu 2>/dev/null | sed -n 's/^Thread(s) per core:[[:space:]]*//p')"
JDK_VERSION="$("$JAVA" -version 2>&1 | head -n 3 | paste -sd ';' - | sed 's/;/; /g')"

IDLE_NOTE=""
if (( WAIT_IDLE > 0 )); then IDLE_NOTE="; waiting up to ${WAIT_IDLE} s for an idle machine before each run"; fi
HEADER="$(cat <<EOF
## Training throughput: Lianbang vs PyTorch

- machine: ${CPU_MODEL:-unknown CPU}; ${NCPU} logical CPUs${THREADS_PER_CORE:+ (${THREADS_PER_CORE} thread(s) per core)}; flags: ${CPU_FLAGS:-none of avx2/avx512f/fma}; $(uname -sr)
- JDK: $JDK_VERSION ($JAVA)
- PyTorch: $TORCH_VERSION; BLAS: $TORCH_BLAS
- threads: $THREADS in both engines (torch.set_num_threads and OMP_NUM_THREADS; Lianbang --threads)
- data: $DATA
- $REPEAT runs per engine and workload, alternating engines; load average before start: $LOAD1$IDLE_NOTE
EOF
)"
echo
echo "$HEADER"
echo

# ---------------------------------------------------------------------------------------------
# The runs.

# run_one ENGINE LABEL LOG CMD...: runs CMD, prints its samples/s and how busy the machine was
# with other work meanwhile; sets RUN_RATE. A failed run aborts the benchmark.
RUN_RATE=""
CURRENT_WORKLOAD=""
DISTURBED=()
run_one() {
  local engine="$1" label="$2" log="$3"; shift 3
  local before after times rc=0
  wait_idle
  before="$(cpu_busy_jiffies)"
  { TIMEFORMAT='%R %U %S'; time "$@" >"$log" 2>"$log.stderr"; } 2>"$log.time" || rc=$?
  after="$(cpu_busy_jiffies)"
  if [[ $rc -ne 0 ]]; then
    echo "  $engine run failed (exit $rc); last lines of $log and $log.stderr:" >&2
    tail -n 10 "$log" >&2
    tail -n 20 "$log.stderr" >&2
    exit 1
  fi
  RUN_RATE="$(tail -n 1 "$log" | sed -n 's/^samples_per_sec=\([0-9][0-9.eE+-]*\)$/\1/p')"
  if [[ -z "$RUN_RATE" ]]; then
    echo "  $engine did not end with a samples_per_sec=<float> line; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  read -r times < "$log.time"
  # Share of all CPUs' time spent on anything but this run while it ran.
  local other
  other="$(awk -v b="$before" -v a="$after" -v hz="$CLK_TCK" -v n="$NCPU" -v t="$times" 'BEGIN {
      split(t, x, " "); own = x[2] + x[3]; wall = x[1];
      o = ((a - b) / hz - own) / (wall * n) * 100; if (o < 0) o = 0; printf "%.0f", o }')"
  printf '  %-9s %-22s %12.1f samples/s   (other load on the machine: %s%%)\n' "$engine" "$label" "$RUN_RATE" "$other"
  if (( other > 10 )); then DISTURBED+=("  $engine, $CURRENT_WORKLOAD, $label: ${other}% other load"); fi
}

fmt() {  # integer with thousands separators
  awk -v x="$1" 'BEGIN { s = sprintf("%.0f", x); r = "";
    while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
    print s r }'
}

ROWS=()
for w in "${WORKLOAD_LIST[@]}"; do
  case "$w" in
    mlp-b10) model=mlp; batch=10; samples=$EPOCH ;;
    mlp-b64) model=mlp; batch=64; samples=$EPOCH ;;
    lenet-b64) model=lenet; batch=64; samples=$LENET_SAMPLES ;;
  esac
  if [[ $model == mlp ]]; then name="MLP 784-200-200-10"; else name="LeNet-5 CNN"; fi
  label="$name, batch $batch, $(fmt "$samples") samples"
  common=(--model "$model" --batch "$batch" --threads "$THREADS" --data "$DATA")
  if (( samples < EPOCH )); then common+=(--samples "$samples"); fi
  java_cmd=("$JAVA" --add-modules jdk.incubator.vector ${LIANBANG_JAVA_OPTS:-} -cp "$CP" "$MAIN_CLASS" "${common[@]}")
  torch_cmd=("${TORCH_ENV[@]}" "$PYTHON" "$SCRIPT_DIR/torch_reference.py" "${common[@]}" --loader index)
  loader_cmd=("${TORCH_ENV[@]}" "$PYTHON" "$SCRIPT_DIR/torch_reference.py" "${common[@]}" --loader dataloader)
  echo "$label"
  CURRENT_WORKLOAD="$label"
  java_rates=(); torch_rates=(); loader_rates=()
  for ((r = 1; r <= REPEAT; r++)); do
    # Alternate which engine goes first, so slow drift of the machine hits both alike.
    if (( r % 2 == 1 )); then order=(lianbang pytorch dataloader); else order=(dataloader pytorch lianbang); fi
    for engine in "${order[@]}"; do
      if [[ $engine == lianbang ]]; then
        run_one Lianbang "run $r" "$LOG_DIR/$w-lianbang-$r.log" "${java_cmd[@]}"; java_rates+=("$RUN_RATE")
      elif [[ $engine == pytorch ]]; then
        run_one PyTorch "run $r" "$LOG_DIR/$w-pytorch-$r.log" "${torch_cmd[@]}"; torch_rates+=("$RUN_RATE")
      else
        run_one PyTorch "DataLoader run $r" "$LOG_DIR/$w-pytorch-dataloader-$r.log" "${loader_cmd[@]}"; loader_rates+=("$RUN_RATE")
      fi
    done
  done
  read -r jm jlo jhi <<<"$(stats "${java_rates[@]}")"
  read -r tm tlo thi <<<"$(stats "${torch_rates[@]}")"
  read -r dm dlo dhi <<<"$(stats "${loader_rates[@]}")"
  ratio="$(awk -v a="$jm" -v b="$tm" 'BEGIN { printf "%.2f", a / b }')"
  dratio="$(awk -v a="$jm" -v b="$dm" 'BEGIN { printf "%.2f", a / b }')"
  ROWS+=("| $label | $(fmt "$jm") ($(fmt "$jlo")–$(fmt "$jhi")) | $(fmt "$tm") ($(fmt "$tlo")–$(fmt "$thi")) | ${ratio}× | $(fmt "$dm") ($(fmt "$dlo")–$(fmt "$dhi")) | ${dratio}× |")
done

{
  echo "$HEADER"
  echo
  echo "| workload | Lianbang samples/s (median, min–max) | PyTorch, index loop | ratio | PyTorch, DataLoader loop | ratio |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Ratio = Lianbang median / PyTorch median; above 1 means Lianbang trains faster. The index loop"
  echo "slices batches from in-memory tensors (PyTorch's fastest loop); the DataLoader loop is the"
  echo "idiomatic torch.utils.data.DataLoader(TensorDataset, shuffle=True) that training scripts use."
} >"$LOG_DIR/results.md"
print_results workload
