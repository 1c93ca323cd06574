"""What a client keeps between tasks of one run for compressed transfers, as the Java client's
``CompressionState``: the start model of its last fit task (reported as ``held_round``, the base of
delta downloads) and the :class:`~lianbang.codecs.UpdateEncoder` with its error-feedback residuals.
It belongs to the client, not to a session, so it survives registering again in the same run; it
is reset when the run id changes."""

from __future__ import annotations

from typing import List, Optional, Sequence

import numpy as np

from .codecs import Codec, UpdateEncoder


class CompressionState:
    """The held start and the update encoder of one run. Not thread-safe (the task loop owns it)."""

    def __init__(self) -> None:
        self._run_id: Optional[str] = None
        self._held_round = 0
        self._held_start: Optional[List[np.ndarray]] = None
        self._encoder: Optional[UpdateEncoder] = None

    def enter(self, run_id: str) -> bool:
        """Enters run ``run_id``; if it is another run than before, forgets the held start and the
        residuals and returns True."""
        if self._run_id == run_id:
            return False
        self._run_id = run_id
        self._held_round = 0
        self._held_start = None
        self._encoder = None
        return True

    @property
    def held_round(self) -> int:
        """The round whose fit-task start this client holds, 0 for none."""
        return self._held_round

    def start(self, round_: int) -> Optional[List[np.ndarray]]:
        """The start of fit round ``round_`` if this client holds it, else None."""
        return self._held_start if round_ > 0 and round_ == self._held_round else None

    def hold(self, round_: int, start: Sequence[np.ndarray]) -> None:
        """Holds ``start``, the model fit round ``round_`` starts from."""
        self._held_round = round_
        self._held_start = list(start)

    def encoder(self, codec: Codec, error_feedback: bool) -> UpdateEncoder:
        """The encoder of updates in ``codec``: the current one if it encodes as asked, else a new one (no residuals)."""
        if self._encoder is None or not self._encoder.matches(codec, error_feedback):
            self._encoder = UpdateEncoder(codec, error_feedback)
        return self._encoder

    def residual(self, t: int, length: int) -> np.ndarray:
        """The error-feedback residual of tensor ``t`` (zeros if there is none)."""
        return np.zeros(length, dtype=np.float32) if self._encoder is None else self._encoder.residual(t, length)
