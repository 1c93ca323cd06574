#!/usr/bin/env bash
# Paillier throughput (JMH): single encryptions, additions and CRT decryptions; values encrypted per
# second unpacked (one value per ciphertext) vs packed (k values per ciphertext), with randomness
# inline, from a background pool or precomputed, on 1 and 2 threads; SecureBoost-style histogram
# additions per value, packed (g, h) vs unpacked. Prints tables and the packed/unpacked ratios.
# A benchmark, not a test. Holds /tmp/lianbang-bench.lock while timing.
#
# Usage: bench/paillier.sh [--bits 2048] [--threads 1,2] [--randomness inline,pool,precomputed]
#                          [--samples 1000] [--warmups 3] [--iterations 5] [--seconds 3]
#                          [--forks 1] [--only single,encrypt,histogram] [--skip-build (offline)]
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MAIN_CLASS=io.lianbang.bench.PaillierBench
ARGS=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads|--randomness|--seconds|--only) [[ $# -ge 2 ]] || die "$1 needs a value"; ARGS+=("$1" "$2"); shift 2 ;;
    --bits|--samples|--warmups|--iterations|--forks) positive_int "$1" "${2:-}"; ARGS+=("$1" "$2"); shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-paillier.XXXXXX")"
bench_classpath
machine_state

lock=/tmp/lianbang-bench.lock
for _ in $(seq 1 30); do [ -e "$lock" ] || break; echo "waiting for $lock ..." >&2; sleep 30; done
[ -e "$lock" ] && die "another benchmark still holds $lock"
echo "paillier $$" > "$lock"
trap 'rm -f "$lock"' EXIT

echo "CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $NCPU cores, load $LOAD1; logs in $LOG_DIR"
"$JAVA" -cp "$CP" "$MAIN_CLASS" "${ARGS[@]}" 2>&1 | tee "$LOG_DIR/jmh.log" | sed -n '/^paillier /,$p'
