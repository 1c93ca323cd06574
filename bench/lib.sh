# Shell functions shared by the bench/*.sh scripts; sourced first: . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Sets SCRIPT_DIR (bench/), REPO_ROOT and SKIP_BUILD=0 (the scripts' --skip-build sets it to 1).
# Argument checks, prerequisites, the machine's load, the run statistics and, for the scripts that
# start their own JVMs, the build and class path of lianbang-bench.

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
SKIP_BUILD=0

die() { echo "error: $*" >&2; exit 2; }
warn() { echo "WARNING: $*" >&2; }
positive_int() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, got '$2'"; }

# ---------------------------------------------------------------------------------------------
# Prerequisites: the checks add to the arrays missing (what) and packages (what installs it);
# report_missing then reports all that is missing at once.

missing=()
packages=()

# check_torch: PYTHON must import numpy and torch, and OPENBLAS_DIR must hold libblas.so.3.
check_torch() {
  if [[ ! -x "$PYTHON" ]]; then
    missing+=("Python interpreter $PYTHON"); packages+=(python3-torch)
  elif ! "$PYTHON" -c 'import numpy, torch' >/dev/null 2>&1; then
    missing+=("PyTorch/numpy for $PYTHON (import numpy, torch failed)"); packages+=(python3-torch)
  fi
  if ! compgen -G "$OPENBLAS_DIR/libblas.so.3" >/dev/null; then
    missing+=("OpenBLAS (no libblas.so.3 in $OPENBLAS_DIR)"); packages+=(libopenblas0-openmp)
  fi
}

# find_data FILE...: prints the first Fashion-MNIST directory (DATA_DIR when set, else
# /usr/share/datasets/fashion-mnist, then <repo>/datasets/fashion-mnist) that holds every FILE,
# or nothing.
find_data() {
  local d f ok
  local candidates=()
  if [[ -n "$DATA_DIR" ]]; then candidates=("$DATA_DIR")
  else candidates=(/usr/share/datasets/fashion-mnist "$REPO_ROOT/datasets/fashion-mnist"); fi
  for d in "${candidates[@]}"; do
    ok=1
    for f in "$@"; do
      [[ -f "$d/$f" ]] || ok=0
    done
    if (( ok )); then (cd "$d" && pwd); return 0; fi
  done
  return 0
}

# check_data WHAT FILE...: sets DATA to find_data FILE..., or reports "Fashion-MNIST WHAT" missing.
check_data() {
  local what="$1"; shift
  DATA="$(find_data "$@")"
  if [[ -z "$DATA" ]]; then
    if [[ -n "$DATA_DIR" ]]; then missing+=("Fashion-MNIST $what in $DATA_DIR")
    else missing+=("Fashion-MNIST $what in /usr/share/datasets/fashion-mnist or $REPO_ROOT/datasets/fashion-mnist")
    fi
    packages+=(dataset-fashion-mnist)
  fi
}

# report_missing: when anything is missing, lists it with the packages to install (and APT_HINT)
# and exits with status 2.
report_missing() {
  local m
  [[ ${#missing[@]} -gt 0 ]] || return 0
  echo "Cannot run the benchmark; missing:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  if [[ ${#packages[@]} -gt 0 ]]; then
    echo "On Debian/Ubuntu: apt-get install $(printf '%s\n' "${packages[@]}" | sort -u | tr '\n' ' ')" >&2
    echo "(all prerequisites: $APT_HINT, and a JDK 17+, preferably the newest)" >&2
  fi
  exit 2
}

# torch_info WHAT: sets TORCH_ENV (OpenBLAS first on the library path, OMP_NUM_THREADS=THREADS),
# checks that torch_reference.py --info runs in it (else dies: "WHAT cannot run with OpenBLAS"),
# and sets TORCH_VERSION, TORCH_BLAS and CPU_MODEL. Writes LOG_DIR/torch-info.log.
torch_info() {
  TORCH_ENV=(env "LD_LIBRARY_PATH=$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "OMP_NUM_THREADS=$THREADS")
  if ! "${TORCH_ENV[@]}" "$PYTHON" "$SCRIPT_DIR/torch_reference.py" --info --threads "$THREADS" \
        >"$LOG_DIR/torch-info.log" 2>&1; then
    cat "$LOG_DIR/torch-info.log" >&2
    die "$1 cannot run with OpenBLAS (see above)"
  fi
  CPU_MODEL="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  TORCH_VERSION="$(sed -n 's/^torch \([^ ]*\).*/\1/p' "$LOG_DIR/torch-info.log")"
  TORCH_BLAS="$(sed -n 's/^BLAS: //p' "$LOG_DIR/torch-info.log")"
}

# ---------------------------------------------------------------------------------------------
# Machine state. On a 2-core machine any other load ruins multi-threaded timings.

# machine_state: sets LOAD1 (warning when it is above 0.5), CLK_TCK and NCPU.
machine_state() {
  read -r LOAD1 _ < /proc/loadavg
  if awk -v l="$LOAD1" 'BEGIN { exit !(l > 0.5) }'; then
    warn "1-minute load average is $LOAD1 (> 0.5): other work is running, timings will be unreliable."
  fi
  CLK_TCK="$(getconf CLK_TCK)"
  NCPU="$(nproc)"
}

cpu_busy_jiffies() {  # all non-idle time of all CPUs, in clock ticks
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

wait_idle() {  # waits up to WAIT_IDLE seconds for 2 s in which other work used < 5% of the CPUs
  local deadline=$((SECONDS + WAIT_IDLE)) before after
  while (( SECONDS < deadline )); do
    before="$(cpu_busy_jiffies)"; sleep 2; after="$(cpu_busy_jiffies)"
    if (( (after - before) * 100 < 5 * 2 * CLK_TCK * NCPU )); then return 0; fi
  done
  (( WAIT_IDLE == 0 )) || echo "  (machine still busy after waiting ${WAIT_IDLE} s; running anyway)"
}

# ---------------------------------------------------------------------------------------------
# Results.

stats() {  # prints "median min max" of the numbers given as arguments
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}

# print_results COLUMN: prints the table of LOG_DIR/results.md (from its row "| COLUMN" on), the
# runs that other work disturbed (DISTURBED) and where the logs are.
print_results() {
  echo
  sed -n "/^| $1/,\$p" "$LOG_DIR/results.md"
  if [[ ${#DISTURBED[@]} -gt 0 ]]; then
    echo
    warn "other work used more than 10% of the CPUs during these runs; re-run on an idle machine:"
    printf '%s\n' "${DISTURBED[@]}" >&2
  fi
  echo
  echo "Logs and results.md: $LOG_DIR"
}

# ---------------------------------------------------------------------------------------------
# Scripts that start their own server and client JVMs.

# bench_classpath: compiles lianbang-bench and the modules it needs (offline when SKIP_BUILD is 1;
# the reactor always compiles, a no-op when up to date, and installs nothing: the modules come
# from target/classes) and sets CP to their classes and the third-party jars. Logs to LOG_DIR.
bench_classpath() {
  local classpath_file="$LOG_DIR/classpath" m
  local goals=(org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -DincludeScope=runtime
               -DexcludeGroupIds=io.lianbang -Dmdep.outputFile="$classpath_file")
  local offline=()
  if [[ $SKIP_BUILD -eq 1 ]]; then offline=(-o); else echo "Building lianbang-bench and its modules ..."; fi
  (cd "$REPO_ROOT" && ./mvnw -q -B "${offline[@]}" -pl lianbang-bench -am compile "${goals[@]}") >"$LOG_DIR/build.log" 2>&1 \
    || die "build failed (see $LOG_DIR/build.log)"
  CP=""
  for m in lianbang-bench lianbang-grpc lianbang-privacy lianbang-sim lianbang-engine lianbang-core; do
    CP="$CP:$REPO_ROOT/$m/target/classes"
  done
  CP="${CP#:}:$(cat "$classpath_file")"
}

# launcher_java: prints the java executable the ./lianbang launcher would run on (LIANBANG_JAVA if
# set, else the newest JDK found; the Vector API kernels run on 21 and newer, JDK 17 gets the
# scalar ones), as the launcher chooses it.
launcher_java() {
  local choice
  choice="$(LIANBANG_PRINT_JAVA=1 "$REPO_ROOT/lianbang")" || die "the launcher found no JDK to run on"
  echo "${choice#* }"
}

free_port() {  # prints a TCP port on 127.0.0.1 that was free a moment ago
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# await_ready LOG PID TRIES PAUSE: waits until LOG has a READY line, checking TRIES times PAUSE
# seconds apart and no longer once the process PID has exited; dies if LOG has none.
await_ready() {
  local log="$1" pid="$2" tries="$3" pause="$4"
  for _ in $(seq 1 "$tries"); do
    grep -q READY "$log" && break
    kill -0 "$pid" 2>/dev/null || break # the server exited: no point waiting
    sleep "$pause"
  done
  grep -q READY "$log" || die "the server did not start (see $log)"
}

# Processes in PIDS are killed when the script exits.
PIDS=()
kill_pids() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
