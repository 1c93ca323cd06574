#!/usr/bin/env bash
# The PyTorch client example against Java clients: the same federation (experiments/python-client.yaml:
# mlp:784-100-10, FedAvg, 5 clients every round, 20 rounds) run twice per seed, once with 5 Java
# `lianbang client`s and once with 5 PyTorch example clients (clients/python/examples/pytorch_fashion_mnist.py),
# with the same names and the same parts (--data fashion-mnist:I/5); each final model is then
# evaluated on the 10,000 Fashion-MNIST test images with `lianbang predict`.
# Usage: experiments/python-client.sh [seed ...]   (default: 1 2 3)
# Prints per seed both test accuracies and their difference; the runs are in runs/python-client/.
# PyTorch runs on OpenBLAS (Debian's python3-torch links the much slower reference BLAS by default):
# libopenblas0-openmp and python3-torch are installed from Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source experiments/lib.sh
wait_for_bench

seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3)
python=/usr/bin/python3
openblas=/usr/lib/x86_64-linux-gnu/openblas-openmp
model=mlp:784-100-10
clients=5
out=runs/python-client

missing=()
[ -e "$openblas/libblas.so.3" ] || missing+=(libopenblas0-openmp)
"$python" -c 'import torch' 2>/dev/null || missing+=(python3-torch)
"$python" -c 'import grpc, google.protobuf, numpy' 2>/dev/null || missing+=(python3-grpcio python3-protobuf python3-numpy)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  $sudo apt-get install -y "${missing[@]}"
fi
export LD_LIBRARY_PATH="$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OMP_NUM_THREADS=1
export LIANBANG_JAVA_OPTS="${LIANBANG_JAVA_OPTS:--Xmx1g}"

names=()
for i in $(seq 0 $((clients - 1))); do names+=("site-$i"); done
mkdir -p "$out"
./lianbang certs --out "$out/certs" --clients "$(IFS=,; echo "${names[*]}")" > "$out/certs.log"

# Runs one federation: $1 the seed, $2 java or python; prints the test accuracy of its final model.
federate() {
  local seed=$1 kind=$2 dir="$out/seed-$1-$2" port pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT  # this subshell's processes, if it fails
  rm -rf "$dir"
  mkdir -p "$dir"
  port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  { cat experiments/python-client.yaml
    echo "tls: {certificate: $out/certs/server.pem, private_key: $out/certs/server-key.pem, client_ca: $out/certs/ca.pem}"
    echo "output: $dir"
  } > "$dir/server.yaml"
  ./lianbang server --config "$dir/server.yaml" --listen "127.0.0.1:$port" --seed "$seed" > "$dir/server.log" 2>&1 &
  local server=$!
  pids=("$server")
  for i in $(seq 0 $((clients - 1))); do
    local tls=(--ca "$out/certs/ca.pem" --cert "$out/certs/client-site-$i.pem" --key "$out/certs/client-site-$i-key.pem")
    if [ "$kind" = java ]; then
      ./lianbang client --server "localhost:$port" --name "site-$i" --model "$model" --data "fashion-mnist:$i/$clients" \
        "${tls[@]}" > "$dir/site-$i.log" 2>&1 &
    else
      "$python" clients/python/examples/pytorch_fashion_mnist.py --server "localhost:$port" --name "site-$i" --model "$model" \
        --data "fashion-mnist:$i/$clients" --threads 1 "${tls[@]}" > "$dir/site-$i.log" 2>&1 &
    fi
    pids+=($!)
  done
  for p in "${pids[@]}"; do
    wait "$p" || { echo "a process of $dir failed:" >&2; tail -n 20 "$dir"/*.log >&2; exit 1; }
  done
  pids=()
  ./lianbang predict --model "$dir/model.safetensors" --data datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \
    --labels datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz --output "$dir/predictions.txt" > "$dir/predict.log"
  sed -n 's/^accuracy \([0-9.]*\) .*/\1/p' "$dir/predict.log"
}

echo "uptime:$(uptime)"
printf '%-6s %-10s %-10s %-10s\n' seed java python difference
for seed in "${seeds[@]}"; do
  java_acc=$(federate "$seed" java)
  python_acc=$(federate "$seed" python)
  [ "$seed" != "${seeds[0]}" ] || sed -n 's/^site-0: torch/PyTorch clients: torch/p' "$out/seed-$seed-python/site-0.log"
  printf '%-6s %-10.4f %-10.4f %+.4f\n' "$seed" "$java_acc" "$python_acc" "$("$python" -c "print($python_acc - $java_acc)")"
done
