#!/usr/bin/env bash
# Paillier encryptions, additions and decryptions per second.
# Usage: bench/paillier.sh [bits=2048] [seconds per operation=3]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/privacy-classpath.sh
java -cp "$CP" io.lianbang.bench.PaillierBench "$@"
