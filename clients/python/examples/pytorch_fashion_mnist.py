#!/usr/bin/env python3
"""A PyTorch model on its part of Fashion-MNIST, as a Lianbang client.

It joins a ``lianbang server`` whose ``model`` is the same engine spec (``mlp:784-128-10`` by
default; ``softmax:784-10``, any ``mlp:784-...-10`` or ``lenet``) with the flags of
``lianbang client``::

    python3 clients/python/examples/pytorch_fashion_mnist.py --server localhost:7443 --name site-0 \\
        --ca certs/ca.pem --cert certs/client-site-0.pem --key certs/client-site-0-key.pem \\
        --data fashion-mnist:0/5 --model mlp:784-128-10 --threads 1

``--data fashion-mnist:I/N`` holds exactly the rows ``lianbang client --data fashion-mnist:I/N``
holds. Training follows the task: ``torch.optim.SGD`` (momentum, weight decay, dampening 0) or
``Adam``, a new optimizer every task, ``local_epochs`` passes of seeded shuffled batches of
``batch_size`` (the last smaller batch kept), cross-entropy averaged over the batch; evaluation
returns the mean loss and the accuracy. PyTorch runs ``--threads`` threads (default 1); with
Debian's python3-torch run it with OpenBLAS (``LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp``),
its reference BLAS is many times slower. The BLAS in use is printed at the start.
"""

from __future__ import annotations

import sys

import _cli
from lianbang import layouts

import numpy as np
import torch
from torch.nn import functional

from lianbang.torch import build_module, load_parameters, to_parameters
from lianbang.training import LocalDataClient

_EVAL_BATCH = 1000


def loaded_blas() -> str:
    """The BLAS libraries mapped into this process (after a matrix product has run)."""
    torch.ones(8, 8) @ torch.ones(8, 8)
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
    except OSError:
        libs = []
    return ", ".join(libs) if libs else "unknown (no BLAS library found in /proc/self/maps)"


class TorchClient(LocalDataClient):
    """The module of an engine spec trained with PyTorch."""

    def __init__(self, spec: str, x, y, validation, log):
        super().__init__(x, y, validation, log)
        self.spec = spec
        self.kind = layouts.parse(spec).kind
        self.module = build_module(spec)

    def _inputs(self, x: np.ndarray) -> torch.Tensor:
        t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
        return t.reshape(-1, 1, 28, 28) if self.kind == "lenet" else t

    def _loss(self, out: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
        if self.kind == "logistic":
            return functional.binary_cross_entropy_with_logits(out[:, 0], y.to(torch.float32), reduction=reduction)
        return functional.cross_entropy(out, y, reduction=reduction)

    def train(self, parameters, x, y, settings, seed):
        load_parameters(self.module, parameters, self.spec)
        self.module.train()
        if settings.optimizer == "adam":
            optimizer = torch.optim.Adam(self.module.parameters(), lr=settings.lr, betas=(0.9, 0.999), eps=1e-8,
                                         weight_decay=settings.weight_decay)
        else:
            optimizer = torch.optim.SGD(self.module.parameters(), lr=settings.lr, momentum=settings.momentum,
                                        dampening=0, weight_decay=settings.weight_decay)
        inputs, labels = self._inputs(x), torch.from_numpy(np.asarray(y, dtype=np.int64))
        generator = torch.Generator().manual_seed(seed & 0x7FFFFFFFFFFFFFFF)
        loss_sum, seen, steps = 0.0, 0, 0
        for _ in range(settings.local_epochs):
            order = torch.randperm(len(inputs), generator=generator)
            for start in range(0, len(inputs), settings.batch_size):
                batch = order[start:start + settings.batch_size]
                optimizer.zero_grad()
                loss = self._loss(self.module(inputs[batch]), labels[batch])
                loss.backward()
                optimizer.step()
                loss_sum += float(loss) * len(batch)
                seen += len(batch)
                steps += 1
        mean = loss_sum / seen
        self.log(f"round {self.task.round if self.task else '?'} train_loss {mean:.6f}")
        return to_parameters(self.module, self.spec), mean, steps

    def test(self, parameters, x, y):
        load_parameters(self.module, parameters, self.spec)
        self.module.eval()
        inputs, labels = self._inputs(x), torch.from_numpy(np.asarray(y, dtype=np.int64))
        loss_sum, correct = 0.0, 0
        with torch.no_grad():
            for start in range(0, len(inputs), _EVAL_BATCH):
                out = self.module(inputs[start:start + _EVAL_BATCH])
                yb = labels[start:start + _EVAL_BATCH]
                loss_sum += float(self._loss(out, yb, "sum"))
                predicted = (out[:, 0] > 0).to(torch.int64) if self.kind == "logistic" else out.argmax(dim=1)
                correct += int((predicted == yb).sum())
        return loss_sum / len(inputs), {"accuracy": correct / len(inputs)}


def main(argv=None) -> int:
    p = _cli.parser("A PyTorch model on Fashion-MNIST as a Lianbang client.", "fashion-mnist", "mlp:784-128-10")
    p.add_argument("--threads", type=int, default=1, metavar="T", help="PyTorch's intra-op threads (default: 1).")
    args = p.parse_args(argv)
    if args.threads < 1:
        _cli.fail("--threads", args.threads, "must be at least 1")
    try:
        spec = layouts.parse(args.model)
    except ValueError as e:
        _cli.fail("--model", args.model, str(e))
    if spec.kind == "linear":
        _cli.fail("--model", args.model, "this example trains classifiers (softmax, mlp, lenet, logistic)")
    torch.set_num_threads(args.threads)
    x, y, validation = _cli.local_data(args)
    if x.shape[1] != spec.input_features:
        _cli.fail("--model", args.model, f"the data has {x.shape[1]} features")
    print(f"{args.name}: torch {torch.__version__}, {torch.get_num_threads()} thread(s), BLAS {loaded_blas()}", flush=True)
    client = TorchClient(args.model, x, y, validation, _cli.logger(args.name))
    return _cli.run(args, client, args.model)


if __name__ == "__main__":
    sys.exit(main())
