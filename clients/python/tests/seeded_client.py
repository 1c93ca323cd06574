"""A deterministic client process for the cross-language tests (io.lianbang.python.*Test).

Its fit returns ``global + f(seed)`` where f is defined identically in the Java tests
(``SeededClient``): a SplitMix64 generator with the task's seed as state (docs/protocol.md,
"Randomness") gives, per value in layout order, ``x = (nextLong() >>> 40) * 2^-24`` and
``delta = (x - 0.5) * 2^-4`` in float32; the value trained is ``float32(global + delta)``. It
reports ``num_examples`` = --examples and the metric ``train_loss`` = 1 / examples; evaluate
reports the loss |first value| and --examples examples.

Prints ``FINISH <reason> fits=<n> evaluations=<n>`` and exits 0 when the server ends the run, or
``STOPPED <code> <reason>: <description>`` and exits 3 on a FederationError. With ``--secagg`` it
takes part in secure aggregation; with ``--drop-after-shares R`` it vanishes (prints ``DROPPED R``
and exits 4 at once) when the ShareDelivery of round R arrives, after it has sent its encrypted
shares. ``--codecs`` lists the codecs to declare (``none`` for float32 only; default all).
"""

import argparse
import logging
import os
import sys
import time
from typing import List

import numpy as np

from lianbang import Client, FederationError, start_client

_MASK = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15


def deltas(seed: int, count: int) -> np.ndarray:
    """The f(seed) of the module docstring for ``count`` values, as float32."""
    state = seed & _MASK
    out = np.empty(count, dtype=np.float32)
    for i in range(count):
        state = (state + _GAMMA) & _MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        z ^= z >> 31
        x = np.float32((z >> 40) * 2.0 ** -24)
        out[i] = (x - np.float32(0.5)) * np.float32(2.0 ** -4)
    return out


class SeededClient(Client):
    """``global + f(seed)``, with a fixed number of examples."""

    def __init__(self, examples: int, sleep_ms: int = 0) -> None:
        self.examples = examples
        self.sleep_ms = sleep_ms

    def fit(self, parameters: List[np.ndarray], config):
        time.sleep(self.sleep_ms / 1000)
        flat = deltas(self.task.seed, sum(p.size for p in parameters))
        out, at = [], 0
        for p in parameters:
            out.append((p.reshape(-1) + flat[at:at + p.size]).astype(np.float32).reshape(p.shape))
            at += p.size
        return out, self.examples, {"train_loss": 1.0 / self.examples}

    def evaluate(self, parameters: List[np.ndarray], config):
        return abs(float(parameters[0].reshape(-1)[0])), self.examples, {"accuracy": 0.5}


def drop_after_shares(round_: int) -> None:
    """Makes the process vanish when the ShareDelivery of ``round_`` arrives (its shares were sent)."""
    from lianbang import secagg

    handle = secagg.SecAggParticipant.handle

    def dropping(self, message: bytes) -> bytes:
        try:
            request = secagg.decode(message)
        except ValueError:
            request = None
        if isinstance(request, secagg.ShareDelivery) and request.round == round_:
            print(f"DROPPED {round_}", flush=True)
            os._exit(4)
        return handle(self, message)

    secagg.SecAggParticipant.handle = dropping


def main() -> int:
    a = argparse.ArgumentParser()
    a.add_argument("--server", required=True)
    a.add_argument("--name", required=True)
    a.add_argument("--examples", type=int, default=10)
    a.add_argument("--ca")
    a.add_argument("--cert")
    a.add_argument("--key")
    a.add_argument("--insecure", action="store_true")
    a.add_argument("--layout", help="shapes such as 2x3,2")
    a.add_argument("--give-up-after", type=float, default=300.0)
    a.add_argument("--sleep-ms", type=int, default=0, help="added to every fit")
    a.add_argument("--secagg", action="store_true")
    a.add_argument("--drop-after-shares", type=int, default=0, metavar="ROUND")
    a.add_argument("--codecs", help="comma-separated codec names, or none")
    args = a.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(name)s %(levelname)s %(message)s")
    layout = None
    if args.layout is not None:
        layout = [tuple(int(d) for d in s.split("x")) for s in args.layout.split(",")]
    options = {}
    if args.codecs is not None:
        options["codecs"] = () if args.codecs == "none" else tuple(args.codecs.split(","))
    if args.drop_after_shares:
        drop_after_shares(args.drop_after_shares)
    try:
        summary = start_client(args.server, SeededClient(args.examples, args.sleep_ms), name=args.name, ca=args.ca, cert=args.cert,
                               key=args.key, insecure=args.insecure, model_layout=layout,
                               give_up_after=args.give_up_after, initial_backoff=0.1, max_backoff=1.0, secagg=args.secagg,
                               **options)
    except FederationError as e:
        print(f"STOPPED {e.code} {e.reason}: {e.description}", flush=True)
        return 3
    print(f"FINISH {summary.finish_reason} fits={summary.fit_tasks} evaluations={summary.evaluate_tasks}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
