# Sourced by bench/secagg.sh and bench/paillier.sh: waits (up to 15 minutes) until no other
# benchmark holds /tmp/lianbang-bench.lock, holds it for the run, compiles the modules (reactor
# build, no install) and sets CP to their classes plus slf4j-api.
lock=/tmp/lianbang-bench.lock
for _ in $(seq 30); do [ -e "$lock" ] || break; echo "waiting for $lock" >&2; sleep 30; done
if [ ! -e "$lock" ]; then
  touch "$lock"
  trap 'rm -f "$lock"' EXIT
fi
./mvnw -q -B -o -pl lianbang-bench -am compile >/dev/null
slf4j=$(find ~/.m2/repository/org/slf4j/slf4j-api -name 'slf4j-api-*.jar' | sort | tail -1)
CP="lianbang-core/target/classes:lianbang-privacy/target/classes:lianbang-bench/target/classes:$slf4j"
