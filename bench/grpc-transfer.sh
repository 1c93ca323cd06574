#!/usr/bin/env bash
# Sends a large model (default 3 GiB) from a gRPC federation server to clients and back over
# loopback, in separate JVMs, and prints the throughput (MB/s), a plain-TCP reference measured in
# the same invocation, and the server's peak heap. A benchmark, not a test.
#
# Usage: bench/grpc-transfer.sh [--gib G] [--clients N] [--rounds R] [--server-heap SIZE]
#                               [--client-heap SIZE] [--skip-build (offline, no download)]
# Memory: the server holds the model plus every result in flight (about (1 + clients) x model);
# each client holds one copy. The defaults (3 GiB, 2 clients) need about 22 GiB of RAM.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MAIN_CLASS=io.lianbang.bench.GrpcTransfer
GIB=3
CLIENTS=2
ROUNDS=2
SERVER_HEAP=12g
CLIENT_HEAP=4g

while [[ $# -gt 0 ]]; do
  case "$1" in
    --gib) GIB="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --server-heap) SERVER_HEAP="$2"; shift 2 ;;
    --client-heap) CLIENT_HEAP="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$GIB" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--gib must be a number, got '$GIB'"
positive_int --clients "$CLIENTS"
positive_int --rounds "$ROUNDS"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-grpc-transfer.XXXXXX")"
bench_classpath

PORT=$(free_port)
trap kill_pids EXIT

"$JAVA" -Xmx"$SERVER_HEAP" -cp "$CP" "$MAIN_CLASS" server "$PORT" "$GIB" "$CLIENTS" "$ROUNDS" >"$LOG_DIR/server.log" 2>&1 &
PIDS+=($!)
await_ready "$LOG_DIR/server.log" "${PIDS[0]}" 600 1
for i in $(seq 1 "$CLIENTS"); do
  "$JAVA" -Xmx"$CLIENT_HEAP" -cp "$CP" "$MAIN_CLASS" client "$PORT" "client-$i" >"$LOG_DIR/client-$i.log" 2>&1 &
  PIDS+=($!)
done
wait "${PIDS[0]}" || die "the server failed (see $LOG_DIR/server.log)"
echo "gRPC transfer, $GIB GiB model, $CLIENTS clients, $ROUNDS rounds, loopback, $(nproc) cores; logs in $LOG_DIR"
grep -vE '^\[|READY' "$LOG_DIR/server.log" | grep -E '^(model|moved|round|gRPC|TCP|ratio|server)'
