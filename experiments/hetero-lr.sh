#!/usr/bin/env bash
# Hetero logistic regression (guest + one host + arbiter in one JVM, in-memory links) on FATE's
# vertical data sets: time, loss, the largest weight difference to the plaintext reference, train
# AUC and bytes per message kind.
#
#   experiments/hetero-lr.sh [breast|credit] [maxIter=5] [batchSize=-1] [keyBits=1024] [seed=0] [rows=N]
#
# breast: 569 rows (seconds to a minute); credit: 30,000 rows (one full-batch iteration costs
# about 60,000 Paillier encryptions, tens of minutes on 2 cores; try rows=2000 first).
# Waits while /tmp/lianbang-bench.lock exists.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-breast}
shift || true
case "$data" in
  breast) files=(datasets/fate-breast/breast_hetero_guest.csv datasets/fate-breast/breast_hetero_host.csv) ;;
  credit) files=(datasets/fate-default-credit/default_credit_hetero_guest.csv.gz datasets/fate-default-credit/default_credit_hetero_host.csv.gz) ;;
  *) echo "data set must be breast or credit, got $data" >&2; exit 2 ;;
esac
lock=/tmp/lianbang-bench.lock
for _ in $(seq 30); do [ -e "$lock" ] || break; echo "waiting for $lock" >&2; sleep 30; done
./mvnw -q -B -o -pl lianbang-vertical -am compile >/dev/null
CP="lianbang-vertical/target/classes:lianbang-privacy/target/classes:lianbang-core/target/classes"
exec java -cp "$CP" io.lianbang.vertical.lr.HeteroLrExperiment "${files[@]}" "$@"
