"""SplitMix64 and seed derivation exactly as Java's ``io.lianbang.core.random`` (and
``java.util.SplittableRandom``): docs/protocol.md, "Compression", "Randomness". Arithmetic is
modulo 2^64; scalar results are unsigned unless said otherwise."""

from __future__ import annotations

from typing import List

import numpy as np

M64 = (1 << 64) - 1
#: The increment per output, 2^64 divided by the golden ratio, odd.
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def mix64(z: int) -> int:
    """The SplitMix64 output function of a 64-bit value (given signed or unsigned)."""
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def signed64(v: int) -> int:
    """``v`` modulo 2^64 as a signed 64-bit value (Java's ``long``)."""
    v &= M64
    return v - (1 << 64) if v >= 1 << 63 else v


def derive_seed(run_seed: int, label: str, *path: int) -> int:
    """Java's ``Seeds.derive(runSeed, label, path...)``, signed."""
    h = mix64(run_seed ^ GOLDEN_GAMMA)
    for b in label.encode("utf-8"):
        h = mix64(h ^ b)
    for p in path:
        h = mix64(h + GOLDEN_GAMMA + p)
    return signed64(h)


def mix64_array(z: np.ndarray) -> np.ndarray:
    """:func:`mix64` of each element, as uint64."""
    z = np.asarray(z).astype(np.uint64, copy=True)
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return z


def longs(seed: int, start: int, count: int) -> np.ndarray:
    """Outputs ``start + 1 .. start + count`` (``nextLong()``, 1-based) of a generator with state ``seed``, as uint64."""
    k = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    return mix64_array(np.uint64(seed & M64) + k * np.uint64(GOLDEN_GAMMA))


def doubles(seed: int, count: int) -> np.ndarray:
    """The first ``count`` ``nextDouble()`` of a generator with state ``seed``: ``(nextLong() >>> 11) * 2^-53``."""
    return (longs(seed, 0, count) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


class SplitMix64:
    """A sequential generator (for draws whose number depends on earlier draws)."""

    def __init__(self, seed: int) -> None:
        self.state = seed & M64

    def next_long(self) -> int:
        """The next 64 bits, unsigned."""
        self.state = (self.state + GOLDEN_GAMMA) & M64
        return mix64(self.state)

    def next_int(self, bound: int) -> int:
        """Uniform in [0, bound) by rejection, as Java's ``SplitMix64.nextInt``."""
        if bound <= 0:
            raise ValueError(f"bound must be positive, got {bound}")
        while True:
            bits = self.next_long() >> 33
            val = bits % bound
            if bits - val + (bound - 1) < 1 << 31:
                return val

    def shuffle(self, a: List[int]) -> None:
        """Fisher-Yates shuffle of ``a`` in place, as Java's ``SplitMix64.shuffle``."""
        for i in range(len(a) - 1, 0, -1):
            j = self.next_int(i + 1)
            a[i], a[j] = a[j], a[i]
