#!/usr/bin/env bash
# Krum/Bulyan pairwise distances: 100 clients x 1M parameters (override with --clients/--dim).
# Holds /tmp/lianbang-bench.lock while timing so that other long runs wait.
# Usage: bench/krum-distances.sh [--clients N] [--dim D] [--threads T] [--repeats R]
set -euo pipefail
cd "$(dirname "$0")/.."
lock=/tmp/lianbang-bench.lock
for _ in $(seq 1 30); do [ -e "$lock" ] || break; echo "waiting for $lock ..." >&2; sleep 30; done
[ -e "$lock" ] && { echo "another benchmark still holds $lock" >&2; exit 1; }
./mvnw -q -B -o -pl lianbang-core,lianbang-bench -am compile
echo "krum-distances $$" > "$lock"
trap 'rm -f "$lock"' EXIT
java -Xmx2g -cp lianbang-bench/target/classes:lianbang-core/target/classes:lianbang-engine/target/classes \
  io.lianbang.bench.KrumDistances --threads "$(nproc)" "$@"
