#!/usr/bin/env python3
"""Hand-written PyTorch FedAvg in the setting of `lianbang demo`, for bench/demo-vs-pytorch.sh.

100 clients share the Fashion-MNIST training set with Dirichlet(0.5) label skew (NIID-Bench's
"noniid-labeldir" procedure with numpy's Dirichlet, as Lianbang's DirichletPartitioner does); each
round 10 clients are sampled without replacement, each trains a copy of the global MLP
784-200-200-10 for one local epoch of plain SGD (lr 0.05, no momentum, batch 10, a fresh shuffle
per epoch, the last smaller batch kept), and the server averages the client models weighted by
their numbers of examples. The global model is evaluated on the 10,000 test images before the
first round and after every round (as the demo does with evaluate_every: 1).

Output: one line per round and, at the end, in the demo's format,

    final      test_acc 82.33%  test_loss 0.4794  (round 50)
    time       612.3 s total, torch 1.13.0 with OpenBLAS, 2 threads

where the time covers the rounds (training, averaging, evaluation), not the start-up and data
loading; the benchmark script measures the whole process as well.

Clients train one after another, each with torch's intra-op threads (torch.set_num_threads);
this is how a FedAvg simulation is usually written in PyTorch.

Fashion-MNIST loading, the model, torch's start-up and the OpenBLAS check come from torch_reference.py.
"""
import argparse
import os
import sys
import time

import torch_reference as ref


def parse_args(argv):
    p = argparse.ArgumentParser(description="PyTorch FedAvg on Fashion-MNIST in the setting of `lianbang demo`.")
    p.add_argument("--rounds", type=int, default=50, help="FedAvg rounds (default 50)")
    p.add_argument("--clients", type=int, default=100, help="clients the training set is split among (default 100)")
    p.add_argument("--clients-per-round", type=int, default=10, help="clients sampled per round (default 10)")
    p.add_argument("--alpha", type=float, default=0.5, help="Dirichlet concentration of the label skew (default 0.5)")
    p.add_argument("--min-size", type=int, default=10,
                   help="redraw the partition until every client has at least this many examples (default 10)")
    p.add_argument("--local-epochs", type=int, default=1, help="local epochs per round (default 1)")
    p.add_argument("--batch", type=int, default=10, help="local mini-batch size (default 10)")
    p.add_argument("--lr", type=float, default=0.05, help="SGD learning rate, no momentum (default 0.05)")
    p.add_argument("--threads", type=int, default=2, help="intra-op threads, also OMP_NUM_THREADS (default 2)")
    p.add_argument("--seed", type=int, default=42, help="seed of the partition, sampling, init and shuffles (default 42)")
    p.add_argument("--data", default=None,
                   help="directory with the four Fashion-MNIST *-ubyte.gz files "
                        "(default: /usr/share/datasets/fashion-mnist, then <repo>/datasets/fashion-mnist)")
    a = p.parse_args(argv)
    for name in ("rounds", "clients", "clients_per_round", "local_epochs", "batch", "threads"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(a, name)}")
    if a.clients_per_round > a.clients:
        p.error(f"--clients-per-round must not exceed --clients ({a.clients}), got {a.clients_per_round}")
    if not a.alpha > 0:
        p.error(f"--alpha must be positive, got {a.alpha}")
    if a.min_size < 0:
        p.error(f"--min-size must not be negative, got {a.min_size}")
    return a


def dirichlet_partition(np, labels, clients, alpha, min_size, rng, max_attempts=1000):
    """NIID-Bench's noniid-labeldir: per class, shuffle its examples and cut them among the
    clients in Dirichlet(alpha) proportions; a client that already holds N / clients examples gets
    no share of the classes that follow; redraw until every client has min_size examples; shuffle
    each client's indices. Returns a list of index arrays."""
    n = labels.shape[0]
    cap = n / clients
    smallest = 0
    for _ in range(max_attempts):
        parts = [[] for _ in range(clients)]
        sizes = np.zeros(clients, dtype=np.int64)
        for k in np.unique(labels):
            idx = np.flatnonzero(labels == k)
            rng.shuffle(idx)
            p = rng.dirichlet(np.full(clients, alpha)) * (sizes < cap)
            p = p / p.sum()
            cuts = (np.cumsum(p) * idx.size).astype(np.int64)[:-1]
            for j, piece in enumerate(np.split(idx, cuts)):
                parts[j].append(piece)
                sizes[j] += piece.size
        smallest = int(sizes.min())
        if smallest >= min_size:
            out = [np.concatenate(ps) for ps in parts]
            for o in out:
                rng.shuffle(o)
            return out
    ref.fail(1, f"dirichlet partition: after {max_attempts} attempts some client still had fewer than "
                f"{min_size} examples (smallest: {smallest}); raise --alpha ({alpha}) or lower --min-size")


def evaluate(torch, model, x, y):
    """(mean cross-entropy, accuracy) of model on (x, y)."""
    model.eval()
    with torch.no_grad():
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits, y).item()
        acc = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, acc


def train_locally(torch, model, x, y, epochs, batch, lr, gen):
    """Plain SGD on one client's data; returns the example-weighted mean training loss."""
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.0)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = x.shape[0]
    loss_sum = 0.0
    for _ in range(epochs):
        order = torch.randperm(n, generator=gen)
        xs, ys = x[order], y[order]
        for s in range(0, n, batch):
            xb, yb = xs[s:s + batch], ys[s:s + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * xb.shape[0]
    return loss_sum / (n * epochs)


def main(argv):
    args = parse_args(argv)
    np, torch, openblas_loaded = ref.start_torch(args.threads)
    print(f"threads: torch.get_num_threads()={torch.get_num_threads()} OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    ref.require_openblas(openblas_loaded)

    data_dir = ref.find_data_dir(args.data)
    test_files = [data_dir / ref.TEST_IMAGES, data_dir / ref.TEST_LABELS]
    missing = [str(f) for f in test_files if not f.is_file()]
    if missing:
        ref.fail(ref.EXIT_MISSING, f"Fashion-MNIST test set not found: {', '.join(missing)}; {ref.MISSING_HINT}")

    def load(images_file, labels_file):
        images = ref.read_idx(data_dir / images_file, np)
        labels = ref.read_idx(data_dir / labels_file, np)
        x = torch.from_numpy(images.reshape(images.shape[0], -1).astype(np.float32) / 255.0)
        return x, torch.from_numpy(labels.astype(np.int64)), labels

    x, y, labels = load(ref.TRAIN_IMAGES, ref.TRAIN_LABELS)
    tx, ty, _ = load(ref.TEST_IMAGES, ref.TEST_LABELS)
    print(f"dataset   fashion-mnist from {data_dir} ({x.shape[0]} train, {tx.shape[0]} test)")

    rng = np.random.default_rng(args.seed)
    parts = dirichlet_partition(np, labels, args.clients, args.alpha, args.min_size, rng)
    sizes = [len(p) for p in parts]
    print(f"partition dirichlet (alpha {args.alpha:g}, min size {args.min_size}) over {args.clients} clients; "
          f"sizes {min(sizes)}..{max(sizes)}")
    # Each client's examples, gathered once into their own tensors.
    client_data = [(x[torch.from_numpy(p)], y[torch.from_numpy(p)]) for p in parts]

    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    global_model = ref.build_model(torch, "mlp")
    local_model = ref.build_model(torch, "mlp")
    print(f"model     mlp:784-200-200-10 ({sum(p.numel() for p in global_model.parameters())} parameters)")
    print(f"strategy  fedavg: {args.clients_per_round} of {args.clients} clients per round")
    print(f"training  {args.local_epochs} local epoch(s), sgd lr {args.lr:g} (momentum 0), batch {args.batch}")
    print()

    start = time.perf_counter()
    loss, acc = evaluate(torch, global_model, tx, ty)
    print(f"round {0:3d}/{args.rounds}  initial{'':27s}test_loss {loss:.4f}  test_acc {100 * acc:.2f}%  0.00 s")
    for rnd in range(1, args.rounds + 1):
        t0 = time.perf_counter()
        sampled = rng.choice(args.clients, size=args.clients_per_round, replace=False)
        global_state = global_model.state_dict()
        total = {k: torch.zeros_like(v) for k, v in global_state.items()}
        examples = 0
        train_loss = 0.0
        for c in sampled:
            cx, cy = client_data[c]
            local_model.load_state_dict(global_state)
            train_loss += train_locally(torch, local_model, cx, cy, args.local_epochs, args.batch, args.lr, gen) * cx.shape[0]
            with torch.no_grad():
                for k, v in local_model.state_dict().items():
                    total[k].add_(v, alpha=cx.shape[0])
            examples += cx.shape[0]
        with torch.no_grad():
            for v in total.values():
                v.div_(examples)
        global_model.load_state_dict(total)
        loss, acc = evaluate(torch, global_model, tx, ty)
        print(f"round {rnd:3d}/{args.rounds}  clients {len(sampled)}/{args.clients_per_round}  "
              f"train_loss {train_loss / examples:.4f}  test_loss {loss:.4f}  test_acc {100 * acc:.2f}%  "
              f"{time.perf_counter() - t0:.2f} s", flush=True)
    seconds = time.perf_counter() - start

    print()
    print(f"final      test_acc {100 * acc:.2f}%  test_loss {loss:.4f}  (round {args.rounds})")
    print(f"time       {seconds:.1f} s total, torch {torch.__version__} with "
          f"{'OpenBLAS' if openblas_loaded else 'another BLAS'}, {torch.get_num_threads()} threads")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
