#!/usr/bin/python3
"""PyTorch reference for bench/train-throughput.sh.

Trains the same models as io.lianbang.bench.TrainThroughput on Fashion-MNIST with plain SGD and
prints the training throughput. Human-readable lines first; the last line is always exactly
``samples_per_sec=<float>`` so the driver script can parse it.

Run it through train-throughput.sh, or by hand with OpenBLAS forced in:

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=2 \\
        /usr/bin/python3 bench/torch_reference.py --model mlp --batch 10 --threads 2

Debian's python3-torch is linked against the generic libblas.so.3; unless OpenBLAS is the one
the loader picks, the reference BLAS is used and the reference is 20-25x slower. This script
therefore refuses to run (exit 3) unless a libopenblas is mapped into the process.

Needs only the Debian packages python3-torch (with python3-numpy) and libopenblas0-openmp.
"""

import argparse
import gzip
import os
import struct
import sys
import time
from pathlib import Path

MISSING_HINT = "install with: apt-get install python3-torch libopenblas0-openmp dataset-fashion-mnist"
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
EXIT_MISSING = 2
EXIT_WRONG_BLAS = 3


def parse_args(argv):
    p = argparse.ArgumentParser(description="PyTorch training-throughput reference (Fashion-MNIST, SGD).")
    p.add_argument("--model", choices=["mlp", "lenet"], default="mlp")
    p.add_argument("--batch", type=int, default=10, help="mini-batch size (default 10)")
    p.add_argument("--threads", type=int, default=2, help="intra-op threads, also OMP_NUM_THREADS (default 2)")
    p.add_argument("--samples", type=int, default=60000,
                   help="training samples in the timed run, at most 60000 = one epoch (default 60000)")
    p.add_argument("--warmup-batches", type=int, default=200,
                   help="batches trained before timing starts, not counted; the same default as "
                        "io.lianbang.bench.TrainThroughput (default 200)")
    p.add_argument("--lr", type=float, default=0.05, help="SGD learning rate (default 0.05)")
    p.add_argument("--loader", choices=["index", "dataloader"], default="index",
                   help="index: batches sliced from in-memory tensors with index_select (the fastest "
                        "loop); dataloader: the idiomatic torch.utils.data.DataLoader over a "
                        "TensorDataset with shuffle=True (default index)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--data", default=None,
                   help="directory with the Fashion-MNIST *-ubyte.gz files "
                        "(default: /usr/share/datasets/fashion-mnist, then <repo>/datasets/fashion-mnist)")
    p.add_argument("--info", action="store_true",
                   help="print torch version, threads and BLAS, check OpenBLAS, then exit")
    a = p.parse_args(argv)
    if a.batch < 1:
        p.error(f"--batch must be at least 1, got {a.batch}")
    if a.threads < 1:
        p.error(f"--threads must be at least 1, got {a.threads}")
    if not 1 <= a.samples <= 60000:
        p.error(f"--samples must be in [1, 60000], got {a.samples}")
    if a.warmup_batches < 0:
        p.error(f"--warmup-batches must not be negative, got {a.warmup_batches}")
    return a


def fail(code, msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(code)


def find_data_dir(explicit):
    if explicit:
        candidates = [Path(explicit)]
    else:
        repo_root = Path(__file__).resolve().parent.parent
        candidates = [Path("/usr/share/datasets/fashion-mnist"), repo_root / "datasets" / "fashion-mnist"]
    for d in candidates:
        if (d / TRAIN_IMAGES).is_file() and (d / TRAIN_LABELS).is_file():
            return d
    fail(EXIT_MISSING, f"Fashion-MNIST {TRAIN_IMAGES} / {TRAIN_LABELS} not found in "
                       f"{', '.join(str(c) for c in candidates)}; {MISSING_HINT}")


def read_idx(path, np):
    """Reads a gzip-compressed IDX file (big-endian header, unsigned bytes) into a numpy array."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    expected = 1
    for d in dims:
        expected *= d
    if data.size != expected:
        raise ValueError(f"{path}: header says {dims} ({expected} values) but holds {data.size}")
    return data.reshape(dims)


def loaded_blas_libraries():
    """Paths of BLAS/LAPACK shared objects mapped into this process."""
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            if len(parts) >= 6:
                name = os.path.basename(parts[5])
                if "blas" in name or "lapack" in name:
                    libs.add(parts[5])
    return sorted(libs)


def describe_blas(torch):
    """(summary, openblas_loaded) for the BLAS that the dynamic loader actually gave torch."""
    cfg = torch.__config__.show()
    blas_info = next((tok.split("=", 1)[1] for tok in cfg.replace(",", " ").split()
                      if tok.startswith("BLAS_INFO=")), "unknown")
    libs = loaded_blas_libraries()
    openblas = [lib for lib in libs if "libopenblas" in os.path.basename(lib)]
    if openblas:
        summary = f"OpenBLAS ({', '.join(openblas)})"
    elif libs:
        summary = f"NOT OpenBLAS: {', '.join(libs)}"
    else:
        summary = "no BLAS library mapped"
    return f"{summary}; torch build BLAS_INFO={blas_info}", bool(openblas)


def start_torch(threads):
    """Imports numpy and torch with `threads` intra-op threads (also OMP_NUM_THREADS) and one
    inter-op thread, maps BLAS and prints the torch and BLAS lines. Returns (np, torch,
    openblas_loaded); exits with EXIT_MISSING when numpy or torch cannot be imported."""
    # OpenMP reads this once, when the runtime starts: set it before torch is imported.
    env_threads = os.environ.get("OMP_NUM_THREADS")
    if env_threads is None:
        os.environ["OMP_NUM_THREADS"] = str(threads)
    elif env_threads != str(threads):
        print(f"warning: OMP_NUM_THREADS={env_threads} differs from --threads {threads}", file=sys.stderr)

    try:
        import numpy as np
        import torch
    except ImportError as e:
        fail(EXIT_MISSING, f"cannot import {e.name}; {MISSING_HINT}")

    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    # Touch BLAS once so that whatever library serves it is certainly mapped.
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    blas, openblas_loaded = describe_blas(torch)

    print(f"torch {torch.__version__} (python {sys.version.split()[0]}, numpy {np.__version__})")
    print(f"BLAS: {blas}")
    return np, torch, openblas_loaded


def require_openblas(openblas_loaded):
    """Exits with EXIT_WRONG_BLAS unless OpenBLAS serves torch's BLAS."""
    if not openblas_loaded:
        fail(EXIT_WRONG_BLAS,
             "OpenBLAS is not loaded, so torch would use a slow BLAS and the comparison would be "
             "meaningless. Install libopenblas0-openmp and run with "
             "LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp")


def build_model(torch, kind):
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 200), nn.ReLU(),
            nn.Linear(200, 200), nn.ReLU(),
            nn.Linear(200, 10))
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def batches(torch, x, y, order, batch, loader, gen):
    """The mini-batches of the examples in `order`, as the chosen loader produces them."""
    if loader == "dataloader":
        from torch.utils.data import DataLoader, TensorDataset
        data = TensorDataset(x.index_select(0, order), y.index_select(0, order))
        return DataLoader(data, batch_size=batch, shuffle=True, generator=gen)
    n = order.numel()
    return ((x.index_select(0, order[s:s + batch]), y.index_select(0, order[s:s + batch]))
            for s in range(0, n, batch))


def train(torch, model, loss_fn, opt, x, y, order, batch, loader, gen):
    """The standard loop: zero_grad, forward, loss, backward, step; returns the last batch's loss."""
    loss = None
    for xb, yb in batches(torch, x, y, order, batch, loader, gen):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
    return loss


def main(argv):
    args = parse_args(argv)
    np, torch, openblas_loaded = start_torch(args.threads)
    print(f"threads: torch.get_num_threads()={torch.get_num_threads()} "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')} "
          f"interop={torch.get_num_interop_threads()} "
          f"parallel backend={'OpenMP' if 'OpenMP' in torch.__config__.parallel_info() else 'other'}")
    print(f"oneDNN (mkldnn) available: {torch.backends.mkldnn.is_available()}")
    require_openblas(openblas_loaded)
    if args.info:
        return 0

    data_dir = find_data_dir(args.data)
    t0 = time.perf_counter()
    images = read_idx(data_dir / TRAIN_IMAGES, np)
    labels = read_idx(data_dir / TRAIN_LABELS, np)
    if images.shape[1:] != (28, 28) or images.shape[0] != labels.shape[0]:
        fail(EXIT_MISSING, f"unexpected shapes images {images.shape} labels {labels.shape} in {data_dir}")
    x = torch.from_numpy(images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28).contiguous()
    y = torch.from_numpy(labels.astype(np.int64))
    print(f"data: {data_dir} ({x.shape[0]} images) loaded in {time.perf_counter() - t0:.2f} s")

    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    model = build_model(torch, args.model)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.0)
    params = sum(p.numel() for p in model.parameters())
    print(f"workload: model={args.model} ({params} parameters) batch={args.batch} "
          f"samples={args.samples} warmup batches={args.warmup_batches} lr={args.lr} SGD without momentum "
          f"loader={args.loader}")

    model.train()
    if args.warmup_batches > 0:
        warm = torch.randperm(x.shape[0], generator=gen)[:min(x.shape[0], args.warmup_batches * args.batch)]
        train(torch, model, loss_fn, opt, x, y, warm, args.batch, args.loader, gen)

    order = torch.randperm(x.shape[0], generator=gen)[:args.samples]
    start = time.perf_counter()
    last_loss = train(torch, model, loss_fn, opt, x, y, order, args.batch, args.loader, gen)
    elapsed = time.perf_counter() - start
    rate = args.samples / elapsed
    print(f"trained {args.samples} samples in {elapsed:.3f} s; last batch loss {last_loss.item():.4f}")

    test_images, test_labels = data_dir / TEST_IMAGES, data_dir / TEST_LABELS
    if test_images.is_file() and test_labels.is_file():
        tx = torch.from_numpy(read_idx(test_images, np).astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
        ty = torch.from_numpy(read_idx(test_labels, np).astype(np.int64))
        model.eval()
        with torch.no_grad():
            acc = (model(tx).argmax(dim=1) == ty).float().mean().item()
        print(f"test accuracy after the run (not timed): {acc:.4f}")

    print(f"samples_per_sec={rate:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
