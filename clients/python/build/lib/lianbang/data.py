"""The bundled datasets and the seeded splits of the Java engine, so that a Python client holds
exactly the rows a Java ``lianbang client`` would.

``load("breast-cancer:I/N")`` (or ``"fashion-mnist:I/N"``) gives part ``I`` (from 0) of the IID
split into ``N`` parts that ``lianbang client --data`` uses: the rows shuffled by
:class:`SplitMix64` from seed 42 (``io.lianbang.engine.data.IidPartitioner``) and dealt in
consecutive blocks whose sizes differ by at most one, larger first. :func:`validation_split`
holds out the share ``lianbang client --validation-fraction`` holds out (stratified by class,
seed 42, ``io.lianbang.engine.data.Splits``). Features are float32 as the Java loaders read them:
breast-cancer's CSV values rounded to float32, Fashion-MNIST's pixels as byte / 255.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import re
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from ._splitmix import SplitMix64

__all__ = ["SplitMix64", "Data", "iid_parts", "validation_split", "breast_cancer", "fashion_mnist", "load",
           "PARTITION_SEED", "VALIDATION_SEED", "DATASETS"]

#: The seed of ``lianbang client``'s IID split of the bundled data (``--data NAME:I/N``).
PARTITION_SEED = 42
#: The seed of ``lianbang client``'s validation split (``--validation-fraction``).
VALIDATION_SEED = 42
#: The names ``load`` knows.
DATASETS = ("breast-cancer", "fashion-mnist")

_SPEC = re.compile(r"(breast-cancer|fashion-mnist)(?::(\d+)/(\d+))?")
_ABBREVIATE = 80

_FASHION_FILES = {
    "train-images-idx3-ubyte.gz": "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "train-labels-idx1-ubyte.gz": "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "t10k-images-idx3-ubyte.gz": "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "t10k-labels-idx1-ubyte.gz": "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
}
_BREAST_CANCER = Path("lianbang-engine/src/main/resources/io/lianbang/engine/data/breast_cancer.csv")


class Data(NamedTuple):
    """Examples: ``x`` float32 ``[n, features]``, ``y`` int64 class labels ``[n]``."""

    x: np.ndarray
    y: np.ndarray

    def subset(self, indices: Sequence[int]) -> "Data":
        """The examples at ``indices``, in that order."""
        idx = np.asarray(indices, dtype=np.int64)
        return Data(self.x[idx], self.y[idx])


def iid_parts(n: int, parts: int, seed: int = PARTITION_SEED) -> List[np.ndarray]:
    """The IID partition of ``n`` examples into ``parts`` (``IidPartitioner``): the indices of
    each part, in partition order.

    Raises:
        ValueError: if ``parts`` is not in [1, n].
    """
    if not 1 <= parts <= n:
        raise ValueError(f"iid parts must be in [1, {n}] (the number of examples), got {parts}")
    order = list(range(n))
    SplitMix64(seed).shuffle(order)
    out, start = [], 0
    for p in range(parts):
        size = n // parts + (1 if p < n % parts else 0)
        out.append(np.array(order[start:start + size], dtype=np.int64))
        start += size
    return out


def validation_split(labels: Sequence[int], fraction: float, seed: int = VALIDATION_SEED) -> Tuple[np.ndarray, np.ndarray]:
    """The stratified split of ``Splits.stratified``: ``round(n * fraction)`` examples held out,
    divided among classes in proportion to their counts (largest remainder first, ties to the
    lower class), each class's drawn at random. Returns the training and the held-out indices,
    each in ascending order; ``fraction`` 0 gives all indices twice (evaluate on training data).

    Raises:
        ValueError: naming the fraction if it is not in [0, 1) or leaves a part empty.
    """
    y = np.asarray(labels, dtype=np.int64)
    n = len(y)
    if fraction == 0:
        every = np.arange(n, dtype=np.int64)
        return every, every
    if not 0 < fraction < 1:
        raise ValueError(f"validation fraction must be in [0, 1), got {fraction!r}")
    test_size = math.floor(n * fraction + 0.5)  # Java's Math.round
    if test_size < 1 or test_size > n - 1:
        raise ValueError(f"validation fraction {fraction!r} of {n} examples leaves "
                         f"{'the held-out set' if test_size < 1 else 'the training set'} empty")
    k = int(y.max()) + 1 if n else 0
    counts = [int(c) for c in np.bincount(y, minlength=k)]
    quota, remainder, assigned = [], [], 0
    for c in range(k):
        ideal = counts[c] * test_size / n
        quota.append(math.floor(ideal))
        remainder.append(ideal - quota[c])
        assigned += quota[c]
    by_remainder = sorted(range(k), key=lambda c: (-remainder[c], c))
    r = 0
    while assigned < test_size:
        c = by_remainder[r % k]
        if quota[c] < counts[c]:
            quota[c] += 1
            assigned += 1
        r += 1
    rng = SplitMix64(seed)
    in_test = np.zeros(n, dtype=bool)
    for c in range(k):
        members = [int(i) for i in np.flatnonzero(y == c)]
        rng.shuffle(members)
        in_test[members[:quota[c]]] = True
    return np.flatnonzero(~in_test), np.flatnonzero(in_test)


def _checkout_paths(relative: Path) -> List[Path]:
    """``relative`` under the working directory and its parents, then under this package's parents."""
    out = []
    for base in (Path.cwd().resolve(), Path(__file__).resolve().parent):
        for p in (base, *base.parents):
            out.append(p / relative)
    return out


def breast_cancer(path: Optional[str] = None) -> Data:
    """The Breast Cancer Wisconsin (Diagnostic) data bundled with the engine: 569 examples, 30
    features, labels 0 (malignant) and 1 (benign) in the column ``target``.

    Args:
        path: the CSV file; default: the engine's copy, looked for above the working directory and
            above this package (a Lianbang checkout).

    Raises:
        FileNotFoundError: naming the places looked at.
        ValueError: naming the line and value if the file is malformed.
    """
    candidates = [Path(path)] if path is not None else _checkout_paths(_BREAST_CANCER)
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        raise FileNotFoundError(f"breast-cancer data not found: looked for {candidates[0]}"
                                + ("" if path is not None else f" and {_BREAST_CANCER} in every parent directory"))
    with open(found, encoding="utf-8") as f:
        header = f.readline().rstrip("\r\n").split(",")
        if "target" not in header:
            raise ValueError(f"{found}: the header has no column 'target'")
        label = header.index("target")
        rows, labels = [], []
        for number, line in enumerate(f, start=2):
            cells = line.rstrip("\r\n").split(",")
            if len(cells) != len(header):
                raise ValueError(f"{found} line {number}: {len(cells)} values, expected {len(header)}")
            try:
                labels.append(int(cells[label]))
                rows.append([float(c) for i, c in enumerate(cells) if i != label])
            except ValueError:
                raise ValueError(f"{found} line {number}: not a number: {line.strip()[:_ABBREVIATE]!r}") from None
    return Data(np.array(rows, dtype=np.float64).astype(np.float32), np.array(labels, dtype=np.int64))


def _fashion_dir(directory: Optional[str]) -> Path:
    if directory is not None:
        candidates = [Path(directory)]
    else:
        candidates = []
        if os.environ.get("LIANBANG_DATA_DIR"):
            candidates.append(Path(os.environ["LIANBANG_DATA_DIR"]) / "fashion-mnist")
        candidates.append(Path("/usr/share/datasets/fashion-mnist"))
        candidates += _checkout_paths(Path("datasets/fashion-mnist"))
    for c in candidates:
        if all((c / name).is_file() for name in _FASHION_FILES):
            return c
    raise FileNotFoundError("Fashion-MNIST not found: looked in " + ", ".join(str(c) for c in candidates[:4])
                            + (" and datasets/fashion-mnist in every parent directory" if directory is None else "")
                            + "; apt-get install dataset-fashion-mnist, set $LIANBANG_DATA_DIR, or run in a Lianbang checkout")


def _idx(file: Path, dims: int) -> np.ndarray:
    raw = file.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != _FASHION_FILES[file.name]:
        raise ValueError(f"{file}: SHA-256 mismatch: expected {_FASHION_FILES[file.name]}, actual {digest}")
    body = gzip.decompress(raw)
    if body[:4] != bytes((0, 0, 8, dims)):
        raise ValueError(f"{file}: not an unsigned-byte IDX file of {dims} dimension(s)")
    shape = tuple(int.from_bytes(body[4 + 4 * d:8 + 4 * d], "big") for d in range(dims))
    data = np.frombuffer(body, dtype=np.uint8, offset=4 + 4 * dims)
    if data.size != math.prod(shape):
        raise ValueError(f"{file}: the header promises {math.prod(shape)} values, the file holds {data.size}")
    return data.reshape(shape)


def fashion_mnist(directory: Optional[str] = None, train: bool = True) -> Data:
    """Fashion-MNIST's 60,000 training (or, with ``train=False``, 10,000 test) images as 784
    float32 features in [0, 1] (byte / 255, row by row) and labels 0 to 9, each file checked
    against the original release's SHA-256.

    Args:
        directory: the folder holding the four ``.gz`` files; default: ``$LIANBANG_DATA_DIR/fashion-mnist``,
            ``/usr/share/datasets/fashion-mnist``, then ``datasets/fashion-mnist`` above the working
            directory and above this package, as the Java loader looks.

    Raises:
        FileNotFoundError: naming the places looked at.
        ValueError: naming the file if its digest or content is wrong.
    """
    d = _fashion_dir(directory)
    prefix = "train" if train else "t10k"
    images = _idx(d / f"{prefix}-images-idx3-ubyte.gz", 3)
    labels = _idx(d / f"{prefix}-labels-idx1-ubyte.gz", 1)
    if len(images) != len(labels):
        raise ValueError(f"{d}: {len(images)} {prefix} images but {len(labels)} labels")
    x = images.reshape(len(images), -1).astype(np.float32) / np.float32(255)
    return Data(x, labels.astype(np.int64))


def load(spec: str, directory: Optional[str] = None) -> Data:
    """The data ``lianbang client --data spec`` trains on: ``breast-cancer`` or ``fashion-mnist``
    (its training set) whole, or ``NAME:I/N``, part ``I`` (from 0) of its IID split into ``N``.

    Args:
        directory: where the files are (the CSV file for breast-cancer, the folder for
            Fashion-MNIST); default: searched as :func:`breast_cancer` and :func:`fashion_mnist` do.

    Raises:
        ValueError: naming the spec if it is malformed or the part is out of range.
    """
    m = _SPEC.fullmatch(spec) if isinstance(spec, str) else None
    if m is None:
        raise ValueError(f"data {str(spec)[:_ABBREVIATE]!r}: expected breast-cancer, fashion-mnist, or NAME:I/N for part I "
                         "(from 0) of an IID split into N parts")
    data = breast_cancer(directory) if m.group(1) == "breast-cancer" else fashion_mnist(directory)
    if m.group(2) is None:
        return data
    n = len(data.y)
    parts, part = int(m.group(3)), int(m.group(2))
    if not 1 <= parts <= n:
        raise ValueError(f"data {spec[:_ABBREVIATE]!r}: the number of parts must be in [1, {n}], got {m.group(3)[:20]}")
    if part >= parts:
        raise ValueError(f"data {spec[:_ABBREVIATE]!r}: part must be in [0, {parts}), got {m.group(2)[:20]}")
    return data.subset(iid_parts(n, parts)[part])
