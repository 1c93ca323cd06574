# Shared by the experiment scripts: source it after `cd` to the repository root.

# Waits while a benchmark holds /tmp/lianbang-bench.lock (at most 15 minutes, then fails): an
# experiment beside a benchmark would make the benchmark's timings void.
wait_for_bench() {
  local lock=/tmp/lianbang-bench.lock
  for _ in $(seq 1 30); do [ -e "$lock" ] || return 0; echo "waiting for $lock ..." >&2; sleep 30; done
  echo "a benchmark still holds $lock after 15 minutes" >&2; exit 1
}
