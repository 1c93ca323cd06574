"""The client side of the training contract (``docs/protocol.md``, "The training contract" and
"Feature scaling"), for clients that train on local arrays.

:func:`settings` reads the training keys of a fit task (``lr``, ``local_epochs``, ``batch_size``,
``optimizer``, ``momentum``, ``weight_decay``) with the contract's defaults. :class:`LocalDataClient`
is a :class:`~lianbang.Client` over raw local features that does what ``lianbang client`` does
around its training: it answers the statistics tasks of ``normalize: federated`` itself, scales
the features as each task says (``none``, ``local`` or ``federated``), evaluates on held-out data
if it has any (metric ``held_out``), reports ``train_loss`` and ``initial_loss`` when asked;
a subclass supplies only :meth:`~LocalDataClient.train` and :meth:`~LocalDataClient.test`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Optional, Tuple

import numpy as np

from .client import Client, ConfigValue, EvaluateReturn, FitReturn

__all__ = ["Settings", "settings", "Scaler", "fit_scaler", "scaling_mode", "federated_scaler", "is_statistics_task",
           "statistics", "LocalDataClient", "UNSUPPORTED_KEYS"]

#: Keys of the contract whose training :class:`LocalDataClient` does not implement; a task that asks
#: for them (a true or non-zero value) fails with a ``TaskError`` instead of being trained wrongly.
UNSUPPORTED_KEYS = ("proximal_mu", "scaffold", "dp_mode", "dp_clip")

_ABBREVIATE = 80


def _quote(value) -> str:
    text = str(value)
    return repr(text if len(text) <= _ABBREVIATE else text[:_ABBREVIATE - 3] + "...")


@dataclass(frozen=True)
class Settings:
    """The training settings of a fit task (contract defaults in brackets).

    Attributes:
        local_epochs: passes over the local training data [1].
        batch_size: examples per optimizer step, the last smaller batch kept [32].
        optimizer: ``"sgd"`` (PyTorch ``SGD``, dampening 0) or ``"adam"`` (β = (0.9, 0.999), ε = 1e-8) [sgd].
        lr: the learning rate [0.01].
        momentum: SGD momentum, ignored by Adam [0].
        weight_decay: L2 penalty added to the gradient, ``g + wd·w`` [0].
    """

    local_epochs: int = 1
    batch_size: int = 32
    optimizer: str = "sgd"
    lr: float = 0.01
    momentum: float = 0.0
    weight_decay: float = 0.0


def _int(config: Mapping[str, ConfigValue], key: str, default: int) -> int:
    v = config.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise ValueError(f"config {key} must be an integer >= 1, got {_quote(v)}")
    return v


def _float(config: Mapping[str, ConfigValue], key: str, default: float, ok: Callable[[float], bool], expected: str) -> float:
    v = config.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not ok(float(v)):
        raise ValueError(f"config {key} must be {expected}, got {_quote(v)}")
    return float(v)


def settings(config: Mapping[str, ConfigValue]) -> Settings:
    """The training settings of a fit task's ``config``, absent keys taking the contract's defaults.

    Raises:
        ValueError: naming the key and the value if a value is out of its range, or the task asks
            for training this helper does not implement (:data:`UNSUPPORTED_KEYS`).
    """
    for key in UNSUPPORTED_KEYS:
        v = config.get(key)
        if v is not None and v is not False and v != 0:
            raise ValueError(f"config {key} {_quote(v)} asks for training this client does not implement")
    optimizer = config.get("optimizer", "sgd")
    if not isinstance(optimizer, str) or optimizer.lower() not in ("sgd", "adam"):
        raise ValueError(f"config optimizer must be sgd or adam, got {_quote(optimizer)}")
    return Settings(
        local_epochs=_int(config, "local_epochs", 1),
        batch_size=_int(config, "batch_size", 32),
        optimizer=optimizer.lower(),
        lr=_float(config, "lr", 0.01, lambda x: x > 0, "a number > 0"),
        momentum=_float(config, "momentum", 0.0, lambda x: 0 <= x < 1, "a number in [0, 1)"),
        weight_decay=_float(config, "weight_decay", 0.0, lambda x: x >= 0, "a number >= 0"))


@dataclass(frozen=True)
class Scaler:
    """Per-feature standardisation ``(x − mean) / std`` in float32, as the engine's ``Standardizer``."""

    mean: np.ndarray
    std: np.ndarray

    def transform(self, x: np.ndarray) -> np.ndarray:
        """``x`` ``[n, features]`` standardised, float32."""
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != len(self.mean):
            raise ValueError(f"the scaler has {len(self.mean)} features, the data has shape {list(x.shape)}")
        return (x - self.mean) / self.std


def fit_scaler(x: np.ndarray) -> Scaler:
    """The mean and population standard deviation of every feature of ``x`` (``normalize: local``);
    a feature of deviation 0 is divided by 1 (``Standardizer.fit``)."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"a scaler needs examples [n >= 1, features], got shape {list(x.shape)}")
    m = x.astype(np.float64).mean(axis=0)
    s = np.sqrt(((x.astype(np.float64) - m) ** 2).mean(axis=0))
    std = s.astype(np.float32)
    std[s == 0] = 1
    return Scaler(m.astype(np.float32), std)


def scaling_mode(config: Mapping[str, ConfigValue]) -> str:
    """The task's ``normalize``: ``"none"`` (also when absent), ``"local"`` or ``"federated"``.

    Raises:
        ValueError: naming the key and the value if it is another word.
    """
    v = config.get("normalize", "none")
    mode = v.strip().lower() if isinstance(v, str) else None
    if mode not in ("none", "local", "federated"):
        raise ValueError(f"config normalize must be federated, local or none, got {_quote(v)}")
    return mode


def _numbers(config: Mapping[str, ConfigValue], key: str, features: int) -> np.ndarray:
    text = config.get(key)
    if not isinstance(text, str):
        raise ValueError(f"config {key} is missing, and normalize is federated" if text is None
                         else f"config {key} must be comma-separated numbers, got {_quote(text)}")
    parts = text.split(",", features)  # at most features + 1 parts, whatever the value's length
    if len(parts) != features:
        raise ValueError(f"config {key} must hold {features} comma-separated numbers (one per local feature), got "
                         f"{'more' if len(parts) > features else len(parts)}: {_quote(text)}")
    try:
        return np.array([float(p) for p in parts], dtype=np.float32)
    except ValueError:
        raise ValueError(f"config {key} holds a value that is not a number: {_quote(text)}") from None


def federated_scaler(config: Mapping[str, ConfigValue], features: int) -> Scaler:
    """The federation's scaler in ``normalize_mean`` and ``normalize_std``.

    Raises:
        ValueError: naming the key and the (abbreviated) value if one is missing, has another
            number of values, or holds a mean that is not finite or a divisor that is not finite and > 0.
    """
    mean = _numbers(config, "normalize_mean", features)
    std = _numbers(config, "normalize_std", features)
    for j in range(features):
        if not math.isfinite(mean[j]):
            raise ValueError(f"config normalize_mean value {j} must be finite, got {mean[j]}")
        if not (math.isfinite(std[j]) and std[j] > 0):
            raise ValueError(f"config normalize_std value {j} must be finite and > 0, got {std[j]}")
    return Scaler(mean, std)


def is_statistics_task(config: Mapping[str, ConfigValue]) -> bool:
    """True for the statistics tasks of ``normalize: federated`` (``normalize_statistics: true``)."""
    return config.get("normalize_statistics") is True


def statistics(parameters: List[np.ndarray], config: Mapping[str, ConfigValue], x: np.ndarray) -> FitReturn:
    """The answer to a statistics task on the raw training features ``x``: per-feature ``E[z]`` and
    ``E[z²]`` as the two tensors, ``z`` being ``x`` scaled with the task's ``normalize_mean`` and
    ``normalize_std`` if it carries them, and the number of examples as the weight.

    Raises:
        ValueError: if the parameters are not two tensors of ``x``'s features, the scaler is
            invalid, or a value lies outside ``normalize_bound``.
    """
    x = np.asarray(x, dtype=np.float32)
    f = x.shape[1]
    if len(parameters) != 2 or any(np.shape(p) != (f,) for p in parameters):
        raise ValueError(f"statistics task parameters must be two tensors of the {f} local features, got shapes "
                         f"{_quote([list(np.shape(p)) for p in parameters[:4]])}")
    z = federated_scaler(config, f).transform(x) if "normalize_mean" in config else x
    z64 = z.astype(np.float64)
    mean = (z64.sum(axis=0) / len(z)).astype(np.float32)
    mean_square = ((z64 * z64).sum(axis=0) / len(z)).astype(np.float32)
    bound = config.get("normalize_bound", math.inf)
    for j in range(f):
        if not (abs(mean[j]) <= bound and mean_square[j] <= bound):
            raise ValueError(f"feature {j}: mean {mean[j]} or mean of squares {mean_square[j]} exceeds normalize_bound "
                             f"{bound} (the range secure aggregation sums); rescale the data or use local scaling")
    return [mean, mean_square], len(z), {}


class LocalDataClient(Client):
    """A client over raw local data that follows the training contract as ``lianbang client``
    does; subclasses implement :meth:`train` and :meth:`test` on features already scaled.

    Args:
        x, y: the training examples, features ``[n, features]`` unscaled, and labels or targets.
        validation: held-out ``(x, y)`` for evaluation tasks; ``None`` evaluates on the training data.
        log: told, in words, how the features are scaled whenever that changes (e.g. ``print``).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, validation: Optional[Tuple[np.ndarray, np.ndarray]] = None,
                 log: Optional[Callable[[str], None]] = None):
        self.x = np.asarray(x, dtype=np.float32)
        self.y = np.asarray(y)
        if self.x.ndim != 2 or len(self.x) == 0 or len(self.x) != len(self.y):
            raise ValueError(f"training data: expected features [n >= 1, features] and n labels, got shapes "
                             f"{list(self.x.shape)} and {list(self.y.shape)}")
        self.validation = None if validation is None else (np.asarray(validation[0], dtype=np.float32), np.asarray(validation[1]))
        self.log = log or (lambda message: None)
        self.statistics_tasks = 0
        self._scaling: Optional[tuple] = None
        self._scaled: Tuple[np.ndarray, np.ndarray] = (self.x, self.x)

    def train(self, parameters: List[np.ndarray], x: np.ndarray, y: np.ndarray, settings: Settings,
              seed: int) -> Tuple[List[np.ndarray], float, int]:
        """Trains from ``parameters`` on ``x`` (scaled), ``y`` with ``settings``; ``seed`` for every
        random choice. Returns the trained parameters, the mean training loss and the optimizer steps taken."""
        raise NotImplementedError(f"{type(self).__name__} does not implement train")

    def test(self, parameters: List[np.ndarray], x: np.ndarray, y: np.ndarray) -> Tuple[float, Dict[str, float]]:
        """The mean loss of ``parameters`` on ``x`` (scaled), ``y`` and metrics such as ``accuracy``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement test")

    def scaled(self, config: Mapping[str, ConfigValue]) -> Tuple[np.ndarray, np.ndarray]:
        """The training and the evaluation features scaled as ``config`` says (kept while it stays the same)."""
        mode = scaling_mode(config)
        key = (mode, config.get("normalize_mean"), config.get("normalize_std")) if mode == "federated" else (mode,)
        if key != self._scaling:
            scaler = None if mode == "none" else fit_scaler(self.x) if mode == "local" else federated_scaler(config, self.x.shape[1])
            train = self.x if scaler is None else scaler.transform(self.x)
            held_out = self.validation[0] if self.validation is not None else None
            evaluation = train if held_out is None else held_out if scaler is None else scaler.transform(held_out)
            self._scaled = (train, evaluation)
            self._scaling = key
            self.log({"none": "features used as they are (not standardised)",
                      "local": "features standardised with this client's own statistics (local)",
                      "federated": "features standardised with the federation's statistics (federated)"}[mode])
        return self._scaled

    def fit(self, parameters: List[np.ndarray], config: Dict[str, ConfigValue]) -> FitReturn:
        if is_statistics_task(config):
            answer = statistics(parameters, config, self.x)
            self.statistics_tasks += 1
            return answer
        s = settings(config)
        x, _ = self.scaled(config)
        metrics: Dict[str, float] = {}
        if config.get("initial_loss") is True:
            metrics["initial_loss"] = float(self.test(parameters, x, self.y)[0])
        seed = self.task.seed if self.task is not None else 0
        trained, loss, steps = self.train(parameters, x, self.y, s, seed)
        metrics["train_loss"] = float(loss)
        metrics["local_steps"] = float(steps)
        return trained, len(x), metrics

    def evaluate(self, parameters: List[np.ndarray], config: Dict[str, ConfigValue]) -> EvaluateReturn:
        _, x = self.scaled(config)
        y = self.y if self.validation is None else self.validation[1]
        loss, metrics = self.test(parameters, x, y)
        return float(loss), len(x), {**metrics, "held_out": 0.0 if self.validation is None else 1.0}
