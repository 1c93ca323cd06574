#!/usr/bin/env bash
# Rounds per second of the demo setting (Fashion-MNIST, MLP 784-200-200-10, 100 clients, FedAvg)
# on the in-JVM backend and on Spark local[1] and local[2], in one invocation and one JVM, with the
# ratio of each to the in-JVM backend and whether its final model equals the in-JVM one bit for
# bit. A benchmark, not a test. Holds /tmp/lianbang-bench.lock while timing so that other long
# runs wait. A full run (the defaults: 20 rounds of 10 clients per backend) takes about 5 minutes
# on 2 idle cores, plus the build.
#
# Usage: bench/spark.sh [--rounds N] [--clients-per-round K] [--threads T]
#                       [--backends local,local[1],local[2]] [--skip-build (offline)]
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ARGS=(--rounds 20)

while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds|--clients-per-round|--threads) positive_int "$1" "$2"; ARGS+=("$1" "$2"); shift 2 ;;
    --backends) ARGS+=("$1" "$2"); shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Spark 4.0's Hadoop client needs Subject.getSubject, which Java 24 and newer refuse.
feature="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
[[ -n "$feature" && "$feature" -ge 17 && "$feature" -le 21 ]] || die "$JAVA is Java ${feature:-?}; Spark 4.0 needs 17 to 21 (set JAVA_HOME)"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lianbang-spark.XXXXXX")"
classpath_file="$LOG_DIR/classpath"
offline=()
if [[ $SKIP_BUILD -eq 1 ]]; then offline=(-o); else echo "Building lianbang-spark and its modules ..."; fi
(cd "$REPO_ROOT" && ./mvnw -q -B "${offline[@]}" -pl lianbang-spark -am test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -DincludeScope=test \
    -DexcludeGroupIds=io.lianbang -Dmdep.outputFile="$classpath_file") >"$LOG_DIR/build.log" 2>&1 \
  || die "build failed (see $LOG_DIR/build.log)"
CP="$REPO_ROOT/lianbang-spark/target/test-classes"
for m in lianbang-spark lianbang-sim lianbang-privacy lianbang-engine lianbang-core; do CP="$CP:$REPO_ROOT/$m/target/classes"; done
CP="$CP:$(cat "$classpath_file")"
machine_state

lock=/tmp/lianbang-bench.lock
for _ in $(seq 1 30); do [ -e "$lock" ] || break; echo "waiting for $lock ..." >&2; sleep 30; done
[ -e "$lock" ] && die "another benchmark still holds $lock"
echo "spark $$" > "$lock"
trap 'rm -f "$lock"' EXIT

# The JDK internals Spark opens on Java 17 (the list of Spark's JavaModuleOptions).
OPENS=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.util.calendar; do
  OPENS+=("--add-opens=java.base/$p=ALL-UNNAMED")
done

echo "CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $NCPU cores, load $LOAD1; logs in $LOG_DIR"
"$JAVA" "${OPENS[@]}" -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true -Xmx3g \
    -cp "$CP" io.lianbang.spark.SparkThroughput "${ARGS[@]}" 2>"$LOG_DIR/run.log" | tee "$LOG_DIR/results.md"
echo "Logs and results.md: $LOG_DIR"
