"""The tensor codecs of the protocol (docs/protocol.md, "Compression"), as Java's
``io.lianbang.core.compress``: the same names, parameters, defaults and refusals as
``Codecs.create``, the same byte layouts, decoders that give Java's values to the bit and refuse
what Java's refuse, and :class:`UpdateEncoder` with error feedback.

A codec turns ``n`` float32 values into exactly ``encoded_bytes(n)`` bytes (:meth:`Codec.encode`,
all randomness from the 64-bit seed) and back (:meth:`Codec.decode`). Errors are ``ValueError``
whose message names the codec, the parameter or position, and the value.
"""

from __future__ import annotations

import decimal
import math
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from lianbang import _bits
from lianbang._splitmix import GOLDEN_GAMMA, derive_seed, doubles, longs, mix64, mix64_array, SplitMix64

__all__ = ["Codec", "create", "SUPPORTED", "DENSE", "SPARSE", "UpdateEncoder", "tensor_seed"]

#: The dense codec names.
DENSE: Tuple[str, ...] = ("float32", "fp16", "bf16", "int8", "int4", "qsgd")
#: The sparse selector names, usable alone (float32 values) or as ``selector+dense``.
SPARSE: Tuple[str, ...] = ("topk", "randomk")
#: The names a client can declare in ``RegisterRequest.codecs``: every dense codec and selector.
SUPPORTED: Tuple[str, ...] = DENSE + SPARSE

_MAX_BLOCK = 1 << 20
_FLT_MAX = float(np.finfo(np.float32).max)
_INT_MAX = 2147483647


def _jdouble(v: float) -> str:
    """``v`` as Java's ``Double.toString`` writes it (for messages)."""
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0 or 1e-3 <= abs(v) < 1e7:
        r = repr(v)
        return r if "." in r else r + ".0"  # repr uses exponents only outside this range
    sign, digits, exponent = decimal.Decimal(repr(v)).normalize().as_tuple()
    text = "".join(map(str, digits))
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{len(text) - 1 + exponent}"


def _jfloat(v) -> str:
    """A float32 as Java's ``Float.toString`` writes it, for the usual magnitudes."""
    f = np.float32(v)
    if np.isnan(f):
        return "NaN"
    if np.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    s = str(f)
    return s if ("." in s or "e" in s) else s + ".0"


def _abbreviate(value: str) -> str:
    shown = value if len(value) <= 80 else value[:60]
    shown = "".join("?" if (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0) else c for c in shown)
    return shown if len(value) <= 80 else f"{shown}... ({len(value)} characters)"


class _Parameters:
    """The given parameters of one codec: typed reads with defaults and ranges, then :meth:`done`."""

    def __init__(self, codec: str, given: Mapping[str, float]) -> None:
        self.codec = codec
        self.known = set()
        self.given: Dict[str, float] = {}
        for k, v in given.items():
            if k is None or v is None:
                raise ValueError(f"codec {codec}: parameter {_abbreviate(str(k))} has no value")
            self.given[k] = float(v)

    def has(self, key: str) -> bool:
        self.known.add(key)
        return key in self.given

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        self.known.add(key)
        v = self.given.get(key)
        if v is None:
            return default
        if not math.isfinite(v) or v != math.floor(v) or v < low or v > high:
            raise ValueError(f"codec {self.codec}: parameter {key} must be an integer in [{low}, {high}], got {_jdouble(v)}")
        return int(v)

    def number(self, key: str, default: float, low_exclusive: float, high: float) -> float:
        self.known.add(key)
        v = self.given.get(key)
        if v is None:
            return default
        if not (low_exclusive < v <= high):
            raise ValueError(f"codec {self.codec}: parameter {key} must be in ({_jdouble(low_exclusive)}, {_jdouble(high)}], got {_jdouble(v)}")
        return v

    def done(self) -> None:
        for k in sorted(self.given):
            if k not in self.known:
                raise ValueError(f"codec {self.codec}: unknown parameter '{_abbreviate(k)}' (valid: "
                                 f"{', '.join(sorted(self.known)) if self.known else 'none'})")


class Codec:
    """A codec: ``name``, :meth:`parameters`, :meth:`encoded_bytes`, :meth:`encode`, :meth:`decode`."""

    name: str = ""

    def parameters(self) -> Dict[str, float]:
        """Every parameter with its value, defaults included, sorted by name."""
        return {}

    def encoded_bytes(self, n: int) -> int:
        """The exact number of bytes :meth:`encode` writes for ``n`` values."""
        raise NotImplementedError

    def encode(self, values: np.ndarray, seed: int) -> bytes:
        """The encoding of ``values`` (converted to float32); ``seed`` is the only source of randomness."""
        raise NotImplementedError

    def decode(self, data: bytes, n: int) -> np.ndarray:
        """The ``n`` float32 values encoded in the first ``encoded_bytes(n)`` bytes of ``data``.

        :raises ValueError: if ``data`` is shorter, or holds what no encoder writes (as Java's decoder)
        """
        raise NotImplementedError

    def _claim(self, data: bytes, n: int, purpose: str = "decoding") -> bytes:
        need = self.encoded_bytes(n)
        if len(data) < need:
            raise ValueError(f"codec {self.name} {purpose} of {n} values needs {need} bytes, the buffer has {len(data)} remaining")
        return bytes(data[:need])

    def __repr__(self) -> str:
        return f"{self.name}{self.parameters() or ''}"


def _float32(values) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float32).reshape(-1)


def _require_finite(v: np.ndarray, codec: str, base: int = 0) -> None:
    bad = np.flatnonzero(~np.isfinite(v))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"codec {codec} encodes finite values only, got values[{base + i}] = {_jfloat(v[i])}")


class Float32(Codec):
    """Each value as its 4 binary32 bytes, bits unchanged."""

    name = "float32"

    def encoded_bytes(self, n: int) -> int:
        return 4 * n

    def encode(self, values, seed: int) -> bytes:
        return _float32(values).astype("<f4").tobytes()

    def decode(self, data: bytes, n: int) -> np.ndarray:
        return np.frombuffer(self._claim(data, n), dtype="<f4").astype(np.float32)


class _SixteenBit(Codec):
    def encoded_bytes(self, n: int) -> int:
        return 2 * n

    def encode(self, values, seed: int) -> bytes:
        bits = _float32(values).view(np.uint32).astype(np.int64)
        return self._to_bits(bits).astype("<u2").tobytes()

    def decode(self, data: bytes, n: int) -> np.ndarray:
        h = np.frombuffer(self._claim(data, n), dtype="<u2").astype(np.int64)
        return self._to_float32_bits(h).astype(np.uint32).view(np.float32)


class Fp16(_SixteenBit):
    """IEEE 754 binary16, rounded to nearest, ties to even (docs/protocol.md, "fp16")."""

    name = "fp16"

    @staticmethod
    def _to_bits(bits: np.ndarray) -> np.ndarray:
        sign = (bits >> 16) & 0x8000
        a = bits & 0x7FFFFFFF
        nan_inf = sign | 0x7C00 | np.where(a > 0x7F800000, 0x200 | ((a >> 13) & 0x3FF), 0)
        m = a - 0x38000000
        normal = sign | ((m + 0xFFF + ((m >> 13) & 1)) >> 13)
        e = a >> 23
        shift = np.clip(126 - e, 1, 62)
        mant = (a & 0x7FFFFF) | 0x800000
        q = mant >> shift
        rem = mant & ((np.int64(1) << shift) - 1)
        half = np.int64(1) << (shift - 1)
        q = q + ((rem > half) | ((rem == half) & ((q & 1) == 1)))
        subnormal = sign | q
        return np.select([a >= 0x7F800000, a >= 0x477FF000, a >= 0x38800000, a < 0x33000000],
                         [nan_inf, sign | 0x7C00, normal, sign], subnormal)

    @staticmethod
    def _to_float32_bits(h: np.ndarray) -> np.ndarray:
        sign = (h & 0x8000) << 16
        exp = (h >> 10) & 0x1F
        mant = h & 0x3FF
        sub = (mant.astype(np.float32) * np.float32(2.0 ** -24)).view(np.uint32).astype(np.int64) | sign
        return np.select([exp == 0, exp == 31], [sub, sign | 0x7F800000 | (mant << 13)], sign | ((exp + 112) << 23) | (mant << 13))


class Bf16(_SixteenBit):
    """bfloat16, the upper 16 bits of a binary32, rounded to nearest, ties to even."""

    name = "bf16"

    @staticmethod
    def _to_bits(bits: np.ndarray) -> np.ndarray:
        rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) & 0xFFFF
        return np.where((bits & 0x7FFFFFFF) > 0x7F800000, ((bits >> 16) | 0x40) & 0xFFFF, rounded)

    @staticmethod
    def _to_float32_bits(h: np.ndarray) -> np.ndarray:
        return h << 16


def _sortable(bits: np.ndarray) -> np.ndarray:
    """A float's int32 bits as an int that orders like the float (its own inverse)."""
    return bits ^ ((bits >> 31) & 0x7FFFFFFF)


class BlockQuantizer(Codec):
    """int8 / int4: per block min and scale (float32), then stochastically rounded codes (docs/protocol.md, "int8 and int4")."""

    def __init__(self, bits: int, block: int) -> None:
        self.bits = bits
        self.block = block
        self.levels = (1 << bits) - 1
        self.name = f"int{bits}"

    def parameters(self) -> Dict[str, float]:
        return {"block": float(self.block)}

    def _block_bytes(self, m: int) -> int:
        return 8 + (m * self.bits + 7) // 8

    def encoded_bytes(self, n: int) -> int:
        full, last = divmod(n, self.block)
        return full * self._block_bytes(self.block) + (self._block_bytes(last) if last else 0)

    def encode(self, values, seed: int) -> bytes:
        v = _float32(values)
        out = []
        L = self.levels
        for b, start in enumerate(range(0, len(v), self.block)):
            x = v[start:start + self.block]
            m = len(x)
            _require_finite(x, self.name, start)
            keys = _sortable(x.view(np.int32))
            lo = np.int32(_sortable(keys.min())).view(np.float32)
            hi = np.int32(_sortable(keys.max())).view(np.float32)
            rng = float(hi) - float(lo)
            scale = np.float32(rng / L)
            if float(scale) * L < rng:
                scale = np.nextafter(scale, np.float32(np.inf))
            key = int(longs(seed, b, 1)[0])
            groups = mix64_array(np.uint64(key) + np.arange(1, (m + 3) // 4 + 1, dtype=np.uint64) * np.uint64(GOLDEN_GAMMA))
            u16 = ((groups[:, None] >> (np.arange(4, dtype=np.uint64) * np.uint64(16))) & np.uint64(0xFFFF)).reshape(-1)[:m]
            with np.errstate(over="ignore", divide="ignore"):
                inv = np.float32(0) if scale == 0 else np.float32(1) / scale
            if rng <= _FLT_MAX and np.isfinite(inv):
                y = (x - lo) * inv + u16.astype(np.float32) * np.float32(2.0 ** -16)
            else:
                y = (x.astype(np.float64) - float(lo)) * (1.0 / float(scale)) + u16.astype(np.float64) * 2.0 ** -16
            q = np.minimum(np.trunc(y), L).astype(np.uint8)
            if self.bits == 4:
                q = np.append(q, np.uint8(0)) if m % 2 else q
                q = q[0::2] | (q[1::2] << 4)
            out.append(np.array([lo, scale], dtype="<f4").tobytes() + q.astype(np.uint8).tobytes())
        return b"".join(out)

    def decode(self, data: bytes, n: int) -> np.ndarray:
        data = self._claim(data, n)
        out = np.empty(n, dtype=np.float32)
        p = 0
        L = self.levels
        for start in range(0, n, self.block):
            m = min(self.block, n - start)
            lo, scale = np.frombuffer(data, dtype="<f4", count=2, offset=p)
            if not (np.isfinite(lo) and np.isfinite(scale)) or scale < 0:
                raise ValueError(f"codec {self.name}: the block at byte {p} has minimum {_jfloat(lo)} and scale {_jfloat(scale)}; "
                                 f"both must be finite and the scale >= 0")
            nbytes = (m * self.bits + 7) // 8
            raw = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=p + 8)
            if self.bits == 8:
                q = raw
            else:
                q = np.stack([raw & 0xF, raw >> 4], axis=1).reshape(-1)[:m]
            with np.errstate(over="ignore"):
                in_float = abs(lo) <= np.float32(_FLT_MAX / 2) and abs(scale) * np.float32(L) <= np.float32(_FLT_MAX / 2)
            if in_float:
                out[start:start + m] = lo + q.astype(np.float32) * scale
            else:
                out[start:start + m] = np.minimum(float(lo) + q.astype(np.float64) * float(scale), _FLT_MAX).astype(np.float32)
            p += 8 + nbytes
        return out


class Qsgd(Codec):
    """QSGD with s levels per sign and buckets of ``block`` values (docs/protocol.md, "qsgd")."""

    name = "qsgd"

    def __init__(self, levels: int, block: int) -> None:
        self.levels = levels
        self.block = block
        self.width = 2 if levels == 1 else 4 if levels <= 7 else 8

    def parameters(self) -> Dict[str, float]:
        return {"block": float(self.block), "levels": float(self.levels)}

    def _bucket_bytes(self, m: int) -> int:
        return 4 + (m * self.width + 7) // 8

    def encoded_bytes(self, n: int) -> int:
        full, last = divmod(n, self.block)
        return full * self._bucket_bytes(self.block) + (self._bucket_bytes(last) if last else 0)

    def encode(self, values, seed: int) -> bytes:
        v = _float32(values)
        u = doubles(seed, len(v))  # one draw per value, in order, over the whole encoding
        s = self.levels
        out = []
        for start in range(0, len(v), self.block):
            x = v[start:start + self.block]
            _require_finite(x, self.name, start)
            wide = x.astype(np.float64)
            total = float(np.cumsum(wide * wide)[-1])  # in index order, as Java
            norm = math.sqrt(total)
            norm32 = np.float32(norm)
            if float(norm32) < norm:
                norm32 = np.nextafter(norm32, np.float32(np.inf))
            if np.isinf(norm32):
                raise ValueError(f"codec {self.name}: the L2 norm of values[{start}, {start + len(x)}) is {_jdouble(norm)}, beyond the largest float32")
            k = 0.0 if norm32 == 0 else s / float(norm32)
            a = np.abs(wide) * k
            l = np.trunc(a)
            l = np.minimum(l + (u[start:start + len(x)] < a - l), s).astype(np.int64)
            codes = np.where(x < 0, s - l, s + l)
            out.append(np.array([norm32], dtype="<f4").tobytes() + _bits.pack(codes, self.width))
        return b"".join(out)

    def decode(self, data: bytes, n: int) -> np.ndarray:
        data = self._claim(data, n)
        out = np.empty(n, dtype=np.float32)
        p = 0
        s = self.levels
        for start in range(0, n, self.block):
            m = min(self.block, n - start)
            norm = np.frombuffer(data, dtype="<f4", count=1, offset=p)[0]
            if not (norm >= 0) or np.isinf(norm):
                raise ValueError(f"codec {self.name}: the bucket at byte {p} has norm {_jfloat(norm)}; it must be finite and >= 0")
            codes = _bits.unpack(data[p + 4:p + self._bucket_bytes(m)], m, self.width).astype(np.int64)
            high = np.flatnonzero(codes > 2 * s)
            if high.size:
                raise ValueError(f"codec {self.name}: code {int(codes[high[0]])} is above 2s = {2 * s}")
            step = float(norm) / s
            out[start:start + m] = ((codes - s) * step).astype(np.float32)
            p += self._bucket_bytes(m)
        return out


class _SparseCount:
    """How many of n values a selector keeps: ``count``, or ``fraction`` with ``min_count``."""

    def __init__(self, p: _Parameters, codec: str) -> None:
        has_count, has_fraction = p.has("count"), p.has("fraction")
        if has_count and has_fraction:
            raise ValueError(f"codec {codec}: give either count or fraction, not both")
        if has_count:
            if p.has("min_count"):
                raise ValueError(f"codec {codec}: min_count applies only with fraction, not count")
            self.count, self.fraction, self.min_count = p.integer("count", 0, 0, _INT_MAX), -1.0, 0
        else:
            self.count = -1
            self.fraction = p.number("fraction", 0.01, 0.0, 1.0)
            self.min_count = p.integer("min_count", 100, 0, _INT_MAX)

    def of(self, n: int) -> int:
        if self.count >= 0:
            return min(self.count, n)
        return int(min(n, max(math.ceil(self.fraction * n), self.min_count)))

    def parameters(self) -> Dict[str, float]:
        if self.count >= 0:
            return {"count": float(self.count)}
        return {"fraction": self.fraction, "min_count": float(self.min_count)}


def _width(n: int) -> int:
    return 0 if n <= 1 else (n - 1).bit_length()


def _uses_bitmap(n: int, k: int) -> bool:
    return (n + 7) // 8 < (k * _width(n) + 7) // 8


def _index_bytes(n: int, k: int) -> int:
    return min((n + 7) // 8, (k * _width(n) + 7) // 8)


class SparseCodec(Codec):
    """topk / randomk: the positions of k kept values, then their values coded by a dense codec (docs/protocol.md, "Sparse codecs")."""

    def __init__(self, selector: str, count: _SparseCount, scaled: bool, dense: Codec) -> None:
        self.selector = selector
        self.k = count
        self.scaled = scaled
        self.dense = dense
        self.name = selector if dense.name == "float32" else f"{selector}+{dense.name}"

    def parameters(self) -> Dict[str, float]:
        p = dict(self.k.parameters())
        if self.selector == "randomk":
            p["scaled"] = 1.0 if self.scaled else 0.0
        p.update(self.dense.parameters())
        return dict(sorted(p.items()))

    def encoded_bytes(self, n: int) -> int:
        k = self.k.of(n)
        return _index_bytes(n, k) + self.dense.encoded_bytes(k)

    def _select(self, v: np.ndarray, seed: int) -> np.ndarray:
        n, k = len(v), self.k.of(len(v))
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        if self.selector == "topk":
            key = v.view(np.int32) & 0x7FFFFFFF
            threshold = np.partition(key, n - k)[n - k]
            above = np.flatnonzero(key > threshold)
            equal = np.flatnonzero(key == threshold)[:k - len(above)]
            return np.sort(np.concatenate([above, equal]))
        rng = SplitMix64(seed)
        chosen: List[int] = []
        for i in range(n):  # selection sampling (Knuth, Algorithm S), ascending
            if len(chosen) == k:
                break
            if rng.next_int(n - i) < k - len(chosen):
                chosen.append(i)
        return np.array(chosen, dtype=np.int64)

    def encode(self, values, seed: int) -> bytes:
        v = _float32(values)
        _require_finite(v, self.name)
        n, k = len(v), self.k.of(len(v))
        idx = self._select(v, seed)
        kept = v[idx]
        if self.selector == "randomk" and self.scaled and k > 0:
            c = np.float32(n / k)
            if c != 1:
                kept = kept * c
        if _uses_bitmap(n, k):
            bitmap = np.zeros((n + 7) // 8 * 8, dtype=np.uint8)
            bitmap[idx] = 1
            positions = np.packbits(bitmap, bitorder="little").tobytes()
        else:
            positions = _bits.pack(idx, _width(n))
        return positions + self.dense.encode(kept, mix64(seed ^ 0x5DEECE66D))

    def decode(self, data: bytes, n: int) -> np.ndarray:
        data = self._claim(data, n)
        k = self.k.of(n)
        head = _index_bytes(n, k)
        if _uses_bitmap(n, k):
            bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8, count=head), bitorder="little")
            count = int(bits.sum())
            past = bool(bits[n:].any())
            if count != k or past:
                raise ValueError(f"the position bitmap has {count} bits set" + (f" (some past position {n})" if past else "") + f", expected {k}")
            idx = np.flatnonzero(bits[:n])
        else:
            idx = _bits.unpack(data[:head], k, _width(n)).astype(np.int64)
            previous = np.concatenate([[-1], idx[:-1]])
            bad = np.flatnonzero((idx <= previous) | (idx >= n))
            if bad.size:
                j = int(bad[0])
                raise ValueError(f"codec {self.name}: position {j} is {int(idx[j])}, expected ascending positions in ({int(previous[j])}, {n})")
        out = np.zeros(n, dtype=np.float32)
        out[idx] = self.dense.decode(data[head:], k)
        return out


def _valid() -> str:
    return ", ".join(DENSE) + ", " + ", ".join(SPARSE) + ", " + "|".join(SPARSE) + "+<dense>"


def _unknown(name: str) -> ValueError:
    return ValueError(f"unknown codec '{_abbreviate(name)}' (valid: {_valid()})")


def _dense(name: str, p: _Parameters) -> Codec:
    if name == "float32":
        return Float32()
    if name == "fp16":
        return Fp16()
    if name == "bf16":
        return Bf16()
    if name in ("int8", "int4"):
        return BlockQuantizer(int(name[3:]), p.integer("block", 1024, 1, _MAX_BLOCK))
    if name == "qsgd":
        return Qsgd(p.integer("levels", 127, 1, 127), p.integer("block", 512, 1, _MAX_BLOCK))
    raise _unknown(name)


def create(name: Optional[str], parameters: Mapping[str, float] = {}) -> Codec:
    """The codec ``name`` with ``parameters`` (absent ones take their defaults), as Java's ``Codecs.create``.

    :raises ValueError: naming the codec or parameter and the value, if the name is unknown (listing the
        valid names), a parameter is unknown to the codec, or a value is out of its range
    """
    if name is None:
        raise ValueError(f"codec name is missing (valid: {_valid()})")
    p = _Parameters(_abbreviate(name), parameters)
    head, plus, tail = name.partition("+")
    if head in SPARSE:
        dense = tail if plus else "float32"
        if dense not in DENSE:
            raise _unknown(name)
        count = _SparseCount(p, name)
        scaled = head == "randomk" and p.integer("scaled", 1, 0, 1) == 1
        codec: Codec = SparseCodec(head, count, scaled, _dense(dense, p))
    elif name in DENSE:
        codec = _dense(name, p)
    else:
        raise _unknown(name)
    p.done()
    return codec


def tensor_seed(seed: int, t: int) -> int:
    """The seed of tensor ``t`` in an encoding seeded with ``seed``: ``Seeds.derive(seed, "tensor", t)``."""
    return derive_seed(seed, "tensor", t)


class UpdateEncoder:
    """A client's compressed uplink, as Java's ``UpdateEncoder``: encodes ``trained − start`` (float32)
    per tensor with one codec; tensor t draws from ``tensor_seed(Seeds.derive(task_seed, "uplink"), t)``.
    With error feedback it keeps, per tensor, what the codec did not send (``input − decoded``, in
    float32) and adds it to the next update before encoding. Not thread-safe."""

    def __init__(self, codec: Codec, error_feedback: bool) -> None:
        self.codec = codec
        self.error_feedback = error_feedback
        self._residuals: Dict[int, np.ndarray] = {}

    def matches(self, codec: Codec, error_feedback: bool) -> bool:
        """Whether this encoder encodes as ``codec`` (same name and parameters) with error feedback as asked."""
        return self.codec.name == codec.name and self.codec.parameters() == codec.parameters() and self.error_feedback == error_feedback

    def encode(self, start: Sequence[np.ndarray], trained: Sequence[np.ndarray], task_seed: int) -> List[bytes]:
        """The encoded bytes of each tensor of ``trained − start``.

        :raises ValueError: if the layouts differ or the update holds a non-finite value (the residuals
            are then unchanged)
        """
        if len(start) != len(trained):
            raise ValueError(f"the update has {len(trained)} tensors, the start {len(start)}")
        updates = []
        for t, (s, w) in enumerate(zip(start, trained)):
            s, w = np.asarray(s, dtype=np.float32), np.asarray(w, dtype=np.float32)
            if s.shape != w.shape:
                raise ValueError(f"tensor {t} has shape {list(w.shape)}, the start {list(s.shape)}")
            u = (w - s).reshape(-1)
            bad = np.flatnonzero(~np.isfinite(u))
            if bad.size:
                raise ValueError(f"the update contains a non-finite value: tensor {t}[{int(bad[0])}] = {_jfloat(u[bad[0]])}")
            updates.append(u)
        seed = derive_seed(task_seed, "uplink")
        out = []
        residuals = dict(self._residuals)
        for t, u in enumerate(updates):
            if self.error_feedback:
                r = residuals.get(t)
                if r is not None and len(r) != len(u):
                    raise ValueError(f"tensor {t} has {len(u)} values, its residual {len(r)}")
                if r is not None:
                    u = u + r
            data = self.codec.encode(u, tensor_seed(seed, t))
            if self.error_feedback:
                residuals[t] = u - self.codec.decode(data, len(u))
            out.append(data)
        self._residuals = residuals
        return out

    def residual(self, t: int, length: int) -> np.ndarray:
        """The residual error feedback holds for tensor ``t`` (zeros without error feedback or before the first update)."""
        r = self._residuals.get(t)
        return np.zeros(length, dtype=np.float32) if r is None else r.copy()
