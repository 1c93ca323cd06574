#!/usr/bin/env bash
# ECDH-PSI on synthetic id sets with a known overlap: both parties in one JVM (sharing the cores),
# exact intersection checked, time per phase and total printed.
# Usage: bench/psi.sh [ids per side=1000000] [common ids=half] [batch size=65536] [threads per party=2] [seed=14]
# CPU-heavy: about 4 X25519 scalar multiplications and 2 hashes to the curve per id pair.
set -euo pipefail
cd "$(dirname "$0")/.."
lock=/tmp/lianbang-bench.lock
for _ in $(seq 30); do [ -e "$lock" ] || break; echo "waiting for $lock" >&2; sleep 30; done
if [ ! -e "$lock" ]; then
  touch "$lock"
  trap 'rm -f "$lock"' EXIT
fi
./mvnw -q -B -o -pl lianbang-vertical -am compile >/dev/null
slf4j=$(find ~/.m2/repository/org/slf4j/slf4j-api -name 'slf4j-api-*.jar' | sort | tail -1)
CP="lianbang-core/target/classes:lianbang-privacy/target/classes:lianbang-vertical/target/classes:$slf4j"
java -Xmx2g -cp "$CP" io.lianbang.vertical.psi.PsiBenchmark "$@"
