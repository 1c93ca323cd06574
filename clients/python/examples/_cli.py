"""What the examples share: the flags of ``lianbang client`` that make sense for them, loading
``--data`` and its validation split as ``lianbang client`` does, and running the client."""

from __future__ import annotations

import argparse
import math
import os
import sys
from typing import Callable, Optional

# the package is one folder up when the examples run from a checkout
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lianbang import FederationError, start_client  # noqa: E402
from lianbang import data as datasets  # noqa: E402
from lianbang.training import LocalDataClient  # noqa: E402


def parser(description: str, default_data: str, default_model: str) -> argparse.ArgumentParser:
    """The flags of ``lianbang client`` the examples take, with the same names and defaults."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--server", required=True, metavar="HOST:PORT", help="The server to dial.")
    p.add_argument("--data", default=default_data, metavar="NAME[:I/N]",
                   help=f"Local data: the bundled dataset, or NAME:I/N for part I (from 0) of the IID split into N parts "
                        f"that 'lianbang client --data' uses (default: {default_data}).")
    p.add_argument("--data-dir", metavar="PATH", help="Where the data is (the CSV file of breast-cancer, the folder of "
                   "Fashion-MNIST); default: searched as the Java loaders do.")
    p.add_argument("--model", default=default_model, metavar="SPEC", help=f"The engine model, as on the server (default: {default_model}).")
    p.add_argument("--name", required=True, metavar="NAME", help="This client's name; its identity only on servers without certificates or tokens.")
    p.add_argument("--ca", metavar="PEM", help="The CA that signed the server's certificate (enables TLS).")
    p.add_argument("--cert", metavar="PEM", help="This client's certificate, for mutual TLS.")
    p.add_argument("--key", metavar="PEM", help="This client's private key, for mutual TLS.")
    p.add_argument("--token-file", metavar="FILE", help="A file holding this client's bearer token.")
    p.add_argument("--insecure", action="store_true", help="Connect without TLS (only on a network you trust).")
    p.add_argument("--validation-fraction", type=float, default=0.2, metavar="F",
                   help="The share of the local data held out from training for evaluation tasks (stratified by class, seeded, "
                        "the same as lianbang client's), in [0, 1); 0 evaluates on the training data (default: 0.2).")
    p.add_argument("--give-up-after", type=float, default=300.0, metavar="SECONDS",
                   help="Stop if the server stays unreachable this long (default: 300).")
    return p


def fail(flag: str, value, reason: str) -> None:
    """Exits with status 2 after saying which flag and value are wrong."""
    text = str(value)
    print(f"error: {flag} {text[:80]!r}: {reason}", file=sys.stderr)
    sys.exit(2)


def local_data(args) -> tuple:
    """``--data`` and its split: ``(train_x, train_y, validation or None)``; exits naming the flag on bad input."""
    if not (math.isfinite(args.validation_fraction) and 0 <= args.validation_fraction < 1):
        fail("--validation-fraction", args.validation_fraction, "must be in [0, 1)")
    if args.insecure == bool(args.ca):
        fail("--ca", args.ca, "give --ca (TLS) or --insecure (plaintext), one of them")
    if (args.cert is None) != (args.key is None):
        fail("--cert", args.cert, "--cert and --key go together")
    try:
        d = datasets.load(args.data, args.data_dir)
    except (ValueError, OSError) as e:
        fail("--data", args.data, str(e))
    try:
        train, held_out = datasets.validation_split(d.y, args.validation_fraction)
    except ValueError as e:
        fail("--validation-fraction", args.validation_fraction, str(e))
    t = d.subset(train)
    validation = None if args.validation_fraction == 0 else tuple(d.subset(held_out))
    print(f"{args.name}: {len(d.y)} local examples, " + ("all for training and evaluation" if validation is None else
          f"{len(t.y)} for training and {len(validation[1])} held out for evaluation") + f"; connecting to {args.server}",
          flush=True)
    return t.x, t.y, validation


def run(args, client: LocalDataClient, layout) -> int:
    """Serves ``client`` until the server ends the run; the exit status."""
    token = None
    if args.token_file:
        try:
            with open(args.token_file, encoding="utf-8") as f:
                token = f.read().strip()
        except OSError as e:
            fail("--token-file", args.token_file, str(e))
    try:
        s = start_client(args.server, client, name=args.name, ca=args.ca, cert=args.cert, key=args.key, token=token,
                         insecure=args.insecure, model_layout=layout, give_up_after=args.give_up_after)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (FederationError, OSError) as e:
        print(f"{args.name}: stopped: {e}", file=sys.stderr)
        return 1
    statistics = client.statistics_tasks
    print(f"{args.name}: done after {s.fit_tasks - statistics} training and {s.evaluate_tasks} evaluation tasks"
          + (f", {statistics} statistics task{'' if statistics == 1 else 's'}" if statistics else "")
          + f" ({s.finish_reason})", flush=True)
    return 0


def logger(name: str) -> Callable[[str], None]:
    """Prints ``name: message`` at once."""
    return lambda message: print(f"{name}: {message}", flush=True)
