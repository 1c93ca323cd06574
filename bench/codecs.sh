#!/usr/bin/env bash
# Codec throughput (JMH): encode, decode (chunk by chunk) and encode+decode of 2^20 float32 values
# per codec of io.lianbang.core.compress, one thread, default parameters; prints GB of float32 input
# per second per core. A benchmark, not a test. Holds /tmp/lianbang-bench.lock while timing so that
# other long runs wait.
#
# Usage: bench/codecs.sh [--codecs int8,fp16,...] [--n N] [--warmups W] [--iterations I]
#                        [--seconds S] [--forks F] [--skip-build (offline)]
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MAIN_CLASS=io.lianbang.bench.CodecThroughput
ARGS=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --codecs) ARGS+=("$1" "$2"); shift 2 ;;
    --n|--warmups|--iterations|--seconds|--forks) positive_int "$1" "$2"; ARGS+=("$1" "$2"); shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-codecs.XXXXXX")"
bench_classpath
machine_state

lock=/tmp/lianbang-bench.lock
for _ in $(seq 1 30); do [ -e "$lock" ] || break; echo "waiting for $lock ..." >&2; sleep 30; done
[ -e "$lock" ] && die "another benchmark still holds $lock"
echo "codecs $$" > "$lock"
trap 'rm -f "$lock"' EXIT

echo "CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $NCPU cores, load $LOAD1; logs in $LOG_DIR"
"$JAVA" --add-modules jdk.incubator.vector -cp "$CP" "$MAIN_CLASS" "${ARGS[@]}" 2>&1 | tee "$LOG_DIR/jmh.log" | sed -n '/^n=/,$p'
