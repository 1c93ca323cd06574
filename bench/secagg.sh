#!/usr/bin/env bash
# SecAgg+ round cost and bytes on the wire against a plain round, and Paillier throughput.
# Usage: bench/secagg.sh [clients] [params] [k] [dropout] [threads] [repeat]
#        (defaults 100 100000 0 0.0 2 3; k=0 is the log-scaled default, 14 for 100 clients)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/privacy-classpath.sh
java -cp "$CP" io.lianbang.bench.SecAggBench "$@"
