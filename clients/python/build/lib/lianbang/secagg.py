"""The client side of SecAgg+ secure aggregation, byte-compatible with Lianbang's Java participant.

A :class:`SecAggParticipant` answers the four stage requests of one round (``Setup``,
``KeyDirectory``, ``ShareDelivery``, ``UnmaskRequest``) given as bytes in the message format v1 of
``docs/protocol.md`` ("Secure aggregation"), with the reply bytes (``PublicKeys``,
``EncryptedShares``, ``MaskedInput``, ``UnmaskShares``), exactly as Java's
``io.lianbang.privacy.secagg.SecAggParticipant`` does: X25519 keys, Shamir shares over
p = 2^256 + 297 encrypted with AES-256-GCM under HKDF-SHA256 keys, the input quantised with
stochastic rounding and masked with the AES-256-CTR PRG modulo 2^b. For the same input, rounding
seed and keys its masked input is bit-identical to a Java participant's.

How a client uses it with a fit task (what Java's ``SecAggClient`` does):

* a fit task whose config lacks ``secagg: true`` is refused before training (the server would not
  run the protocol, and the client sends its update only masked);
* after training, ``delta`` is the update trained − global, computed in float32 per tensor in the
  task's layout order, ``weight`` is the number of training examples (> 0), and
  ``rounding_seed = rounding_seed(task.seed)``; then ``set_input(task.round, delta, weight,
  rounding_seed)``;
* the fit result sent to the server is only a receipt: the global parameters the task carried,
  unchanged, with ``num_examples = 1`` and no metrics;
* each ``secagg`` stage task's message goes to :meth:`SecAggParticipant.handle`; its return value is
  ``SecAggReply.message``, a :class:`SecAggError` becomes the reply's ``TaskError`` with
  ``kind = error.kind``.

It needs ``cryptography`` (X25519, HKDF, AES) and ``numpy``, not grpc.
"""

from __future__ import annotations

import os
import struct
import threading
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.exceptions import InvalidTag

__all__ = [
    "SecAggError", "SecAggParticipant", "rounding_seed", "Setup", "PublicKeys", "KeyDirectory",
    "EncryptedShares", "ShareDelivery", "MaskedInput", "UnmaskRequest", "UnmaskShares", "encode", "decode",
]

from lianbang import _bits
from lianbang._splitmix import GOLDEN_GAMMA, derive_seed, doubles as split_mix_doubles, longs as split_mix_longs, mix64


def rounding_seed(task_seed: int) -> int:
    """The stochastic-rounding seed of a fit task: ``Seeds.derive(task_seed, "secagg-rounding")``."""
    return derive_seed(task_seed, "secagg-rounding")


# ---------------------------------------------------------------------------------------------
# Errors


class SecAggError(Exception):
    """A refused stage: ``kind`` is the name of Java's ``SecAggException.Kind`` (``PROTOCOL``,
    ``UNSAFE``, ``AUTHENTICATION``); a malformed request is ``PROTOCOL`` with a message starting
    ``malformed SecAgg message:``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------------------------
# Primitives: Shamir, HKDF, share cipher, mask PRG, quantiser

#: The Shamir field modulus, the smallest prime above 2^256.
P = (1 << 256) + 297
#: Bytes of a field element on the wire.
ELEMENT_BYTES = 33
_SHARE_INFO = b"lianbang secagg v1 share key"
_MASK_INFO = b"lianbang secagg v1 pairwise mask"
_NONCE = 12
_TAG = 16


def shamir_split(secret: bytes, threshold: int, xs: Sequence[int], random: Callable[[int], bytes]) -> List[int]:
    """The shares f(x) for each x of ``xs`` of a random polynomial of degree threshold − 1 with f(0) the big-endian ``secret``."""
    if len(secret) > 32:
        raise ValueError(f"secret must be at most 32 bytes, got {len(secret)}")
    if not 1 <= threshold <= len(xs):
        raise ValueError(f"threshold must be in [1, {len(xs)}], got {threshold}")
    if len(set(xs)) != len(xs):
        raise ValueError("share x values must differ")
    coef = [int.from_bytes(secret, "big")] + [(int.from_bytes(random(33), "big") >> 4) % P for _ in range(threshold - 1)]
    out = []
    for x in xs:
        y = 0
        for c in reversed(coef):
            y = (y * x + c) % P
        out.append(y)
    return out


def shamir_reconstruct(shares: Dict[int, int]) -> int:
    """The polynomial's value at 0 from the points ``{x: y}`` (Lagrange interpolation mod P)."""
    result = 0
    for xi, yi in shares.items():
        num, den = 1, 1
        for xj in shares:
            if xj != xi:
                num = num * (-xj) % P
                den = den * (xi - xj) % P
        result = (result + yi * num * pow(den, -1, P)) % P
    return result


def hkdf(ikm: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF-SHA256 (RFC 5869) without salt (32 zero bytes)."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(ikm)


def _aad(round_: int, sender: int, recipient: int) -> bytes:
    return _SHARE_INFO + struct.pack(">iii", round_, sender, recipient)


def share_encrypt(shared_secret: bytes, plaintext: bytes, round_: int, sender: int, recipient: int, nonce: bytes) -> bytes:
    """AES-256-GCM of a share under HKDF(shared secret, "lianbang secagg v1 share key"): nonce ‖ ciphertext ‖ tag."""
    key = hkdf(shared_secret, _SHARE_INFO)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, _aad(round_, sender, recipient))


def share_decrypt(shared_secret: bytes, ciphertext: bytes, round_: int, sender: int, recipient: int) -> bytes:
    """Decrypts and authenticates a :func:`share_encrypt` ciphertext; :class:`SecAggError` ``AUTHENTICATION`` if it fails."""
    if len(ciphertext) < _NONCE + _TAG:
        raise SecAggError("AUTHENTICATION", f"share ciphertext is too short ({len(ciphertext)} bytes)")
    key = hkdf(shared_secret, _SHARE_INFO)
    try:
        return AESGCM(key).decrypt(ciphertext[:_NONCE], ciphertext[_NONCE:], _aad(round_, sender, recipient))
    except InvalidTag:
        raise SecAggError("AUTHENTICATION", "share ciphertext failed AES-GCM authentication (altered in transit, or not from this sender)") from None


def pairwise_seed(shared_secret: bytes) -> bytes:
    """The pairwise mask seed: HKDF-SHA256(X25519 secret, "lianbang secagg v1 pairwise mask"), 32 bytes."""
    return hkdf(shared_secret, _MASK_INFO)


def prg_mask(seed: bytes, n: int, modulus_bits: int) -> np.ndarray:
    """The mask of ``seed``: the AES-256-CTR keystream (zero IV) as n little-endian uint64, each taken mod 2^bits."""
    if len(seed) != 32:
        raise ValueError(f"mask seed must be 32 bytes, got {len(seed)}")
    stream = Cipher(algorithms.AES(seed), modes.CTR(bytes(16))).encryptor().update(bytes(8 * n))
    return np.frombuffer(stream, dtype="<u8").astype(np.uint64) & np.uint64((1 << modulus_bits) - 1)


def add_mask(target: np.ndarray, seed: bytes, sign: int, modulus_bits: int) -> None:
    """``target += sign × prg_mask(seed)`` modulo 2^bits, in place (uint64)."""
    m = prg_mask(seed, len(target), modulus_bits)
    with np.errstate(over="ignore"):
        if sign > 0:
            target += m
        else:
            target -= m
    target &= np.uint64((1 << modulus_bits) - 1)


def quantize(values: np.ndarray, lo: float, hi: float, modulus_bits: int, max_terms: int, seed: int) -> np.ndarray:
    """Java's ``Quantizer(lo, hi, bits, maxTerms).encode`` of each value in order, drawing from one
    ``SplittableRandom(seed)``: clip to [lo, hi], t = (c − lo)/(hi − lo)·L with L = ⌊(2^b − 1)/maxTerms⌋;
    L if ⌊t⌋ ≥ L (no draw), else ⌊t⌋ + 1 if nextDouble() < t − ⌊t⌋, else ⌊t⌋. Returns uint64."""
    levels = ((1 << modulus_bits) - 1) // max_terms
    if levels < 1:
        raise ValueError(f"modulus 2^{modulus_bits} is too small for {max_terms} terms")
    c = np.minimum(hi, np.maximum(lo, np.asarray(values, dtype=np.float64)))
    return _round((c - lo) / (hi - lo) * float(levels), levels, seed)


def _x25519_private(raw: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(raw)


def _public_bytes(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _agree(own: X25519PrivateKey, peer: bytes) -> bytes:
    try:
        return own.exchange(X25519PublicKey.from_public_bytes(peer))
    except ValueError as e:
        raise SecAggError("PROTOCOL", f"X25519 key agreement failed: {e}") from None


# ---------------------------------------------------------------------------------------------
# Messages and the byte format v1

@dataclass(frozen=True)
class Setup:
    """Stage 0 request."""
    round: int
    clients: List[str]
    self: int
    neighbours: List[int]
    threshold: int
    clip_range: float
    modulus_bits: int
    max_weight: float
    dimension: int


@dataclass(frozen=True)
class PublicKeys:
    """Stage 0 response: X25519 cipher and mask public keys."""
    round: int
    sender: int
    cipher_key: bytes
    mask_key: bytes


@dataclass(frozen=True)
class KeyDirectory:
    """Stage 1 request: client index → (cipher key, mask key)."""
    round: int
    keys: Dict[int, tuple]


@dataclass(frozen=True)
class EncryptedShares:
    """Stage 1 response: recipient → ciphertext."""
    round: int
    sender: int
    ciphertexts: Dict[int, bytes]


@dataclass(frozen=True)
class ShareDelivery:
    """Stage 2 request: sender → ciphertext."""
    round: int
    ciphertexts: Dict[int, bytes]


@dataclass(frozen=True)
class MaskedInput:
    """Stage 2 response: the masked vector (uint64 entries below 2^bits)."""
    round: int
    sender: int
    masked: np.ndarray
    modulus_bits: int


@dataclass(frozen=True)
class UnmaskRequest:
    """Stage 3 request."""
    round: int
    survivors: List[int]
    dropped: List[int]


@dataclass(frozen=True)
class UnmaskShares:
    """Stage 3 response: client → seed share, client → key share."""
    round: int
    sender: int
    seed_shares: Dict[int, int]
    key_shares: Dict[int, int]


_TYPES = {Setup: 1, PublicKeys: 2, KeyDirectory: 3, EncryptedShares: 4, ShareDelivery: 5, MaskedInput: 6, UnmaskRequest: 7, UnmaskShares: 8}
_REQUESTS = (Setup, KeyDirectory, ShareDelivery, UnmaskRequest)
_KEY = 32
_MAX_CIPHERTEXT = 1 << 16


def pack_bits(values: np.ndarray, bits: int) -> bytes:
    """Entries of ``bits`` bits, LSB first (see :mod:`lianbang._bits`); refuses an entry that does not fit."""
    v = np.asarray(values, dtype=np.uint64)
    if v.size and int(v.max()) >> bits:
        raise ValueError(f"an entry does not fit {bits} bits")
    return _bits.pack(v, bits)


def unpack_bits(packed: bytes, n: int, bits: int) -> np.ndarray:
    """The inverse of :func:`pack_bits`; refuses nonzero padding bits."""
    if _bits.padding_set(packed, n, bits):
        raise ValueError("padding bits of the masked vector are not zero")
    return _bits.unpack(packed, n, bits)


def _share_bytes(y: int) -> bytes:
    return y.to_bytes(ELEMENT_BYTES, "big")


def encode(m) -> bytes:
    """The message ``m`` in the byte format v1."""
    index = m.self if isinstance(m, Setup) else getattr(m, "sender", -1)
    out = [struct.pack(">Bii", _TYPES[type(m)], m.round, index)]
    if isinstance(m, Setup):
        out.append(struct.pack(">i", len(m.clients)))
        for c in m.clients:
            name = c.encode("utf-8")
            out.append(struct.pack(">H", len(name)) + name)
        out.append(struct.pack(">i", len(m.neighbours)) + b"".join(struct.pack(">i", v) for v in m.neighbours))
        out.append(struct.pack(">ididi", m.threshold, m.clip_range, m.modulus_bits, m.max_weight, m.dimension))
    elif isinstance(m, PublicKeys):
        out.append(bytes(m.cipher_key) + bytes(m.mask_key))
    elif isinstance(m, KeyDirectory):
        out.append(struct.pack(">i", len(m.keys)))
        for v in sorted(m.keys):
            out.append(struct.pack(">i", v) + bytes(m.keys[v][0]) + bytes(m.keys[v][1]))
    elif isinstance(m, (EncryptedShares, ShareDelivery)):
        out.append(struct.pack(">i", len(m.ciphertexts)))
        for v in sorted(m.ciphertexts):
            c = m.ciphertexts[v]
            out.append(struct.pack(">ii", v, len(c)) + c)
    elif isinstance(m, MaskedInput):
        out.append(struct.pack(">iB", len(m.masked), m.modulus_bits) + pack_bits(m.masked, m.modulus_bits))
    elif isinstance(m, UnmaskRequest):
        out.append(struct.pack(">ii", len(m.survivors), len(m.dropped)))
        out.append(b"".join(struct.pack(">i", v) for v in list(m.survivors) + list(m.dropped)))
    elif isinstance(m, UnmaskShares):
        out.append(struct.pack(">ii", len(m.seed_shares), len(m.key_shares)))
        for shares in (m.seed_shares, m.key_shares):
            for v in sorted(shares):
                out.append(struct.pack(">i", v) + _share_bytes(shares[v]))
    return b"".join(out)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def remaining(self) -> int:
        return len(self.data) - self.pos

    def take(self, n: int) -> bytes:
        if n > self.remaining():
            raise ValueError(f"truncated message: {len(self.data)} bytes")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def i32(self) -> int:
        return struct.unpack(">i", self.take(4))[0]

    def u16(self) -> int:
        return struct.unpack(">H", self.take(2))[0]

    def u8(self) -> int:
        return self.take(1)[0]

    def f64(self) -> float:
        return struct.unpack(">d", self.take(8))[0]

    def count(self, min_bytes: int, what: str) -> int:
        n = self.i32()
        if n < 0 or n * min_bytes > self.remaining():
            raise ValueError(f"count of {what} {n} exceeds the message")
        return n


def _non_negative(v: int, what: str) -> int:
    if v < 0:
        raise ValueError(f"negative {what} index {v}")
    return v


def _indices(r: _Reader, n: int, what: str) -> List[int]:
    out: List[int] = []
    for _ in range(n):
        v = _non_negative(r.i32(), what)
        if v in out:
            raise ValueError(f"duplicate {what} {v}")
        out.append(v)
    return out


def _ciphertexts(r: _Reader) -> Dict[int, bytes]:
    n = r.count(8, "ciphertexts")
    out: Dict[int, bytes] = {}
    for _ in range(n):
        v = _non_negative(r.i32(), "ciphertext peer")
        length = r.i32()
        if length < 0 or length > _MAX_CIPHERTEXT or length > r.remaining():
            raise ValueError(f"ciphertext length {length} is invalid")
        if v in out:
            raise ValueError(f"duplicate ciphertext peer {v}")
        out[v] = r.take(length)
    return out


def _shares(r: _Reader, n: int, what: str) -> Dict[int, int]:
    out: Dict[int, int] = {}
    for _ in range(n):
        v = _non_negative(r.i32(), what + " client")
        y = int.from_bytes(r.take(ELEMENT_BYTES), "big")
        if y >= P:
            raise ValueError(f"{what} of client {v} is outside the field")
        if v in out:
            raise ValueError(f"duplicate {what} client {v}")
        out[v] = y
    return out


def _setup(r: _Reader, round_: int, self_: int) -> Setup:
    n = r.count(2, "clients")
    clients = []
    for i in range(n):
        raw = r.take(r.u16())
        try:
            clients.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise ValueError(f"client name {i} is not valid UTF-8") from None
    k = r.count(4, "neighbours")
    neighbours = _indices(r, k, "neighbour")
    threshold, clip, bits, max_weight, dimension = r.i32(), r.f64(), r.i32(), r.f64(), r.i32()
    if self_ < 0 or self_ >= n:
        raise ValueError(f"recipient index {self_} is not among {n} clients")
    for v in neighbours:
        if v >= n:
            raise ValueError(f"neighbour {v} is not among {n} clients")
    if not (clip > 0) or clip == float("inf"):
        raise ValueError(f"clip range {clip} is not positive")
    if bits < 16 or bits > 62:
        raise ValueError(f"modulus bits {bits} not in [16, 62]")
    if not (max_weight >= 1) or max_weight == float("inf"):
        raise ValueError(f"max weight {max_weight} is not >= 1")
    if dimension < 0:
        raise ValueError(f"negative dimension {dimension}")
    return Setup(round_, clients, self_, neighbours, threshold, clip, bits, max_weight, dimension)


def _masked(r: _Reader, round_: int, sender: int) -> MaskedInput:
    n = r.i32()
    bits = r.u8()
    if bits < 16 or bits > 62:
        raise ValueError(f"modulus bits {bits} not in [16, 62]")
    if n < 0 or (n * bits + 7) // 8 != r.remaining():
        raise ValueError(f"{n} entries of {bits} bits do not fill the {r.remaining()} remaining bytes")
    return MaskedInput(round_, sender, unpack_bits(r.take(r.remaining()), n, bits), bits)


def decode(data: bytes):
    """One message from its bytes; ``ValueError`` naming the problem if they are not a valid message
    (the strictness of Java's ``SecAggCodec.decode``)."""
    data = bytes(data)
    if len(data) < 9:
        raise ValueError(f"{len(data)} bytes, shorter than the 9-byte header")
    r = _Reader(data)
    type_, round_, index = r.u8(), r.i32(), r.i32()
    if round_ < 0:
        raise ValueError(f"negative round {round_}")
    if type_ == 1:
        m = _setup(r, round_, index)
    elif type_ == 2:
        m = PublicKeys(round_, _non_negative(index, "sender"), r.take(_KEY), r.take(_KEY))
    elif type_ == 3:
        n = r.count(4 + 2 * _KEY, "directory entries")
        keys: Dict[int, tuple] = {}
        for _ in range(n):
            v = _non_negative(r.i32(), "directory client")
            if v in keys:
                raise ValueError(f"duplicate directory client {v}")
            keys[v] = (r.take(_KEY), r.take(_KEY))
        m = KeyDirectory(round_, keys)
    elif type_ == 4:
        m = EncryptedShares(round_, _non_negative(index, "sender"), _ciphertexts(r))
    elif type_ == 5:
        m = ShareDelivery(round_, _ciphertexts(r))
    elif type_ == 6:
        m = _masked(r, round_, _non_negative(index, "sender"))
    elif type_ == 7:
        s = r.count(4, "survivors")
        d = r.i32()
        if d < 0 or d * 4 > r.remaining() - 4 * s:
            raise ValueError(f"dropped count {d} exceeds the message")
        m = UnmaskRequest(round_, _indices(r, s, "survivor"), _indices(r, d, "dropped client"))
    elif type_ == 8:
        s = r.count(4 + ELEMENT_BYTES, "seed shares")
        d = r.i32()
        if d < 0 or d * (4 + ELEMENT_BYTES) > r.remaining() - s * (4 + ELEMENT_BYTES):
            raise ValueError(f"key share count {d} exceeds the message")
        m = UnmaskShares(round_, _non_negative(index, "sender"), _shares(r, s, "seed share"), _shares(r, d, "key share"))
    else:
        raise ValueError(f"unknown message type {type_}")
    if type_ in (3, 5, 7) and index != -1:
        raise ValueError(f"a {type(m).__name__} carries index {index}, expected -1")
    if r.remaining():
        raise ValueError(f"{r.remaining()} trailing bytes after a {type(m).__name__}")
    return m


# ---------------------------------------------------------------------------------------------
# Threshold safety (SecAggParams)

def min_threshold(degree: int) -> int:
    """The smallest safe threshold for k neighbours: max(2, ⌊(k + 1)/2⌋ + 1)."""
    return max(2, (degree + 1) // 2 + 1)


def threshold_problem(threshold: int, degree: int) -> Optional[str]:
    """Why ``threshold`` is not safe for ``degree`` (Java's ``SecAggParams.thresholdProblem``), or None."""
    if threshold == 0:
        return None
    if threshold < 0:
        return f"must be >= 0 (0 = default), got {threshold}"
    if degree == 0 and threshold < 2:
        return f"must be 0 (default) or >= 2, got {threshold}"
    low = min_threshold(degree)
    if degree > 0 and threshold < low:
        return (f"must be >= {low} = floor((k + 1)/2) + 1 for k = {degree} (more than half of the client and its k neighbours, "
                f"who hold its secrets), got {threshold}")
    if degree > 0 and threshold > degree + 1:
        return f"must be <= k + 1 = {degree + 1} for k = {degree}, got {threshold}"
    return None


# ---------------------------------------------------------------------------------------------
# The participant

_IDLE, _KEYS_ADVERTISED, _SHARES_SENT, _MASKED_SENT, _DONE = "IDLE", "KEYS_ADVERTISED", "SHARES_SENT", "MASKED_SENT", "DONE"
_PLAINTEXT = 8 + 2 * ELEMENT_BYTES


@dataclass
class _Input:
    round: int
    delta: np.ndarray
    weight: float
    rounding_seed: int


class SecAggParticipant:
    """One client's side of SecAgg+ rounds, as Java's ``SecAggParticipant``: per round
    :meth:`set_input`, then one :meth:`handle` per stage in order. A request out of order, for
    another round or inconsistent with the earlier stages raises :class:`SecAggError`
    (``PROTOCOL``); an unsafe ``Setup`` (threshold below max(2, ⌊(k + 1)/2⌋ + 1) or above k + 1,
    no neighbours) or too few holders raises ``UNSAFE`` before anything secret is sent; a share
    failing authentication raises ``AUTHENTICATION``. Each stage is answered at most once: a
    client never reveals both shares of one secret. Thread-safe.

    ``random(n)`` returns n random bytes (keys, self-mask seed, Shamir coefficients, nonces).
    """

    def __init__(self, random: Callable[[int], bytes] = os.urandom) -> None:
        self._random = random
        self._lock = threading.Lock()
        self._input: Optional[_Input] = None
        self._stage = _IDLE
        self._setup: Optional[Setup] = None
        self._cipher: Optional[X25519PrivateKey] = None
        self._mask: Optional[X25519PrivateKey] = None
        self._mask_raw = b""
        self._self_seed = b""
        self._directory: Dict[int, tuple] = {}
        self._seed_shares: Dict[int, int] = {}
        self._key_shares: Dict[int, int] = {}

    def set_input(self, round: int, delta: Sequence[np.ndarray], weight: float, rounding_seed: int) -> None:
        """This client's input for ``round``: the update tensors (flattened in order, as float32),
        its weight (the number of training examples, > 0) and the stochastic-rounding seed.

        :raises ValueError: naming the value if an update value is not finite or the weight is not positive
        """
        flat = np.concatenate([np.asarray(t, dtype=np.float32).reshape(-1) for t in delta]) if len(delta) else np.zeros(0, np.float32)
        bad = np.flatnonzero(~np.isfinite(flat))
        if bad.size:
            raise ValueError(f"update[{bad[0]}] = {flat[bad[0]]} is not finite")
        weight = float(weight)
        if not weight > 0 or weight == float("inf"):
            raise ValueError(f"weight must be > 0, got {weight}")
        with self._lock:
            self._input = _Input(round, flat, weight, int(rounding_seed))

    def handle(self, message: bytes) -> bytes:
        """Answers one stage request given in the byte format v1 with the reply's bytes.

        :raises SecAggError: if the request is malformed, not a request, out of order, for another
            round, unsafe, or a received share fails authentication
        """
        try:
            request = decode(message)
        except ValueError as e:
            raise SecAggError("PROTOCOL", f"malformed SecAgg message: {e}") from None
        if not isinstance(request, _REQUESTS):
            raise SecAggError("PROTOCOL", f"the server sent a {type(request).__name__}, not a stage request")
        with self._lock:
            return encode(self._respond(request))

    def _respond(self, request):
        if isinstance(request, Setup):
            return self._on_setup(request)
        if self._setup is None or request.round != self._setup.round:
            raise SecAggError("PROTOCOL", f"request for round {request.round} without a setup for that round")
        if isinstance(request, KeyDirectory):
            return self._share_keys(request)
        if isinstance(request, ShareDelivery):
            return self._masked_input(request)
        return self._unmask(request)

    def _expect(self, stage: str, what: str) -> None:
        if self._stage != stage:
            raise SecAggError("PROTOCOL", f"{what} arrived in stage {self._stage}, expected {stage}")

    def _on_setup(self, s: Setup) -> PublicKeys:
        n = len(s.clients)
        if s.self < 0 or s.self >= n:
            raise SecAggError("PROTOCOL", f"setup names index {s.self} out of {n}")
        seen = set()
        for v in s.neighbours:
            if v < 0 or v >= n or v == s.self:
                raise SecAggError("PROTOCOL", f"setup names an invalid neighbour {v}")
            if v in seen:
                raise SecAggError("PROTOCOL", f"setup names neighbour {v} twice")
            seen.add(v)
        k = len(s.neighbours)
        if k == 0:
            raise SecAggError("UNSAFE", "unsafe setup refused: no neighbours to mask with")
        unsafe = f"must be >= {min_threshold(k)}, got 0" if s.threshold == 0 else threshold_problem(s.threshold, k)
        if unsafe is not None:
            raise SecAggError("UNSAFE", "unsafe setup refused: threshold " + unsafe)
        self._setup = s
        self._stage = _KEYS_ADVERTISED
        self._cipher = _x25519_private(self._random(32))
        self._mask_raw = self._random(32)
        self._mask = _x25519_private(self._mask_raw)
        self._self_seed = b""
        self._directory = {}
        self._seed_shares.clear()
        self._key_shares.clear()
        return PublicKeys(s.round, s.self, _public_bytes(self._cipher), _public_bytes(self._mask))

    def _share_keys(self, d: KeyDirectory) -> EncryptedShares:
        self._expect(_KEYS_ADVERTISED, "KeyDirectory")
        s = self._setup
        for v in d.keys:
            if v not in s.neighbours:
                raise SecAggError("PROTOCOL", f"key directory lists client {v}, not a neighbour")
        peers = sorted(d.keys)
        xs = [s.self + 1] + [v + 1 for v in peers]
        if len(xs) < s.threshold:
            raise SecAggError("UNSAFE", f"only {len(peers)} neighbours advertised keys, the threshold is {s.threshold}")
        self._self_seed = self._random(32)
        seed_shares = shamir_split(self._self_seed, s.threshold, xs, self._random)
        key_shares = shamir_split(self._mask_raw, s.threshold, xs, self._random)
        self._seed_shares[s.self] = seed_shares[0]
        self._key_shares[s.self] = key_shares[0]
        out = {}
        for i, v in enumerate(peers, start=1):
            plain = struct.pack(">ii", s.self, v) + _share_bytes(seed_shares[i]) + _share_bytes(key_shares[i])
            secret = _agree(self._cipher, d.keys[v][0])
            out[v] = share_encrypt(secret, plain, s.round, s.self, v, self._random(_NONCE))
        self._directory = dict(d.keys)
        self._stage = _SHARES_SENT
        return EncryptedShares(s.round, s.self, out)

    def _masked_input(self, d: ShareDelivery) -> MaskedInput:
        self._expect(_SHARES_SENT, "ShareDelivery")
        self._stage = _DONE  # whatever happens below, this round's secrets are not used again
        s = self._setup
        if self._input is None or self._input.round != s.round:
            raise SecAggError("PROTOCOL", f"no input was set for round {s.round}")
        for v in sorted(d.ciphertexts):
            keys = self._directory.get(v)
            if keys is None:
                raise SecAggError("PROTOCOL", f"received a share from client {v}, which is not a neighbour that advertised keys")
            try:
                plain = share_decrypt(_agree(self._cipher, keys[0]), d.ciphertexts[v], s.round, v, s.self)
            except SecAggError as e:
                raise SecAggError(e.kind, f"share from client {v}: {e.message}") from None
            if len(plain) != _PLAINTEXT or struct.unpack(">ii", plain[:8]) != (v, s.self):
                raise SecAggError("PROTOCOL", f"share from client {v} is not addressed from {v} to {s.self}")
            self._seed_shares[v] = int.from_bytes(plain[8:8 + ELEMENT_BYTES], "big")
            self._key_shares[v] = int.from_bytes(plain[8 + ELEMENT_BYTES:], "big")
        if len(d.ciphertexts) + 1 < s.threshold:
            raise SecAggError("UNSAFE", f"only {len(d.ciphertexts)} neighbours shared keys, the threshold is {s.threshold}")
        delta = self._input.delta
        if len(delta) != s.dimension:
            raise SecAggError("PROTOCOL", f"input has {len(delta)} values, the round aggregates {s.dimension}")
        bits, m = s.modulus_bits, len(s.clients)
        r = min(1.0, self._input.weight / s.max_weight)
        # one generator for the coordinates, then the weight: both quantisers have the same levels
        y = _quantize_input(r * delta.astype(np.float64), r, s.clip_range, bits, m, self._input.rounding_seed)
        add_mask(y, self._self_seed, +1, bits)
        for v in sorted(d.ciphertexts):
            seed = pairwise_seed(_agree(self._mask, self._directory[v][1]))
            add_mask(y, seed, +1 if s.self < v else -1, bits)
        self._stage = _MASKED_SENT
        return MaskedInput(s.round, s.self, y, bits)

    def _unmask(self, u: UnmaskRequest) -> UnmaskShares:
        self._expect(_MASKED_SENT, "UnmaskRequest")
        self._stage = _DONE
        s = self._setup
        survivors = set(u.survivors)
        for v in u.dropped:
            if v in survivors:
                raise SecAggError("PROTOCOL", f"client {v} is listed as both survivor and dropped")
        if s.self not in survivors:
            raise SecAggError("PROTOCOL", "this client is not listed among the survivors")
        known = sum(1 for v in self._seed_shares if v in survivors)
        if known < s.threshold:
            raise SecAggError("UNSAFE", f"only {known} of this client's neighbours survived, the threshold is {s.threshold}")
        seeds = {v: self._seed_shares[v] for v in u.survivors if v in self._seed_shares}
        keys = {v: self._key_shares[v] for v in u.dropped if v in self._key_shares and v != s.self}
        return UnmaskShares(s.round, s.self, seeds, keys)


def _quantize_input(weighted: np.ndarray, r: float, clip: float, bits: int, m: int, seed: int) -> np.ndarray:
    """The coordinates quantised on [−clip, clip], then the weight r on [0, 1], with one rounding generator."""
    levels = ((1 << bits) - 1) // m
    if levels < 1:
        raise SecAggError("PROTOCOL", f"modulus 2^{bits} is too small for {m} terms")
    # t of every entry, as Quantizer.encode computes it, then the draws in entry order
    c = np.minimum(clip, np.maximum(-clip, weighted))
    t_values = (c - -clip) / (clip - -clip) * float(levels)
    t_weight = np.array([min(1.0, max(0.0, r)) / 1.0 * float(levels)])
    return _round(np.concatenate([t_values, t_weight]), levels, seed)


def _round(t: np.ndarray, levels: int, seed: int) -> np.ndarray:
    f = np.floor(t)
    fi = f.astype(np.int64)
    draws = fi < levels
    u = split_mix_doubles(seed, int(draws.sum()))
    up = np.zeros(len(t), dtype=bool)
    up[draws] = u < (t - f)[draws]
    return np.where(draws, fi + up, levels).astype(np.uint64)
