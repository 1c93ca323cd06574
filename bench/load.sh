#!/usr/bin/env bash
# Thousands of connected devices against one real server: a FederationServer in its own JVM
# (token authentication, plaintext on loopback) and N lightweight devices in another, each a real
# FederationClient with its own identity and token, sharing C TCP connections (C = N: one each).
# Measures the idle traffic per device per minute (calls by method, server socket bytes), the
# server's idle CPU, then R FedAvg rounds in which every device takes part: per round the wall time
# and the server's CPU time (utime + stime), the failures, and the server's peak resident set
# (VmHWM). A benchmark, not a test.
#
# Usage: bench/load.sh [--clients N (2000)] [--channels C (= N)] [--rounds R (3)]
#                      [--model-values V (300)] [--idle-seconds S (60)] [--heartbeat-seconds H (5)]
#                      [--max-concurrent-uploads U (2)] [--server-heap 1g] [--skip-build (offline)]
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CLIENTS=2000
CHANNELS=""
ROUNDS=3
VALUES=300
IDLE=60
HEARTBEAT=5
UPLOADS=2
HEAP=1g

while [[ $# -gt 0 ]]; do
  case "$1" in
    --clients) CLIENTS="$2"; shift 2 ;;
    --channels) CHANNELS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --model-values) VALUES="$2"; shift 2 ;;
    --idle-seconds) IDLE="$2"; shift 2 ;;
    --heartbeat-seconds) HEARTBEAT="$2"; shift 2 ;;
    --max-concurrent-uploads) UPLOADS="$2"; shift 2 ;;
    --server-heap) HEAP="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
CHANNELS="${CHANNELS:-$CLIENTS}"
for v in CLIENTS CHANNELS ROUNDS VALUES IDLE UPLOADS; do positive_int "--$(echo "$v" | tr 'A-Z_' 'a-z-')" "${!v}"; done
(( CHANNELS <= CLIENTS )) || die "--channels ($CHANNELS) must be at most --clients ($CLIENTS)"
[[ "$HEARTBEAT" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--heartbeat-seconds must be a positive number, got '$HEARTBEAT'"
[[ "$HEAP" =~ ^[1-9][0-9]*[mMgG]$ ]] || die "--server-heap must be like 512m or 2g, got '$HEAP'"
[[ -r /proc/self/io ]] || die "needs Linux /proc (/proc/PID/io, /proc/PID/status)"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-load.XXXXXX")"
bench_classpath
machine_state

# Each device is a thread plus its heartbeat thread: 2 x N threads in the devices' JVM.
"$JAVA" -Xmx2g -Xss512k -cp "$CP" io.lianbang.bench.load.ConnectedDevices --devices "$CLIENTS" --channels "$CHANNELS" \
  --rounds "$ROUNDS" --model-values "$VALUES" --idle-seconds "$IDLE" --heartbeat-seconds "$HEARTBEAT" \
  --max-concurrent-uploads "$UPLOADS" --server-heap "$HEAP" 2>"$LOG_DIR/stderr.log" | tee "$LOG_DIR/results.md"
echo
echo "Logs and results.md: $LOG_DIR"
