#!/usr/bin/env bash
# SecureBoost quality benchmark as FATE's: federated SecureBoost (guest + one host, in-memory links),
# the plaintext reference GBDT and XGBoost hist with the same hyper-parameters (depth 3, 32 bins,
# learning rate 0.3, lambda 0.1), deterministic 80/20 split; prints train/test AUC and times.
#
# Usage: experiments/secureboost.sh [breast|credit] [TREES] [KEY_BITS] [ROWS]
#   experiments/secureboost.sh credit            full default credit, 30 trees, 1024-bit key (long: about 30 minutes on 2 cores)
#   experiments/secureboost.sh breast            breast, 10 trees (about a minute)
#   experiments/secureboost.sh credit 5 1024 3000   a 3,000-row sample, 5 trees
# Waits while /tmp/lianbang-bench.lock exists.
# Measured on 2 shared cores, 1024-bit key, full default credit (24,000 train / 6,000 test rows), 30 trees:
#   SecureBoost AUC train 0.7999 test 0.7800 (1,744 s; guest sent 201 MB, received 1.1 MB),
#   reference   AUC train 0.7999 test 0.7800, XGBoost hist AUC train 0.7992 test 0.7789
#   (relative gap 0.0009 / 0.0014, FATE's fidelity rule <= 0.01).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=experiments/lib.sh
. experiments/lib.sh
wait_for_bench
./mvnw -q -B -o -pl lianbang-vertical -am test-compile -Dmaven.test.skip.exec=true >/dev/null
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
./mvnw -q -B -o -pl lianbang-vertical dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >/dev/null
cp="lianbang-vertical/target/test-classes:lianbang-vertical/target/classes:lianbang-privacy/target/classes:lianbang-core/target/classes:$(cat "$cpfile")"
java -cp "$cp" io.lianbang.vertical.boost.SecureBoostExperiment "${1:-credit}" "${@:2}"
