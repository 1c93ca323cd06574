#!/usr/bin/env bash
# Cross-device scale in one JVM: FedAvg over 100,000 simulated clients (Fashion-MNIST, MLP
# 784-200-200-10, partition.kind sampled with 10 examples per client, one SGD step of batch 10 each)
# with 100, 300 and 1,000 clients per round, one JVM per setting. Prints seconds per round (median
# of the rounds between the first and the last), the same clients' training alone in the same JVM
# (the reference), the overhead per client ((round - training) / clients), the JVM's peak resident
# set (VmHWM) and a hash of the final model. 24 rounds by default: the rounds keep getting faster
# for about the first ten (the JIT), and the median of 22 is the steady state. A benchmark, not a
# test. Holds /tmp/lianbang-bench.lock while timing. A full run (the defaults) takes about 3 minutes
# on 2 idle cores, plus the build. Each JVM's log (printed directory) lists every timed round.
#
# It runs on the JDK the ./lianbang launcher would choose (the newest; Vector API kernels on 21 and
# newer), with a fixed young generation (-Xmn, no adaptive sizing): with adaptive sizing, the
# parallel collector in this 512 MiB heap ran about 40 full collections in 6 rounds of 1,000.
#
# Usage: bench/cross-device.sh [--clients N] [--per-round "100 300 1000"] [--rounds R] [--threads T]
#                              [--heap 512m] [--young 200m] [--data DIR] [--skip-build (offline)]
# Environment: LIANBANG_JAVA a java executable or JDK to use instead; LIANBANG_JAVA_OPTS extra JVM options
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MAIN_CLASS=io.lianbang.bench.CrossDevice
CLIENTS=100000
PER_ROUND="100 300 1000"
ROUNDS=24
THREADS=$(nproc)
HEAP=512m
YOUNG=200m
DATA_DIR=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --clients) CLIENTS="$2"; shift 2 ;;
    --per-round) PER_ROUND="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --heap) HEAP="$2"; shift 2 ;;
    --young) YOUNG="$2"; shift 2 ;;
    --data) DATA_DIR="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n 2,18p "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
positive_int --clients "$CLIENTS"
positive_int --rounds "$ROUNDS"
positive_int --threads "$THREADS"
(( ROUNDS >= 3 )) || die "--rounds must be at least 3 (the first and the last round are not timed), got $ROUNDS"
for k in $PER_ROUND; do
  positive_int --per-round "$k"
  (( k <= CLIENTS )) || die "--per-round $k exceeds --clients $CLIENTS"
done
[[ "$HEAP" =~ ^[1-9][0-9]*[mg]$ ]] || die "--heap must look like 512m or 1g, got '$HEAP'"
[[ "$YOUNG" =~ ^[1-9][0-9]*[mg]$ ]] || die "--young must look like 200m or 1g, got '$YOUNG'"
check_data "training and test files" train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz
APT_HINT="apt-get install dataset-fashion-mnist"
report_missing

JAVA="$(launcher_java)"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-cross-device.XXXXXX")"
bench_classpath
machine_state

lock=/tmp/lianbang-bench.lock
for _ in $(seq 1 30); do [ -e "$lock" ] || break; echo "waiting for $lock ..." >&2; sleep 30; done
[ -e "$lock" ] && die "another benchmark still holds $lock"
echo "cross-device $$" > "$lock"
trap 'rm -f "$lock"' EXIT

echo "Cross-device: $CLIENTS clients, $ROUNDS rounds, $THREADS threads, -Xmx$HEAP -Xmn$YOUNG, $NCPU cores, load $LOAD1; logs in $LOG_DIR"
echo "Java: $JAVA ($("$JAVA" -version 2>&1 | head -n 1))"
echo "| clients per round | s/round | training only (s) | overhead ms/client | peak RSS MiB | final model hash |"
echo "|---|---|---|---|---|---|"
for k in $PER_ROUND; do
  log="$LOG_DIR/per-round-$k.log"
  # shellcheck disable=SC2086 # LIANBANG_JAVA_OPTS is split on whitespace on purpose
  if "$JAVA" --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx"$HEAP" -Xmn"$YOUNG" -XX:-UseAdaptiveSizePolicy ${LIANBANG_JAVA_OPTS:-} \
      -cp "$CP" "$MAIN_CLASS" "$CLIENTS" "$k" "$ROUNDS" "$THREADS" "$DATA" >"$log" 2>&1 && grep -q '^result' "$log"; then
    grep '^result' "$log" | awk '{ for (i = 2; i < NF; i += 2) v[$i] = $(i + 1)
      printf "| %s | %s | %s | %s | %s | %s |\n", v["per_round"], v["seconds_per_round"], v["training_only_seconds"],
        v["overhead_ms_per_client"], v["peak_rss_mib"], v["model_hash"] }'
  else
    echo "| $k | FAILED (see $log) | | | | |"
  fi
done
