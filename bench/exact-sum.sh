#!/usr/bin/env bash
# Exact-sum fold throughput (JMH): one client's result (MLP 784-200-200-10, 199,210 values) folded
# into FedAvg's exact sum, one thread, the plain 128-bit accumulator against the buffered one a
# simulation's partial sums use, in one run; prints microseconds per result, nanoseconds per value
# and their ratio. Runs on the JDK the ./lianbang launcher would choose (Vector API kernels on 21
# and newer). A benchmark, not a test. Holds /tmp/lianbang-bench.lock while timing.
#
# Usage: bench/exact-sum.sh [--warmups W] [--iterations I] [--seconds S] [--forks F] [--skip-build (offline)]
# Environment: LIANBANG_JAVA a java executable or JDK to use instead
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MAIN_CLASS=io.lianbang.bench.ExactSumThroughput
ARGS=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmups|--iterations|--seconds|--forks) positive_int "$1" "$2"; ARGS+=("$1" "$2"); shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

JAVA="$(launcher_java)"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-exact-sum.XXXXXX")"
bench_classpath
machine_state

lock=/tmp/lianbang-bench.lock
for _ in $(seq 1 30); do [ -e "$lock" ] || break; echo "waiting for $lock ..." >&2; sleep 30; done
[ -e "$lock" ] && die "another benchmark still holds $lock"
echo "exact-sum $$" > "$lock"
trap 'rm -f "$lock"' EXIT

echo "CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $NCPU cores, load $LOAD1; logs in $LOG_DIR"
"$JAVA" --add-modules jdk.incubator.vector -cp "$CP" "$MAIN_CLASS" "${ARGS[@]}" 2>&1 | tee "$LOG_DIR/jmh.log" | sed -n '/^model of/,$p'
