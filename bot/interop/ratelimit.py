"""At most so many calls per key in a sliding window; beyond, how long to wait."""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

# A MaaS searching for its users calls often; a runaway loop calls far more.
CALLS_PER_MINUTE = 120


class RateLimit:
    """Counted in the process's memory: with several workers (bot/workers.py) a partner's
    calls spread over them may reach WORKERS times the limit. Harmless: the limit only
    stops a runaway loop, which it still does; a partner is no person to be kept waiting."""

    def __init__(self, calls: int = CALLS_PER_MINUTE, window: timedelta = timedelta(minutes=1)):
        self.calls = calls
        self.window = window
        self._seen: dict[str, deque[datetime]] = {}

    def check(self, key: str, now: datetime) -> int | None:
        """None if the call may go on (and it is counted); else seconds to wait."""
        if len(self._seen) > 10_000:  # callers by address come and go: forget the idle ones
            self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] < self.window}
        seen = self._seen.setdefault(key, deque())
        while seen and now - seen[0] >= self.window:
            seen.popleft()
        if len(seen) >= self.calls:
            return max(1, math.ceil((seen[0] + self.window - now).total_seconds()))
        seen.append(now)
        return None
