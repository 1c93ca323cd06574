"""The retry policy of a client: exponential backoff with jitter, giving up once the server has
been unreachable for too long (as the Java client's ``Backoff``)."""

from __future__ import annotations

import random
import time
from typing import Callable, Optional

from .errors import UnreachableError


class Backoff:
    """From ``initial`` seconds doubling up to ``maximum``; each wait is drawn between half and all
    of the current backoff. Not thread-safe: one per run loop."""

    def __init__(self, initial: float, maximum: float, give_up_after: float,
                 clock: Callable[[], float] = time.monotonic, rng: Optional[random.Random] = None) -> None:
        self._initial = initial
        self._maximum = maximum
        self._give_up_after = give_up_after
        self._clock = clock
        self._rng = rng or random.Random()
        self._backoff = initial
        self._unreachable_since: Optional[float] = None

    def reachable(self) -> None:
        """The server answered: the next failure starts a new outage with the initial backoff."""
        self._unreachable_since = None
        self._backoff = self._initial

    def next(self, what: str, code: Optional[str] = None) -> float:
        """The seconds to wait before retrying after a failure described by ``what``; doubles the
        backoff for the next failure.

        Raises:
            UnreachableError: the server has been unreachable for ``give_up_after`` or longer.
        """
        now = self._clock()
        if self._unreachable_since is None:
            self._unreachable_since = now
        down = now - self._unreachable_since
        if down >= self._give_up_after:
            raise UnreachableError(code, None, f"the server stayed unreachable for {down:.1f} s: {what}")
        current = min(self._backoff, self._maximum)
        self._backoff = min(self._backoff * 2, self._maximum)
        return current / 2 + self._rng.uniform(0, current / 2)
