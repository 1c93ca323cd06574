#!/usr/bin/env python3
"""Logistic regression in pure NumPy on the bundled breast-cancer data, as a Lianbang client.

It joins a ``lianbang server`` running ``model: logistic:30`` (e.g. examples/federation/server.yaml)
with the flags of ``lianbang client``::

    python3 clients/python/examples/numpy_breast_cancer.py --server localhost:7443 --name hospital-a \\
        --ca certs/ca.pem --cert certs/client-hospital-a.pem --key certs/client-hospital-a-key.pem \\
        --data breast-cancer:0/2

The model is the engine's ``logistic:30``: one logit ``x·wᵀ + b``, binary cross-entropy with
logits, averaged over the batch; it trains with the task's settings (SGD with momentum and weight
decay as PyTorch's SGD, or Adam) and scales its features as the task says (lianbang.training).
"""

from __future__ import annotations

import sys

import numpy as np

import _cli
from lianbang import layouts
from lianbang.training import LocalDataClient


def _bce(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-example binary cross-entropy of logits ``z`` against labels ``y``, computed stably."""
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


class LogisticRegression(LocalDataClient):
    """``logistic:D``: parameters ``[w (1, D), b (1,)]``."""

    def train(self, parameters, x, y, settings, seed):
        w, b = (np.array(p, dtype=np.float32) for p in parameters)
        y = y.astype(np.float32)
        lr, mu, wd = np.float32(settings.lr), np.float32(settings.momentum), np.float32(settings.weight_decay)
        state = [np.zeros_like(w), np.zeros_like(b)]  # momentum buffer, or Adam's first moment
        second = [np.zeros_like(w), np.zeros_like(b)]  # Adam's second moment
        rng = np.random.default_rng(seed & 0xFFFFFFFFFFFFFFFF)
        loss_sum, steps = 0.0, 0
        for _ in range(settings.local_epochs):
            order = rng.permutation(len(x))
            for start in range(0, len(x), settings.batch_size):
                batch = order[start:start + settings.batch_size]
                xb, yb = x[batch], y[batch]
                z = xb @ w[0] + b[0]
                loss_sum += float(_bce(z.astype(np.float64), yb).sum())
                residual = ((_sigmoid(z) - yb) / np.float32(len(batch))).astype(np.float32)
                grads = [(residual @ xb)[None, :], np.array([residual.sum()], dtype=np.float32)]
                steps += 1
                for i, (p, g) in enumerate(zip((w, b), grads)):
                    d = g + wd * p
                    if settings.optimizer == "adam":
                        state[i] = np.float32(0.9) * state[i] + np.float32(0.1) * d
                        second[i] = np.float32(0.999) * second[i] + np.float32(0.001) * d * d
                        m_hat = state[i] / np.float32(1 - 0.9 ** steps)
                        v_hat = second[i] / np.float32(1 - 0.999 ** steps)
                        p -= lr * m_hat / (np.sqrt(v_hat) + np.float32(1e-8))
                    else:
                        if mu != 0:
                            state[i] = d if steps == 1 else mu * state[i] + d
                            d = state[i]
                        p -= lr * d
        return [w, b], loss_sum / (len(x) * settings.local_epochs), steps

    def test(self, parameters, x, y):
        w, b = parameters
        z = (x @ w[0] + b[0]).astype(np.float64)
        return float(_bce(z, y).mean()), {"accuracy": float(np.mean((z > 0) == (y >= 0.5)))}


def main(argv=None) -> int:
    args = _cli.parser("Logistic regression in NumPy as a Lianbang client.", "breast-cancer", "logistic:30").parse_args(argv)
    try:
        spec = layouts.parse(args.model)
    except ValueError as e:
        _cli.fail("--model", args.model, str(e))
    if spec.kind != "logistic":
        _cli.fail("--model", args.model, "this example trains logistic:D models only")
    x, y, validation = _cli.local_data(args)
    if x.shape[1] != spec.sizes[0]:
        _cli.fail("--model", args.model, f"the data has {x.shape[1]} features")
    client = LogisticRegression(x, y, validation, log=_cli.logger(args.name))
    return _cli.run(args, client, args.model)


if __name__ == "__main__":
    sys.exit(main())
