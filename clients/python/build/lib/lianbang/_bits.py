"""Bit fields packed least significant bit first: field i of w bits occupies stream bits i·w … i·w + w − 1,
stream bit j being bit j mod 8 of byte ⌊j/8⌋; the last partial byte's unused high bits are zero."""

from __future__ import annotations

import numpy as np


def pack(values: np.ndarray, width: int) -> bytes:
    """The low ``width`` bits of each value, in order."""
    v = np.asarray(values, dtype=np.uint64)
    if width == 0 or v.size == 0:
        return b""
    stream = ((v[:, None] >> np.arange(width, dtype=np.uint64)) & np.uint64(1)).astype(np.uint8).reshape(-1)
    return np.packbits(stream, bitorder="little").tobytes()


def unpack(data: bytes, n: int, width: int) -> np.ndarray:
    """``n`` fields of ``width`` bits from the start of ``data`` (which must hold them), as uint64."""
    if width == 0 or n == 0:
        return np.zeros(n, dtype=np.uint64)
    nbytes = (n * width + 7) // 8
    stream = np.unpackbits(np.frombuffer(data, dtype=np.uint8, count=nbytes), bitorder="little")[:n * width]
    weights = np.uint64(1) << np.arange(width, dtype=np.uint64)
    return (stream.reshape(n, width).astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)


def padding_set(data: bytes, n: int, width: int) -> bool:
    """Whether any bit after the ``n`` fields, up to the end of ``data``, is 1."""
    stream = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
    return bool(stream[n * width:].any())
