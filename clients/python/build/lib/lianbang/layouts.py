"""Tensor layouts of the Lianbang engine's model specs (``docs/protocol.md``, "Model layouts").

A spec such as ``"logistic:30"`` or ``"mlp:784-128-10"`` names a model; its parameters travel as
a list of float32 tensors in the order and shapes :func:`layout` gives, which are those of the
equivalent ``torch.nn.Sequential``'s ``state_dict()`` (dense weights ``[out, in]``, convolution
weights ``[out, in, kh, kw]``), with the names :func:`parameter_names` gives.
"""

from __future__ import annotations

import re

__all__ = ["MAX_PARAMETERS", "MAX_SIZES", "KINDS", "ModelSpec", "parse", "layout", "parameter_names"]

#: The most parameters a model may have (as the Java engine's ``ModelSpec.MAX_PARAMETERS``).
MAX_PARAMETERS = 50_000_000
#: The most sizes a spec may list (as ``ModelSpec.MAX_SIZES``).
MAX_SIZES = 64
#: The model kinds.
KINDS = ("linear", "logistic", "softmax", "mlp", "lenet")

_INT_MAX = 2**31 - 1
_SIZE = re.compile(r"[+-]?[0-9]+")
_ABBREVIATE = 80

# LeNet-5 style CNN for 1x28x28 images: (name, shape), as the engine builds it.
_LENET = (
    ("0.weight", (6, 1, 5, 5)), ("0.bias", (6,)),
    ("3.weight", (16, 6, 5, 5)), ("3.bias", (16,)),
    ("7.weight", (120, 400)), ("7.bias", (120,)),
    ("9.weight", (84, 120)), ("9.bias", (84,)),
    ("11.weight", (10, 84)), ("11.bias", (10,)),
)


def _abbreviate(text: str) -> str:
    return text if len(text) <= _ABBREVIATE else text[: _ABBREVIATE - 3] + "..."


class ModelSpec:
    """A parsed model spec: its ``kind`` (one of :data:`KINDS`) and ``sizes`` (input first)."""

    __slots__ = ("kind", "sizes")

    def __init__(self, kind: str, sizes: tuple[int, ...]):
        self.kind = kind
        self.sizes = sizes

    @property
    def input_features(self) -> int:
        """The features an example has: the first size, or 1x28x28 = 784 for ``lenet``."""
        return 784 if self.kind == "lenet" else self.sizes[0]

    def dense_sizes(self) -> tuple[int, ...]:
        """The widths from input to output of the dense layers (not for ``lenet``)."""
        if self.kind == "linear" and len(self.sizes) == 1:
            return (self.sizes[0], 1)
        if self.kind == "logistic":
            return (self.sizes[0], 1)
        return self.sizes

    def __str__(self) -> str:
        return self.kind if not self.sizes else self.kind + ":" + "-".join(str(s) for s in self.sizes)

    def __repr__(self) -> str:
        return f"ModelSpec({str(self)!r})"


def parse(spec: str) -> ModelSpec:
    """Parses ``spec`` as the Java engine does (``ModelSpec.parse``).

    Raises:
        ValueError: quoting the spec (abbreviated) if it is not a valid spec.
    """
    if not isinstance(spec, str):
        raise ValueError(f"model spec must be a string, got {type(spec).__name__}")
    quoted = f'model spec "{_abbreviate(spec)}"'
    text = spec.strip().lower()
    head, colon, tail = text.partition(":")
    if head not in KINDS:
        raise ValueError(f'{quoted}: unknown model "{_abbreviate(head)}" (expected linear, logistic, softmax, mlp or lenet)')
    sizes: list[int] = []
    if colon:
        parts = tail.split("-", MAX_SIZES + 1)
        if len(parts) > MAX_SIZES:
            raise ValueError(f"{quoted}: more than {MAX_SIZES} sizes")
        for part in parts:
            p = part.strip()
            if not _SIZE.fullmatch(p) or int(p) > _INT_MAX or int(p) < -_INT_MAX - 1:
                raise ValueError(f'{quoted}: size "{_abbreviate(part)}" is not an integer (at most {_INT_MAX})')
            sizes.append(int(p))
    if any(s < 1 for s in sizes):
        raise ValueError(f"{quoted}: sizes must be >= 1, got {sizes}")
    n = len(sizes)
    allowed = {"linear": n in (1, 2), "logistic": n == 1, "softmax": n == 2, "mlp": n >= 2, "lenet": n == 0}[head]
    if not allowed:
        raise ValueError(f"{quoted}: {head} does not take sizes {sizes} (forms: linear:IN, linear:IN-OUT, logistic:IN, "
                         "softmax:IN-CLASSES, mlp:IN-H1-...-CLASSES, lenet)")
    parsed = ModelSpec(head, tuple(sizes))
    if head != "lenet":
        widths = parsed.dense_sizes()
        count = sum(widths[i - 1] * widths[i] + widths[i] for i in range(1, len(widths)))
        if count > MAX_PARAMETERS:
            raise ValueError(f"{quoted}: {count} parameters, more than the limit of {MAX_PARAMETERS}")
    return parsed


def _named_layout(spec: str) -> list[tuple[str, tuple[int, ...]]]:
    parsed = parse(spec)
    if parsed.kind == "lenet":
        return list(_LENET)
    widths = parsed.dense_sizes()
    out = []
    for i in range(1, len(widths)):
        index = 2 * (i - 1)  # a ReLU sits between consecutive dense layers
        out.append((f"{index}.weight", (widths[i], widths[i - 1])))
        out.append((f"{index}.bias", (widths[i],)))
    return out


def layout(spec: str) -> list[tuple[int, ...]]:
    """The shapes of the tensors of ``spec``'s model, in wire order.

    Raises:
        ValueError: naming the spec if it is malformed.
    """
    return [shape for _, shape in _named_layout(spec)]


def parameter_names(spec: str) -> list[str]:
    """The names of the tensors of ``spec``'s model in wire order: the keys of the equivalent
    ``torch.nn.Sequential``'s ``state_dict()`` (``"0.weight"``, ``"0.bias"``, ...)."""
    return [name for name, _ in _named_layout(spec)]
