#!/usr/bin/env bash
# Server memory against the number of clients: a real gRPC server (its own JVM, measured) runs
# FedAvg (streaming) and the coordinate-wise median (buffering) on a 21 MiB model
# (mlp:784-2000-2000-10) while N lightweight clients in another JVM answer every task at once.
# Prints the server's peak live heap (after full collections forced every 100 ms) for each N, and checks that FedAvg with
# 50 clients uploading at once completes under -Xmx256m. A benchmark, not a test.
#
# Usage: bench/server-memory.sh [--clients "10 50 200"] [--rounds R] [--skip-build (offline)]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
MAIN_CLASS=io.lianbang.bench.ServerMemory
COUNTS="10 50 200"
ROUNDS=2
SKIP_BUILD=0

die() { echo "error: $*" >&2; exit 2; }
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
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer, got '$ROUNDS'"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-server-memory.XXXXXX")"
CLASSPATH_FILE="$LOG_DIR/classpath"
GOALS=(org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -DincludeScope=runtime
       -DexcludeGroupIds=io.lianbang -Dmdep.outputFile="$CLASSPATH_FILE")
OFFLINE=()
if [[ $SKIP_BUILD -eq 1 ]]; then OFFLINE=(-o); else echo "Building lianbang-bench and its modules ..."; fi
(cd "$REPO_ROOT" && ./mvnw -q -B "${OFFLINE[@]}" -pl lianbang-bench -am compile "${GOALS[@]}") >"$LOG_DIR/build.log" 2>&1 \
  || die "build failed (see $LOG_DIR/build.log)"
CP=""
for m in lianbang-bench lianbang-grpc lianbang-privacy lianbang-sim lianbang-engine lianbang-core; do
  CP="$CP:$REPO_ROOT/$m/target/classes"
done
CP="${CP#:}:$(cat "$CLASSPATH_FILE")"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# run STRATEGY CLIENTS SERVER_HEAP: one server and its clients; prints the server's result line
run() {
  local strategy=$1 n=$2 heap=$3 log="$LOG_DIR/$1-$2-$3"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$JAVA" -Xmx"$heap" -cp "$CP" "$MAIN_CLASS" server "$port" "$strategy" "$n" "$ROUNDS" >"$log.server" 2>&1 &
  local server=$!
  PIDS+=("$server")
  for _ in $(seq 1 120); do
    grep -q READY "$log.server" && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.5
  done
  grep -q READY "$log.server" || die "the server did not start (see $log.server)"
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
