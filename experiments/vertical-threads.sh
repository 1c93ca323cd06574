#!/usr/bin/env bash
# Hetero LR or SecureBoost (all parties in one JVM, in-memory links) with the roles' Paillier work on
# 1 thread and on more (-Dlianbang.vertical.threads=N, default: the processors, at most 8): time of
# each run. The models are the same for any thread count (HeteroLrThreadsTest, SecureBoostThreadsTest).
#
#   experiments/vertical-threads.sh lr    [THREADS=1,2] [hetero-lr arguments, e.g. rows=3000 maxIter=2]
#   experiments/vertical-threads.sh boost [THREADS=1,2] [TREES=3] [KEY_BITS=1024] [ROWS=3000]
#
# Both on FATE's default credit data. All parties share the machine's cores, so the ratio is that of
# one machine running every party; across machines each party has its cores to itself.
# Measured on 2 cores shared with other work (load about 6): `lr 1,2 rows=3000 maxIter=2` 27.6 s on
# 1 thread, 23.0 s on 2; in-process timings move by up to 2x with the machine's load.
# Waits while /tmp/lianbang-bench.lock exists.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=experiments/lib.sh
. experiments/lib.sh
what=${1:-lr}
threads=${2:-1,2}
shift 2 || shift $# || true
wait_for_bench
./mvnw -q -B -o -pl lianbang-vertical -am test-compile -Dmaven.test.skip.exec=true >/dev/null
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
./mvnw -q -B -o -pl lianbang-vertical dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >/dev/null
cp="lianbang-vertical/target/test-classes:lianbang-vertical/target/classes:lianbang-privacy/target/classes:lianbang-core/target/classes:$(cat "$cpfile")"
IFS=, read -r -a counts <<< "$threads"
for n in "${counts[@]}"; do
  echo "== $what, $n thread(s), load $(cut -d' ' -f1 /proc/loadavg)"
  case "$what" in
    lr) java -Dlianbang.vertical.threads="$n" -cp "$cp" io.lianbang.vertical.lr.HeteroLrExperiment \
          datasets/fate-default-credit/default_credit_hetero_guest.csv.gz datasets/fate-default-credit/default_credit_hetero_host.csv.gz \
          "${@:-rows=3000}" | grep -E "iterations in|train AUC|max \|" ;;
    boost) java -Dlianbang.vertical.threads="$n" -cp "$cp" io.lianbang.vertical.boost.SecureBoostExperiment credit "${1:-3}" "${2:-1024}" "${3:-3000}" \
          | grep -E "^SecureBoost|^reference" ;;
    *) echo "first argument must be lr or boost, got $what" >&2; exit 2 ;;
  esac
done
