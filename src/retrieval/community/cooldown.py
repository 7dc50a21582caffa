"""A server's cooldown: the least time one member waits between two questions there."""

from __future__ import annotations

import time
from collections.abc import Callable

from .settings import COOLDOWN_MAX_S

# Past this many remembered askers, the ones whose cooldown has long passed are forgotten.
_PRUNE_AT = 10_000


class Cooldowns:
    """Per (server, member): when they last asked. In memory: a restart forgives everyone."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: dict[tuple[int, int], float] = {}

    def retry_after(self, guild_id: int, user_id: int, seconds: float) -> float:
        """Seconds until this member may ask again (0: now, and the question counts from now)."""
        if seconds <= 0:
            return 0.0
        now = self._clock()
        key = (guild_id, user_id)
        last = self._last.get(key)
        if last is not None and now - last < seconds:
            return seconds - (now - last)
        self._last[key] = now
        if len(self._last) > _PRUNE_AT:
            self._last = {k: t for k, t in self._last.items() if now - t < COOLDOWN_MAX_S}
        return 0.0
