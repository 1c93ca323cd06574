#!/usr/bin/env bash
# Server memory against the number of clients: a real gRPC server (its own JVM, measured) runs
# FedAvg (streaming) and the coordinate-wise median (buffering) on a 21 MiB model
# (mlp:784-2000-2000-10) while N lightweight clients in another JVM answer every task at once.
# Prints the server's peak live heap (after full collections forced every 100 ms) for each N,
# and checks that FedAvg with 50 clients uploading at once completes under -Xmx256m. A benchmark,
# not a test.
#
# Usage: bench/server-memory.sh [--clients "10 50 200"] [--rounds R] [--skip-build (offline)]
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MAIN_CLASS=io.lianbang.bench.ServerMemory
COUNTS="10 50 200"
ROUNDS=2

while [[ $# -gt 0 ]]; do
  case "$1" in
    --clients) COUNTS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
for n in $COUNTS; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "--clients must list positive integers, got '$n'"; done
positive_int --rounds "$ROUNDS"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-server-memory.XXXXXX")"
bench_classpath

trap kill_pids EXIT

# run STRATEGY CLIENTS SERVER_HEAP: one server and its clients; prints the server's result line
run() {
  local strategy=$1 n=$2 heap=$3 log="$LOG_DIR/$1-$2-$3"
  local port
  port=$(free_port)
  "$JAVA" -Xmx"$heap" -cp "$CP" "$MAIN_CLASS" server "$port" "$strategy" "$n" "$ROUNDS" >"$log.server" 2>&1 &
  local server=$!
  PIDS+=("$server")
  await_ready "$log.server" "$server" 120 0.5
  "$JAVA" -Xmx12g -cp "$CP" "$MAIN_CLASS" clients "$port" "$n" >"$log.clients" 2>&1 &
  local clients=$!
  PIDS+=("$clients")
  if wait "$server" && grep -q '^result' "$log.server"; then
    grep '^result' "$log.server" | sed "s/^result/server -Xmx$heap:/"
  else
    echo "server -Xmx$heap: $strategy clients $n FAILED (see $log.server): $(grep -m1 -E 'OutOfMemory|fatal|Exception' "$log.server" || true)"
  fi
  wait "$clients" 2>/dev/null || true
}

echo "Server memory, model mlp:784-2000-2000-10 (21.3 MiB), $ROUNDS rounds, loopback, $(nproc) cores; logs in $LOG_DIR"
for n in $COUNTS; do run fedavg "$n" 512m; done
run fedavg 50 256m
for n in $COUNTS; do run median "$n" 8g; done
